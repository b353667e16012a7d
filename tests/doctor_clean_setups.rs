//! `groot doctor` on clean setups, as a new user makes them: real goenv, asdf + asdf-golang,
//! mise (`mise activate` and `mise activate --shims`), groot's own store and shims, and a
//! release tarball unpacked by hand into `~/sdk`, each with a real Go tree (the newest cached
//! one, so support status has nothing to say) in a temp HOME. Doctor runs inside a real
//! interactive bash that read the startup files, so PATH and the managers' variables are what
//! the user's terminal has. None of these may raise a warning or an error.
//!
//! Also: `go1.X.Y` names in groot's shims directory let Go's own toolchain switch
//! (`GOTOOLCHAIN=go1.X.Y`) reuse groot's installs with no network (`GOPROXY=off`).
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::managers::{manager, Manager};
use support::*;

/// A temp HOME with a real Go version to set up.
struct Setup {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    version: String,
    real: PathBuf,
    /// Extra PATH entries ahead of `/usr/bin:/bin` (where a manager's own program lives).
    path: Vec<PathBuf>,
    env: Vec<(String, String)>,
}

impl Setup {
    fn new() -> Option<Setup> {
        let (version, real) = real_gos(1).last()?.clone();
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        // Debian's default ~/.profile: login bash reads ~/.bashrc too.
        write(
            &home.join(".profile"),
            "if [ -n \"$BASH_VERSION\" ] && [ -f \"$HOME/.bashrc\" ]; then\n  . \"$HOME/.bashrc\"\nfi\n",
        );
        Some(Setup {
            _tmp: tmp,
            home,
            version,
            real,
            path: Vec::new(),
            env: Vec::new(),
        })
    }

    fn tree(&self, root: &Path) {
        mini_tree(&self.real, root);
    }

    fn bashrc(&self, text: &str) {
        write(&self.home.join(".bashrc"), text);
    }

    fn base_path(&self) -> String {
        let mut p: Vec<String> = self.path.iter().map(|d| d.display().to_string()).collect();
        p.push("/usr/bin".into());
        p.push("/bin".into());
        p.join(":")
    }

    /// A scrubbed command with HOME and PATH of this setup.
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("HOME", &self.home)
            .env("PATH", self.base_path())
            .env("SHELL", "/bin/bash")
            .env("TERM", "dumb")
            .env("USER", "u")
            .env("GOPROXY", "off")
            .env("GROOT_TOOL_TIMEOUT_MS", "3000")
            .current_dir(&self.home);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs `script` in an interactive bash that read the startup files.
    fn bash(&self, script: &str) -> (i32, String, String) {
        let out = self.command("bash").args(["-ic", script]).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `groot doctor --json` run from that shell: the report.
    fn doctor(&self) -> serde_json::Value {
        let groot = env!("CARGO_BIN_EXE_groot");
        let (_, out, err) = self.bash(&format!(
            "command -v go; go version; '{groot}' doctor --json --fail-on never --no-packages"
        ));
        let json = out.find("\n{").map(|i| &out[i + 1..]).unwrap_or(&out);
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}:\n{out}\n{err}"))
    }

