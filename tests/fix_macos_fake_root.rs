//! `groot contexts` and `groot fix` on a simulated Mac (`GROOT_ROOT`, `GROOT_OS=darwin`):
//! Homebrew's go put on PATH in `~/.zshenv` is pushed behind the official .pkg go of
//! `/etc/paths.d/go` by path_helper in login shells; the fix goes to `~/.zprofile`, which runs
//! after `/etc/zprofile`, and `/etc/paths.d/go` is reported with the command that removes it.
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::prelude::*;

fn put(root: &Path, logical: &str, text: &str) {
    let p = root.join(logical.trim_start_matches('/'));
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

fn layout(root: &Path) {
    put(root, "/usr/libexec/path_helper", "");
    put(
        root,
        "/etc/paths",
        "/usr/local/bin\n/usr/bin\n/bin\n/usr/sbin\n/sbin\n",
    );
    put(root, "/etc/paths.d/go", "/usr/local/go/bin\n");
    put(
        root,
        "/etc/zprofile",
        "if [ -x /usr/libexec/path_helper ]; then\n\teval `/usr/libexec/path_helper -s`\nfi\n",
    );
    put(root, "/usr/local/go/bin/go", "");
    put(root, "/usr/local/go/VERSION", "go1.20.1\n");
    put(root, "/opt/homebrew/bin/go", "");
    put(
        root,
        "/Users/me/.zshenv",
        "export PATH=/opt/homebrew/bin:$PATH\n",
    );
}

fn groot(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("groot")
        .expect("binary")
        .env_clear()
        .env("GROOT_ROOT", root)
        .env("GROOT_OS", "darwin")
        .env("GROOT_ARCH", "arm64")
        .env("HOME", "/Users/me")
        .env("SHELL", "/bin/zsh")
        .env("USER", "me")
        .env("PATH", "/usr/bin:/bin:/usr/sbin:/sbin")
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn terminal_go(root: &Path) -> (Option<PathBuf>, serde_json::Value) {
    let (code, out, err) = groot(root, &["contexts", "/Users/me", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let go = v["contexts"]
        .as_array()
        .expect("contexts")
        .iter()
        .find(|c| c["id"] == "terminal")
        .and_then(|c| c["go"]["path"].as_str())
        .map(PathBuf::from);
    (go, v)
}

#[test]
fn path_helper_reordering_is_fixed_in_zprofile() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    layout(root);

    let (go, v) = terminal_go(root);
    assert_eq!(go, Some(PathBuf::from("/usr/local/go/bin/go")));
    let codes: Vec<&str> = v["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .filter_map(|g| g["code"].as_str())
        .collect();
    assert!(codes.contains(&"path-shadowed-go"), "{codes:?}");
    assert!(codes.contains(&"paths-d-stale"), "{codes:?}");

    let (code, out, err) = groot(root, &["fix", "--yes", "/Users/me"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("sudo rm /etc/paths.d/go"), "{out}");
    let zprofile = fs::read_to_string(root.join("Users/me/.zprofile")).expect("zprofile");
    assert!(
        zprofile.contains(
            "case \"$PATH\" in \"/opt/homebrew/bin:\"*) ;; *) export PATH=\"/opt/homebrew/bin:$PATH\" ;; esac"
        ),
        "{zprofile}"
    );
    // ~/.zshenv is left alone (zsh -c still gets Homebrew's go from it).
    assert_eq!(
        fs::read_to_string(root.join("Users/me/.zshenv")).expect("zshenv"),
        "export PATH=/opt/homebrew/bin:$PATH\n"
    );
    // Backups live in groot's macOS data dir under the simulated root.
    assert!(root.join("Users/me/.local/share/groot/backups").is_dir());

    let (go, v) = terminal_go(root);
    assert_eq!(go, Some(PathBuf::from("/opt/homebrew/bin/go")));
    for c in v["contexts"].as_array().expect("contexts") {
        if [
            "terminal",
            "vscode_terminal",
            "tmux",
            "ssh_login",
            "goland_terminal",
        ]
        .contains(&c["id"].as_str().unwrap_or(""))
        {
            assert_eq!(c["go"]["path"], "/opt/homebrew/bin/go", "{c:#}");
        }
    }
    let (_, out, _) = groot(root, &["fix", "--yes", "/Users/me"]);
    assert!(out.contains("nothing to fix"), "{out}");

    let (code, _, err) = groot(root, &["fix", "--undo"]);
    assert_eq!(code, 0, "{err}");
    assert!(!root.join("Users/me/.zprofile").exists());
}
