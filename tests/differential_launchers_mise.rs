//! Differential tests for mise's shim (issue 10): real mise (2026.9, from npm) in a temp HOME
//! with real Go toolchains `mise link`ed into its installs, offline. groot's `explain --json`
//! must give the GOROOT and version that `go env GOROOT` and `go version` print through the
//! shim, and `groot list --json` must mark exactly that install active.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::path::{Path, PathBuf};

use support::launchers::{compare, observe, predict, Env};
use support::managers::{manager, Manager};
use support::write;

/// A temp HOME with mise's directories, real toolchains linked in, and the shims made.
struct Mise {
    _tmp: tempfile::TempDir,
    env: Env,
    bin: PathBuf,
    config: PathBuf,
    /// (version, GOROOT) of the linked toolchains, oldest first.
    gos: Vec<(String, PathBuf)>,
}

impl Mise {
    fn new() -> Option<Mise> {
        let dir = manager(Manager::Mise)?;
        let gos = support::real_gos(2);
        if gos.len() < 2 {
            return None;
        }
        let tmp = tempfile::tempdir().unwrap();
        let mut env = Env::new(tmp.path());
        let m = tmp.path().join("mise");
        let config = m.join("config");
        for (k, sub) in [
            ("MISE_DATA_DIR", "data"),
            ("MISE_CONFIG_DIR", "config"),
            ("MISE_CACHE_DIR", "cache"),
            ("MISE_STATE_DIR", "state"),
        ] {
            env.vars.push((k.into(), m.join(sub).display().to_string()));
        }
        env.vars.push(("MISE_OFFLINE".into(), "1".into()));
        env.path.push(m.join("data/shims"));
        let s = Mise {
            _tmp: tmp,
            env,
            bin: dir.join("bin/mise"),
            config,
            gos,
        };
        for (v, root) in &s.gos {
            s.mise(&["link", &format!("go@{v}"), &root.display().to_string()]);
        }
        s.mise(&["reshim"]);
        Some(s)
    }

