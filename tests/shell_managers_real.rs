//! Differential tests with the real version managers: goenv 2.2.44, asdf 0.15.0 with
//! asdf-golang, mise (full activation and `--shims`) and groot's own startup block, each set up
//! in a fresh HOME as its README says, then started in bash, zsh and fish — interactive, login
//! and as an `ssh host cmd` (non-interactive) shell. The `go` the real shell finds and the
//! GOROOT it ends with must be what the startup simulation predicts; and `groot contexts
//! --probe` must exit 0 on each setup. The managers come from `scripts/provision.sh`; a missing
//! shell or manager is skipped with a note (a failure under `GROOT_REQUIRE_REAL_GO=1`).

#![cfg(unix)]
#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use groot::fs::Fs;
use groot::shell::startup::simulate::simulate;
use groot::shell::write::activate::startup_block;
use groot::shell::{Distro, Invocation, Mode, Platform, ShellKind};
use support::managers::{manager, Manager};
use support::write;
use wait_timeout::ChildExt;

const BASE_PATH: &str = "/usr/bin:/bin";
const VERSION: &str = "1.22.10";

fn platform() -> Platform {
    let distro = if Path::new("/etc/debian_version").exists() {
        Distro::Debian
    } else {
        Distro::Upstream
    };
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    Platform::linux(distro).with_uid(uid)
}

fn link(target: &Path, at: &Path) {
    fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

fn go_tree() -> Option<PathBuf> {
    let t = support::go_cache().join(VERSION).join("go");
    if t.join("bin/go").is_file() {
        return Some(t);
    }
    assert!(
        std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() != Ok("1"),
        "GROOT_REQUIRE_REAL_GO=1 but Go {VERSION} is missing"
    );
    eprintln!("note: skipping: Go {VERSION} is missing (run scripts/provision.sh)");
    None
}

fn shell_program(kind: ShellKind) -> Option<&'static str> {
    let p = match kind {
        ShellKind::Bash => "/bin/bash",
        ShellKind::Zsh => "/bin/zsh",
        ShellKind::Fish => "/usr/bin/fish",
        _ => return None,
    };
    if Path::new(p).exists() {
        Some(p)
    } else {
        eprintln!("note: skipping {kind}: {p} is not installed");
        None
    }
}

