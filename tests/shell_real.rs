//! Differential tests: the analyzer's predicted PATH and GOROOT against the real bash, zsh,
//! fish and dash, each run hermetically (`env -i`, a generated HOME, stdin from /dev/null, a
//! timeout) over many generated home layouts. The system files are this machine's own
//! (`/etc/profile`, `/etc/zsh/*`, fish's vendor conf.d), read through the real `Fs`.
//! A shell that is not installed is skipped with a note.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use groot::fs::Fs;
use groot::shell::startup::simulate::{display_value, simulate};
use groot::shell::{Distro, Invocation, Mode, Platform, ShellKind};
use wait_timeout::ChildExt;

const BASE_PATH: &str = "/usr/bin:/bin";

fn have(program: &str) -> bool {
    Path::new(program).exists()
}

fn uid() -> u32 {
    let out = Command::new("id").arg("-u").output().ok();
    out.and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

fn platform() -> Platform {
    let distro = if Path::new("/etc/debian_version").exists() {
        Distro::Debian
    } else {
        Distro::Upstream
    };
    Platform::linux(distro).with_uid(uid())
}

/// Runs the real shell and returns `PATH|GOROOT`.
fn run_real(program: &str, kind: ShellKind, mode: Mode, home: &Path) -> Option<String> {
    let mut args: Vec<&str> = Vec::new();
    if mode.login {
        args.push("-l");
    }
    if mode.interactive {
        args.push("-i");
    }
    let script = match kind {
        ShellKind::Fish => "printf '%s|%s' \"$PATH\" \"$GOROOT\"",
        _ => "printf '%s|%s' \"$PATH\" \"${GOROOT-}\"",
    };
    args.push("-c");
    args.push(script);
    let mut child = Command::new("env")
        .arg("-i")
        .arg(format!("HOME={}", home.display()))
        .arg("TERM=dumb")
        .arg(format!("PATH={BASE_PATH}"))
        .arg(program)
        .args(&args)
        .current_dir(home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let status = child.wait_timeout(Duration::from_secs(10)).ok()?;
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    }
    let mut out = String::new();
    child.stdout.take()?.read_to_string(&mut out).ok()?;
    Some(out)
}

fn predict(kind: ShellKind, mode: Mode, home: &Path) -> String {
    let env: BTreeMap<String, String> = [
        ("HOME".to_string(), home.display().to_string()),
        ("TERM".to_string(), "dumb".to_string()),
        ("PATH".to_string(), BASE_PATH.to_string()),
    ]
    .into_iter()
    .collect();
    let fs = Fs::real();
    let sim = simulate(&fs, &platform(), &Invocation::new(kind, mode), &env);
    format!(
        "{}|{}",
        display_value(sim.env.get("PATH").map(String::as_str).unwrap_or("")),
        sim.var("GOROOT").unwrap_or_default()
    )
}

/// A tiny deterministic generator so every seed gives the same layout.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dir");
    }
    fs::write(path, text).expect("write file");
}

/// Builds a home directory for POSIX-family shells from a seed.
fn posix_layout(seed: u64, home: &Path) {
    let mut r = Rng(seed * 7919 + 17);
    let h = home.display().to_string();
    fs::create_dir_all(home.join("go/bin")).expect("dir");
    fs::create_dir_all(home.join("sdk/go1.22.4/bin")).expect("dir");
    let mut bashrc = String::new();
    if r.chance(60) {
        bashrc.push_str("# ~/.bashrc\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\n");
    }
    if r.chance(70) {
        bashrc.push_str("export PATH=\"$HOME/go/bin:$PATH\"\n");
    }
    if r.chance(50) {
        bashrc.push_str(
            "[ -d \"$HOME/sdk/go1.22.4/bin\" ] && PATH=\"$HOME/sdk/go1.22.4/bin:$PATH\"\n",
        );
    }
    if r.chance(40) {
        bashrc.push_str("if [ -d /nonexistent/go ]; then\n  export GOROOT=/nonexistent/go\nfi\n");
    }
    write(&home.join(".bashrc"), &bashrc);

    let mut profile = String::new();
    if r.chance(60) {
        profile.push_str("if [ -n \"$BASH_VERSION\" ]; then\n    if [ -f \"$HOME/.bashrc\" ]; then\n\t. \"$HOME/.bashrc\"\n    fi\nfi\n");
    }
    if r.chance(70) {
        profile.push_str("export PATH=$PATH:/usr/local/go/bin\n");
    }
    if r.chance(50) {
        profile.push_str(&format!("GOROOT={h}/sdk/go1.22.4\nexport GOROOT\n"));
    }
    if r.chance(40) {
        write(
            &home.join(".go-env.sh"),
            "export PATH=\"${GOBIN:-$HOME/go/bin}:$PATH\"\n",
        );
        profile.push_str("if [ -f ~/.go-env.sh ]; then . ~/.go-env.sh; fi\n");
    }
    write(&home.join(".profile"), &profile);

    if r.chance(50) {
        let mut bp = String::new();
        if r.chance(60) {
            bp.push_str("[ -f ~/.profile ] && . ~/.profile\n");
        }
        bp.push_str("PATH=\"$HOME/.bp/bin:$PATH\"\n");
        if r.chance(40) {
            bp.push_str("unset GOROOT\n");
        }
        write(&home.join(".bash_profile"), &bp);
    } else if r.chance(40) {
        write(
            &home.join(".bash_login"),
            "export PATH=\"$HOME/.login/bin:$PATH\"\n",
        );
    }
}