    fn mise(&self, args: &[&str]) {
        let out = self
            .env
            .command(&self.bin, &self.env.home)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mise {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn home(&self, rel: &str) -> PathBuf {
        let p = self.env.home.join(rel);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    fn oldest(&self) -> &str {
        &self.gos[0].0
    }

    fn newest(&self) -> &str {
        &self.gos[self.gos.len() - 1].0
    }
}

/// `1.22.10` → `1.22`.
fn minor(v: &str) -> String {
    v.rsplit_once('.')
        .map(|(a, _)| a.to_owned())
        .unwrap_or_default()
}

#[test]
fn mise_shim_matches_real_mise() {
    let Some(m) = Mise::new() else { return };
    let mut diff = Vec::new();
    let mut checked = 0;
    let mut check = |env: &Env, cwd: &Path, name: &str, want: Option<&str>| {
        // Each case must be what it says: real go runs the version the case is about.
        let seen = observe(env, cwd);
        assert_eq!(
            seen.version.as_deref(),
            want.map(|v| format!("go{v}")).as_deref(),
            "{name}: real mise ran {seen:?}"
        );
        diff.extend(compare(env, cwd, name));
        checked += 1;
    };
    // The global default, as a prefix (`1.21` is the newest installed 1.21.x).
    write(
        &m.config.join("config.toml"),
        &format!("[tools]\ngo = \"{}\"\n", minor(m.oldest())),
    );
    let work = m.home("work");
    check(&m.env, &work, "global prefix", Some(m.oldest()));

    // A mise.toml two directories up.
    let proj = m.home("proj");
    write(
        &proj.join("mise.toml"),
        &format!("[tools]\ngo = \"{}\"\n", m.newest()),
    );
    let deep = m.home("proj/a/b");
    check(&m.env, &deep, "mise.toml two up", Some(m.newest()));

    // A .tool-versions two directories up, under a mise.toml that says otherwise: the nearer
    // directory wins whatever the file kind.
    write(
        &proj.join("a/.tool-versions"),
        &format!("go {}\n", m.oldest()),
    );
    check(&m.env, &deep, ".tool-versions nearer", Some(m.oldest()));
    // In one directory, mise.toml beats .tool-versions; .mise.toml beats mise.toml.
    write(
        &proj.join("a/mise.toml"),
        &format!("[tools]\ngo = \"{}\"\n", m.newest()),
    );
    check(
        &m.env,
        &deep,
        "mise.toml over .tool-versions",
        Some(m.newest()),
    );
    write(
        &proj.join("a/.mise.toml"),
        &format!("[tools]\ngo = \"{}\"\n", m.oldest()),
    );
    check(&m.env, &deep, ".mise.toml over mise.toml", Some(m.oldest()));

    // MISE_ENV: mise.<env>.toml comes after every default file of its directory.
    write(
        &proj.join("a/mise.dev.toml"),
        &format!("[tools]\ngo = \"{}\"\n", m.newest()),
    );
    check(&m.env, &deep, "MISE_ENV unset", Some(m.oldest()));
    check(
        &m.env.with("MISE_ENV", "dev"),
        &deep,
        "MISE_ENV=dev",
        Some(m.newest()),
    );

    // mise walks up from the physical directory: a link into a tree without config finds
    // only the global default, whatever the logical parents hold.
    let elsewhere = m.home("elsewhere/x");
    let lk = m.home("lk");
    write(
        &lk.join("mise.toml"),
        &format!("[tools]\ngo = \"{}\"\n", m.newest()),
    );
    let link = lk.join("link");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    check(&m.env, &link, "cwd through a link", Some(m.oldest()));
    let v = support::launchers::groot_json(
        &m.env,
        &m.env.home,
        &["explain", &link.display().to_string()],
    );
    assert_eq!(
        v["go_version"],
        format!("go{}", m.oldest()),
        "explain DIR through a link"
    );

    // MISE_CEILING_PATHS: the walk stops below the ceiling, which is not read.
    let under = m.home("lk/under");
    check(&m.env, &under, "no ceiling", Some(m.newest()));
    let ceiling = m.env.with("MISE_CEILING_PATHS", &lk.display().to_string());
    check(&ceiling, &under, "ceiling", Some(m.oldest()));

    // MISE_GO_VERSION beats every file.
    let over = m.env.with("MISE_GO_VERSION", &minor(m.newest()));
    check(&over, &deep, "MISE_GO_VERSION", Some(m.newest()));

    // .go-version is not read unless idiomatic version files are enabled for go.
    let idio = m.home("idio/x");
    write(
        &m.home("idio").join(".go-version"),
        &format!("{}\n", m.newest()),
    );
    check(&m.env, &idio, ".go-version ignored", Some(m.oldest()));
    let enabled = m.env.with("MISE_IDIOMATIC_VERSION_FILE_ENABLE_TOOLS", "go");
    check(&enabled, &idio, ".go-version enabled", Some(m.newest()));

    // An untrusted config with [env]: mise refuses to run at all, even though the file says
    // nothing about go.
    let risky = m.home("risky/in");
    write(&m.home("risky").join("mise.toml"), "[env]\nFOO = \"x\"\n");
    check(&m.env, &risky, "untrusted [env]", None);
    // Trusted, it loads.
    m.mise(&[
        "trust",
        &m.home("risky").join("mise.toml").display().to_string(),
    ]);
    check(&m.env, &risky, "trusted [env]", Some(m.oldest()));

    // With CI set mise trusts every config file.
    let risky2 = m.home("risky2");
    write(
        &risky2.join(".mise.toml"),
        &format!("[env]\nFOO = \"x\"\n[tools]\ngo = \"{}\"\n", m.newest()),
    );
    check(&m.env, &risky2, "untrusted .mise.toml", None);
    check(
        &m.env.with("CI", "true"),
        &risky2,
        "CI trusts",
        Some(m.newest()),
    );

    // asdf's name for the tool in .tool-versions; of several versions, the first runs.
    let alias = m.home("alias/x");
    write(
        &m.home("alias").join(".tool-versions"),
        &format!("# pinned\ngolang {} {}\n", m.newest(), m.oldest()),
    );
    check(&m.env, &alias, "golang alias", Some(m.newest()));

    // Settings in the global config: idiomatic .go-version files.
    let global = m.config.join("config.toml");
    let before = std::fs::read_to_string(&global).unwrap();
    write(
        &global,
        &format!("{before}[settings]\nidiomatic_version_file_enable_tools = [\"go\"]\n"),
    );
    check(
        &m.env,
        &idio,
        ".go-version enabled in settings",
        Some(m.newest()),
    );
    write(&global, &before);

    // MISE_GLOBAL_CONFIG_FILE replaces the global config.
    let other = m.home("elsewhere").join("g.toml");
    write(&other, &format!("[tools]\ngo = \"{}\"\n", m.newest()));
    let g = m
        .env
        .with("MISE_GLOBAL_CONFIG_FILE", &other.display().to_string());
    check(&g, &work, "MISE_GLOBAL_CONFIG_FILE", Some(m.newest()));

    // A version that is not installed: mise tries to install it, offline that fails.
    let missing = m.env.with("MISE_GO_VERSION", "1.3");
    check(&missing, &work, "not installed", None);

    // go.set_goroot = false: mise leaves GOROOT alone; go finds its own.
    let nogoroot = m.env.with("MISE_GO_SET_GOROOT", "false");
    check(&nogoroot, &work, "set_goroot false", Some(m.oldest()));

    // A wrapper script in front of mise's shim: the chain is followed.
    let wrap = m.home("wrap");
    let shim = m.env.path[0].join("go");
    write(
        &wrap.join("go"),
        &format!("#!/bin/sh\nexec {} \"$@\"\n", shim.display()),
    );
    std::fs::set_permissions(
        wrap.join("go"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let mut chained = m.env.clone();
    chained.path.insert(0, wrap);
    check(&chained, &deep, "script then mise shim", Some(m.oldest()));
    let kinds: Vec<String> = predict(&chained, &deep)["launchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(kinds, ["script", "mise"]);

    assert!(
        diff.is_empty(),
        "{} of {checked}:\n{}",
        diff.len(),
        diff.join("\n")
    );
    eprintln!("{checked} mise cases agree with real mise");
}

/// The trace names the shim, the version's source with its line, and the install.
#[test]
fn mise_trace_names_its_sources() {
    let Some(m) = Mise::new() else { return };
    let proj = m.home("p");
    write(
        &proj.join("mise.toml"),
        &format!("[env]\n\n[tools]\nnode = \"20\"\ngo = \"{}\"\n", m.newest()),
    );
    m.mise(&["trust", &proj.join("mise.toml").display().to_string()]);
    let v = predict(&m.env, &proj);
    let launchers = v["launchers"].as_array().cloned().unwrap_or_default();
    assert_eq!(launchers.len(), 1, "{v:#}");
    assert_eq!(launchers[0]["kind"], "mise", "{v:#}");
    assert_eq!(
        launchers[0]["source"],
        format!("{}:5", proj.join("mise.toml").display()),
        "{v:#}"
    );
    assert_eq!(launchers[0]["version"], m.newest(), "{v:#}");
    let env: Vec<String> = launchers[0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        env.contains(&"GOROOT".to_owned()) && env.contains(&"GOBIN".to_owned()),
        "{env:?}"
    );
    // The text summary names the launcher, what it picked and why.
    let out = m
        .env
        .command(env!("CARGO_BIN_EXE_groot"), &proj)
        .arg("explain")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let want = format!(
        "mise shim {} picks {}  ({}:5)",
        m.env.path[0].join("go").display(),
        m.newest(),
        proj.join("mise.toml").display()
    );
    assert!(text.contains(&want), "{want}\n{text}");
    // `groot which` names the go the shim ends in.
    let out = m
        .env
        .command(env!("CARGO_BIN_EXE_groot"), &proj)
        .arg("which")
        .output()
        .unwrap();
    let data = m
        .env
        .vars
        .iter()
        .find(|(k, _)| k == "MISE_DATA_DIR")
        .map(|(_, v)| PathBuf::from(v))
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        data.join("installs/go")
            .join(m.newest())
            .join("bin/go")
            .display()
            .to_string(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
