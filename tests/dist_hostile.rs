//! Hostile archives: every one is refused, nothing is written outside staging, nothing is
//! installed, even when the archive's hash is the expected one.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use groot::dist::extract::ExtractError;
use groot::dist::install::{self, InstallError, InstallOptions};
use groot::dist::Silent;
use support::*;

/// Every file or link under `dir` whose name contains "evil".
fn evil_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let path = e.path();
        if e.file_name().to_string_lossy().contains("evil") {
            out.push(path.clone());
        }
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            out.extend(evil_files(&path));
        }
    }
    out
}

/// Installs the archive at `archive` into `home`, giving its own sha256 as the expected one (a
/// hostile archive that an index vouches for).
fn install_vouched(home: &Path, archive: &Path) -> Result<install::Installed, InstallError> {
    install::install_archive(
        &settings(home, "file:///nonexistent", None),
        archive,
        None,
        Some(&sha256_of(archive)),
        &InstallOptions::default(),
        &Silent,
    )
}

/// Installs `tar` (gzipped) as a local archive whose hash is given as the expected one.
fn install_hostile(name: &str, tar: &[u8]) -> (tempfile::TempDir, Result<(), InstallError>) {
    let base = tempfile::tempdir().unwrap();
    let home = base.path().join("a/b/home");
    let archive = base
        .path()
        .join(format!("go1.22.10.linux-amd64-{name}.tar.gz"));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(&archive, gzip(tar)).unwrap();
    let result = install_vouched(&home, &archive).map(|_| ());
    assert_nothing_installed(&home);
    (base, result)
}

fn with_go(extra: Vec<RawEntry>) -> Vec<u8> {
    let mut entries = minimal_go("1.22.10");
    entries.extend(extra);
    raw_tar(&entries)
}

fn assert_refused(name: &str, extra: Vec<RawEntry>, reason: &str) {
    let (base, result) = install_hostile(name, &with_go(extra));
    let err = result.expect_err(name);
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            InstallError::Extract(ExtractError::Unsafe { .. } | ExtractError::SpecialFile { .. })
        ),
        "{name}: {err:?}"
    );
    assert!(msg.contains(reason), "{name}: {msg}");
    assert!(msg.starts_with("refusing archive entry `"), "{name}: {msg}");
    assert_eq!(evil_files(base.path()), Vec::<PathBuf>::new(), "{name}");
}

#[test]
fn parent_components_are_refused() {
    assert_refused(
        "dotdot",
        vec![RawEntry::file("go/../../../evil", b"x")],
        "parent directory",
    );
    assert_refused(
        "leading",
        vec![RawEntry::file("../evil", b"x")],
        "parent directory",
    );
    assert_refused(
        "middle",
        vec![RawEntry::file("go/src/../../evil", b"x")],
        "parent directory",
    );
}

#[test]
fn absolute_names_are_refused() {
    let target = std::env::temp_dir().join(format!("groot-evil-{}", std::process::id()));
    let name = target.to_string_lossy().into_owned();
    assert_refused(
        "absolute",
        vec![RawEntry::file(&name, b"x")],
        "absolute path",
    );
    assert!(!target.exists());
}

#[test]
fn names_outside_go_and_odd_characters_are_refused() {
    assert_refused(
        "outside",
        vec![RawEntry::file("evil/x", b"x")],
        "outside the top-level go/",
    );
    assert_refused(
        "backslash",
        vec![RawEntry::file("go\\..\\..\\evil", b"x")],
        "backslash",
    );
    assert_refused("colon", vec![RawEntry::file("go/C:evil", b"x")], "colon");
    assert_refused(
        "newline",
        vec![RawEntry::file("go/evil\nx", b"x")],
        "control characters",
    );
}

#[test]
fn symlink_escapes_are_refused() {
    assert_refused(
        "abs-link",
        vec![RawEntry::symlink("go/evil", "/etc")],
        "absolute",
    );
    assert_refused(
        "up-link",
        vec![RawEntry::symlink("go/bin/evil", "../../..")],
        "outside",
    );
    // A link inside the tree, then a file written through it: refused before writing.
    assert_refused(
        "through-link",
        vec![
            RawEntry::symlink("go/inner", "bin"),
            RawEntry::file("go/inner/evil", b"x"),
        ],
        "passes through a symlink",
    );
    // A link whose target only escapes once a later link exists.
    assert_refused(
        "late-link",
        vec![
            RawEntry::symlink("go/d/l1", "x/../.."),
            RawEntry::symlink("go/d/x", ".."),
        ],
        "earlier symlink",
    );
    assert_refused(
        "chained-link",
        vec![
            RawEntry::symlink("go/x/up", ".."),
            RawEntry::symlink("go/evil", "x/up/.."),
        ],
        "through another symlink",
    );
}