    fn run(&self, program: &str, args: &[&str]) -> String {
        let out = self.command(program).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Doctor raised nothing at warning or above.
fn assert_no_alarm(v: &serde_json::Value, what: &str) {
    let a = alarms(v);
    assert!(a.is_empty(), "{what}: {a:#?}\n{v:#}");
}

/// Doctor raised nothing, and found the go the shell runs at the expected version.
fn assert_clean(s: &Setup, v: &serde_json::Value, what: &str) {
    assert_no_alarm(v, what);
    assert_sees_version(s, v, what);
}

fn assert_sees_version(s: &Setup, v: &serde_json::Value, what: &str) {
    let go = v["go"].to_string();
    assert!(
        go.contains(&format!("go{}", s.version)),
        "{what}: doctor sees go {go}"
    );
}

#[test]
fn hand_unpacked_tarball_in_sdk() {
    let Some(s) = Setup::new() else { return };
    let root = s.home.join("sdk").join(format!("go{}", s.version));
    s.tree(&root);
    s.bashrc(&format!("export PATH=\"{}/bin:$PATH\"\n", root.display()));
    let v = s.doctor();
    assert_clean(&s, &v, "~/sdk tarball");
    // An interrupted `go1.X.Y download` (its archive still beside the tree) is still caught.
    write(
        &root.join(format!("go{}.linux-amd64.tar.gz", s.version)),
        "partial",
    );
    let v = s.doctor();
    let codes: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        codes.contains(&"install-half-finished".to_owned()),
        "{codes:?}"
    );
}

fn goenv_setup() -> Option<Setup> {
    let dir = manager(Manager::Goenv)?;
    let mut s = Setup::new()?;
    let root = s.home.join(".goenv");
    s.tree(&root.join("versions").join(&s.version));
    s.path.push(dir.join("bin"));
    s.env
        .push(("GOENV_ROOT".into(), root.display().to_string()));
    s.run("goenv", &["global", &s.version]);
    s.bashrc("eval \"$(goenv init -)\"\n");
    Some(s)
}

#[test]
fn goenv() {
    let Some(s) = goenv_setup() else { return };
    assert_no_alarm(&s.doctor(), "goenv");
}

#[test]
fn goenv_version_seen() {
    let Some(s) = goenv_setup() else { return };
    assert_sees_version(&s, &s.doctor(), "goenv");
}

/// goenv's init exports GOROOT for the version selected where the shell started; in a project
/// pinned to another version, goenv's shim gives go the right GOROOT, so only tools that read
/// `$GOROOT` see the stale one. Doctor traces it to the hook line, warns (not an error: go
/// works), never proposes deleting the hook line, and gives goenv's own switch; following
/// that advice in the real shell clears the finding.
#[test]
fn goenv_goroot_exported_at_init_is_traced_to_the_hook() {
    let Some(s) = goenv_setup() else { return };
    let gos = real_gos(2);
    let Some((other, other_real)) = gos.first().filter(|(v, _)| *v != s.version).cloned() else {
        return;
    };
    mini_tree(&other_real, &s.home.join(".goenv/versions").join(&other));
    write(&s.home.join("proj/.go-version"), &format!("{other}\n"));
    std::fs::create_dir_all(s.home.join("proj/a/b")).unwrap();
    let groot = env!("CARGO_BIN_EXE_groot");
    let script = format!(
        "cd proj/a/b && go env GOROOT && '{groot}' doctor --json --fail-on never --no-packages"
    );
    let report = |s: &Setup| -> (String, serde_json::Value) {
        let (_, out, err) = s.bash(&script);
        let (first, json) = out
            .split_once('\n')
            .unwrap_or_else(|| panic!("{out}\n{err}"));
        let v = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}:\n{out}\n{err}"));
        (first.to_owned(), v)
    };
    let (goroot, v) = report(&s);
    assert!(
        goroot.ends_with(&format!(".goenv/versions/{other}")),
        "real go through goenv's shim: {goroot}"
    );
    let found: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "goroot-version-mismatch")
        .collect();
    assert_eq!(found.len(), 1, "{v:#}");
    let f = found[0];
    assert_eq!(f["severity"], "warning", "{f:#}");
    let set_by = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["label"] == "set by")
        .unwrap_or_else(|| panic!("no `set by` evidence: {f:#}"));
    assert!(
        set_by["value"].as_str().unwrap().contains("goenv's hook")
            && set_by["source"].as_str().unwrap().ends_with(".bashrc:1"),
        "{set_by:#}"
    );
    assert!(
        f["fix"]["summary"]
            .as_str()
            .unwrap()
            .contains("export GOENV_DISABLE_GOROOT=1"),
        "{f:#}"
    );
    assert!(
        !f["fix"]["edits"].to_string().contains("remove_line"),
        "the hook line must not be deleted: {f:#}"
    );
    // The advice, followed in the real shell: go still gets the project's Go, and doctor has
    // nothing more to say about GOROOT.
    s.bashrc("export GOENV_DISABLE_GOROOT=1\neval \"$(goenv init -)\"\n");
    let (goroot, v) = report(&s);
    assert!(
        goroot.ends_with(&format!(".goenv/versions/{other}")),
        "{goroot}"
    );
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"].as_str().is_some_and(|c| c.starts_with("goroot-"))),
        "{v:#}"
    );
}

