//! Archive extraction (tar.gz and zip, as downloaded from a server or mirror): whatever the
//! bytes, extraction returns a manifest or an error, and nothing lands outside the staging
//! directory: every path written is below it and every symlink it leaves resolves inside it.
//!
//! Input: a mode byte, then the archive. Mode 0: a tar.gz as is; 1: a plain tar that this
//! target gzips first (so that mutations reach the tar layer past the CRC); 2: a zip.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use groot::dist::extract::{extract, Format};

fn sandbox() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = Path::new("/dev/shm");
        let mut b = tempfile::Builder::new();
        b.prefix("groot-fuzz-extract-");
        if base.is_dir() {
            b.tempdir_in(base)
        } else {
            b.tempdir()
        }
        .expect("sandbox")
    })
    .path()
}

/// Lexically resolves `target` relative to `link_dir` (both relative to the root); `None`
/// when it climbs above the root or is absolute.
fn resolve_inside(link_dir: &Path, target: &Path) -> Option<PathBuf> {
    let mut stack: Vec<_> = link_dir.components().collect();
    for c in target.components() {
        match c {
            Component::Normal(_) => stack.push(c),
            Component::CurDir => {}
            Component::ParentDir => {
                stack.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(stack.iter().collect())
}

/// Every symlink under `root` resolves inside `root`, following chains of links.
fn check_tree(root: &Path, dir: &Path) {
    for entry in fs::read_dir(root.join(dir)).expect("read_dir").flatten() {
        let rel = dir.join(entry.file_name());
        let meta = fs::symlink_metadata(entry.path()).expect("meta");
        if meta.file_type().is_symlink() {
            let target = fs::read_link(entry.path()).expect("read_link");
            assert!(
                resolve_inside(dir, &target).is_some(),
                "symlink {} -> {} leaves the staging directory",
                rel.display(),
                target.display()
            );
        } else if meta.is_dir() {
            check_tree(root, &rel);
        }
    }
}

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let sandbox = sandbox();
    let archive = sandbox.join("archive");
    let dest = sandbox.join("dest");
    let _ = fs::remove_dir_all(&dest);
    fs::create_dir(&dest).expect("dest");
    let format = match mode % 3 {
        0 => {
            fs::write(&archive, body).expect("write");
            Format::TarGz
        }
        1 => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(body).expect("gzip");
            fs::write(&archive, gz.finish().expect("gzip")).expect("write");
            Format::TarGz
        }
        _ => {
            fs::write(&archive, body).expect("write");
            Format::Zip
        }
    };
    let result = extract(&archive, format, &dest);
    // Nothing next to the staging directory: only the archive and dest itself.
    let mut names: Vec<_> = fs::read_dir(sandbox)
        .expect("read sandbox")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["archive", "dest"],
        "something was written next to staging"
    );
    check_tree(&dest, Path::new(""));
    if let Ok(manifest) = result {
        for path in manifest.entries.keys() {
            assert!(
                !path.starts_with('/') && !path.split('/').any(|p| p == ".."),
                "{path}"
            );
            assert!(
                fs::symlink_metadata(dest.join(path)).is_ok(),
                "{path} missing"
            );
        }
    }
    fs::remove_dir_all(&dest).expect("clean");
}
