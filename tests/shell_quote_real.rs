//! groot's shell quoting (`groot::shell::quote`) against the real shells: every hostile value,
//! spelled by each form for each shell, must come back byte for byte from `printf '%s'` run by
//! that shell (`dash` as sh, bash, zsh, fish). A shell that is not installed is skipped with a
//! note; under `GROOT_REQUIRE_REAL_GO=1` (CI) a missing shell fails the test.
#![cfg(unix)]
#![allow(clippy::print_stderr)]

use std::process::Command;

use groot::shell::quote::{in_double, single, word};
use groot::shell::ShellKind;

const VALUES: &[&str] = &[
    "/usr/local/go",
    "/opt/my go/bin",
    "it's",
    r"a\b",
    r"a\\'b\'",
    "$HOME",
    "${PATH}",
    "`id`",
    "$(id)",
    "x!y",
    "=go",
    "~/go",
    "*",
    "{a,b}",
    "50%",
    "%self",
    "a\nb",
    "tab\there",
    "\"q\"",
    "ä/ü/日本",
    "-n",
    "#c",
    "a;b|c&d",
    "(x)",
    "a=b",
    "",
];

fn shells() -> Vec<(&'static str, ShellKind)> {
    let want = [
        ("dash", ShellKind::Sh),
        ("bash", ShellKind::Bash),
        ("zsh", ShellKind::Zsh),
        ("fish", ShellKind::Fish),
    ];
    let strict = std::env::var_os("GROOT_REQUIRE_REAL_GO").is_some_and(|v| v == "1");
    let mut found = Vec::new();
    for (name, kind) in want {
        let ok = Command::new(name)
            .arg("-c")
            .arg("exit 0")
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            found.push((name, kind));
        } else if strict {
            panic!("{name} is not installed (GROOT_REQUIRE_REAL_GO=1): scripts/provision.sh installs it");
        } else {
            eprintln!("note: {name} is not installed; its quoting is not checked");
        }
    }
    found
}

/// What `shell -c "printf '%s' <word>"` prints.
fn echo(shell: &str, word: &str) -> String {
    let out = Command::new(shell)
        .arg("-c")
        .arg(format!("printf '%s' {word}"))
        .env("HOME", "/nonexistent-home")
        .output()
        .expect("run shell");
    assert!(
        out.status.success(),
        "{shell} failed on {word:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn every_form_reads_back_exactly_in_every_shell() {
    for (shell, kind) in shells() {
        for v in VALUES {
            let s = single(kind, v);
            assert_eq!(echo(shell, &s), *v, "{shell}: single {s:?}");
            let w = word(kind, v);
            assert_eq!(echo(shell, &w), *v, "{shell}: word {w:?}");
            let d = format!("\"{}\"", in_double(kind, v));
            assert_eq!(echo(shell, &d), *v, "{shell}: double {d:?}");
            // Next to an expansion in one word, as `export PATH="<dir>:$PATH"` writes it.
            let joined = format!("\"{}:$X\"", in_double(kind, v));
            let out = Command::new(shell)
                .arg("-c")
                .arg(format!("printf '%s' {joined}"))
                .env("X", "rest")
                .output()
                .expect("run shell");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                format!("{v}:rest"),
                "{shell}: joined {joined:?}"
            );
        }
    }
}
