//! Switching end to end: `groot use / pin / which / exec / init` and the shims, with real Go
//! toolchains installed into a temporary groot home and real bash, zsh and fish.
#![cfg(unix)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;

/// A temporary machine: a home, a groot home with toolchains, projects.
struct World {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    groot: PathBuf,
    /// (version, toolchain name) of the installed real Go toolchains, oldest first.
    gos: Vec<(String, String)>,
}

impl World {
    fn new(min: usize) -> Option<World> {
        let real = support::real_gos(min);
        if real.is_empty() {
            return None;
        }
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().canonicalize().expect("canonical");
        let groot = Command::cargo_bin("groot")
            .expect("bin")
            .get_program()
            .into();
        let mut gos = Vec::new();
        for (v, root) in [real.first(), real.last()].into_iter().flatten() {
            let name = format!("go{v}");
            let dst = dir.join("gh/toolchains").join(&name);
            support::mini_tree(root, &dst);
            std::fs::write(dst.join(".groot-complete"), "{}").expect("marker");
            gos.push((v.clone(), name));
        }
        std::fs::create_dir_all(dir.join("home")).expect("home");
        Some(World {
            _tmp: tmp,
            dir,
            groot,
            gos,
        })
    }

    fn old(&self) -> &(String, String) {
        &self.gos[0]
    }

    fn new_(&self) -> &(String, String) {
        &self.gos[1]
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// A scrubbed environment: HOME, GROOT_HOME, a PATH without any Go, no network for Go.
    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("HOME", self.path("home"))
            .env("GROOT_HOME", self.path("gh"))
            .env("PATH", "/usr/bin:/bin")
            .env("GOPROXY", "off")
            .env("GOFLAGS", "-mod=mod")
            .current_dir(&self.dir);
        c
    }

