//! Differential tests: groot's prediction against the real `go env GOROOT` and `go version`
//! of official Go builds, across versions and install layouts. Real Go is the ground truth.
#![cfg(unix)]
#![allow(clippy::print_stderr, clippy::vec_init_then_push)]

mod support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// One scenario: a layout built in a temp dir, an environment, and how go is invoked.
struct Case {
    name: &'static str,
    /// Environment variables besides the scrubbed base (HOME, GOPATH, GOCACHE, GOPROXY=off).
    env: Vec<(String, String)>,
    /// PATH entries before /usr/bin:/bin (absolute or relative to `cwd`).
    path: Vec<String>,
    /// How go is invoked: `None` = `go` through PATH, `Some(p)` = that path (relative to cwd).
    invoke: Option<String>,
    cwd: PathBuf,
    /// HOME (default `<tmp>/home`, which has no go env file).
    home: Option<PathBuf>,
    /// Also compare `go list -m` with groot's module_error.
    check_module: bool,
}

struct Outcome {
    goroot: Option<String>,
    version: Option<String>,
    error: Option<String>,
}

fn base_env(cmd: &mut Command, tmp: &Path, case: &Case) {
    cmd.env_clear()
        .env(
            "HOME",
            case.home.clone().unwrap_or_else(|| tmp.join("home")),
        )
        .env("GOPATH", tmp.join("gopath"))
        .env("GOCACHE", tmp.join("gocache"))
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .env("TMPDIR", tmp.join("tmp"))
        .current_dir(&case.cwd);
    let mut path: Vec<String> = case.path.clone();
    path.push("/usr/bin".into());
    path.push("/bin".into());
    cmd.env("PATH", path.join(":"));
    for (k, v) in &case.env {
        if v == "<unset>" {
            cmd.env_remove(k);
        } else {
            cmd.env(k, v);
        }
    }
}

fn real_go(tmp: &Path, case: &Case, args: &[&str]) -> std::process::Output {
    let program = case.invoke.clone().unwrap_or_else(|| "go".into());
    let mut cmd = Command::new("/bin/sh");
    // A shell does the PATH lookup and exec, exactly as a user's would.
    cmd.arg("-c")
        .arg(format!("exec {program} \"$@\""))
        .arg("sh")
        .args(args);
    base_env(&mut cmd, tmp, case);
    cmd.output().expect("run go")
}

fn observe(tmp: &Path, case: &Case) -> Outcome {
    let env = real_go(tmp, case, &["env", "GOROOT"]);
    let ver = real_go(tmp, case, &["version"]);
    let last = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_owned()
    };
    Outcome {
        goroot: env
            .status
            .success()
            .then(|| String::from_utf8_lossy(&env.stdout).trim_end().to_owned()),
        version: ver.status.success().then(|| {
            String::from_utf8_lossy(&ver.stdout)
                .split_whitespace()
                .nth(2)
                .unwrap_or("")
                .to_owned()
        }),
        error: (!env.status.success()).then(|| last(&env.stderr)),
    }
}