/// Runs a command in `home` with the clean environment every context starts from.
fn hermetic(program: &str, home: &Path) -> Command {
    let mut c = Command::new(program);
    c.env_clear()
        .env("HOME", home)
        .env("TERM", "dumb")
        .env("PATH", BASE_PATH)
        .current_dir(home)
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// One way a shell is started: interactive, login, or as sshd runs `ssh host cmd`.
#[derive(Clone, Copy, Debug)]
enum Start {
    Interactive,
    Login,
    SshCommand,
}

const STARTS: [Start; 3] = [Start::Interactive, Start::Login, Start::SshCommand];

/// What the real shell ends with: `<command -v go>|<$GOROOT>`.
fn run_real(kind: ShellKind, start: Start, home: &Path) -> Option<String> {
    let program = shell_program(kind)?;
    let script = match kind {
        ShellKind::Fish => "printf '%s|%s' (command -v go) \"$GOROOT\"",
        _ => "printf '%s|%s' \"$(command -v go)\" \"${GOROOT-}\"",
    };
    let mut c = hermetic(program, home);
    match start {
        Start::Interactive => c.arg("-i"),
        Start::Login => c.arg("-l"),
        Start::SshCommand => c.env("SSH_CLIENT", "127.0.0.1 50000 22"),
    };
    let mut child = c
        .arg("-c")
        .arg(script)
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    if child
        .wait_timeout(Duration::from_secs(30))
        .ok()
        .flatten()
        .is_none()
    {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{kind} {start:?} did not finish in 30 s");
    }
    let mut out = String::new();
    child.stdout.take()?.read_to_string(&mut out).ok()?;
    Some(out)
}

/// What the simulation predicts for the same start.
fn predict(kind: ShellKind, start: Start, home: &Path) -> String {
    let mut env: BTreeMap<String, String> = [
        ("HOME", home.display().to_string()),
        ("TERM", "dumb".into()),
        ("PATH", BASE_PATH.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut inv = match start {
        Start::Interactive => Invocation::new(kind, Mode::INTERACTIVE),
        Start::Login => Invocation::new(kind, Mode::LOGIN),
        Start::SshCommand => Invocation::new(kind, Mode::NON_INTERACTIVE),
    };
    if let Start::SshCommand = start {
        inv.ssh_command = true;
        env.insert("SSH_CLIENT".into(), "127.0.0.1 50000 22".into());
    }
    let fs = Fs::real();
    let sim = simulate(&fs, &platform(), &inv, &env);
    let go = sim
        .which_go(&fs)
        .found
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    format!("{go}|{}", sim.var("GOROOT").unwrap_or_default())
}

/// Compares every shell and start on `home`, and (with `probe`) runs `groot contexts --probe`
/// there, which must find every context as predicted.
fn check(setup: &str, home: &Path, shells: &[ShellKind], probe: bool) {
    let mut bad = Vec::new();
    let mut found_go = 0;
    for &kind in shells {
        for start in STARTS {
            let Some(real) = run_real(kind, start, home) else {
                continue;
            };
            let predicted = predict(kind, start, home);
            if !real.starts_with('|') {
                found_go += 1;
            }
            if real != predicted {
                bad.push(format!(
                    "{setup}: {kind} {start:?}\n    real:      {real}\n    predicted: {predicted}"
                ));
            }
        }
    }
    assert!(bad.is_empty(), "disagreements:\n{}", bad.join("\n"));
    assert!(found_go > 0, "{setup}: no shell found go at all");
    if !probe {
        return;
    }
    let out = hermetic(env!("CARGO_BIN_EXE_groot"), home)
        .env("SHELL", "/bin/bash")
        .args(["contexts", "--probe"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run groot");
    assert!(
        out.status.success(),
        "{setup}: groot contexts --probe failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const ALL: [ShellKind; 3] = [ShellKind::Bash, ShellKind::Zsh, ShellKind::Fish];

#[test]
fn goenv_init_in_every_shell() {
    let (Some(goenv), Some(tree)) = (manager(Manager::Goenv), go_tree()) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path();
    let root = home.join(".goenv");
    for part in ["bin", "libexec", "completions"] {
        if goenv.join(part).exists() {
            link(&goenv.join(part), &root.join(part));
        }
    }
    link(&tree, &root.join("versions").join(VERSION));
    write(&root.join("version"), &format!("{VERSION}\n"));
    let sh = "export GOENV_ROOT=\"$HOME/.goenv\"\nexport PATH=\"$GOENV_ROOT/bin:$PATH\"\neval \"$(goenv init -)\"\n";
    write(&home.join(".bashrc"), sh);
    write(&home.join(".zshrc"), sh);
    write(
        &home.join(".config/fish/config.fish"),
        "set -gx GOENV_ROOT $HOME/.goenv\nset -gx PATH $GOENV_ROOT/bin $PATH\ngoenv init - fish | source\n",
    );
    let status = hermetic(&root.join("bin/goenv").display().to_string(), home)
        .env("GOENV_ROOT", &root)
        .arg("rehash")
        .status()
        .expect("goenv rehash");
    assert!(status.success());
    check("goenv", home, &ALL, true);
}

#[test]
fn asdf_script_in_every_shell() {
    let (Some(asdf), Some(plugin), Some(tree)) = (
        manager(Manager::Asdf),
        manager(Manager::AsdfGolang),
        go_tree(),
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path();
    let data = home.join(".asdf");
    link(&plugin, &data.join("plugins/golang"));
    link(
        &tree,
        &data.join("installs/golang").join(VERSION).join("go"),
    );
    write(&home.join(".tool-versions"), &format!("golang {VERSION}\n"));
    let script = asdf.join("asdf.sh").display().to_string();
    write(&home.join(".bashrc"), &format!(". '{script}'\n"));
    write(&home.join(".zshrc"), &format!(". '{script}'\n"));
    write(
        &home.join(".config/fish/config.fish"),
        &format!("source '{}'\n", asdf.join("asdf.fish").display()),
    );
    let status = hermetic(&asdf.join("bin/asdf").display().to_string(), home)
        .env("ASDF_DIR", &asdf)
        .args(["reshim", "golang"])
        .status()
        .expect("asdf reshim");
    assert!(status.success());
    check("asdf", home, &ALL, true);
}

fn mise_home(shims: bool) -> Option<(tempfile::TempDir, PathBuf)> {
    let mise = manager(Manager::Mise)?.join("bin/mise");
    let tree = go_tree()?;
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path();
    link(
        &tree,
        &home.join(".local/share/mise/installs/go").join(VERSION),
    );
    write(
        &home.join(".config/mise/config.toml"),
        &format!("[tools]\ngo = \"{VERSION}\"\n"),
    );
    let flag = if shims { " --shims" } else { "" };
    let m = mise.display();
    write(
        &home.join(".bashrc"),
        &format!("eval \"$('{m}' activate bash{flag})\"\n"),
    );
    write(
        &home.join(".zshrc"),
        &format!("eval \"$('{m}' activate zsh{flag})\"\n"),
    );
    write(
        &home.join(".config/fish/config.fish"),
        &format!("'{m}' activate fish{flag} | source\n"),
    );
    let status = hermetic(&m.to_string(), home)
        .arg("reshim")
        .status()
        .expect("mise reshim");
    assert!(status.success());
    Some((tmp, mise))
}

#[test]
fn mise_activate_in_every_shell() {
    let Some((tmp, _)) = mise_home(false) else {
        return;
    };
    check("mise activate", tmp.path(), &ALL, true);
}

#[test]
fn mise_activate_shims_in_every_shell() {
    let Some((tmp, _)) = mise_home(true) else {
        return;
    };
    check("mise activate --shims", tmp.path(), &ALL, true);
}

#[test]
fn groot_block_in_every_shell() {
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path();
    let groot = env!("CARGO_BIN_EXE_groot");
    write(
        &home.join(".bashrc"),
        &format!("{}\n", startup_block(ShellKind::Bash, groot, &[])),
    );
    write(
        &home.join(".zshrc"),
        &format!("{}\n", startup_block(ShellKind::Zsh, groot, &[])),
    );
    write(
        &home.join(".config/fish/config.fish"),
        &format!("{}\n", startup_block(ShellKind::Fish, groot, &[])),
    );
    // The shims exist once groot has run (`groot init` creates them).
    let status = hermetic(groot, home)
        .args(["init", "bash"])
        .stdout(Stdio::null())
        .status()
        .expect("groot init");
    assert!(status.success());
    check("groot init", home, &ALL, true);
}