    fn groot(&self, args: &[&str]) -> Output {
        self.cmd(&self.groot)
            .args(args)
            .output()
            .expect("groot runs")
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn shell_available(name: &str) -> bool {
    Command::new(name)
        .arg("-c")
        .arg("exit 0")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `groot init <shell>` inside the real shell and `go version` in three directories:
/// one with `.go-version`, one whose go.mod names a toolchain, one with neither (the
/// default).
#[test]
fn shims_select_per_directory_in_bash_zsh_and_fish() {
    let Some(w) = World::new(2) else { return };
    let (old_v, old) = w.old().clone();
    let (new_v, new) = w.new_().clone();
    ok(&w.groot(&["use", &old_v]));
    w.write("pinned/.go-version", &format!("{new_v}\n"));
    w.write("pinned/sub/dir/.keep", "");
    w.write(
        "module/go.mod",
        &format!("module example.com/m\n\ngo 1.21\n\ntoolchain {new}\n"),
    );
    w.write("plain/.keep", "");
    let g = w.groot.display().to_string();
    let scripts = [
        (
            "bash",
            vec!["--noprofile", "--norc", "-c"],
            format!(
                "eval \"$('{g}' init bash)\"; eval \"$('{g}' init bash)\"; echo \"PATH=$PATH\"; \
                 cd pinned/sub/dir && go version && cd ../../../module && go version && \
                 cd ../plain && go version && gofmt -h 2>&1 | head -1"
            ),
        ),
        (
            "zsh",
            vec!["-f", "-c"],
            format!(
                "eval \"$('{g}' init zsh)\"; eval \"$('{g}' init zsh)\"; echo \"PATH=$PATH\"; \
                 cd pinned/sub/dir && go version && cd ../../../module && go version && \
                 cd ../plain && go version && gofmt -h 2>&1 | head -1"
            ),
        ),
        (
            "fish",
            vec!["--no-config", "-c"],
            format!(
                "'{g}' init fish | source; '{g}' init fish | source; echo \"PATH=$PATH\"; \
                 cd pinned/sub/dir; and go version; and cd ../../../module; and go version; \
                 and cd ../plain; and go version; and gofmt -h 2>&1 | head -1"
            ),
        ),
    ];
    let shims = w.path("gh/shims").display().to_string();
    let mut ran = 0;
    for (shell, flags, script) in scripts {
        if !shell_available(shell) {
            continue;
        }
        ran += 1;
        let out = w
            .cmd(shell)
            .args(flags)
            .arg(&script)
            .output()
            .expect("runs");
        let text = ok(&out);
        let lines: Vec<&str> = text.lines().collect();
        let path_line = lines[0];
        let entries: Vec<&str> = path_line
            .trim_start_matches("PATH=")
            .split([':', ' '])
            .collect();
        assert_eq!(entries[0], shims, "{shell}: shims first: {path_line}");
        assert_eq!(
            entries.iter().filter(|e| **e == shims).count(),
            1,
            "{shell}: activation is idempotent: {path_line}"
        );
        let go_bin = w.path("home/go/bin").display().to_string();
        assert!(
            entries.contains(&go_bin.as_str()),
            "{shell}: Go's bin dir on PATH: {path_line}"
        );
        assert!(
            lines[1].contains(&format!("{new} ")),
            "{shell}: .go-version: {text}"
        );
        assert!(
            lines[2].contains(&format!("{new} ")),
            "{shell}: go.mod: {text}"
        );
        assert!(
            lines[3].contains(&format!("{old} ")),
            "{shell}: default: {text}"
        );
        assert!(
            lines[4].contains("usage: gofmt"),
            "{shell}: gofmt shim: {text}"
        );
    }
    if std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() == Ok("1") {
        assert!(ran >= 2, "need real shells to test activation");
    }
}

#[test]
fn which_pin_exec_and_the_current_link() {
    let Some(w) = World::new(2) else { return };
    let (old_v, old) = w.old().clone();
    let (new_v, new) = w.new_().clone();
    // Nothing selected and no other go: which says so.
    let out = w.groot(&["which"]);
    assert!(!out.status.success());
    ok(&w.groot(&["use", &old_v]));
    assert_eq!(ok(&w.groot(&["use"])).trim(), old);
    let which = ok(&w.groot(&["which"]));
    assert_eq!(
        PathBuf::from(which.trim()),
        w.path(&format!("gh/toolchains/{old}/bin/go"))
    );
    // pin writes .go-version in the current directory.
    w.write("proj/.keep", "");
    let out = w
        .cmd(&w.groot)
        .args(["pin", &new_v])
        .current_dir(w.path("proj"))
        .output()
        .expect("pin");
    ok(&out);
    assert_eq!(
        std::fs::read_to_string(w.path("proj/.go-version")).expect("file"),
        format!("{new_v}\n")
    );
    let out = w
        .cmd(&w.groot)
        .args(["which", "gofmt", "--json"])
        .current_dir(w.path("proj"))
        .output()
        .expect("which");
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).expect("json");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["selection"]["source"]["kind"], "go_version_file");
    assert_eq!(v["selection"]["toolchain"]["name"], new.as_str());
    assert!(v["path"]
        .as_str()
        .is_some_and(|p| p.ends_with(&format!("{new}/bin/gofmt"))));
    // exec puts the selected Go first on PATH; --go-version overrides the selection.
    let out = w
        .cmd(&w.groot)
        .args(["exec", "--", "go", "version"])
        .current_dir(w.path("proj"))
        .output()
        .expect("exec");
    assert!(ok(&out).contains(&format!("{new} ")));
    let out = w.groot(&[
        "exec",
        "--go-version",
        &new_v,
        "--",
        "sh",
        "-c",
        "command -v go",
    ]);
    assert_eq!(
        PathBuf::from(ok(&out).trim()),
        w.path(&format!("gh/toolchains/{new}/bin/go"))
    );
    let out = w.groot(&["exec", "--", "sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7), "exec passes the exit code on");
    // The zero-cost path: current/bin on PATH, no shim in between.
    let current = w.path("gh/current/bin/go");
    let out = w.cmd(&current).arg("version").output().expect("current");
    assert!(ok(&out).contains(&format!("{old} ")));
    let g = w.groot.display().to_string();
    let out = w
        .cmd("bash")
        .args([
            "--noprofile",
            "--norc",
            "-c",
            &format!("eval \"$('{g}' init bash --current)\"; command -v go; go version"),
        ])
        .output()
        .expect("bash");
    let text = ok(&out);
    assert!(
        text.starts_with(&w.path("gh/current/bin/go").display().to_string()),
        "{text}"
    );
    assert!(text.contains(&format!("{old} ")), "{text}");
    // use system removes the default and the link.
    ok(&w.groot(&["use", "system"]));
    assert!(!w.path("gh/default").exists());
    assert!(!w.path("gh/current").exists());
}

fn shim(w: &World) -> PathBuf {
    ok(&w.groot(&["init", "bash"]));
    w.path("gh/shims/go")
}

#[test]
fn shim_errors_are_clear() {
    let Some(w) = World::new(2) else { return };
    let go = shim(&w);
    // A selected version that is not installed: 127 and a hint.
    let out = w
        .cmd(&go)
        .arg("version")
        .env("GROOT_GO_VERSION", "1.19.5")
        .output()
        .expect("shim");
    assert_eq!(out.status.code(), Some(127));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("go1.19.5 is not installed (selected by GROOT_GO_VERSION)"),
        "{err}"
    );
    assert!(err.contains("groot install 1.19.5"), "{err}");
    // .go-version naming something unreadable.
    w.write("bad/.go-version", "../../etc\n");
    let out = w
        .cmd(&go)
        .arg("version")
        .current_dir(w.path("bad"))
        .output()
        .expect("shim");
    assert_eq!(out.status.code(), Some(126));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".go-version:1"), "{err}");
    // Nothing selected and no other go on PATH.
    let out = w.cmd(&go).arg("version").output().expect("shim");
    assert_eq!(out.status.code(), Some(127));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Go is selected"));
    // Nothing selected: the next go on PATH after the shims runs.
    let (_, old) = w.old().clone();
    let other = w.path(&format!("gh/toolchains/{old}/bin"));
    let out = w
        .cmd(&go)
        .arg("version")
        .env(
            "PATH",
            format!(
                "{}:{}:/usr/bin:/bin",
                w.path("gh/shims").display(),
                other.display()
            ),
        )
        .output()
        .expect("shim");
    assert!(ok(&out).contains(&format!("{old} ")));
}