fn predict(tmp: &Path, case: &Case) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_groot"));
    cmd.args(["explain", "--json"]);
    if let Some(p) = &case.invoke {
        cmd.args(["--go", p]);
    }
    base_env(&mut cmd, tmp, case);
    let out = cmd.output().expect("run groot");
    assert!(
        out.status.success(),
        "groot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// Builds every layout for the toolchain `real` (another version `other` for the cases that
/// need two) and returns the cases.
fn cases(tmp: &Path, version: &str, real: &Path, other: (&str, &Path)) -> Vec<Case> {
    let t = |p: &str| tmp.join(p);
    let tree = t("go");
    support::mini_tree(real, &tree);
    std::fs::create_dir_all(t("home")).expect("home");
    std::fs::create_dir_all(t("tmp")).expect("tmp");
    let case = |name: &'static str| Case {
        name,
        env: Vec::new(),
        path: Vec::new(),
        invoke: None,
        cwd: tmp.join("home"),
        home: None,
        check_module: false,
    };
    let ts = |p: &Path| p.display().to_string();
    let mut out = Vec::new();

    out.push(Case {
        invoke: Some(ts(&tree.join("bin/go"))),
        ..case("direct")
    });
    out.push(Case {
        path: vec![ts(&tree.join("bin"))],
        ..case("via-path")
    });
    out.push(Case {
        invoke: Some("../go/bin/go".into()),
        ..case("relative-invocation")
    });
    out.push(Case {
        path: vec!["../go/bin".into()],
        ..case("relative-path-entry")
    });

    std::fs::create_dir_all(t("links")).expect("mkdir");
    symlink(tree.join("bin/go"), t("links/go")).expect("link");
    out.push(Case {
        path: vec![ts(&t("links"))],
        ..case("symlink-absolute")
    });
    std::fs::create_dir_all(t("rel")).expect("mkdir");
    symlink("../go/bin/go", t("rel/go")).expect("link");
    out.push(Case {
        path: vec![ts(&t("rel"))],
        ..case("symlink-relative")
    });
    std::fs::create_dir_all(t("chain")).expect("mkdir");
    symlink("../links/go", t("chain/go")).expect("link");
    out.push(Case {
        path: vec![ts(&t("chain"))],
        ..case("symlink-chain")
    });

    // Homebrew: opt/go -> ../Cellar/go/V, bin/go -> ../Cellar/go/V/libexec/bin/go.
    let cellar = t(&format!("brew/Cellar/go/{version}/libexec"));
    support::mini_tree(real, &cellar);
    std::fs::create_dir_all(t("brew/opt")).expect("mkdir");
    symlink(format!("../Cellar/go/{version}"), t("brew/opt/go")).expect("link");
    std::fs::create_dir_all(t("brew/bin")).expect("mkdir");
    symlink(
        format!("../Cellar/go/{version}/libexec/bin/go"),
        t("brew/bin/go"),
    )
    .expect("link");
    out.push(Case {
        path: vec![ts(&t("brew/bin"))],
        ..case("homebrew-bin-link")
    });
    out.push(Case {
        path: vec![ts(&t("brew/opt/go/libexec/bin"))],
        ..case("homebrew-opt-dir-link")
    });

    // Debian: /usr/bin/go -> ../lib/go-V/bin/go, /usr/lib/go -> go-V.
    support::mini_tree(real, &t(&format!("usr/lib/go-{version}")));
    std::fs::create_dir_all(t("usr/bin")).expect("mkdir");
    symlink(format!("../lib/go-{version}/bin/go"), t("usr/bin/go")).expect("link");
    out.push(Case {
        path: vec![ts(&t("usr/bin"))],
        ..case("debian-usr-bin")
    });

    std::fs::create_dir_all(t("copy")).expect("mkdir");
    std::fs::copy(tree.join("bin/go"), t("copy/go")).expect("copy");
    out.push(Case {
        path: vec![ts(&t("copy"))],
        ..case("copied-binary")
    });
    std::fs::create_dir_all(t("hard")).expect("mkdir");
    support::link_or_copy(&tree.join("bin/go"), &t("hard/go"));
    out.push(Case {
        path: vec![ts(&t("hard"))],
        ..case("hard-link")
    });

    support::mini_tree(real, &t("moved/elsewhere"));
    out.push(Case {
        path: vec![ts(&t("moved/elsewhere/bin"))],
        ..case("moved-tree")
    });

    support::link_or_copy(&tree.join("bin/go"), &tree.join("bin/linux_amd64/go"));
    out.push(Case {
        path: vec![ts(&tree.join("bin/linux_amd64"))],
        ..case("bin-goos-goarch")
    });

    let env = |k: &str, v: String| vec![(k.to_owned(), v)];
    let on_path = vec![ts(&tree.join("bin"))];
    out.push(Case {
        env: env("GOROOT", ts(&tree)),
        path: on_path.clone(),
        ..case("goroot-env-good")
    });
    out.push(Case {
        env: env("GOROOT", ts(&t("nowhere"))),
        path: on_path.clone(),
        ..case("goroot-env-missing")
    });
    out.push(Case {
        env: env("GOROOT", ts(&tree.join("bin"))),
        path: on_path.clone(),
        ..case("goroot-env-not-a-goroot")
    });
    out.push(Case {
        env: env("GOROOT", format!("{}/", ts(&tree))),
        path: on_path.clone(),
        ..case("goroot-env-trailing-slash")
    });
    out.push(Case {
        env: env("GOROOT", "~/go".into()),
        path: on_path.clone(),
        ..case("goroot-env-tilde")
    });
    out.push(Case {
        env: env("GOROOT", "../go".into()),
        path: on_path.clone(),
        ..case("goroot-env-relative")
    });
    let other_tree = t("othergo");
    support::mini_tree(other.1, &other_tree);
    out.push(Case {
        env: env("GOROOT", ts(&other_tree)),
        path: on_path.clone(),
        ..case("goroot-env-other-version")
    });

    // The user go env file.
    let home2 = t("home2");
    let cfg = home2.join(".config/go");
    std::fs::create_dir_all(&cfg).expect("mkdir");
    std::fs::write(cfg.join("env"), format!("GOROOT={}/\n", ts(&other_tree))).expect("write");
    let h2 = Some(home2.clone());
    out.push(Case {
        path: on_path.clone(),
        home: h2.clone(),
        ..case("goenv-file-goroot")
    });
    out.push(Case {
        env: env("GOENV", "off".into()),
        path: on_path.clone(),
        home: h2.clone(),
        ..case("goenv-off")
    });
    out.push(Case {
        env: vec![("GOROOT".into(), ts(&tree))],
        path: on_path.clone(),
        home: h2.clone(),
        ..case("goenv-file-and-env")
    });
    std::fs::create_dir_all(t("xdg/go")).expect("mkdir");
    std::fs::write(t("xdg/go/env"), format!("GOROOT={}\n", ts(&t("nowhere")))).expect("write");
    out.push(Case {
        env: env("XDG_CONFIG_HOME", ts(&t("xdg"))),
        path: on_path.clone(),
        ..case("xdg-config-home")
    });
    std::fs::create_dir_all(t("home/relxdg/go")).expect("mkdir");
    std::fs::write(
        t("home/relxdg/go/env"),
        format!("GOROOT={}\n", ts(&t("nowhere"))),
    )
    .expect("write");
    out.push(Case {
        env: env("XDG_CONFIG_HOME", "relxdg".into()),
        path: on_path.clone(),
        ..case("xdg-config-home-relative")
    });
    let goenv_named = t("named.env");
    std::fs::write(&goenv_named, "GOROOT=\nGOTOOLCHAIN=go1.99.0\n").expect("write");

    // Projects and toolchain switching. The go env file above is moved out of the way.
    let proj = t("proj");
    std::fs::create_dir_all(proj.join("sub")).expect("mkdir");
    std::fs::write(proj.join("go.mod"), "module p\n\ngo 1.99\n").expect("write");
    let no_file = env("GOENV", "off".into());
    let with = |mut e: Vec<(String, String)>, k: &str, v: &str| {
        e.push((k.to_owned(), v.to_owned()));
        e
    };
    out.push(Case {
        env: with(no_file.clone(), "GOTOOLCHAIN", "auto"),
        path: on_path.clone(),
        cwd: proj.clone(),
        ..case("gomod-newer-auto-offline")
    });
    out.push(Case {
        env: no_file.clone(),
        path: on_path.clone(),
        cwd: proj.join("sub"),
        check_module: true,
        ..case("gomod-newer-local")
    });
    out.push(Case {
        env: with(no_file.clone(), "GOTOOLCHAIN", "path"),
        path: on_path.clone(),
        cwd: proj.clone(),
        ..case("gomod-newer-path")
    });
    out.push(Case {
        env: with(no_file.clone(), "GOTOOLCHAIN", "go1.22"),
        path: on_path.clone(),
        ..case("gotoolchain-language-version")
    });
    out.push(Case {
        env: with(no_file.clone(), "GOTOOLCHAIN", "path+auto"),
        path: on_path.clone(),
        ..case("gotoolchain-invalid")
    });
    out.push(Case {
        env: vec![
            ("GOENV".into(), ts(&goenv_named)),
            ("GOTOOLCHAIN".into(), "<unset>".into()),
        ],
        path: on_path.clone(),
        ..case("goenv-named-file-gotoolchain")
    });

    // GOTOOLCHAIN=path with go<other> on PATH.
    let sdk = t("sdkbin");
    std::fs::create_dir_all(&sdk).expect("mkdir");
    symlink(
        other_tree.join("bin/go"),
        sdk.join(format!("go{}", other.0)),
    )
    .expect("link");
    out.push(Case {
        env: with(
            with(
                no_file.clone(),
                "GOTOOLCHAIN",
                &format!("go{}+path", other.0),
            ),
            "GOROOT",
            &ts(&tree),
        ),
        path: vec![ts(&tree.join("bin")), ts(&sdk)],
        ..case("gotoolchain-path-on-path")
    });
    std::fs::write(
        proj.join("sub/go.mod"),
        format!("module s\n\ngo 1.21\ntoolchain go{}\n", other.0),
    )
    .expect("write");
    out.push(Case {
        env: with(no_file.clone(), "GOTOOLCHAIN", "auto"),
        path: vec![ts(&tree.join("bin")), ts(&sdk)],
        cwd: proj.join("sub"),
        ..case("toolchain-line-on-path")
    });

    // go.env missing or edited.
    let noenv = t("noenv");
    support::mini_tree(real, &noenv);
    let _ = std::fs::remove_file(noenv.join("go.env"));
    out.push(Case {
        env: with(no_file.clone(), "GOTOOLCHAIN", "<unset>"),
        path: vec![ts(&noenv.join("bin"))],
        cwd: proj.clone(),
        check_module: true,
        ..case("go-env-missing")
    });
    let edited = t("edited");
    support::mini_tree(real, &edited);
    std::fs::write(
        edited.join("go.env"),
        "GOTOOLCHAIN=local\nGOTOOLCHAIN=auto\n",
    )
    .expect("write");
    out.push(Case {
        env: with(no_file.clone(), "GOTOOLCHAIN", "<unset>"),
        path: vec![ts(&edited.join("bin"))],
        cwd: proj.clone(),
        check_module: true,
        ..case("go-env-edited-local")
    });

    let notool = t("notool");
    support::mini_tree(real, &notool);
    std::fs::remove_dir_all(notool.join("pkg/tool")).expect("rm");
    out.push(Case {
        path: vec![ts(&notool.join("bin"))],
        ..case("missing-pkg-tool")
    });

    // Shadowing: a dangling link, a directory and a non-executable go come first.
    std::fs::create_dir_all(t("shadow/a")).expect("mkdir");
    symlink("/nonexistent/go", t("shadow/a/go")).expect("link");
    std::fs::create_dir_all(t("shadow/b/go")).expect("mkdir");
    std::fs::create_dir_all(t("shadow/c")).expect("mkdir");
    std::fs::write(t("shadow/c/go"), "#!/bin/sh\n").expect("write");
    out.push(Case {
        path: vec![
            ts(&t("shadow/a")),
            ts(&t("shadow/b")),
            ts(&t("shadow/c")),
            ts(&tree.join("bin")),
        ],
        ..case("skips-broken-path-entries")
    });
    out
}

