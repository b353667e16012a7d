//! `groot install / list / verify / use / uninstall` as a user runs them: the real binary, a
//! real Go archive served from 127.0.0.1, a temp HOME.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::Command;

use support::*;

const FILE: &str = ARCHIVE_FILE;

fn groot(home: &Path, server: &Server, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_groot"))
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .env("GROOT_INDEX_URL", server.url("index.json"))
        .env("GROOT_MIRROR", server.base())
        .current_dir(home)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn install_list_verify_use_uninstall() {
    let Some((server, _archive)) = serve_release(Fault::None) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();

    let (code, out, err) = groot(h, &server, &["install", "1.22", "--arch", "amd64"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("installed go1.22.10"), "{out}");
    let (code, out, _) = groot(h, &server, &["install", "1.22.10", "--arch", "amd64"]);
    assert_eq!(code, 0);
    assert!(out.contains("already installed"), "{out}");

    let (_, out, _) = groot(h, &server, &["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let installs = v["installs"].as_array().unwrap();
    assert_eq!(installs.len(), 1, "{out}");
    assert_eq!(installs[0]["version"], "go1.22.10");
    assert!(installs[0]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["kind"] == "groot"));
    assert_eq!(
        installs[0]["health"]["missing"].as_array().map(Vec::len),
        Some(0),
        "{out}"
    );

    let (code, out, _) = groot(h, &server, &["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("go1.22.10: ok"), "{out}");
    // A changed file is caught, with a non-zero exit.
    let root = h.join(".local/share/groot/toolchains/go1.22.10");
    std::fs::write(root.join("VERSION"), "tampered\n").unwrap();
    let (code, out, _) = groot(h, &server, &["verify", "go1.22.10"]);
    assert_eq!(code, 1, "{out}");

    let (code, out, err) = groot(h, &server, &["list", "--available", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["available"][0]["version"], "go1.22.10");
    assert_eq!(v["available"][0]["installed"], true);

    let (code, _, err) = groot(
        h,
        &server,
        &[
            "install",
            "1.22.10",
            "--offline",
            "--reinstall",
            "--arch",
            "amd64",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("offline") && err.contains("hint:"), "{err}");

    let (code, out, err) = groot(h, &server, &["uninstall", "go1.22.10"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("removed go1.22.10"), "{out}");
    assert!(!root.exists());
    let (code, _, err) = groot(h, &server, &["uninstall", "go1.22.10"]);
    assert_ne!(code, 0);
    assert!(!err.is_empty());
}

#[test]
fn a_checksum_mismatch_never_installs() {
    let Some(archive) = real_archive(GO_VERSION, Subset::Trimmed) else {
        return;
    };
    let server = Server::start();
    let wrong = "0".repeat(64);
    server.route(
        "index.json",
        index_json(GO_VERSION, &[(FILE, &archive, "archive", &wrong)]),
        Fault::None,
    );
    server.route(FILE, std::fs::read(&archive).unwrap(), Fault::None);
    let home = tempfile::tempdir().unwrap();
    let (code, _, err) = groot(
        home.path(),
        &server,
        &["install", "1.22.10", "--arch", "amd64"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("checksum mismatch") || err.contains("sha256"),
        "{err}"
    );
    assert_nothing_installed(&home.path().join(".local/share/groot"));
    let (_, out, _) = groot(home.path(), &server, &["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["installs"].as_array().map(Vec::len), Some(0), "{out}");
}

/// Issue 12, item 8: an install made with `--insecure-skip-verify` says UNVERIFIED wherever it
/// shows up: `list` (text, and `archive_verified: false` in JSON), `verify` (text and JSON) and
/// `doctor` (`install-unverified`). Before, docs/dist.md promised it and nothing showed it.
#[test]
fn an_install_without_a_checked_hash_shows_as_unverified() {
    let Some(archive) = real_archive(GO_VERSION, Subset::Trimmed) else {
        return;
    };
    let server = Server::start();
    // The index publishes no hash for the file.
    server.route(
        "index.json",
        index_json(GO_VERSION, &[(FILE, &archive, "archive", "")]),
        Fault::None,
    );
    server.route(FILE, std::fs::read(&archive).unwrap(), Fault::None);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (code, _, err) = groot(h, &server, &["install", "1.22.10", "--arch", "amd64"]);
    assert_ne!(code, 0, "refused without the flag: {err}");
    let (code, _, err) = groot(
        h,
        &server,
        &[
            "install",
            "1.22.10",
            "--arch",
            "amd64",
            "--insecure-skip-verify",
        ],
    );
    assert_eq!(code, 0, "{err}");

    let (_, out, _) = groot(h, &server, &["list"]);
    let line = out
        .lines()
        .find(|l| l.contains("toolchains/go1.22.10"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("UNVERIFIED"), "{out}");
    let (_, out, _) = groot(h, &server, &["list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ours: Vec<&serde_json::Value> = v["installs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["kind"] == "groot")
        })
        .collect();
    assert_eq!(ours.len(), 1, "{out}");
    assert_eq!(ours[0]["archive_verified"], false, "{out}");

    let (code, out, _) = groot(h, &server, &["verify"]);
    assert_eq!(code, 0, "intact, if unverified: {out}");
    assert!(out.contains("UNVERIFIED"), "{out}");
    let (_, out, _) = groot(h, &server, &["verify", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["toolchains"][0]["archive_verified"], false, "{out}");

    let (_, out, _) = groot(h, &server, &["doctor", "--json", "--fail-on", "never"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "install-unverified"),
        "{out}"
    );

    // A verified install shows none of it (another index URL: the first one is cached).
    let sha = sha256_of(&archive);
    server.route(
        "index2.json",
        index_json(GO_VERSION, &[(FILE, &archive, "archive", &sha)]),
        Fault::None,
    );
    let index2 = server.url("index2.json");
    let (code, _, err) = groot(
        h,
        &server,
        &[
            "install",
            "1.22.10",
            "--arch",
            "amd64",
            "--reinstall",
            "--index-url",
            &index2,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = groot(h, &server, &["list"]);
    assert!(!out.contains("UNVERIFIED"), "{out}");
    let (_, out, _) = groot(h, &server, &["verify"]);
    assert!(!out.contains("UNVERIFIED"), "{out}");
}

/// Issue 12, item 4: an install cleans `tmp/` of what killed groot runs left, and of nothing
/// else: a `trash-*` or a day-old `*.staging-*` it did not make (no `.groot-tmp` mark) stays.
/// Before, every `trash-*` and every `*.staging-*` older than a day was deleted, which with
/// GROOT_HOME=/ or $HOME meant other people's files.
#[test]
fn an_install_cleans_only_groots_own_leftovers_in_tmp() {
    let Some((server, _archive)) = serve_release(Fault::None) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let gh = h.join(".local/share/groot");
    let tmp = gh.join("tmp");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 24 * 3600);
    let mine = [
        "trash-photos",
        "thesis.staging-draft",
        "go1.22.10.staging-notes",
    ];
    for d in mine {
        std::fs::create_dir_all(tmp.join(d)).unwrap();
        std::fs::write(tmp.join(d).join("precious"), "x").unwrap();
        std::fs::File::open(tmp.join(d))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    // What a killed install left: groot's mark, a pid no process has.
    let dead = tmp.join("go1.22.10.staging-4194999-AbCdEf");
    std::fs::create_dir_all(&dead).unwrap();
    std::fs::write(dead.join(".groot-tmp"), "").unwrap();
    // A run killed between making its trash directory and marking it: empty, unmarked.
    let unmarked = tmp.join("trash-4194999-XyZabc");
    std::fs::create_dir_all(&unmarked).unwrap();
    let (code, _, err) = groot(h, &server, &["install", "1.22.10", "--arch", "amd64"]);
    assert_eq!(code, 0, "{err}");
    assert!(!dead.exists(), "a dead run's staging directory is removed");
    assert!(
        !unmarked.exists(),
        "a dead run's empty directory is removed"
    );
    for d in mine {
        assert!(tmp.join(d).join("precious").is_file(), "{d} was deleted");
    }
}
