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
