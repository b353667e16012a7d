//! `groot list` on a simulated machine holding installs of every common kind.
#![cfg(unix)]

mod support;

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;

fn p(root: &Path, logical: &str) -> PathBuf {
    root.join(logical.trim_start_matches('/'))
}

#[test]
fn lists_merges_and_marks_the_active_install() {
    let gos = support::real_gos(2);
    let (Some((new, new_real)), Some((old, old_real))) = (gos.last(), gos.first()) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let r = tmp.path();
    support::mini_tree(new_real, &p(r, "/usr/local/go"));
    support::mini_tree(old_real, &p(r, &format!("/usr/lib/go-{old}")));
    std::fs::create_dir_all(p(r, "/usr/bin")).expect("mkdir");
    symlink(format!("../lib/go-{old}/bin/go"), p(r, "/usr/bin/go")).expect("link");
    symlink(format!("go-{old}"), p(r, "/usr/lib/go")).expect("link");
    support::mini_tree(old_real, &p(r, &format!("/home/u/sdk/go{old}")));
    std::fs::write(p(r, &format!("/home/u/sdk/go{old}/.unpacked-success")), "").expect("w");
    // A goenv version whose pkg/tool is gone, and goenv's shim (a script) on PATH.
    let broken = format!("/home/u/.goenv/versions/{new}");
    support::mini_tree(new_real, &p(r, &broken));
    std::fs::remove_dir_all(p(r, &format!("{broken}/pkg/tool"))).expect("rm");
    std::fs::create_dir_all(p(r, "/home/u/.goenv/shims")).expect("mkdir");
    std::fs::write(
        p(r, "/home/u/.goenv/shims/go"),
        "#!/usr/bin/env bash\nexec goenv exec go \"$@\"\n",
    )
    .expect("w");
    std::fs::set_permissions(
        p(r, "/home/u/.goenv/shims/go"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");

    let run_with = |path: &str, json: bool| {
        let mut c = Command::cargo_bin("groot").expect("bin");
        c.env_clear()
            .env("GROOT_ROOT", r)
            .env("GROOT_OS", "linux")
            .env("HOME", "/home/u")
            .env("PATH", path)
            .arg("list");
        if json {
            c.arg("--json");
        }
        let out = c.output().expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let run = |json: bool| run_with("/home/u/.goenv/shims:/usr/local/go/bin:/usr/bin", json);
    let v: serde_json::Value = serde_json::from_str(&run(true)).expect("json");
    assert_eq!(v["schema_version"], 2);
    let installs = v["installs"].as_array().expect("installs");
    let roots: Vec<&str> = installs.iter().filter_map(|i| i["root"].as_str()).collect();
    let debian = format!("/usr/lib/go-{old}");
    assert!(roots.contains(&"/usr/local/go"), "{roots:?}");
    assert!(roots.contains(&debian.as_str()), "{roots:?}");
    assert!(
        roots.contains(&format!("/home/u/sdk/go{old}").as_str()),
        "{roots:?}"
    );
    assert!(roots.contains(&broken.as_str()), "{roots:?}");
    assert_eq!(
        roots.iter().filter(|r| **r == debian).count(),
        1,
        "three routes, one install"
    );
    let find = |root: &str| {
        installs
            .iter()
            .find(|i| i["root"] == root)
            .expect("install")
    };
    let active: Vec<&str> = installs
        .iter()
        .filter(|i| i["active"] == true)
        .filter_map(|i| i["root"].as_str())
        .collect();
    assert!(
        active.is_empty(),
        "the goenv shim (a script) runs first; groot cannot tell which tree it picks: {active:?}"
    );
    let without_shim: serde_json::Value =
        serde_json::from_str(&run_with("/usr/local/go/bin:/usr/bin", true)).expect("json");
    let active: Vec<&str> = without_shim["installs"]
        .as_array()
        .expect("installs")
        .iter()
        .filter(|i| i["active"] == true)
        .filter_map(|i| i["root"].as_str())
        .collect();
    assert_eq!(active, ["/usr/local/go"]);
    assert_eq!(find("/usr/local/go")["version"], format!("go{new}"));
    assert_eq!(find("/usr/local/go")["goarch"], "amd64");
    let deb_paths = find(&debian)["paths"].as_array().expect("paths").len();
    assert!(
        deb_paths >= 2,
        "reached via /usr/bin/go and the directory: {deb_paths}"
    );
    let missing = find(&broken)["health"]["missing"]
        .as_array()
        .expect("missing")
        .clone();
    assert!(missing.iter().any(|m| m == "pkg/tool"), "{missing:?}");
    let rejected = v["rejected"].as_array().expect("rejected");
    assert!(
        rejected.iter().any(|x| x["kind"] == "script"),
        "{rejected:?}"
    );

    let text = run(false);
    assert!(
        run_with("/usr/local/go/bin:/usr/bin", false).contains("* go"),
        "{text}"
    );
    assert!(text.contains("missing pkg/tool"), "{text}");
}

/// `groot list --available | head -1`: the reader closes the pipe early; groot stops quietly
/// with status 0 instead of printing "error: Broken pipe".
#[test]
fn a_closed_pipe_is_not_an_error() {
    let home = tempfile::tempdir().expect("tmp");
    let mut child = Command::cargo_bin("groot")
        .expect("bin")
        .args(["list", "--available", "--offline", "--all"])
        .env_clear()
        .env("HOME", home.path())
        .env("GROOT_HOME", home.path().join("g"))
        .env("PATH", "/usr/bin:/bin")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close the read end before groot writes its first line.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("Broken pipe"), "{err}");
    assert!(out.status.success(), "{:?}: {err}", out.status);
}