/// With nothing selected, a `go` in a relative or empty PATH entry (the directory the user is
/// in) is never run by the shim, as Go's exec.LookPath refuses it; the next absolute entry is.
#[test]
fn shim_fallback_skips_relative_path_entries() {
    let Some(w) = World::new(2) else { return };
    let go = shim(&w);
    w.write("repo/go", "#!/bin/sh\necho planted\n");
    std::fs::set_permissions(w.path("repo/go"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let shims = w.path("gh/shims");
    for path in [
        format!(".:{}:/usr/bin:/bin", shims.display()),
        format!("{}::/usr/bin:/bin", shims.display()),
    ] {
        let out = w
            .cmd(&go)
            .arg("version")
            .env("PATH", &path)
            .current_dir(w.path("repo"))
            .output()
            .expect("shim");
        assert_eq!(out.status.code(), Some(127), "PATH={path}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("planted"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("in a relative PATH entry"), "{err}");
    }
    let (_, old) = w.old().clone();
    let other = w.path(&format!("gh/toolchains/{old}/bin"));
    let out = w
        .cmd(&go)
        .arg("version")
        .env(
            "PATH",
            format!(".:{}:{}:/usr/bin:/bin", shims.display(), other.display()),
        )
        .current_dir(w.path("repo"))
        .output()
        .expect("shim");
    assert!(ok(&out).contains(&format!("{old} ")));
}

#[test]
fn recursion_guard() {
    let Some(w) = World::new(2) else { return };
    let go = shim(&w);
    // A toolchain whose bin/go calls `go` on PATH again: the shim.
    let loop_root = w.path("gh/toolchains/go1.99.0");
    std::fs::create_dir_all(loop_root.join("pkg/tool/linux_amd64")).expect("mkdir");
    std::fs::create_dir_all(loop_root.join("bin")).expect("mkdir");
    std::fs::write(loop_root.join(".groot-complete"), "{}").expect("marker");
    let script = loop_root.join("bin/go");
    std::fs::write(&script, "#!/bin/sh\nexec go \"$@\"\n").expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!("{}:/usr/bin:/bin", w.path("gh/shims").display());
    let out = w
        .cmd(&go)
        .arg("version")
        .env("PATH", &path)
        .env("GROOT_GO_VERSION", "1.99.0")
        .output()
        .expect("shim");
    assert_eq!(out.status.code(), Some(126));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("GROOT_SHIM_DEPTH=16"), "{err}");
    // A toolchain whose bin/go is the shim itself is refused at once.
    std::fs::remove_file(&script).expect("rm");
    std::os::unix::fs::symlink(&w.groot, &script).expect("link");
    let out = w
        .cmd(&go)
        .arg("version")
        .env("PATH", &path)
        .env("GROOT_GO_VERSION", "1.99.0")
        .output()
        .expect("shim");
    assert_eq!(out.status.code(), Some(126));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is groot's own shim"), "{err}");
}

#[test]
fn init_install_edits_the_startup_file_once() {
    let Some(w) = World::new(2) else { return };
    let (old_v, old) = w.old().clone();
    ok(&w.groot(&["use", &old_v]));
    w.write("home/.bashrc", "# mine\nalias ll='ls -l'\n");
    let out = ok(&w.groot(&["init", "bash", "--install", "--dry-run"]));
    assert!(out.contains("+# >>> groot >>>"), "{out}");
    assert_eq!(
        std::fs::read_to_string(w.path("home/.bashrc")).expect("rc"),
        "# mine\nalias ll='ls -l'\n",
        "a dry run writes nothing"
    );
    ok(&w.groot(&["init", "bash", "--install", "--yes"]));
    // At the top of ~/.bashrc (so `ssh host cmd` gets past an interactive guard), and in the
    // profile login bash reads.
    let rc = std::fs::read_to_string(w.path("home/.bashrc")).expect("rc");
    assert!(rc.ends_with("# mine\nalias ll='ls -l'\n"), "{rc}");
    assert!(rc.contains("init bash"), "{rc}");
    let profile = std::fs::read_to_string(w.path("home/.profile")).expect("profile");
    assert!(profile.contains("init bash"), "{profile}");
    let again = ok(&w.groot(&["init", "bash", "--install"]));
    assert!(again.contains("already activate groot"), "{again}");
    assert!(
        std::fs::read_dir(w.path("gh/backups"))
            .expect("backups")
            .count()
            == 1
    );
    // A new interactive bash reads it and runs the selected go.
    let out = w
        .cmd("bash")
        .args(["--noprofile", "-i", "-c", "go version"])
        .output()
        .expect("bash");
    assert!(ok(&out).contains(&format!("{old} ")));
    // So does a login bash, which reads ~/.profile and not ~/.bashrc.
    let out = w
        .cmd("bash")
        .args(["-l", "-c", "go version"])
        .output()
        .expect("bash");
    assert!(ok(&out).contains(&format!("{old} ")));
    ok(&w.groot(&["init", "bash", "--install", "--uninstall"]));
    assert_eq!(
        std::fs::read_to_string(w.path("home/.bashrc")).expect("rc"),
        "# mine\nalias ll='ls -l'\n"
    );
}

#[test]
fn explain_follows_the_shim_and_warns_about_gotoolchain() {
    let Some(w) = World::new(2) else { return };
    let (old_v, old) = w.old().clone();
    let (_, new) = w.new_().clone();
    ok(&w.groot(&["use", &old_v]));
    shim(&w);
    w.write("proj/.go-version", &format!("{old_v}\n"));
    w.write(
        "proj/go.mod",
        &format!("module m\ngo 1.21\ntoolchain {new}\n"),
    );
    let path = format!("{}:/usr/bin:/bin", w.path("gh/shims").display());
    let out = w
        .cmd(&w.groot)
        .args(["explain", "--json"])
        .env("PATH", &path)
        .current_dir(w.path("proj"))
        .output()
        .expect("explain");
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).expect("json");
    assert_eq!(v["selection"]["toolchain"]["name"], old.as_str());
    assert!(v["go"]["path"]
        .as_str()
        .is_some_and(|p| p.ends_with(&format!("{old}/bin/go"))));
    assert_eq!(v["switch"]["wanted"], new.as_str(), "{v}");
    // which says go switches away, to groot's own install of it (the `go1.X.Y` link in the
    // shims directory, found on PATH: nothing to download), and offers GOTOOLCHAIN=local.
    let out = w
        .cmd(&w.groot)
        .args(["which"])
        .env("PATH", &path)
        .current_dir(w.path("proj"))
        .output()
        .expect("which");
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "to {new} ({})",
            w.path("gh/shims").join(&new).display()
        )),
        "{err}"
    );
    assert!(!err.contains("groot install"), "{err}");
    assert!(err.contains("GROOT_LOCAL_TOOLCHAIN=1"), "{err}");
    // With GROOT_LOCAL_TOOLCHAIN=1 the shim runs the selected Go with GOTOOLCHAIN=local.
    let out = w
        .cmd(w.path("gh/shims/go"))
        .args(["env", "GOTOOLCHAIN", "GOVERSION"])
        .env("PATH", &path)
        .env("GROOT_LOCAL_TOOLCHAIN", "1")
        .current_dir(w.path("proj"))
        .output()
        .expect("go env");
    let text = ok(&out);
    assert_eq!(text.lines().collect::<Vec<_>>(), ["local", old.as_str()]);
}

