//! Differential tests through real version-manager shims (issue 10): a temp HOME with the real
//! goenv 2.2.44 or asdf 0.15.0 + asdf-golang, real Go toolchains in their version directories
//! and the manager's shims first on PATH. `groot explain --json` must give the GOROOT and
//! version that `go env GOROOT` and `go version` print through the real shim (or the error line
//! the manager prints), and `groot list --json` must mark exactly that install `active`.
//!
//! Cases per manager: the global default, a version file two directories up, the manager's
//! environment override, plus the manager's corner cases (an empty `.go-version`, `system`, a
//! partial version, a missing version).
#![cfg(unix)]
#![allow(clippy::print_stderr)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::managers::{manager, Manager};
use support::write;

/// A temp HOME with a manager set up.
struct Home {
    _tmp: tempfile::TempDir,
    tmp: PathBuf,
    home: PathBuf,
    /// PATH entries before /usr/bin:/bin.
    path: Vec<PathBuf>,
    /// Variables besides the scrubbed base.
    env: Vec<(String, String)>,
}

/// One case: where go runs, extra variables, and what is expected.
struct Case {
    name: &'static str,
    cwd: PathBuf,
    env: Vec<(String, String)>,
    /// The GOROOT expected (`None`: the manager fails).
    expect_goroot: Option<PathBuf>,
}

impl Home {
    fn new() -> Home {
        let tmp = tempfile::tempdir().expect("tmp");
        let t = tmp.path().to_path_buf();
        let home = t.join("home");
        std::fs::create_dir_all(&home).expect("mkdir");
        std::fs::create_dir_all(t.join("tmp")).expect("mkdir");
        Home {
            _tmp: tmp,
            tmp: t,
            home,
            path: Vec::new(),
            env: Vec::new(),
        }
    }

    fn command(&self, program: &str, cwd: &Path, extra: &[(String, String)]) -> Command {
        let mut c = Command::new(program);
        let mut path: Vec<String> = self.path.iter().map(|p| p.display().to_string()).collect();
        path.push("/usr/bin".into());
        path.push("/bin".into());
        c.env_clear()
            .env("HOME", &self.home)
            .env("PATH", path.join(":"))
            .env("GOPATH", self.tmp.join("gopath"))
            .env("GOCACHE", self.tmp.join("gocache"))
            .env("GOENV", self.tmp.join("goenv-file"))
            .env("GOTOOLCHAIN", "local")
            .env("GOPROXY", "off")
            .env("GOFLAGS", "")
            .env("TMPDIR", self.tmp.join("tmp"))
            .env(
                "GOVULNDB",
                format!("file://{}", self.tmp.join("novulndb").display()),
            )
            .current_dir(cwd);
        for (k, v) in self.env.iter().chain(extra) {
            c.env(k, v);
        }
        c
    }

    /// `go <args>` through PATH, as a shell runs it.
    fn go(&self, case: &Case, args: &[&str]) -> Output {
        let mut c = self.command("/bin/sh", &case.cwd, &case.env);
        c.arg("-c").arg("exec go \"$@\"").arg("sh").args(args);
        c.output().expect("run go")
    }

