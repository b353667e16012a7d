//! The conventions of a toolchain manager (issue 14), run as a user would: completion scripts
//! checked by the real bash, zsh and fish (syntax, and real TAB completion in bash and fish),
//! the man page, `groot install` with no version installing what is selected here (a real Go
//! archive served from 127.0.0.1), `pin` refusing non-versions, `uninstall` by version prefix,
//! `use --local`, input errors, JSON errors, `--color` and `-q`.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

/// A temp HOME with `groot` on PATH (a symlink, as the completion scripts call `groot`).
struct Env {
    home: tempfile::TempDir,
    bin: PathBuf,
    index: Option<(String, String)>,
}

impl Env {
    fn new() -> Env {
        let home = tempfile::tempdir().unwrap();
        let bin = home.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_groot"), bin.join("groot")).unwrap();
        Env {
            home,
            bin,
            index: None,
        }
    }

    fn h(&self) -> &Path {
        self.home.path()
    }

    fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("HOME", self.h())
            .env("PATH", format!("{}:/usr/bin:/bin", self.bin.display()))
            .current_dir(self.h());
        if let Some((index, mirror)) = &self.index {
            c.env("GROOT_INDEX_URL", index).env("GROOT_MIRROR", mirror);
        }
        c
    }

    fn groot_in(&self, dir: &Path, args: &[&str]) -> (i32, String, String) {
        let out = self
            .cmd(env!("CARGO_BIN_EXE_groot"))
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn groot(&self, args: &[&str]) -> (i32, String, String) {
        self.groot_in(self.h(), args)
    }

    fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let (code, out, err) = self.groot(args);
        let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
        (code, v)
    }

    fn shell(&self, shell: &str, script: &str) -> String {
        let out = self.cmd(shell).arg("-c").arg(script).output().unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Links the real Go tree under `name` (fast: nothing is copied).
    fn link(&self, name: &str, tree: &Path) {
        let (code, _, err) = self.groot(&["link", name, tree.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
}

#[test]
fn completion_scripts_parse_in_real_shells() {
    let env = Env::new();
    for (shell, check) in [
        ("bash", vec!["bash", "-n"]),
        ("zsh", vec!["zsh", "-n"]),
        ("fish", vec!["fish", "-n"]),
    ] {
        let (code, script, err) = env.groot(&["completions", shell]);
        assert_eq!(code, 0, "{err}");
        let file = env.h().join(format!("groot.{shell}"));
        std::fs::write(&file, &script).unwrap();
        let out = env.cmd(check[0]).arg(check[1]).arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "{shell} -n: {}\n{script}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for shell in ["powershell", "pwsh", "elvish"] {
        let (code, script, _) = env.groot(&["completions", shell]);
        assert_eq!(code, 0);
        assert!(script.contains("groot"), "{script}");
    }
    let (code, _, err) = env.groot(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn tab_completes_installed_versions_and_check_codes() {
    let Some(tree) = real_go_tree(GO_VERSION) else {
        return;
    };
    let env = Env::new();
    env.link("go1.22.10", &tree);
    env.link("corp", &tree);
    // Real bash: the registration script, then the function bash would call on TAB.
    let bash = |words: &str| {
        env.shell(
            "bash",
            &format!(
                r#"source <(groot completions bash)
COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMP_TYPE=9
_clap_complete_groot groot "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
            ),
        )
    };
    for cmd in ["use", "pin", "uninstall"] {
        let got = bash(&format!("groot {cmd} ''"));
        assert!(
            got.lines().any(|l| l == "go1.22.10") && got.lines().any(|l| l == "corp"),
            "{cmd}: {got}"
        );
    }
    let got = bash("groot doctor --check goroot-e");
    assert!(got.lines().any(|l| l == "goroot-env-missing"), "{got}");
    assert!(!got.lines().any(|l| l == "go-not-on-path"), "{got}");
    // Real fish: its own completion engine on a command line.
    let got = env.shell(
        "fish",
        "groot completions fish | source; complete --do-complete 'groot use '",
    );
    assert!(got.lines().any(|l| l.starts_with("go1.22.10")), "{got}");
}

#[test]
fn man_pages_render_from_the_same_definitions() {
    let env = Env::new();
    let (code, page, _) = env.groot(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH groot 1"), "{page}");
    for cmd in ["completions", "install", "self"] {
        assert!(page.contains(cmd), "{cmd} missing from the man page");
    }
    let (code, page, _) = env.groot(&["man", "install"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH groot-install"), "{page}");
    assert!(page.contains("from\\-project"), "{page}");
    let (code, _, err) = env.groot(&["man", "nosuch"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn install_without_a_version_installs_what_is_selected_here() {
    let Some((server, _archive)) = serve_release(Fault::None) else {
        return;
    };
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let mut env = Env::new();
    env.index = Some((server.url("index.json"), server.base()));

    // Nothing selected: an error that says what to do, not the newest release.
    let (code, out, err) = env.groot(&["install"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("no Go version is selected here"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    let (code, v) = env.json(&["install", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(v["error"]["code"], "nothing-selected", "{v}");
    assert!(v["error"]["hint"].is_string(), "{v}");

    // A go.mod's toolchain line in a subdirectory.
    let proj = env.h().join("proj");
    std::fs::create_dir_all(proj.join("sub")).unwrap();
    std::fs::write(
        proj.join("go.mod"),
        "module x\n\ngo 1.22\n\ntoolchain go1.22.10\n",
    )
    .unwrap();
    let (code, out, err) = env.groot_in(&proj.join("sub"), &["install"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("installed go1.22.10"), "{out}");
    assert!(out.contains("go.mod"), "says what selected it: {out}");
    // A .go-version wins over go.mod, as in the shims; already installed now.
    std::fs::write(proj.join(".go-version"), "go1.22.10\n").unwrap();
    let (code, out, _) = env.groot_in(&proj, &["install"]);
    assert_eq!(code, 0);
    assert!(out.contains("already installed"), "{out}");
    assert!(out.contains(".go-version:1"), "{out}");
    let (_, out, _) = env.groot_in(&proj, &["install", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["already_installed"], true, "{v}");
    assert_eq!(v["toolchain"]["version"], "go1.22.10", "{v}");
    assert!(v["selected_by"]
        .as_str()
        .unwrap()
        .ends_with(".go-version:1"));
    // --from-project honours .go-version too.
    let (code, out, err) = env.groot_in(&proj, &["install", "--from-project"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(".go-version:1"), "{out}");
    // `latest` is accepted in a version file: the newest installed release.
    std::fs::write(proj.join(".go-version"), "latest\n").unwrap();
    let (code, out, err) = env.groot_in(&proj, &["which"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("go1.22.10"), "{out}");
}

#[test]
fn pin_refuses_what_is_not_a_version() {
    let Some(tree) = real_go_tree(GO_VERSION) else {
        return;
    };
    let env = Env::new();
    let file = env.h().join(".go-version");
    for bad in ["banana", "1.22.x", "../x", &"9".repeat(5000)] {
        let (code, _, err) = env.groot(&["pin", bad]);
        assert_eq!(code, 1, "{bad}: {err}");
        assert!(err.contains("is not a Go version"), "{err}");
        assert!(err.len() < 400, "long input is clipped: {}", err.len());
        assert!(!file.exists(), "{bad} was written");
    }
    // A version not installed yet is fine (with a note); an installed name is fine.
    let (code, out, err) = env.groot(&["pin", "1.21.13"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pinned 1.21.13"), "{out}");
    assert!(out.contains("scope: this directory"), "{out}");
    assert!(err.contains("groot install 1.21.13"), "{err}");
    env.link("corp", &tree);
    let (code, v) = env.json(&["pin", "corp", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["scope"], "local");
    assert_eq!(v["request"], "corp");
    assert_eq!(v["toolchain"]["name"], "corp");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "corp\n");
    // `latest` pins the version it means today.
    env.link("go1.22.10", &tree);
    let (code, out, err) = env.groot(&["pin", "latest"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pinned 1.22.10"), "{out}");
}

#[test]
fn use_says_its_scope_and_use_local_pins() {
    let Some(tree) = real_go_tree(GO_VERSION) else {
        return;
    };
    let env = Env::new();
    env.link("go1.22.10", &tree);
    let (code, out, err) = env.groot(&["use", "1.22.10"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("global default Go: go1.22.10"), "{out}");
    assert!(out.contains("scope: every shell"), "{out}");
    let (code, v) = env.json(&["use", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["scope"], "global");
    assert_eq!(v["request"], "go1.22.10");
    assert_eq!(v["toolchain"]["version"], "go1.22.10");
    let proj = env.h().join("p");
    std::fs::create_dir_all(&proj).unwrap();
    let (code, out, err) = env.groot_in(&proj, &["use", "--local", "1.22.10"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pinned 1.22.10"), "{out}");
    assert_eq!(
        std::fs::read_to_string(proj.join(".go-version")).unwrap(),
        "1.22.10\n"
    );
    // The global default did not move.
    let (_, out, _) = env.groot(&["use"]);
    assert_eq!(out.trim(), "go1.22.10");
    // A version that is not installed: the exact install command.
    let (code, _, err) = env.groot(&["use", "1.21.13"]);
    assert_eq!(code, 1);
    assert!(err.contains("groot install 1.21.13"), "{err}");
}

#[test]
fn uninstall_by_version_or_prefix_and_the_default() {
    let Some(tree) = real_go_tree(GO_VERSION) else {
        return;
    };
    let env = Env::new();
    env.link("go1.22.10", &tree);
    env.link("go1.22.3", &tree);
    let (code, _, err) = env.groot(&["uninstall", "1.22"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("matches go1.22.10, go1.22.3") || err.contains("matches go1.22.3, go1.22.10"),
        "{err}"
    );
    let (code, v) = env.json(&["uninstall", "1.22", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(v["error"]["code"], "ambiguous");
    let (code, _, _) = env.groot(&["use", "go1.22.10"]);
    assert_eq!(code, 0);
    let (code, out, err) = env.groot(&["uninstall", "1.22.10"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("unlinked go1.22.10"), "{out}");
    assert!(err.contains("was the global default"), "{err}");
    let (_, out, _) = env.groot(&["use"]);
    assert_eq!(out.trim(), "system");
    let (code, v) = env.json(&["uninstall", "1.22", "--json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["name"], "go1.22.3");
    assert_eq!(v["action"], "unlinked");
    assert_eq!(v["cleared_default"], false);
}

#[test]
fn missing_directories_are_errors_and_json_errors_are_json() {
    let env = Env::new();
    let gone = env.h().join("gone");
    for args in [
        vec!["which", "--dir", gone.to_str().unwrap()],
        vec!["fix", gone.to_str().unwrap(), "--dry-run"],
        vec!["explain", gone.to_str().unwrap()],
        vec!["pin", "1.22.10", "--dir", gone.to_str().unwrap()],
    ] {
        let (code, out, err) = env.groot(&args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(err.contains("is not a directory"), "{args:?}: {err}");
    }
    let (code, v) = env.json(&["which", "--dir", gone.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["error"]["code"], "not-a-directory");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("is not a directory"));
    // A usage error in JSON mode: JSON too, exit 2.
    let (code, v) = env.json(&["list", "--json", "--no-such-flag"]);
    assert_eq!(code, 2);
    assert_eq!(v["error"]["code"], "usage");
}

#[test]
fn color_and_quiet_flags() {
    let Some(tree) = real_go_tree(GO_VERSION) else {
        return;
    };
    let env = Env::new();
    env.link("go1.22.10", &tree);
    let esc = |s: &str| s.contains('\u{1b}');
    let (_, out, _) = env.groot(&["use", "go1.22.10"]);
    assert!(!esc(&out), "no colour on a pipe: {out:?}");
    let (_, out, _) = env.groot(&["use", "go1.22.10", "--color", "always"]);
    assert!(esc(&out), "{out:?}");
    let run_with = |k: &str, v: &str, extra: &[&str]| {
        let out = env
            .cmd(env!("CARGO_BIN_EXE_groot"))
            .env(k, v)
            .args(["use", "go1.22.10"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(esc(&run_with("FORCE_COLOR", "1", &[])));
    assert!(esc(&run_with("CLICOLOR_FORCE", "1", &[])));
    assert!(!esc(&run_with("FORCE_COLOR", "0", &[])));
    assert!(!esc(&run_with("NO_COLOR", "1", &["--color", "auto"])));
    assert!(esc(&run_with("NO_COLOR", "1", &["--color", "always"])));
    // -q: nothing but errors.
    let (code, out, err) = env.groot(&["-q", "use", "go1.22.10"]);
    assert_eq!(code, 0);
    assert_eq!((out.as_str(), err.as_str()), ("", ""));
    let (code, out, err) = env.groot(&["pin", "1.22.10", "--quiet"]);
    assert_eq!(code, 0);
    assert_eq!((out.as_str(), err.as_str()), ("", ""));
    let (code, _, err) = env.groot(&["-q", "pin", "nope.x"]);
    assert_eq!(code, 1);
    assert!(err.contains("error:"), "{err}");
}

/// Started with stdin, stdout or stderr closed, groot gives each closed one /dev/null, so no
/// file it opens can take the place of its output, and the programs it runs inherit
/// /dev/null there (the command line's start-up in src/main.rs, which does what Rust's own
/// start-up did). The exit code of the program run comes back through the C `main` too.
#[test]
fn closed_standard_descriptors_become_dev_null() {
    let env = Env::new();
    let out = env.h().join("fds");
    let probe = format!(
        "for fd in 0 1 2; do t=$(readlink /proc/$$/fd/$fd); echo \"$t\" >> '{}'; done",
        out.display()
    );
    for (redirections, closed) in [
        ("<&-", &[0][..]),
        (">&-", &[1]),
        ("2>&-", &[2]),
        ("<&- >&- 2>&-", &[0, 1, 2]),
    ] {
        let _ = std::fs::remove_file(&out);
        let script = format!("exec {redirections}; groot exec -- sh -c \"$PROBE\"");
        let status = env
            .cmd("bash")
            .args(["-c", &script])
            .env("PROBE", &probe)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .status()
            .unwrap();
        assert!(status.success(), "{redirections}: {status:?}");
        let fds = std::fs::read_to_string(&out).unwrap();
        let fds: Vec<&str> = fds.lines().collect();
        assert_eq!(fds.len(), 3, "{redirections}: {fds:?}");
        for (fd, target) in fds.iter().enumerate() {
            assert_eq!(
                *target == "/dev/null",
                closed.contains(&fd),
                "{redirections}: fd {fd}: {fds:?}"
            );
        }
    }
    let (code, _, _) = env.groot(&["exec", "--", "sh", "-c", "exit 7"]);
    assert_eq!(code, 7);
}