fn asdf_setup() -> Option<Setup> {
    let asdf = manager(Manager::Asdf)?;
    let plugin = manager(Manager::AsdfGolang)?;
    let mut s = Setup::new()?;
    let data = s.home.join(".asdf");
    std::fs::create_dir_all(data.join("plugins")).unwrap();
    std::os::unix::fs::symlink(&plugin, data.join("plugins/golang")).unwrap();
    s.tree(&data.join("installs/golang").join(&s.version).join("go"));
    write(
        &s.home.join(".tool-versions"),
        &format!("golang {}\n", s.version),
    );
    s.env
        .push(("ASDF_DATA_DIR".into(), data.display().to_string()));
    s.env.push(("ASDF_DIR".into(), asdf.display().to_string()));
    s.bashrc(&format!(". \"{}/asdf.sh\"\n", asdf.display()));
    s.bash("asdf reshim golang");
    Some(s)
}

#[test]
fn asdf_with_asdf_golang() {
    let Some(s) = asdf_setup() else { return };
    assert_no_alarm(&s.doctor(), "asdf");
}

#[test]
fn asdf_version_seen() {
    let Some(s) = asdf_setup() else { return };
    assert_sees_version(&s, &s.doctor(), "asdf");
}

fn mise_setup(shims: bool) -> Option<Setup> {
    let dir = manager(Manager::Mise)?;
    let mut s = Setup::new()?;
    let data = s.home.join(".local/share/mise");
    s.tree(&data.join("installs/go").join(&s.version));
    write(
        &s.home.join(".config/mise/config.toml"),
        &format!("[tools]\ngo = \"{}\"\n", s.version),
    );
    s.path.push(dir.join("bin"));
    s.env.push(("MISE_OFFLINE".into(), "1".into()));
    s.run("mise", &["reshim"]);
    s.bashrc(if shims {
        "eval \"$(mise activate bash --shims)\"\n"
    } else {
        "eval \"$(mise activate bash)\"\n"
    });
    Some(s)
}

#[test]
fn mise_activate() {
    let Some(s) = mise_setup(false) else { return };
    let v = s.doctor();
    assert_clean(&s, &v, "mise activate");
}

#[test]
fn mise_activate_shims() {
    let Some(s) = mise_setup(true) else { return };
    assert_no_alarm(&s.doctor(), "mise activate --shims");
}

#[test]
fn mise_activate_shims_version_seen() {
    let Some(s) = mise_setup(true) else { return };
    assert_sees_version(&s, &s.doctor(), "mise activate --shims");
}

/// groot's own: a toolchain installed from a loopback mirror, `groot use`, and the activation
/// block `groot init bash --install` writes.
fn groot_setup(versions: &[&str]) -> Option<(Setup, Server)> {
    let s = Setup::new()?;
    let server = Server::start();
    let mut index = Vec::new();
    for v in versions {
        let archive = real_archive(v, Subset::Trimmed)?;
        let file = format!("go{v}.linux-amd64.tar.gz");
        let sha = sha256_of(&archive);
        let entry = index_json(v, &[(&file, &archive, "archive", &sha)]);
        let text = String::from_utf8(entry).unwrap();
        index.push(
            text.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
        );
        server.route(&file, std::fs::read(&archive).unwrap(), Fault::None);
    }
    server.route(
        "index.json",
        format!("[{}]", index.join(",")).into_bytes(),
        Fault::None,
    );
    let mut s = s;
    s.env
        .push(("GROOT_INDEX_URL".into(), server.url("index.json")));
    s.env.push(("GROOT_MIRROR".into(), server.base()));
    let groot = env!("CARGO_BIN_EXE_groot");
    for v in versions {
        s.run(groot, &["install", v, "--arch", "amd64"]);
    }
    s.run(groot, &["use", versions[0]]);
    s.run(groot, &["init", "bash", "--install"]);
    Some((s, server))
}

#[test]
fn groot_store_and_shims() {
    let Some(version) = real_gos(1).last().map(|(v, _)| v.clone()) else {
        return;
    };
    let Some((s, _server)) = groot_setup(&[&version]) else {
        return;
    };
    let v = s.doctor();
    assert_clean(&s, &v, "groot");
}