#[test]
fn hardlink_escapes_are_refused() {
    assert_refused(
        "hard-abs",
        vec![RawEntry::hardlink("go/evil", "/etc/passwd")],
        "absolute",
    );
    assert_refused(
        "hard-up",
        vec![RawEntry::hardlink("go/evil", "go/../../x")],
        "parent",
    );
    assert_refused(
        "hard-missing",
        vec![RawEntry::hardlink("go/evil", "go/not-there")],
        "earlier regular file",
    );
}

#[test]
fn device_files_and_fifos_are_refused() {
    assert_refused(
        "chardev",
        vec![RawEntry::special("go/evil", b'3')],
        "special file",
    );
    assert_refused(
        "blockdev",
        vec![RawEntry::special("go/evil", b'4')],
        "special file",
    );
    assert_refused(
        "fifo",
        vec![RawEntry::special("go/evil", b'6')],
        "special file",
    );
}

#[test]
fn truncated_and_corrupt_gzip_is_refused() {
    let tar = with_go(vec![RawEntry::file("go/src/big.go", &vec![b'a'; 300_000])]);
    let gz = gzip(&tar);
    for (name, bytes) in [
        ("truncated", gz[..gz.len() / 2].to_vec()),
        ("no-trailer", gz[..gz.len() - 4].to_vec()),
        ("not-gzip", b"this is not gzip at all".to_vec()),
    ] {
        let base = tempfile::tempdir().unwrap();
        let home = base.path().join("home");
        let archive = base.path().join("go1.22.10.linux-amd64.tar.gz");
        std::fs::write(&archive, &bytes).unwrap();
        let err = install_vouched(&home, &archive).expect_err(name);
        assert!(
            matches!(err, InstallError::Extract(ExtractError::Corrupt { .. })),
            "{name}: {err:?}"
        );
        assert!(err.to_string().ends_with("is damaged"), "{name}: {err}");
        assert_nothing_installed(&home);
    }
}

#[test]
fn a_tree_that_is_not_go_is_refused() {
    let (_base, result) = install_hostile(
        "not-go",
        &raw_tar(&[RawEntry::dir("go/"), RawEntry::file("go/README", b"hi")]),
    );
    assert!(
        matches!(result, Err(InstallError::NotAGoTree(_))),
        "{result:?}"
    );
}

#[test]
fn the_well_formed_minimal_archive_installs() {
    // The control for the tests above: the same builder, nothing hostile, installs.
    let base = tempfile::tempdir().unwrap();
    let home = base.path().join("home");
    let archive = base.path().join("go1.22.10.linux-amd64.tar.gz");
    std::fs::write(
        &archive,
        gzip(&with_go(vec![
            RawEntry::symlink("go/bin/gofmt", "go"),
            RawEntry::hardlink("go/bin/go2", "go/bin/go"),
        ])),
    )
    .unwrap();
    let done = install_vouched(&home, &archive).unwrap();
    let root = done.toolchain.root;
    assert_eq!(
        std::fs::read_link(root.join("bin/gofmt")).unwrap(),
        Path::new("go")
    );
    assert_eq!(
        std::fs::read(root.join("bin/go2")).unwrap(),
        b"#!/bin/sh\necho fake go\n"
    );
    let report = groot::dist::Store::new(home).verify("go1.22.10").unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
}

/// A zip (the Windows format) with the given `(name, data)` entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o755);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn zip_archives_install_and_hostile_zip_names_are_refused() {
    let base = tempfile::tempdir().unwrap();
    let home = base.path().join("a/home");
    let install_zip = |name: &str, bytes: Vec<u8>| {
        let archive = base.path().join(name);
        std::fs::write(&archive, bytes).unwrap();
        install_vouched(&home, &archive)
    };
    for (i, evil) in [
        "go/../../evil",
        "/tmp/evil-zip",
        "go\\..\\..\\evil",
        "go/C:evil",
    ]
    .iter()
    .enumerate()
    {
        let zip = zip_of(&[
            ("go/VERSION", b"go1.22.10\n"),
            ("go/bin/go.exe", b"MZ"),
            (evil, b"x"),
        ]);
        let err = install_zip(&format!("go1.22.10.windows-amd64-{i}.zip"), zip).unwrap_err();
        assert!(
            matches!(err, InstallError::Extract(ExtractError::Unsafe { .. })),
            "{evil}: {err:?}"
        );
        assert_nothing_installed(&home);
    }
    assert_eq!(evil_files(base.path()), Vec::<PathBuf>::new());
    assert!(!Path::new("/tmp/evil-zip").exists());

    let good = zip_of(&[
        ("go/VERSION", b"go1.22.10\ntime x\n"),
        ("go/bin/go.exe", b"MZ"),
        ("go/src/a.go", b"package a\n"),
    ]);
    let done = install_zip("go1.22.10.windows-amd64.zip", good).unwrap();
    // Installed for Windows on a Linux host: the name says so.
    assert_eq!(done.toolchain.name, "go1.22.10-windows-amd64");
    assert_eq!(
        std::fs::read(done.toolchain.root.join("src/a.go")).unwrap(),
        b"package a\n"
    );
}
