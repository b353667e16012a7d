//! Issue 14 item 8: `groot self uninstall` leaves the startup files exactly as they were before
//! `groot init --install` (byte for byte: no trailing newline, CRLF, non-ASCII, a file that did
//! not exist), removes the completions and the shims, keeps the data unless `--all`, and with
//! `--all` removes the data and the cache (which lives apart, in `$XDG_CACHE_HOME/groot`).
//! Also: an older groot's macOS store in `~/Library/Application Support/groot` is moved to
//! `~/.local/share/groot` once, on a simulated Mac (`GROOT_ROOT`, `GROOT_OS=darwin`).
#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use assert_cmd::prelude::*;

fn groot(home: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("groot")
        .expect("binary")
        .env_clear()
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("xdg-cache"))
        .env("PATH", "/usr/bin:/bin")
        .env("SHELL", "/bin/bash")
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("groot runs")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Startup files as a user has them: quirks a careless edit would normalise.
const BASHRC: &[u8] = b"# mine\r\nalias ll='ls -l'\r\nexport \xc3\xa9t\xc3\xa9=1"; // CRLF, no final newline
const ZSHRC: &[u8] = b"\n\n# leading blank lines, trailing spaces   \nsetopt extendedglob\n\n\n";
const FISH: &[u8] = b"set -gx EDITOR vim\n# \xe2\x9c\x93 done\n";

#[test]
fn self_uninstall_restores_startup_files_byte_for_byte() {
    let t = tempfile::tempdir().expect("tmp");
    let home = t.path().canonicalize().expect("canonical");
    let put = |rel: &str, data: &[u8]| {
        let p = home.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, data).expect("write");
    };
    put(".bashrc", BASHRC);
    put(".zshrc", ZSHRC);
    put(".config/fish/config.fish", FISH);
    // Every file in $HOME before, with its bytes (the data and cache directories aside).
    let snapshot = |home: &Path| -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![home.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("readdir").flatten() {
                let p = e.path();
                let rel = p.strip_prefix(home).expect("below").display().to_string();
                if rel.starts_with(".local/share/groot") || rel.starts_with("xdg-cache") {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push((rel, std::fs::read(&p).expect("read")));
                }
            }
        }
        out.sort();
        out
    };
    let before = snapshot(&home);

    for shell in ["bash", "zsh", "fish"] {
        ok(groot(&home, &["init", shell, "--install", "--yes"]));
    }
    let bashrc = std::fs::read(home.join(".bashrc")).expect("bashrc");
    assert!(
        String::from_utf8_lossy(&bashrc).contains(">>> groot >>>"),
        "installed"
    );
    // What the installed block runs in a new shell: it makes the shims.
    ok(groot(&home, &["init", "bash"]));
    let data = home.join(".local/share/groot");
    assert!(data.join("shims").is_dir(), "shims made by init");
    // Something cached, where the cache lives: not inside the data directory.
    let cache = home.join("xdg-cache/groot");
    std::fs::create_dir_all(&cache).expect("mkdir");
    std::fs::write(cache.join("index-0.json"), "[]").expect("write");
    assert!(snapshot(&home) != before, "init --install changed files");

    let out = ok(groot(&home, &["self", "uninstall"]));
    assert!(out.contains("removed the shims"), "{out}");
    let after = snapshot(&home);
    let names = |s: &[(String, Vec<u8>)]| s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&after),
        names(&before),
        "the files init created (profiles, completions) are gone again"
    );
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "{name} is byte-identical to before init --install");
    }
    assert!(!data.join("shims").exists());
    assert!(data.join("backups").is_dir(), "data kept without --all");
    assert!(
        cache.join("index-0.json").is_file(),
        "cache kept without --all"
    );

    let out = ok(groot(&home, &["self", "uninstall", "--all", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let removed: Vec<&str> = v["removed_dirs"]
        .as_array()
        .expect("removed_dirs")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert!(removed.contains(&data.to_str().expect("utf-8")), "{out}");
    assert!(removed.contains(&cache.to_str().expect("utf-8")), "{out}");
    assert!(!data.exists() && !cache.exists());
    assert_eq!(snapshot(&home), before);
}

#[test]
fn macos_store_moves_to_a_path_without_spaces_once() {
    let t = tempfile::tempdir().expect("tmp");
    let root = t.path();
    let old = root.join("Users/me/Library/Application Support/groot");
    std::fs::create_dir_all(old.join("toolchains/mygo")).expect("mkdir");
    std::fs::write(old.join(".groot-home"), "").expect("marker");
    std::fs::write(old.join("default"), "go1.22.10\n").expect("default");
    let run = |args: &[&str]| {
        Command::cargo_bin("groot")
            .expect("binary")
            .env_clear()
            .env("GROOT_ROOT", root)
            .env("GROOT_OS", "darwin")
            .env("GROOT_ARCH", "arm64")
            .env("HOME", "/Users/me")
            .env("PATH", "/usr/bin:/bin")
            .env("NO_COLOR", "1")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    let first = run(&["list", "--json"]);
    let err = String::from_utf8_lossy(&first.stderr);
    assert!(
        err.contains("moved groot's data from /Users/me/Library/Application Support/groot to /Users/me/.local/share/groot"),
        "{err}"
    );
    let new = root.join("Users/me/.local/share/groot");
    assert_eq!(
        std::fs::read_to_string(new.join("default")).expect("moved"),
        "go1.22.10\n"
    );
    assert!(old.is_symlink(), "a link is left at the old place");
    assert_eq!(
        std::fs::read_link(&old).expect("link"),
        Path::new("../../.local/share/groot"),
        "relative, so it holds under any root"
    );
    let second = run(&["list", "--json"]);
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(!err.contains("moved"), "once: {err}");
    assert!(new.join("default").is_file());
}