    fn groot(&self, case: &Case, args: &[&str]) -> Value {
        let out = self
            .command(env!("CARGO_BIN_EXE_groot"), &case.cwd, &case.env)
            .args(args)
            .output()
            .expect("run groot");
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "groot {args:?}: {e}\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }

    /// Compares every case; returns the disagreements.
    fn check(&self, manager: &str, cases: &[Case]) -> Vec<String> {
        let mut bad = Vec::new();
        for case in cases {
            let what = format!("{manager} {}", case.name);
            let env = self.go(case, &["env", "GOROOT"]);
            let ver = self.go(case, &["version"]);
            let real_goroot = env
                .status
                .success()
                .then(|| String::from_utf8_lossy(&env.stdout).trim_end().to_owned());
            let real_version = ver.status.success().then(|| {
                String::from_utf8_lossy(&ver.stdout)
                    .split_whitespace()
                    .nth(2)
                    .unwrap_or("")
                    .to_owned()
            });
            let real_error = (!env.status.success()).then(|| {
                String::from_utf8_lossy(&env.stderr)
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .to_owned()
            });
            // The test's own expectation keeps the real tools honest too.
            let expected = case.expect_goroot.as_ref().map(|p| p.display().to_string());
            if real_goroot != expected {
                bad.push(format!(
                    "{what}: real go says GOROOT {real_goroot:?} ({}), the test expects {expected:?}",
                    String::from_utf8_lossy(&env.stderr).trim()
                ));
                continue;
            }
            let got = self.groot(case, &["explain", "--json"]);
            let s = |v: &Value| v.as_str().map(str::to_owned);
            if s(&got["goroot"]) != real_goroot {
                bad.push(format!(
                    "{what}: goroot: groot {:?}, go {real_goroot:?}",
                    s(&got["goroot"])
                ));
            }
            if s(&got["go_version"]) != real_version {
                bad.push(format!(
                    "{what}: version: groot {:?}, go {real_version:?}",
                    s(&got["go_version"])
                ));
            }
            if s(&got["error"]["message"]) != real_error {
                bad.push(format!(
                    "{what}: error: groot {:?}, go {real_error:?}",
                    s(&got["error"]["message"])
                ));
            }
            let list = self.groot(case, &["list", "--json"]);
            let active: Vec<String> = list["installs"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|i| i["active"] == true)
                        .filter_map(|i| s(&i["root"]))
                        .collect()
                })
                .unwrap_or_default();
            let want: Vec<String> = case
                .expect_goroot
                .iter()
                .map(|p| {
                    std::fs::canonicalize(p)
                        .unwrap_or_else(|_| p.clone())
                        .display()
                        .to_string()
                })
                .collect();
            if case.expect_goroot.is_some() && active != want {
                bad.push(format!(
                    "{what}: list marks {active:?} active, go runs {want:?}"
                ));
            }
        }
        bad
    }
}