/// A groot home whose path holds quotes, `$`, `*` and spaces, already at the end of PATH:
/// every shell moves it to the front exactly once and runs the selected go.
#[test]
fn activation_quotes_odd_paths() {
    let Some(w) = World::new(2) else { return };
    let (old_v, old) = w.old().clone();
    let odd = w.path("it's a \"dir\" $x *");
    std::fs::create_dir_all(&odd).expect("mkdir");
    std::fs::rename(w.path("gh"), odd.join("gh")).expect("move");
    let gh = odd.join("gh");
    let shims = gh.join("shims").display().to_string();
    let run = |shell: &str, flags: &[&str], script: String| {
        let out = w
            .cmd(shell)
            .env("GROOT_HOME", &gh)
            .env("PATH", format!("/usr/bin:/bin:{shims}"))
            .args(flags)
            .arg(script)
            .output()
            .expect("runs");
        ok(&out)
    };
    let out = w
        .cmd(&w.groot)
        .env("GROOT_HOME", &gh)
        .args(["use", &old_v])
        .output()
        .expect("use");
    ok(&out);
    let g = w.groot.display().to_string();
    for (shell, flags) in [
        ("bash", vec!["--noprofile", "--norc", "-c"]),
        ("zsh", vec!["-f", "-c"]),
        ("sh", vec!["-c"]),
    ] {
        if !shell_available(shell) {
            continue;
        }
        let text = run(
            shell,
            &flags,
            format!("eval \"$('{g}' init {shell})\"; eval \"$('{g}' init {shell})\"; go version; printf '%s\\n' \"$PATH\""),
        );
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains(&format!("{old} ")), "{shell}: {text}");
        let path = lines[1];
        assert!(path.starts_with(&format!("{shims}:")), "{shell}: {path}");
        assert_eq!(path.matches(&shims).count(), 1, "{shell}: {path}");
    }
    if shell_available("fish") {
        let text = run(
            "fish",
            &["--no-config", "-c"],
            format!("'{g}' init fish | source; '{g}' init fish | source; go version; printf '%s\\n' $PATH"),
        );
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains(&format!("{old} ")), "fish: {text}");
        assert_eq!(lines[1], shims, "fish: {text}");
        assert_eq!(
            lines.iter().filter(|l| **l == shims).count(),
            1,
            "fish: {text}"
        );
    }
}

