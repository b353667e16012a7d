//! Shared by the launcher differential tests (tests/differential_launchers_*.rs): a scrubbed
//! environment in a temp HOME, what real `go` prints through a launcher (a version manager's
//! shim, a wrapper) and what groot predicts for it.
#![allow(dead_code, clippy::print_stderr, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A scrubbed environment: HOME, GOPATH, GOCACHE and TMPDIR in a temp dir, `GOPROXY=off`,
/// `GOTOOLCHAIN=local`, PATH = `path` then `/usr/bin:/bin`, plus `vars` (`<unset>` removes).
#[derive(Clone, Debug)]
pub struct Env {
    pub home: PathBuf,
    pub path: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
}

impl Env {
    /// An environment whose HOME is `<tmp>/home` (created).
    pub fn new(tmp: &Path) -> Env {
        let home = tmp.join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(tmp.join("tmp")).unwrap();
        Env {
            home,
            path: Vec::new(),
            vars: vec![
                ("GOPATH".into(), tmp.join("gopath").display().to_string()),
                ("GOCACHE".into(), tmp.join("gocache").display().to_string()),
                ("TMPDIR".into(), tmp.join("tmp").display().to_string()),
            ],
        }
    }

    /// This environment with `name=value` added (or replaced).
    pub fn with(&self, name: &str, value: &str) -> Env {
        let mut e = self.clone();
        e.vars.retain(|(k, _)| k != name);
        e.vars.push((name.into(), value.into()));
        e
    }

    /// A command with exactly this environment, run in `cwd`.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>, cwd: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("GOPROXY", "off")
            .env("GOFLAGS", "")
            .env("GOTOOLCHAIN", "local")
            .current_dir(cwd);
        let mut path: Vec<String> = self.path.iter().map(|p| p.display().to_string()).collect();
        path.push("/usr/bin".into());
        path.push("/bin".into());
        cmd.env("PATH", path.join(":"));
        for (k, v) in &self.vars {
            if v == "<unset>" {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        cmd
    }
}

/// What real go printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// `go env GOROOT`, when it succeeded.
    pub goroot: Option<String>,
    /// The version field of `go version`, when it succeeded.
    pub version: Option<String>,
    /// The stderr of a failed `go env GOROOT`.
    pub error: Option<String>,
}

/// Runs `go env GOROOT` and `go version` as a shell would (`go` through PATH) in `cwd`.
pub fn observe(env: &Env, cwd: &Path) -> Observed {
    let run = |args: &[&str]| {
        env.command("/bin/sh", cwd)
            .arg("-c")
            .arg("exec go \"$@\"")
            .arg("sh")
            .args(args)
            .output()
            .unwrap()
    };
    let goroot = run(&["env", "GOROOT"]);
    let version = run(&["version"]);
    Observed {
        goroot: goroot.status.success().then(|| {
            String::from_utf8_lossy(&goroot.stdout)
                .trim_end()
                .to_owned()
        }),
        version: version.status.success().then(|| {
            String::from_utf8_lossy(&version.stdout)
                .split_whitespace()
                .nth(2)
                .unwrap_or("")
                .to_owned()
        }),
        error: (!goroot.status.success()).then(|| {
            String::from_utf8_lossy(&goroot.stderr)
                .trim_end()
                .to_owned()
        }),
    }
}

/// `groot <args> --json` in `cwd`: the parsed output.
pub fn groot_json(env: &Env, cwd: &Path, args: &[&str]) -> Value {
    let out = env
        .command(env!("CARGO_BIN_EXE_groot"), cwd)
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "groot {args:?}: {e}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `groot explain --json` in `cwd`.
pub fn predict(env: &Env, cwd: &Path) -> Value {
    groot_json(env, cwd, &["explain"])
}

/// Compares groot's prediction with real go in `cwd`; the differences, if any, as text. When
/// go fails, groot must predict a failure whose message is part of what go printed.
pub fn compare(env: &Env, cwd: &Path, name: &str) -> Vec<String> {
    let want = observe(env, cwd);
    let got = predict(env, cwd);
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let mut diff = Vec::new();
    if s(&got["goroot"]) != want.goroot {
        diff.push(format!(
            "{name}: goroot: groot {:?}, go {:?}",
            s(&got["goroot"]),
            want.goroot
        ));
    }
    if s(&got["go_version"]) != want.version {
        diff.push(format!(
            "{name}: version: groot {:?}, go {:?}",
            s(&got["go_version"]),
            want.version
        ));
    }
    match (&want.error, s(&got["error"]["message"])) {
        (None, None) => {}
        (Some(w), Some(g)) if w.contains(&g) => {}
        (w, g) => diff.push(format!("{name}: error: groot {g:?}, go {w:?}")),
    }
    if want.goroot.is_some() {
        diff.extend(check_active(env, cwd, name, want.goroot.as_deref()));
    }
    diff
}

/// `groot list --json` in `cwd` marks exactly one install active, the one whose root is
/// `goroot` (compared after resolving symlinks).
pub fn check_active(env: &Env, cwd: &Path, name: &str, goroot: Option<&str>) -> Vec<String> {
    let list = groot_json(env, cwd, &["list"]);
    let active: Vec<&Value> = list["installs"]
        .as_array()
        .map(|a| a.iter().filter(|i| i["active"] == true).collect())
        .unwrap_or_default();
    let canon = |p: &str| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    match (active.as_slice(), goroot) {
        ([one], Some(g)) if one["root"].as_str().map(canon) == Some(canon(g)) => Vec::new(),
        ([], None) => Vec::new(),
        _ => vec![format!(
            "{name}: list marks {:?} active, go runs {goroot:?}",
            active.iter().map(|i| i["root"].clone()).collect::<Vec<_>>()
        )],
    }
}
