//! Differential tests for wrapper scripts (issue 10): a `go` on PATH that is a sh, bash or zsh
//! script whose effect is one `exec /abs/path/go "$@"`, with or without GOROOT changes, run by
//! the real shells. groot must predict what real go prints through it and mark that install
//! active; a script it cannot follow is said so, and `--verify` still runs it.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use support::launchers::{compare, observe, predict, Env};

fn script(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn shell_exists(shebang: &str) -> bool {
    let prog = shebang
        .trim_start_matches("#!")
        .split_whitespace()
        .last()
        .unwrap_or("");
    Path::new(prog).is_file()
        || std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(prog).is_file()))
}

#[test]
fn wrapper_scripts_match_real_shells() {
    let gos = support::real_gos(2);
    if gos.len() < 2 {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut env = Env::new(tmp.path());
    // Two trees: the script's target, and another one a GOROOT line may point at.
    let (va, a) = (&gos[0].0, tmp.path().join("a"));
    let (vb, b) = (&gos[gos.len() - 1].0, tmp.path().join("b"));
    support::mini_tree(&gos[0].1, &a);
    support::mini_tree(&gos[gos.len() - 1].1, &b);
    let wrap = tmp.path().join("wrap");
    env.path.push(wrap.clone());
    let go = |t: &PathBuf| t.join("bin/go").display().to_string();
    let cases: Vec<(String, String, Option<&String>)> = vec![
        (
            "sh plain".into(),
            format!("#!/bin/sh\nexec {} \"$@\"\n", go(&a)),
            Some(va),
        ),
        (
            "bash GOROOT prefix".into(),
            format!(
                "#!/usr/bin/env bash\n# pick b\nGOROOT={} exec {} \"$@\"\n",
                b.display(),
                go(&b)
            ),
            Some(vb),
        ),
        (
            "zsh export".into(),
            format!(
                "#!/usr/bin/env zsh\nset -e\nexport GOROOT='{}'\nexec \"$GOROOT/bin/go\" \"$@\"\n",
                b.display()
            ),
            Some(vb),
        ),
        (
            "dash GOROOT= exec".into(),
            format!(
                "#!/bin/dash\nGOROOT={} exec {} \"${{@}}\"\n",
                b.display(),
                go(&b)
            ),
            Some(vb),
        ),
        (
            // GOROOT names another tree than the binary: go believes GOROOT.
            "sh GOROOT elsewhere".into(),
            format!(
                "#!/bin/sh\nGOROOT={}\nexport GOROOT\n{} \"$@\"\n",
                b.display(),
                go(&a)
            ),
            Some(va),
        ),
        (
            "sh unset GOROOT".into(),
            format!("#!/bin/sh\nunset GOROOT\nexec {} \"$@\"\n", go(&b)),
            Some(vb),
        ),
    ];
    let mut diff = Vec::new();
    let mut checked = 0;
    for (name, text, want) in &cases {
        if !shell_exists(text.lines().next().unwrap()) {
            eprintln!("note: skipping {name}: no such shell");
            continue;
        }
        script(&wrap.join("go"), text);
        let e = env.with("GOROOT", &a.display().to_string());
        let cwd = env.home.clone();
        let seen = observe(&e, &cwd);
        assert_eq!(
            seen.version,
            want.map(|v| format!("go{v}")),
            "{name}: {seen:?}"
        );
        diff.extend(compare(&e, &cwd, name));
        let v = predict(&e, &cwd);
        assert_eq!(v["launchers"][0]["kind"], "script", "{name}: {v:#}");
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} cases ran");
    // A script that runs another launcher: the chain is followed.
    script(
        &wrap.join("go"),
        &format!("#!/bin/sh\nexec {} \"$@\"\n", wrap.join("inner").display()),
    );
    script(
        &wrap.join("inner"),
        &format!("#!/bin/bash\nexec {} \"$@\"\n", go(&b)),
    );
    let cwd = env.home.clone();
    diff.extend(compare(&env, &cwd, "chain"));
    assert_eq!(
        predict(&env, &cwd)["launchers"].as_array().map(Vec::len),
        Some(2)
    );
    assert!(diff.is_empty(), "{}", diff.join("\n"));
    eprintln!("{checked} wrapper scripts agree with real shells");
}

#[test]
fn a_script_groot_cannot_follow_is_named() {
    let gos = support::real_gos(1);
    let Some((_, real)) = gos.last() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut env = Env::new(tmp.path());
    let wrap = tmp.path().join("wrap");
    env.path.push(wrap.clone());
    let go = real.join("bin/go").display().to_string();
    script(
        &wrap.join("go"),
        &format!("#!/bin/sh\ncase \"$1\" in\n  *) exec {go} \"$@\" ;;\nesac\n"),
    );
    let cwd = env.home.clone();
    let v = predict(&env, &cwd);
    assert_eq!(v["launchers"][0]["kind"], "script", "{v:#}");
    assert_eq!(v["error"]["code"], "launcher-unfollowable", "{v:#}");
    let steps = v["steps"].to_string();
    assert!(
        steps.contains("this launcher is a script groot cannot follow")
            && steps.contains(&wrap.join("go").display().to_string()),
        "{v:#}"
    );
    // --verify runs it and reports that groot could not tell (exit 3).
    let out = env
        .command(env!("CARGO_BIN_EXE_groot"), &cwd)
        .args(["explain", "--verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
}