/// Item 5 of issue 12: `exec` and `explain --verify` never run a `./go` found through `.` or
/// an empty PATH entry (the shim's rule), even with no Go selected.
#[test]
fn exec_and_verify_refuse_a_go_in_a_relative_path_entry() {
    let Some(w) = World::new(1) else { return };
    w.write("repo/go", "#!/bin/sh\necho planted\n");
    std::fs::set_permissions(w.path("repo/go"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    for path in [".:/usr/bin:/bin", "/usr/bin::/bin"] {
        for args in [
            &["exec", "--", "go", "version"][..],
            &["explain", "--verify"][..],
        ] {
            let out = w
                .cmd(&w.groot)
                .args(args)
                .env("PATH", path)
                .current_dir(w.path("repo"))
                .output()
                .expect("groot");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stdout.contains("planted") && !stderr.contains("planted"),
                "{args:?} PATH={path}\n{stdout}\n{stderr}"
            );
            assert!(!out.status.success(), "{args:?} PATH={path}");
            assert!(
                stderr.contains("relative PATH entry"),
                "{args:?} PATH={path}\n{stderr}"
            );
        }
    }
}

/// Issue 12, item 7: `groot use` writes `default` and then `current`; two at once could leave
/// `default` naming one toolchain and `current` pointing at the other (a shell on
/// `current/bin` then runs another Go than the shims). Both are now written under one lock.
#[cfg(unix)]
#[test]
fn parallel_use_leaves_default_and_current_agreeing() {
    let Some(w) = World::new(2) else { return };
    let names = [w.old().1.clone(), w.new_().1.clone()];
    ok(&w.groot(&["use", &names[0]]));
    let mut disagreed = Vec::new();
    for round in 0..30 {
        let children: Vec<_> = (0..6)
            .map(|i| {
                w.cmd(&w.groot)
                    .args(["use", &names[(round + i) % 2]])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for mut c in children {
            assert!(c.wait().expect("wait").success());
        }
        let default = std::fs::read_to_string(w.path("gh/default")).expect("default");
        let current = std::fs::read_link(w.path("gh/current")).expect("current");
        if current != Path::new("toolchains").join(default.trim()) {
            disagreed.push(format!(
                "round {round}: default {default:?}, current {current:?}"
            ));
        }
    }
    assert!(
        disagreed.is_empty(),
        "rounds that left default and current disagreeing: {disagreed:#?}"
    );
    // doctor has nothing to say about them…
    let out = w.groot(&[
        "doctor",
        "--json",
        "--check",
        "default-current-mismatch",
        "--fail-on",
        "never",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{v}");
    // …until they disagree.
    std::fs::remove_file(w.path("gh/current")).expect("rm");
    std::os::unix::fs::symlink(
        Path::new("toolchains").join(
            if names[0]
                == std::fs::read_to_string(w.path("gh/default"))
                    .expect("default")
                    .trim()
            {
                &names[1]
            } else {
                &names[0]
            },
        ),
        w.path("gh/current"),
    )
    .expect("link");
    let out = w.groot(&[
        "doctor",
        "--json",
        "--check",
        "default-current-mismatch",
        "--fail-on",
        "never",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["findings"][0]["code"], "default-current-mismatch", "{v}");
}