fn zsh_layout(seed: u64, home: &Path) {
    let mut r = Rng(seed * 104729 + 3);
    fs::create_dir_all(home.join("go/bin")).expect("dir");
    let mut zshenv = String::from("# zshenv\n");
    let zdot = if r.chance(30) {
        zshenv.push_str("export ZDOTDIR=\"$HOME/.config/zsh\"\n");
        home.join(".config/zsh")
    } else {
        home.to_path_buf()
    };
    if r.chance(50) {
        zshenv.push_str("export PATH=\"$HOME/env/bin:$PATH\"\n");
    }
    if r.chance(30) {
        zshenv.push_str("typeset -U path PATH\n");
    }
    write(&home.join(".zshenv"), &zshenv);
    let mut zprofile = String::new();
    if r.chance(60) {
        zprofile.push_str("path=($HOME/go/bin $path)\n");
    }
    if r.chance(50) {
        zprofile.push_str("export GOROOT=/usr/local/go\nexport PATH=$PATH:$GOROOT/bin\n");
    }
    write(&zdot.join(".zprofile"), &zprofile);
    let mut zshrc = String::new();
    if r.chance(60) {
        zshrc.push_str("if [[ -o interactive ]]; then\n  path+=(/opt/rc/bin)\nfi\n");
    }
    if r.chance(50) {
        zshrc.push_str("[[ -d $HOME/go/bin ]] && export PATH=\"$PATH:$HOME/go/bin\"\n");
    }
    if r.chance(40) {
        zshrc.push_str("export PATH=\"/usr/local/bin:$PATH\"\n");
    }
    write(&zdot.join(".zshrc"), &zshrc);
    if r.chance(40) {
        write(&zdot.join(".zlogin"), "export GOROOT=\"$HOME/sdk/go\"\n");
    }
    // Something zsh should never read.
    write(
        &home.join(".profile"),
        "export PATH=/profile/should/not/appear:$PATH\n",
    );
}

fn fish_layout(seed: u64, home: &Path) {
    let mut r = Rng(seed * 15485863 + 11);
    let h = home.display().to_string();
    fs::create_dir_all(home.join("go/bin")).expect("dir");
    fs::create_dir_all(home.join("sdk/go/bin")).expect("dir");
    let conf = home.join(".config/fish");
    let mut config = String::new();
    if r.chance(60) {
        config.push_str("set -gx PATH $HOME/go/bin $PATH\n");
    }
    if r.chance(50) {
        config.push_str("if status is-login\n    set -gx GOROOT /usr/local/go\nelse\n    set -gx GOROOT $HOME/sdk/go\nend\n");
    }
    if r.chance(50) {
        config.push_str("fish_add_path -g $HOME/sdk/go/bin /does/not/exist\n");
    }
    if r.chance(40) {
        config.push_str("if status is-interactive; and test -d $HOME/go\n    set -gxa PATH /opt/interactive\nend\n");
    }
    write(&conf.join("config.fish"), &config);
    if r.chance(50) {
        write(
            &conf.join("conf.d/go.fish"),
            "set -gx PATH /opt/confd/bin $PATH\n",
        );
    }
    if r.chance(50) {
        write(
            &conf.join("fish_variables"),
            &format!("# This file contains fish universal variable definitions.\n# VERSION: 3.0\nSETUVAR fish_user_paths:{h}/go/bin\\x1e/usr/local/go/bin\n"),
        );
    }
}

#[allow(clippy::print_stderr)] // a skipped comparison must be visible in the test output
fn compare(kind: ShellKind, program: &str, layout: fn(u64, &Path), seeds: u64, modes: &[Mode]) {
    if !have(program) {
        eprintln!("skipping: {program} is not installed");
        return;
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    for seed in 0..seeds {
        for &mode in modes {
            let tmp = tempfile::tempdir().expect("tempdir");
            let home: PathBuf = tmp.path().join("home");
            fs::create_dir_all(&home).expect("home");
            layout(seed, &home);
            let Some(real) = run_real(program, kind, mode, &home) else {
                failures.push(format!(
                    "{program} seed {seed} {}: did not finish",
                    mode.name()
                ));
                continue;
            };
            let predicted = predict(kind, mode, &home);
            compared += 1;
            if real != predicted {
                failures.push(format!(
                    "{program} seed {seed} {}:\n  real:      {real}\n  predicted: {predicted}",
                    mode.name()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

const ALL_MODES: [Mode; 4] = [
    Mode::LOGIN_INTERACTIVE,
    Mode::INTERACTIVE,
    Mode::LOGIN,
    Mode::NON_INTERACTIVE,
];

#[test]
fn bash_prediction_matches_real_bash() {
    compare(
        ShellKind::Bash,
        "/usr/bin/bash",
        posix_layout,
        16,
        &ALL_MODES,
    );
}

#[test]
fn dash_prediction_matches_real_dash() {
    compare(
        ShellKind::Sh,
        "/usr/bin/dash",
        posix_layout,
        10,
        &[Mode::LOGIN, Mode::NON_INTERACTIVE],
    );
}

#[test]
fn zsh_prediction_matches_real_zsh() {
    compare(ShellKind::Zsh, "/usr/bin/zsh", zsh_layout, 16, &ALL_MODES);
}

#[test]
fn fish_prediction_matches_real_fish() {
    compare(
        ShellKind::Fish,
        "/usr/bin/fish",
        fish_layout,
        12,
        &ALL_MODES,
    );
}