/// Item 6 of issue 11: `go1.X.Y` in groot's shims directory is what Go's toolchain switch looks
/// for on PATH, so `GOTOOLCHAIN=go1.X.Y` runs groot's install with no download.
#[test]
fn go_toolchain_switch_reuses_groot_installs() {
    let gos = real_gos(2);
    if gos.len() < 2 {
        return;
    }
    let newest = gos.last().unwrap().0.clone();
    let other = gos[gos.len() - 2].0.clone();
    let Some((s, _server)) = groot_setup(&[&newest, &other]) else {
        return;
    };
    let shims = s.home.join(".local/share/groot/shims");
    let name = format!("go{other}");
    let link = shims.join(&name);
    assert!(link.exists(), "{} is missing", link.display());
    let (code, out, err) = s.bash(&format!(
        "GOTOOLCHAIN={name} go version; GOTOOLCHAIN={name} go env GOROOT"
    ));
    assert_eq!(code, 0, "{out}{err}");
    let root = s.home.join(".local/share/groot/toolchains").join(&name);
    assert!(out.contains(&format!("go version {name} ")), "{out}{err}");
    assert!(out.contains(&root.display().to_string()), "{out}{err}");
    assert!(!err.contains("downloading"), "{err}");
    // `groot which` does not suggest installing what is installed.
    let groot = env!("CARGO_BIN_EXE_groot");
    let (_, out, err) = s.bash(&format!("GOTOOLCHAIN={name} '{groot}' which"));
    assert!(!err.contains("groot install"), "{out}{err}");
    // Uninstalling removes the name; the toolchain switch then has nothing on PATH.
    s.run(groot, &["uninstall", &name]);
    assert!(
        std::fs::symlink_metadata(&link).is_err(),
        "{} survived uninstall",
        link.display()
    );
    let (code, _, err) = s.bash(&format!("GOTOOLCHAIN={name} go version"));
    assert_ne!(code, 0);
    assert!(
        err.contains("toolchain not available") || err.contains(&format!("download {name}")),
        "{err}"
    );
}

/// mise's shim runs go with `GOBIN=<install>/bin`, so `go install` puts tools there, where the
/// shell finds them only through mise's shims after `mise reshim`. Doctor models that GOBIN
/// (it used to say ~/go/bin, with advice to put that unused directory on PATH), says nothing
/// while every tool has its shim, and asks for `mise reshim` when one has none; running that
/// fix makes the tool work and the finding go.
#[test]
fn mise_shims_gobin_is_mises_and_a_new_tool_needs_a_reshim() {
    let Some(s) = mise_setup(true) else { return };
    let bin = s
        .home
        .join(".local/share/mise/installs/go")
        .join(&s.version)
        .join("bin");
    let (_, out, _) = s.bash("go env GOBIN");
    assert_eq!(out.trim_end(), bin.display().to_string(), "mise's GOBIN");
    let gobin = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "gobin-not-on-path")
            .cloned()
            .collect()
    };
    let v = s.doctor();
    assert!(gobin(&v).is_empty(), "{:#}", v["findings"]);

    // `go install` of a tool, as the shim runs it: the binary lands in mise's GOBIN.
    write(&bin.join("gopls"), "#!/bin/sh\necho gopls works\n");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("gopls"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }
    let (code, _, _) = s.bash("command -v gopls");
    assert_ne!(code, 0, "no shim yet: the shell cannot find it");
    let v = s.doctor();
    let found = gobin(&v);
    assert_eq!(found.len(), 1, "{:#}", v["findings"]);
    let f = &found[0];
    assert_eq!(f["severity"], "warning", "{f:#}");
    assert!(f.to_string().contains("gopls"), "{f:#}");
    let commands: Vec<&str> = f["fix"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert_eq!(commands, ["mise reshim"], "{f:#}");

    // The fix, as doctor gives it, works.
    s.bash(commands[0]);
    let (code, out, _) = s.bash("gopls");
    assert_eq!((code, out.trim_end()), (0, "gopls works"));
    let v = s.doctor();
    assert!(gobin(&v).is_empty(), "{:#}", v["findings"]);
}
