//! Differential test: a shell sitting in a directory that was deleted. cmd/go cannot determine
//! its working directory there, and fails at a point that depends on the version, GOTOOLCHAIN
//! and GO111MODULE. `groot explain --verify`, run in such a directory, must predict exactly what
//! the real `go env GOROOT` and `go version` do.
#![allow(clippy::print_stderr)]

mod support;

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

/// Runs `program args` with its working directory deleted just before (by a shell that
/// creates it, enters it and removes it).
fn in_deleted_dir(
    scratch: &Path,
    program: &Path,
    args: &[&str],
    env: &[(&str, String)],
) -> Command {
    let mut c = Command::new("/bin/sh");
    c.arg("-c")
        .arg(r#"mkdir gone && cd gone && rmdir ../gone && exec "$0" "$@""#)
        .arg(program)
        .args(args)
        .current_dir(scratch)
        .env_clear();
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

#[test]
fn explain_predicts_go_in_a_deleted_directory() {
    let gos = support::real_gos(1);
    if gos.is_empty() {
        return;
    }
    let groot = Command::cargo_bin("groot")
        .expect("bin")
        .get_program()
        .to_owned();
    let mut checked = 0;
    for (version, root) in &gos {
        for (gotoolchain, go111) in [
            ("local", ""),
            ("auto", ""),
            ("auto", "auto"),
            ("local", "off"),
        ] {
            let scratch = tempfile::tempdir().expect("tmp");
            let home = scratch.path().join("home");
            std::fs::create_dir_all(&home).expect("home");
            let env = vec![
                ("HOME", home.display().to_string()),
                (
                    "PATH",
                    format!("{}:/usr/bin:/bin", root.join("bin").display()),
                ),
                ("GOTOOLCHAIN", gotoolchain.to_owned()),
                ("GO111MODULE", go111.to_owned()),
                ("GOENV", home.join("goenv").display().to_string()),
                ("GOPATH", home.join("gopath").display().to_string()),
                ("GOCACHE", home.join("gocache").display().to_string()),
                ("GOPROXY", "off".to_owned()),
            ];
            let out = in_deleted_dir(
                scratch.path(),
                Path::new(&groot),
                &["explain", "--json", "--verify"],
                &env,
            )
            .output()
            .expect("groot runs");
            let text = String::from_utf8_lossy(&out.stdout);
            let report: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                panic!(
                    "go{version} {gotoolchain} {go111:?}: {e}\n{text}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            let error = report["error"]["message"].as_str().unwrap_or_default();
            assert!(
                error.contains("cannot determine current directory"),
                "go{version} GOTOOLCHAIN={gotoolchain} GO111MODULE={go111:?}: {error:?}"
            );
            assert_eq!(
                report["verify"]["agrees"],
                serde_json::Value::Bool(true),
                "go{version} GOTOOLCHAIN={gotoolchain} GO111MODULE={go111:?}: {}",
                report["verify"]
            );
            checked += 1;
        }
    }
    eprintln!("{checked} predictions in a deleted directory agree with real go");
}