fn run_ok(c: &mut Command) {
    let out = c.output().expect("run");
    assert!(
        out.status.success(),
        "{c:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two real Go versions (older, newer) with different minor versions.
fn two_gos() -> Option<((String, PathBuf), (String, PathBuf))> {
    let gos = support::real_gos(2);
    if gos.len() < 2 {
        return None;
    }
    Some((gos[gos.len() - 2].clone(), gos[gos.len() - 1].clone()))
}

fn minor(v: &str) -> String {
    v.split('.').take(2).collect::<Vec<_>>().join(".")
}

#[test]
fn goenv_shims_agree_with_real_go() {
    let (Some(goenv), Some(((old, old_real), (new, new_real)))) =
        (manager(Manager::Goenv), two_gos())
    else {
        return;
    };
    let mut h = Home::new();
    let root = h.home.join(".goenv");
    let versions = root.join("versions");
    support::mini_tree(&old_real, &versions.join(&old));
    support::mini_tree(&new_real, &versions.join(&new));
    // A system go, after the shims on PATH.
    let system = h.tmp.join("system/go");
    support::mini_tree(&old_real, &system);
    h.env
        .push(("GOENV_ROOT".into(), root.display().to_string()));
    h.path = vec![goenv.join("bin")];
    let home = h.home.clone();
    run_ok(h.command("goenv", &home, &[]).arg("rehash"));
    run_ok(h.command("goenv", &home, &[]).args(["global", &old]));
    h.path = vec![root.join("shims"), system.join("bin"), goenv.join("bin")];

    let deep = h.home.join("proj/a/b");
    std::fs::create_dir_all(&deep).expect("mkdir");
    write(&h.home.join("proj/.go-version"), &format!("{new}\n"));
    let partial = h.home.join("partial/x");
    std::fs::create_dir_all(&partial).expect("mkdir");
    write(
        &h.home.join("partial/.go-version"),
        &format!("# pinned\n{}\n", minor(&new)),
    );
    let empty = h.home.join("empty/x");
    std::fs::create_dir_all(&empty).expect("mkdir");
    write(&h.home.join("empty/.go-version"), "");
    let sys_file = h.home.join("sys/x");
    std::fs::create_dir_all(&sys_file).expect("mkdir");
    write(&h.home.join("sys/.go-version"), "system\n");
    let dir_file = h.home.join("dirfile/x");
    std::fs::create_dir_all(h.home.join("dirfile/.go-version")).expect("mkdir");
    std::fs::create_dir_all(&dir_file).expect("mkdir");
    let module = h.home.join("module/cmd");
    std::fs::create_dir_all(&module).expect("mkdir");
    write(
        &h.home.join("module/go.mod"),
        &format!("module example.com/m\n\ngo {}\n", minor(&old)),
    );
    std::os::unix::fs::symlink(versions.join(&new), versions.join("mygo")).expect("link");
    let var = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
    let cases = [
        Case {
            name: "global",
            cwd: h.home.clone(),
            env: Vec::new(),
            expect_goroot: Some(versions.join(&old)),
        },
        Case {
            name: "version file two directories up",
            cwd: deep.clone(),
            env: Vec::new(),
            expect_goroot: Some(versions.join(&new)),
        },
        Case {
            name: "GOENV_VERSION",
            cwd: deep.clone(),
            env: var("GOENV_VERSION", &old),
            expect_goroot: Some(versions.join(&old)),
        },
        Case {
            name: "partial version",
            cwd: partial,
            env: Vec::new(),
            expect_goroot: Some(versions.join(&new)),
        },
        Case {
            name: "empty .go-version means system",
            cwd: empty,
            env: Vec::new(),
            expect_goroot: Some(system.clone()),
        },
        Case {
            name: "GOENV_VERSION=system",
            cwd: h.home.clone(),
            env: var("GOENV_VERSION", "system"),
            expect_goroot: Some(system.clone()),
        },
        Case {
            name: "GOENV_DISABLE_GOROOT",
            cwd: deep.clone(),
            env: var("GOENV_DISABLE_GOROOT", "1"),
            expect_goroot: Some(versions.join(&new)),
        },
        Case {
            name: "missing version",
            cwd: h.home.clone(),
            env: var("GOENV_VERSION", "1.99.1"),
            expect_goroot: None,
        },
        Case {
            name: "several versions, the first missing",
            cwd: h.home.clone(),
            env: var("GOENV_VERSION", &format!("1.99.0:{old}")),
            expect_goroot: None,
        },
        Case {
            name: ".go-version saying system",
            cwd: sys_file,
            env: Vec::new(),
            expect_goroot: Some(system.clone()),
        },
        Case {
            name: ".go-version that is a directory",
            cwd: dir_file,
            env: Vec::new(),
            expect_goroot: Some(system.clone()),
        },
        Case {
            name: "GOENV_DIR",
            cwd: h.home.clone(),
            env: var("GOENV_DIR", &deep.display().to_string()),
            expect_goroot: Some(versions.join(&new)),
        },
        Case {
            name: "go.mod with GOENV_GOMOD_VERSION_ENABLE=1",
            cwd: module.clone(),
            env: var("GOENV_GOMOD_VERSION_ENABLE", "1"),
            expect_goroot: Some(versions.join(&old)),
        },
        Case {
            name: "go.mod ignored by default",
            cwd: module,
            env: Vec::new(),
            expect_goroot: Some(versions.join(&old)),
        },
        Case {
            name: "a version goenv prefix refuses: empty GOROOT",
            cwd: h.home.clone(),
            env: var("GOENV_VERSION", "mygo"),
            expect_goroot: Some(versions.join(&new)),
        },
    ];
    let bad = h.check("goenv", &cases);
    assert!(bad.is_empty(), "disagreements:\n{}", bad.join("\n"));
}

#[test]
fn asdf_shims_agree_with_real_go() {
    let (Some(asdf), Some(plugin), Some(((old, old_real), (new, new_real)))) = (
        manager(Manager::Asdf),
        manager(Manager::AsdfGolang),
        two_gos(),
    ) else {
        return;
    };
    let mut h = Home::new();
    let data = h.home.join(".asdf");
    let installs = data.join("installs/golang");
    std::fs::create_dir_all(data.join("plugins")).expect("mkdir");
    std::os::unix::fs::symlink(&plugin, data.join("plugins/golang")).expect("link");
    support::mini_tree(&old_real, &installs.join(&old).join("go"));
    support::mini_tree(&new_real, &installs.join(&new).join("go"));
    let system = h.tmp.join("system/go");
    support::mini_tree(&old_real, &system);
    h.path = vec![asdf.join("bin")];
    let home = h.home.clone();
    run_ok(h.command("asdf", &home, &[]).args(["reshim", "golang"]));
    write(&h.home.join(".tool-versions"), &format!("golang {old}\n"));
    h.path = vec![data.join("shims"), system.join("bin"), asdf.join("bin")];

    let deep = h.home.join("proj/a/b");
    std::fs::create_dir_all(&deep).expect("mkdir");
    write(
        &h.home.join("proj/.tool-versions"),
        &format!("# tools\nnodejs 20.1.0\ngolang {new} {old} # pinned\n"),
    );
    let legacy = h.home.join("legacy/x");
    std::fs::create_dir_all(&legacy).expect("mkdir");
    write(
        &h.home.join("legacy/.go-version"),
        &format!("{}\n", minor(&new)),
    );
    let several = h.home.join("several/x");
    std::fs::create_dir_all(&several).expect("mkdir");
    write(
        &h.home.join("several/.tool-versions"),
        &format!("golang 1.99.0 {old}\n"),
    );
    let module = h.home.join("module/cmd");
    std::fs::create_dir_all(&module).expect("mkdir");
    write(
        &h.home.join("module/go.mod"),
        &format!("module example.com/m\n\ngo {}\n", minor(&old)),
    );
    let rc = h.tmp.join("asdfrc");
    write(&rc, "legacy_version_file = yes\n");
    let var = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
    let go = |v: &str| Some(installs.join(v).join("go"));
    let cases = [
        Case {
            name: "global ~/.tool-versions",
            cwd: h.home.clone(),
            env: Vec::new(),
            expect_goroot: go(&old),
        },
        Case {
            name: ".tool-versions two directories up",
            cwd: deep.clone(),
            env: Vec::new(),
            expect_goroot: go(&new),
        },
        Case {
            name: "ASDF_GOLANG_VERSION",
            cwd: deep.clone(),
            env: var("ASDF_GOLANG_VERSION", &old),
            expect_goroot: go(&old),
        },
        Case {
            name: "legacy .go-version ignored by default",
            cwd: legacy.clone(),
            env: Vec::new(),
            expect_goroot: go(&old),
        },
        Case {
            name: "legacy .go-version with legacy_version_file = yes",
            cwd: legacy.clone(),
            env: var("ASDF_CONFIG_FILE", &rc.display().to_string()),
            expect_goroot: go(&new),
        },
        Case {
            name: "ASDF_GOLANG_VERSION=system",
            cwd: h.home.clone(),
            env: var("ASDF_GOLANG_VERSION", "system"),
            expect_goroot: Some(system.clone()),
        },
        Case {
            name: "GOROOT already set is kept",
            cwd: deep.clone(),
            env: var(
                "GOROOT",
                &installs.join(&old).join("go").display().to_string(),
            ),
            expect_goroot: go(&old),
        },
        Case {
            name: "missing version",
            cwd: h.home.clone(),
            env: var("ASDF_GOLANG_VERSION", "1.99.1"),
            expect_goroot: None,
        },
        Case {
            name: "a partial version asdf does not expand",
            cwd: h.home.clone(),
            env: var("ASDF_GOLANG_VERSION", &minor(&new)),
            expect_goroot: None,
        },
        Case {
            name: "several versions, the first not installed",
            cwd: several,
            env: Vec::new(),
            expect_goroot: go(&old),
        },
        Case {
            name: "legacy go.mod means the newest installed 1.x",
            cwd: module,
            env: var("ASDF_CONFIG_FILE", &rc.display().to_string()),
            expect_goroot: go(&new),
        },
    ];
    let bad = h.check("asdf", &cases);
    assert!(bad.is_empty(), "disagreements:\n{}", bad.join("\n"));
}
