//! `groot explain` as a user runs it: the real binary, a scrubbed environment, layouts built
//! under a simulated root (`GROOT_ROOT`) or in a temp dir, real Go binaries from the cache.
#![cfg(unix)]

mod support;

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;

struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().to_path_buf();
        std::fs::create_dir_all(root.join("home/u")).expect("home");
        Fixture { _tmp: tmp, root }
    }

    fn p(&self, logical: &str) -> PathBuf {
        self.root.join(logical.trim_start_matches('/'))
    }

    /// `groot` with a scrubbed environment, modelling `os` on the simulated root.
    fn groot(&self, os: &str, path: &str) -> Command {
        let mut c = Command::cargo_bin("groot").expect("binary");
        c.env_clear()
            .env("GROOT_ROOT", &self.root)
            .env("GROOT_OS", os)
            .env("GROOT_ARCH", "amd64")
            .env("HOME", "/home/u")
            .env("PATH", path)
            .current_dir(&self.root);
        c
    }

    fn filters(&self) -> Vec<(String, String)> {
        vec![(
            regex_escape(&self.root.display().to_string()),
            "[ROOT]".to_owned(),
        )]
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn snapshot(name: &str, fixture: &Fixture, text: &str) {
    let filters = fixture.filters();
    let filters: Vec<(&str, &str)> = filters
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    insta::with_settings!({ filters => filters, prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

/// A Debian-style install shadowed by an official one, on a simulated Linux root.
fn linux_layout() -> Option<Fixture> {
    let gos = support::real_gos(2);
    let (new, old) = (gos.last()?, gos.first()?);
    let f = Fixture::new();
    support::mini_tree(&new.1, &f.p("/usr/local/go"));
    support::mini_tree(&old.1, &f.p(&format!("/usr/lib/go-{}", old.0)));
    std::fs::create_dir_all(f.p("/usr/bin")).expect("mkdir");
    symlink(format!("../lib/go-{}/bin/go", old.0), f.p("/usr/bin/go")).expect("link");
    Some(f)
}

#[test]
fn explains_a_shadowed_install_in_text_and_json() {
    let Some(f) = linux_layout() else { return };
    let (code, out, err) = run(&mut f.groot("linux", "/usr/local/go/bin:/usr/bin"));
    assert_eq!(code, 2, "no subcommand is a usage error: {err}");
    assert!(out.is_empty());

    let (code, out, err) = run(f
        .groot("linux", "/usr/local/go/bin:/usr/bin")
        .arg("explain"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("GOROOT     /usr/local/go"), "{out}");
    assert!(out.contains("shadows /usr/bin/go"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
    snapshot("explain_shadowed_text", &f, &out);

    let (code, out, _) = run(f
        .groot("linux", "/usr/local/go/bin:/usr/bin")
        .args(["explain", "--json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["go"]["path"], "/usr/local/go/bin/go");
    assert_eq!(v["goroot"], "/usr/local/go");
    assert!(v["go_version"]
        .as_str()
        .is_some_and(|s| s.starts_with("go1.")));
    assert!(v["error"].is_null());
    assert!(v["steps"].as_array().is_some_and(|s| s.len() > 4));
    let shadowed: Vec<_> = v["lookup"]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter(|c| c["verdict"] == "executable")
        .collect();
    assert_eq!(shadowed.len(), 2);
}

#[test]
fn explains_the_debian_symlink_and_a_missing_goroot() {
    let Some(f) = linux_layout() else { return };
    let (code, out, _) = run(f.groot("linux", "/usr/bin").args(["explain", "--json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let goroot = v["goroot"].as_str().expect("goroot");
    assert!(goroot.starts_with("/usr/lib/go-1."), "{goroot}");
    assert_eq!(
        v["lookup"]["candidates"][0]["hops"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let (code, out, _) = run(f
        .groot("linux", "/usr/local/go/bin")
        .env("GOROOT", "/opt/homebrew/Cellar/go/1.21.0/libexec")
        .arg("explain"));
    assert_eq!(code, 0, "explaining a broken setup succeeds");
    assert!(
        out.contains("go: cannot find GOROOT directory: /opt/homebrew/Cellar/go/1.21.0/libexec"),
        "{out}"
    );
    snapshot("explain_goroot_missing", &f, &out);
}

#[test]
fn models_macos_symlink_semantics() {
    let gos = support::real_gos(1);
    let Some((v, real)) = gos.last() else { return };
    let f = Fixture::new();
    let cellar = format!("/opt/homebrew/Cellar/go/{v}/libexec");
    support::mini_tree(real, &f.p(&cellar));
    std::fs::create_dir_all(f.p("/opt/homebrew/opt")).expect("mkdir");
    symlink(format!("../Cellar/go/{v}"), f.p("/opt/homebrew/opt/go")).expect("link");
    let goroot = |os: &str| {
        let (_, out, _) = run(f
            .groot(os, "/opt/homebrew/opt/go/libexec/bin")
            .args(["explain", "--json"]));
        let j: serde_json::Value = serde_json::from_str(&out).expect("json");
        j["goroot"].as_str().map(str::to_owned)
    };
    assert_eq!(
        goroot("darwin").as_deref(),
        Some("/opt/homebrew/opt/go/libexec")
    );
    assert_eq!(goroot("linux"), Some(cellar));
}

#[test]
fn go_as_a_script_and_verify_exit_codes() {
    let gos = support::real_gos(1);
    let Some((_, real)) = gos.last() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let script = bin.join("go");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nexec {} \"$@\"\n", real.join("bin/go").display()),
    )
    .expect("w");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let groot = |path: &Path, args: &[&str]| {
        let mut c = Command::cargo_bin("groot").expect("binary");
        c.env_clear()
            .env("HOME", tmp.path())
            .env("GOENV", "off")
            .env("GOTOOLCHAIN", "local")
            .env("PATH", format!("{}:/usr/bin:/bin", path.display()))
            .current_dir(tmp.path())
            .args(args);
        run(&mut c)
    };
    // A plain `exec /abs/go "$@"` wrapper is followed (issue 10), and verifies.
    let (code, out, _) = groot(&bin, &["explain"]);
    assert_eq!(code, 0);
    assert!(out.contains("is a wrapper script: line 2 runs"), "{out}");
    let (code, out, err) = groot(&bin, &["explain", "--verify"]);
    assert_eq!(code, 0, "{out}{err}");
    // One with a condition is not guessed at: the trace names the file, and --verify reports
    // that the real thing works where groot could not tell (exit 3).
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ -x {go} ]; then exec {go} \"$@\"; fi\nexit 1\n",
            go = real.join("bin/go").display()
        ),
    )
    .expect("w");
    let (code, out, _) = groot(&bin, &["explain"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("this launcher is a script groot cannot follow"),
        "{out}"
    );
    let (code, out, _) = groot(&bin, &["explain", "--verify"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("disagrees"), "{out}");
    // A real tree verifies.
    let (code, out, err) = groot(&real.join("bin"), &["explain", "--verify"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("✓ goroot"), "{out}");
    // --go with a path relative to the working directory.
    let rel = pathdiff(tmp.path(), &real.join("bin/go"));
    let (code, out, _) = groot(&bin, &["explain", "--json", "--go", &rel]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v["goroot"].as_str().map(PathBuf::from),
        Some(real.to_path_buf())
    );
}

#[test]
fn bad_arguments_and_garbage_binaries() {
    let f = Fixture::new();
    let (code, _, err) = run(f.groot("linux", "/bin").args(["explain", "/no/such/dir"]));
    assert_eq!(code, 1);
    assert!(err.contains("/no/such/dir is not a directory"), "{err}");
    std::fs::create_dir_all(f.p("/bin")).expect("mkdir");
    for (name, bytes) in [
        ("empty", &b""[..]),
        ("garbage", &b"\x7fELF\x02\x01\x01garbage"[..]),
    ] {
        std::fs::write(f.p("/bin/go"), bytes).expect("w");
        std::fs::set_permissions(f.p("/bin/go"), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        let (code, out, err) = run(f.groot("linux", "/bin").args(["explain", "--json"]));
        assert_eq!(code, 0, "{name}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert!(
            v["error"]["code"]
                .as_str()
                .is_some_and(|c| c.starts_with("go-")),
            "{name}: {out}"
        );
        assert!(v["goroot"].is_null());
    }
    // A symlink loop on PATH is skipped, not followed forever.
    std::fs::remove_file(f.p("/bin/go")).expect("rm");
    symlink("go2", f.p("/bin/go")).expect("link");
    symlink("go", f.p("/bin/go2")).expect("link");
    let (code, out, _) = run(f.groot("linux", "/bin").args(["explain", "--json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["error"]["code"], "go-not-on-path");
    assert_eq!(v["lookup"]["candidates"][0]["verdict"], "symlink_loop");
}

fn pathdiff(base: &Path, target: &Path) -> String {
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); b.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[test]
fn non_utf8_paths_and_garbage_files() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let gos = support::real_gos(1);
    let Some((_, real)) = gos.last() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let bad = tmp.path().join(OsStr::from_bytes(b"bad\xffdir"));
    std::fs::create_dir_all(&bad).expect("mkdir");
    symlink(real.join("bin/go"), bad.join("go")).expect("link");
    std::fs::write(
        tmp.path().join("go.mod"),
        b"module m\n\xff\xfe garbage\ngo 1.\xff22\n",
    )
    .expect("w");
    let cfg = tmp.path().join(".config/go");
    std::fs::create_dir_all(&cfg).expect("mkdir");
    std::fs::write(
        cfg.join("env"),
        b"\x00\x01garbage\nGOFLAGS\n  GOROOT=/indented\n",
    )
    .expect("w");
    let mut path = bad.into_os_string();
    path.push(":/usr/bin:/bin");
    let mut c = Command::cargo_bin("groot").expect("binary");
    c.env_clear()
        .env("HOME", tmp.path())
        .env("PATH", &path)
        .env("GOPROXY", "off")
        .current_dir(tmp.path())
        .args(["explain", "--json"]);
    let (code, out, err) = run(&mut c);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json even with a non-UTF-8 path");
    assert!(
        v["go"]["path"]
            .as_str()
            .is_some_and(|p| p.contains("bad\u{fffd}dir")),
        "{out}"
    );
    assert_eq!(
        v["goroot"].as_str().map(PathBuf::from),
        Some(real.to_path_buf()),
        "garbage env lines are ignored, as go does"
    );
}
