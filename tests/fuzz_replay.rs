//! Replays the fuzz corpora through the fuzz targets' own checks (`fuzz/checks/*.rs`, shared
//! with `fuzz/fuzz_targets/*.rs`) under plain `cargo test`: every seed in `fuzz/seeds/<target>/`
//! and every input that once broke groot, kept in `tests/regressions/<target>/`. So a crash
//! found by fuzzing stays a test without cargo-fuzz or a nightly compiler.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};

#[path = "../fuzz/checks/buildinfo.rs"]
mod buildinfo;
#[path = "../fuzz/checks/capped_read.rs"]
mod capped_read;
#[path = "../fuzz/checks/edit.rs"]
mod edit;
#[path = "../fuzz/checks/envfile.rs"]
mod envfile;
#[path = "../fuzz/checks/extract.rs"]
mod extract;
#[path = "../fuzz/checks/gomod.rs"]
mod gomod;
#[path = "../fuzz/checks/release_index.rs"]
mod release_index;
#[path = "../fuzz/checks/startup_fish.rs"]
mod startup_fish;
#[path = "../fuzz/checks/startup_sh.rs"]
mod startup_sh;
#[path = "../fuzz/checks/version.rs"]
mod version;
#[path = "../fuzz/checks/vulndb_osv.rs"]
mod vulndb_osv;

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        root.join("fuzz/seeds").join(target),
        root.join("tests/regressions").join(target),
    ] {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            files.extend(rd.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no seeds for {target}");
    let mut failed = Vec::new();
    for f in &files {
        let data = std::fs::read(f).expect("read input");
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(f.display().to_string());
        }
    }
    eprintln!("{target}: {} inputs replayed", files.len());
    assert!(failed.is_empty(), "{target}: checks failed on {failed:#?}");
}

#[test]
fn replay_buildinfo() {
    replay("buildinfo", buildinfo::run);
}

#[test]
fn replay_capped_read() {
    replay("capped_read", capped_read::run);
}

#[test]
fn replay_edit() {
    replay("edit", edit::run);
}

#[test]
fn replay_envfile() {
    replay("envfile", envfile::run);
}

#[test]
fn replay_extract() {
    replay("extract", extract::run);
}

#[test]
fn replay_gomod() {
    replay("gomod", gomod::run);
}

#[test]
fn replay_release_index() {
    replay("release_index", release_index::run);
}

#[test]
fn replay_startup_fish() {
    replay("startup_fish", startup_fish::run);
}

#[test]
fn replay_startup_sh() {
    replay("startup_sh", startup_sh::run);
}

#[test]
fn replay_version() {
    replay("version", version::run);
}

/// The binary seeds are real Go binaries shrunk by `fuzz/scripts/shrink_binary.py`: they must
/// still read as what they are, or the corpus would only exercise error paths.
#[test]
fn shrunk_binary_seeds_keep_their_build_info() {
    let files = inputs("buildinfo");
    let mut seen = 0;
    for f in files.iter().filter(|f| {
        f.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("hello-"))
    }) {
        let name = f.file_name().unwrap_or_default().to_string_lossy();
        let name = name.trim_end_matches(".exe");
        // hello-<version>-<goos>-<goarch>
        let mut parts = name.splitn(4, '-').skip(1);
        let (v, goos, goarch) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let data = std::fs::read(f).expect("read seed");
        let info = groot::toolchain::buildinfo::read_bytes(&data)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(info.go_version, format!("go{v}"), "{}", f.display());
        assert_eq!(info.goos.as_deref(), Some(goos), "{}", f.display());
        assert_eq!(info.goarch.as_deref(), Some(goarch), "{}", f.display());
        assert!(info.trimpath(), "{}", f.display());
        seen += 1;
    }
    assert!(seen >= 3, "only {seen} real binary seeds");
}

#[test]
fn replay_vulndb_osv() {
    replay("vulndb_osv", vulndb_osv::run);
}
