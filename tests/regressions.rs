//! Regression tests for what fuzzing and the security review of issue 6 found. Each test names
//! the fuzz target or review item and keeps the input that broke groot (inline, or a small file
//! under `tests/regressions/`). See docs/reliability.md and SECURITY.md.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use groot::dist::extract::{extract, ExtractError, Format};
use support::*;

/// Extracts a gzipped raw tar into `<base>/x/y/staging` and returns the result.
fn extract_tar(base: &Path, entries: &[RawEntry]) -> Result<(), ExtractError> {
    let dest = base.join("x/y/staging");
    std::fs::create_dir_all(&dest).unwrap();
    let archive = base.join("a.tar.gz");
    std::fs::write(&archive, gzip(&raw_tar(entries))).unwrap();
    extract(&archive, Format::TarGz, &dest).map(|_| ())
}

/// Security review: a symlink entry replaces an earlier regular file, then a hard link names
/// that path. The hard link used to be accepted (the path was still remembered as a regular
/// file) and `link(2)` then copied the *symlink*, checked for its own directory, into another
/// directory where its `../..` climbed out of staging; a later entry wrote through it.
#[test]
fn hard_link_to_a_file_replaced_by_a_symlink_is_refused() {
    let base = tempfile::tempdir().unwrap();
    let mut entries = minimal_go("1.22.10");
    entries.extend([
        RawEntry::file("go/a/b/c/f", b"plain"),
        // From go/a/b/c, `../../..` is the staging root: accepted.
        RawEntry::symlink("go/a/b/c/f", "../../.."),
        // The same link at the top climbs three levels above staging.
        RawEntry::hardlink("go/h", "go/a/b/c/f"),
        RawEntry::file("go/h/evil", b"written outside staging"),
    ]);
    let result = extract_tar(base.path(), &entries);
    assert!(
        !base.path().join("evil").exists(),
        "an archive wrote outside its staging directory"
    );
    let err = result.expect_err("the archive must be refused");
    assert!(
        matches!(err, ExtractError::Unsafe { .. }),
        "refused as unsafe, not as {err:?}"
    );
}

/// Installs the minimal Go tree as a local archive into `home`.
#[cfg(unix)]
fn install_minimal(base: &Path, home: &Path) {
    use groot::dist::install::{self, InstallOptions};
    let archive = base.join("go1.22.10.linux-amd64.tar.gz");
    std::fs::write(&archive, gzip(&raw_tar(&minimal_go("1.22.10")))).unwrap();
    let sha = sha256_of(&archive);
    let settings = settings(home, "file:///nonexistent", None);
    install::install_archive(
        &settings,
        &archive,
        None,
        Some(&sha),
        &InstallOptions::default(),
        &groot::dist::Silent,
    )
    .unwrap();
}

/// Security review: uninstall never follows a symlink out of groot's directory, whether the
/// link sits inside a toolchain or replaces the toolchain directory itself.
#[cfg(unix)]
#[test]
fn uninstall_removes_links_never_what_they_point_to() {
    use groot::dist::{Silent, Store};
    use std::os::unix::fs::symlink;
    let base = tempfile::tempdir().unwrap();
    let home = base.path().join("home");
    let outside = base.path().join("precious");
    std::fs::create_dir_all(outside.join("sub")).unwrap();
    std::fs::write(outside.join("sub/file"), b"keep me").unwrap();
    install_minimal(base.path(), &home);
    let store = Store::new(home.clone());
    let root = home.join("toolchains/go1.22.10");
    // A link planted inside the tree (by hand, another tool, or an attacker).
    symlink(&outside, root.join("evil")).unwrap();
    symlink(outside.join("sub/file"), root.join("bin/evil-file")).unwrap();
    store.uninstall("go1.22.10", &Silent).unwrap();
    assert!(!root.exists());
    // The toolchain directory itself is a link to a directory elsewhere.
    symlink(&outside, home.join("toolchains/go1.23.0")).unwrap();
    let _ = store.uninstall("go1.23.0", &Silent);
    assert!(!home.join("toolchains/go1.23.0").exists());
    assert_eq!(std::fs::read(outside.join("sub/file")).unwrap(), b"keep me");
    // Names that are not one plain path component are refused before anything is touched.
    for bad in ["../precious", "/tmp", "a/b", ".", ".."] {
        assert!(store.uninstall(bad, &Silent).is_err(), "{bad}");
    }
    assert!(outside.join("sub/file").is_file());
}

/// Paths under `dir` that other users may write (the o+w bit), symlinks left out.
#[cfg(unix)]
fn world_writable(dir: &Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        if meta.file_type().is_symlink() {
            continue;
        }
        if meta.permissions().mode() & 0o002 != 0 {
            out.push(e.path().display().to_string());
        }
        if meta.is_dir() {
            out.extend(world_writable(&e.path()));
        }
    }
    out
}

/// Security review: with a umask of 000 (some containers, CI images and shared accounts), an
/// install used to create every directory of the toolchain 0777: anyone on the machine could
/// plant a tool in `pkg/tool` or replace `bin/go`'s neighbours. Directories are now 0755 and
/// lock files 0644 whatever the umask.
#[cfg(unix)]
#[test]
fn an_install_under_umask_000_is_not_world_writable() {
    let base = tempfile::tempdir().unwrap();
    let home = base.path().join("home");
    let archive = base.path().join("go1.22.10.linux-amd64.tar.gz");
    let mut entries = minimal_go("1.22.10");
    entries.extend([
        RawEntry::dir("go/pkg/"),
        RawEntry::file("go/pkg/tool/linux_amd64/compile", b"x"),
        RawEntry::file("go/src/fmt/print.go", b"package fmt\n"),
    ]);
    std::fs::write(&archive, gzip(&raw_tar(&entries))).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(std::path::PathBuf::from(env!("CARGO_BIN_EXE_groot")))
        .args(["install", "--from-archive"])
        .arg(&archive)
        .args(["--sha256", &sha256_of(&archive)])
        .env_clear()
        .env("GROOT_HOME", &home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(home.join("toolchains/go1.22.10/bin/go").is_file());
    assert_eq!(world_writable(&home), Vec::<String>::new());
}