#[test]
fn groot_predicts_what_real_go_does() {
    let gos = support::real_gos(4);
    if gos.is_empty() {
        return;
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, (version, real)) in gos.iter().enumerate() {
        let other = &gos[(i + 1) % gos.len()];
        let tmp = tempfile::tempdir().expect("tmp");
        let cases = cases(tmp.path(), version, real, (&other.0, &other.1));
        assert!(cases.len() >= 20, "at least 20 layouts per version");
        for case in &cases {
            let want = observe(tmp.path(), case);
            let got = predict(tmp.path(), case);
            let mut diff = Vec::new();
            if s(&got["goroot"]) != want.goroot {
                diff.push(format!(
                    "goroot: groot {:?}, go {:?}",
                    s(&got["goroot"]),
                    want.goroot
                ));
            }
            if s(&got["go_version"]) != want.version {
                diff.push(format!(
                    "version: groot {:?}, go {:?}",
                    s(&got["go_version"]),
                    want.version
                ));
            }
            if s(&got["error"]["message"]) != want.error {
                diff.push(format!(
                    "error: groot {:?}, go {:?}",
                    s(&got["error"]["message"]),
                    want.error
                ));
            }
            if case.check_module {
                let list = real_go(tmp.path(), case, &["list", "-m"]);
                let real_err = (!list.status.success()).then(|| {
                    String::from_utf8_lossy(&list.stderr)
                        .lines()
                        .last()
                        .unwrap_or("")
                        .to_owned()
                });
                if s(&got["module_error"]) != real_err {
                    diff.push(format!(
                        "module error: groot {:?}, go {:?}",
                        s(&got["module_error"]),
                        real_err
                    ));
                }
            }
            if !diff.is_empty() {
                failures.push(format!("go{version} {}: {}", case.name, diff.join("; ")));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} predictions differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{checked} predictions agree with real go");
}
