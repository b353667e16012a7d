//! The real version managers (goenv, asdf + asdf-golang, mise) that `scripts/provision.sh`
//! unpacks into `$GROOT_TEST_MANAGERS` (default `~/.cache/groot-test/managers`).
//!
//! A test that needs one asks [`manager`]: it gets the directory, or `None` with a note; under
//! `GROOT_REQUIRE_REAL_GO=1` a missing manager fails the test instead, so CI cannot skip.
#![allow(dead_code, clippy::print_stderr)]

use std::path::PathBuf;

/// The managers the provisioning script installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manager {
    /// goenv 2.2.44: `<dir>/bin/goenv`, `<dir>/libexec`.
    Goenv,
    /// asdf 0.15.0 (bash): `<dir>/bin/asdf`, `<dir>/asdf.sh`.
    Asdf,
    /// The asdf-golang plugin, to copy or link into `$ASDF_DATA_DIR/plugins/golang`.
    AsdfGolang,
    /// mise from npm: `<dir>/bin/mise`.
    Mise,
}

impl Manager {
    fn dir_name(self) -> &'static str {
        match self {
            Manager::Goenv => "goenv-2.2.44",
            Manager::Asdf => "asdf-0.15.0",
            Manager::AsdfGolang => "asdf-golang",
            Manager::Mise => "mise",
        }
    }

    fn probe(self) -> &'static str {
        match self {
            Manager::Goenv => "bin/goenv",
            Manager::Asdf => "bin/asdf",
            Manager::AsdfGolang => "bin/exec-env",
            Manager::Mise => "bin/mise",
        }
    }
}

/// Where the managers are unpacked.
pub fn managers_dir() -> PathBuf {
    match std::env::var_os("GROOT_TEST_MANAGERS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => super::go_cache()
            .parent()
            .map(|p| p.join("managers"))
            .unwrap_or_else(|| PathBuf::from("managers")),
    }
}

/// The install directory of `m`, or `None` (with a note) when it is missing. Under
/// `GROOT_REQUIRE_REAL_GO=1` a missing manager panics.
pub fn manager(m: Manager) -> Option<PathBuf> {
    let dir = managers_dir().join(m.dir_name());
    if dir.join(m.probe()).exists() {
        return Some(dir);
    }
    let msg = format!(
        "{:?} not found at {} (run scripts/provision.sh)",
        m,
        dir.display()
    );
    if std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() == Ok("1") {
        panic!("GROOT_REQUIRE_REAL_GO=1 but {msg}");
    }
    eprintln!("note: skipping: {msg}");
    None
}

/// The direnv program (Debian's `direnv` package, installed by `scripts/provision.sh`), or
/// `None` with a note when it is missing. Under `GROOT_REQUIRE_REAL_GO=1` a missing direnv
/// panics.
pub fn direnv() -> Option<PathBuf> {
    for d in ["/usr/bin", "/usr/local/bin", "/bin"] {
        let p = PathBuf::from(d).join("direnv");
        if p.is_file() {
            return Some(p);
        }
    }
    let msg = "direnv is not installed (run scripts/provision.sh)";
    if std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() == Ok("1") {
        panic!("GROOT_REQUIRE_REAL_GO=1 but {msg}");
    }
    eprintln!("note: skipping: {msg}");
    None
}
