//! `groot fix` end to end against the real bash, zsh and fish: for each broken setup a temp
//! HOME (with a real Go from the test cache at `~/sdk/go`), `groot fix --yes` run as a user
//! would (the real binary, a scrubbed environment), then the real shell in every mode runs
//! `command -v go; go env GOROOT` from a clean environment and must get the intended Go.
//! `--undo` must restore every file byte for byte, a second `fix --yes` must change nothing,
//! and a read-only startup file must stop the fix with a clear error and no change.
#![cfg(unix)]

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use assert_cmd::prelude::*;
use wait_timeout::ChildExt;

const BASE_PATH: &str = "/usr/bin:/bin";

struct Home {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    /// The intended GOROOT (`~/sdk/go`).
    goroot: PathBuf,
    shell: &'static str,
}

fn have(program: &str) -> bool {
    Path::new(program).exists()
}

impl Home {
    /// A temp HOME with a real Go at `~/sdk/go`; `None` (skipped) without real toolchains.
    #[allow(clippy::print_stderr)]
    fn new(shell: &'static str) -> Option<Home> {
        if !have(shell) {
            eprintln!("skipping: {shell} is not installed");
            return None;
        }
        let gos = support::real_gos(1);
        let (_, real) = gos
            .iter()
            .find(|(v, _)| v.starts_with("1.22"))
            .or(gos.first())?;
        let tmp = tempfile::tempdir().expect("tmp");
        let home = tmp.path().join("home");
        let goroot = home.join("sdk/go");
        support::mini_tree(real, &goroot);
        Some(Home {
            _tmp: tmp,
            home,
            goroot,
            shell,
        })
    }

    fn put(&self, rel: &str, text: &str) {
        let p = self.home.join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.home.join(rel)).unwrap_or_default()
    }

    fn groot(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::cargo_bin("groot")
            .expect("binary")
            .env_clear()
            .env("HOME", &self.home)
            .env("SHELL", self.shell)
            .env("USER", "u")
            .env("PATH", BASE_PATH)
            .env("NO_COLOR", "1")
            .current_dir(&self.home)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("groot runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Every file of HOME except groot's own data and the Go tree, with its bytes (and link
    /// targets for symlinks).
    fn files(&self) -> BTreeMap<PathBuf, (Option<PathBuf>, Vec<u8>)> {
        fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, (Option<PathBuf>, Vec<u8>)>) {
            for e in fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                let rel = p.strip_prefix(base).expect("under home").to_path_buf();
                if rel.starts_with(".local/share/groot") || rel.starts_with("sdk") {
                    continue;
                }
                let meta = fs::symlink_metadata(&p).expect("meta");
                if meta.file_type().is_symlink() {
                    out.insert(rel, (fs::read_link(&p).ok(), Vec::new()));
                } else if meta.is_dir() {
                    walk(&p, base, out);
                } else {
                    out.insert(rel, (None, fs::read(&p).expect("read")));
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.home, &self.home, &mut out);
        out
    }

    /// Runs the real shell from a clean environment; returns `command -v go` and
    /// `go env GOROOT` (or what failed).
    fn real(&self, args: &[&str], script: &str, extra_env: &[(&str, &str)]) -> String {
        self.real_with(self.shell, args, script, extra_env)
    }

    /// [`Home::real`] with another shell than `$SHELL`.
    fn real_with(
        &self,
        program: &str,
        args: &[&str],
        script: &str,
        extra_env: &[(&str, &str)],
    ) -> String {
        let mut cmd = Command::new("env");
        cmd.arg("-i")
            .arg(format!("HOME={}", self.home.display()))
            .arg("TERM=dumb")
            .arg(format!("PATH={BASE_PATH}"))
            .arg(format!("SHELL={}", self.shell))
            .arg("USER=u");
        for (k, v) in extra_env {
            cmd.arg(format!("{k}={v}"));
        }
        let mut child = cmd
            .arg(program)
            .args(args)
            .arg("-c")
            .arg(script)
            .current_dir(&self.home)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("shell starts");
        let status = child.wait_timeout(Duration::from_secs(20)).expect("wait");
        if status.is_none() {
            let _ = child.kill();
            panic!("{program} {args:?} timed out");
        }
        let mut out = String::new();
        child
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("read");
        let mut err = String::new();
        let _ = child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err);
        if err.contains("cannot find GOROOT") || err.contains("command not found") {
            out.push_str(&err);
        }
        out.trim().to_string()
    }

    fn expected(&self) -> String {
        format!(
            "{}\n{}",
            self.goroot.join("bin/go").display(),
            self.goroot.display()
        )
    }

    /// The real shell in every mode (and the ones given) gets the intended Go.
    fn assert_every_mode(&self, modes: &[&[&str]]) {
        for args in modes {
            let got = self.real(args, "command -v go; go env GOROOT", &[]);
            assert_eq!(
                got,
                self.expected(),
                "{} {args:?} after the fix\n{}",
                self.shell,
                self.dump()
            );
        }
    }

    fn dump(&self) -> String {
        let mut s = String::new();
        for (p, (link, bytes)) in self.files() {
            s.push_str(&format!(
                "== {}{}\n{}\n",
                p.display(),
                link.map(|l| format!(" -> {}", l.display()))
                    .unwrap_or_default(),
                String::from_utf8_lossy(&bytes)
            ));
        }
        s
    }

    /// `fix --yes` applies; a second run changes nothing; `--undo` restores byte for byte.
    fn fix_then_check(&self, modes: &[&[&str]], check: impl Fn(&Home)) {
        let before = self.files();
        let (code, out, err) = self.groot(&["fix", "--yes"]);
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(out.contains("updated"), "{out}\n{err}");
        check(self);
        self.assert_every_mode(modes);

        let after = self.files();
        let (code, out, err) = self.groot(&["fix", "--yes"]);
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(out.contains("nothing to fix"), "second run:\n{out}");
        assert_eq!(self.files(), after, "the second run changed files");

        let (code, out, err) = self.groot(&["fix", "--undo"]);
        assert_eq!(code, 0, "{out}\n{err}");
        assert_eq!(self.files(), before, "undo is not byte for byte");
    }
}

const ZSH_MODES: &[&[&str]] = &[&[], &["-l"], &["-i"], &["-l", "-i"]];
const FISH_MODES: &[&[&str]] = &[&[], &["-l"], &["-i"], &["-l", "-i"]];

#[test]
fn zshrc_only_moves_to_zshenv_through_a_symlinked_dotfile() {
    let Some(h) = Home::new("/usr/bin/zsh") else {
        return;
    };
    h.put(".zshrc", "export PATH=\"$HOME/sdk/go/bin:$PATH\"\n");
    h.put("dotfiles/zshenv", "# managed by stow\nexport EDITOR=vi");
    symlink("dotfiles/zshenv", h.home.join(".zshenv")).expect("symlink");

    // Before: `zsh -c` (ssh host cmd, scripts from cron) has no go.
    assert!(!h.real(&[], "command -v go", &[]).contains("sdk/go"));
    let (_, plan, _) = h.groot(&["fix"]);
    assert!(plan.contains("startup-context-gap"), "{plan}");
    assert!(plan.contains("nothing changed"), "no TTY, no --yes: {plan}");

    h.fix_then_check(ZSH_MODES, |h| {
        let link = fs::symlink_metadata(h.home.join(".zshenv")).expect("link");
        assert!(
            link.file_type().is_symlink(),
            "the dotfile link was replaced"
        );
        let text = h.read("dotfiles/zshenv");
        assert!(
            text.starts_with("# managed by stow\nexport EDITOR=vi\n# >>> groot >>>\n"),
            "{text}"
        );
        assert!(
            text.contains("export PATH=\"$HOME/sdk/go/bin:$PATH\""),
            "{text}"
        );
    });
}

#[test]
fn bashrc_not_sourced_by_login_bash_gets_the_profile_and_ssh_commands() {
    let Some(h) = Home::new("/usr/bin/bash") else {
        return;
    };
    h.put(
        ".bashrc",
        "# ~/.bashrc\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\nexport PATH=\"$HOME/sdk/go/bin:$PATH\"\n",
    );
    h.put(".bash_profile", "export EDITOR=vi\n");
    h.fix_then_check(&[&["-l"], &["-i"], &["-l", "-i"]], |h| {
        assert!(h.read(".bash_profile").contains("# >>> groot >>>"));
        // `ssh host cmd`: Debian's bash reads ~/.bashrc (stdin a socket or SSH_CLIENT set),
        // which returns at once when not interactive: the block goes before that.
        let rc = h.read(".bashrc");
        assert!(rc.starts_with("# >>> groot >>>\n"), "{rc}");
        let ssh = h.real(
            &[],
            "command -v go; go env GOROOT",
            &[("SSH_CLIENT", "192.0.2.1 5000 22")],
        );
        if Path::new("/etc/debian_version").exists() {
            assert_eq!(ssh, h.expected(), "ssh host cmd");
        }
        // A script started from a login shell inherits its go.
        let script = h.real(&["-l"], "bash -c 'command -v go; go env GOROOT'", &[]);
        assert_eq!(script, h.expected());
    });
}

#[test]
fn profile_is_never_read_by_zsh() {
    let Some(h) = Home::new("/usr/bin/zsh") else {
        return;
    };
    h.put(".profile", "PATH=\"$HOME/sdk/go/bin:$PATH\"\nexport PATH\n");
    assert!(!h.real(&["-l"], "command -v go", &[]).contains("sdk/go"));
    h.fix_then_check(ZSH_MODES, |h| {
        assert!(h.read(".zshenv").contains("$HOME/sdk/go/bin"));
        assert!(!h.read(".profile").contains("groot"));
    });
}

#[test]
fn stale_goroot_export_is_commented_out_with_a_note() {
    let Some(h) = Home::new("/usr/bin/zsh") else {
        return;
    };
    h.put(".zshenv", "export PATH=\"$HOME/sdk/go/bin:$PATH\"\n");
    h.put(
        ".zshrc",
        "alias ll='ls -l'\nexport GOROOT=/old/Cellar/go/1.19.2/libexec\n",
    );
    let broken = h.real(&["-i"], "go env GOROOT", &[]);
    assert!(broken.contains("/old/Cellar"), "{broken}");
    h.fix_then_check(ZSH_MODES, |h| {
        let rc = h.read(".zshrc");
        assert!(
            rc.contains("\n# [groot: GOROOT /old/Cellar/go/1.19.2/libexec does not exist; go finds its own root] export GOROOT=/old/Cellar/go/1.19.2/libexec\n"),
            "{rc}"
        );
        assert!(rc.starts_with("alias ll='ls -l'\n"));
    });
}

#[test]
fn goroot_of_another_version_is_a_mismatch() {
    let Some(h) = Home::new("/usr/bin/zsh") else {
        return;
    };
    let gos = support::real_gos(2);
    let Some((_, other)) = gos.iter().find(|(v, _)| !v.starts_with("1.22")) else {
        return;
    };
    support::mini_tree(other, &h.home.join("sdk/other"));
    h.put(
        ".zshenv",
        "export PATH=\"$HOME/sdk/go/bin:$PATH\"\nexport GOROOT=\"$HOME/sdk/other\"\n",
    );
    let (_, plan, _) = h.groot(&["fix", "--dry-run"]);
    assert!(plan.contains("goroot-version-mismatch"), "{plan}");
    h.fix_then_check(ZSH_MODES, |_| {});
}

#[test]
fn go_env_file_goroot_line_is_disabled() {
    let Some(h) = Home::new("/usr/bin/zsh") else {
        return;
    };
    h.put(".zshenv", "export PATH=\"$HOME/sdk/go/bin:$PATH\"\n");
    h.put(
        ".config/go/env",
        "GOFLAGS=-mod=mod\nGOROOT=/nonexistent/go\n",
    );
    let broken = h.real(&[], "go env GOROOT", &[]);
    assert!(broken.contains("/nonexistent/go"), "{broken}");
    h.fix_then_check(ZSH_MODES, |h| {
        let env = h.read(".config/go/env");
        assert!(env.starts_with("GOFLAGS=-mod=mod\n# [groot: "), "{env}");
        assert!(env.ends_with("] GOROOT=/nonexistent/go\n"), "{env}");
    });
}

#[test]
fn fish_path_only_in_an_interactive_guard() {
    let Some(h) = Home::new("/usr/bin/fish") else {
        return;
    };
    h.put(
        ".config/fish/config.fish",
        "if status is-interactive\n    set -gx PATH $HOME/sdk/go/bin $PATH\nend\n",
    );
    assert!(!h.real(&[], "command -v go", &[]).contains("sdk/go"));
    h.fix_then_check(FISH_MODES, |h| {
        let cfg = h.read(".config/fish/config.fish");
        assert!(
            cfg.contains("fish_add_path --global --move --path \"$HOME/sdk/go/bin\""),
            "{cfg}"
        );
    });
}

#[test]
fn read_only_rc_file_stops_the_fix_and_changes_nothing() {
    let Some(h) = Home::new("/usr/bin/zsh") else {
        return;
    };
    h.put(".zshrc", "export PATH=\"$HOME/sdk/go/bin:$PATH\"\n");
    h.put(".zshenv", "export EDITOR=vi\n");
    let env = h.home.join(".zshenv");
    fs::set_permissions(&env, fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = h.files();
    let (code, out, err) = h.groot(&["fix", "--yes"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        err.contains(".zshenv") && err.contains("read-only"),
        "{err}"
    );
    assert_eq!(h.files(), before);
    assert!(
        !h.home.join(".local/share/groot/backups").exists() || {
            fs::read_dir(h.home.join(".local/share/groot/backups"))
                .map(|d| d.count() == 0)
                .unwrap_or(true)
        }
    );
    let mode = fs::metadata(&env).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
}

#[test]
fn contexts_probe_agrees_with_the_prediction_after_the_fix() {
    let Some(h) = Home::new("/usr/bin/zsh") else {
        return;
    };
    h.put(".zshrc", "export PATH=\"$HOME/sdk/go/bin:$PATH\"\n");
    let (code, out, err) = h.groot(&["contexts", "--probe", "--json"]);
    assert!(code == 0 || code == 3, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let probes = v["probes"].as_array().expect("probes");
    let terminal = probes
        .iter()
        .find(|p| p["context"] == "terminal")
        .expect("terminal probed");
    assert_eq!(terminal["agrees"], true, "{terminal:#}");
    assert_eq!(
        terminal["observed"]["go"]["path"],
        h.goroot.join("bin/go").display().to_string()
    );
    assert!(v["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .any(|g| g["code"] == "startup-context-gap"));
    let (code, _, err) = h.groot(&["fix", "--yes"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = h.groot(&["contexts", "--probe", "--json"]);
    assert_eq!(code, 0, "every context agrees after the fix:\n{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let ssh = v["probes"]
        .as_array()
        .expect("probes")
        .iter()
        .find(|p| p["context"] == "ssh_command")
        .expect("ssh");
    assert_eq!(ssh["observed"]["goroot"], h.goroot.display().to_string());
    assert!(
        v["gaps"].as_array().expect("gaps").is_empty(),
        "{:#}",
        v["gaps"]
    );
}

/// The article's case: a stale `export GOROOT=/usr/local/go` in both ~/.bashrc and ~/.zshrc.
/// One `groot fix --yes`, run from either `$SHELL`, repairs every bash and zsh mode; a second
/// run has nothing to do; `--undo` restores both files byte for byte.
#[test]
fn stale_goroot_in_bashrc_and_zshrc_is_fixed_for_both_shells_in_one_run() {
    for shell in ["/usr/bin/zsh", "/bin/bash"] {
        let Some(h) = Home::new(shell) else {
            return;
        };
        if !have("/bin/bash") || !have("/usr/bin/zsh") {
            return;
        }
        h.put(
            ".profile",
            "export PATH=\"$HOME/sdk/go/bin:$PATH\"\nif [ -n \"$BASH_VERSION\" ]; then . \"$HOME/.bashrc\"; fi\n",
        );
        h.put(
            ".bashrc",
            "export PATH=\"$HOME/sdk/go/bin:$PATH\"\nexport GOROOT=/usr/local/go\n",
        );
        h.put(".zshenv", "export PATH=\"$HOME/sdk/go/bin:$PATH\"\n");
        h.put(".zshrc", "export GOROOT=/usr/local/go\n");
        let ssh = [("SSH_CLIENT", "127.0.0.1 50000 22")];
        type Start<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
        let bash_modes: [Start; 4] = [
            (&["-l"], &[]),
            (&["-i"], &[]),
            (&["-l", "-i"], &[]),
            (&[], &ssh),
        ];
        let script = "command -v go; go env GOROOT";
        let broken = h.real_with("/bin/bash", &["-i"], script, &[]);
        assert!(broken.contains("/usr/local/go"), "{broken}");
        let before = h.files();
        let (code, out, err) = h.groot(&["fix", "--yes"]);
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(
            out.contains(".bashrc") && out.contains(".zshrc"),
            "{shell}: {out}"
        );
        for (args, env) in bash_modes {
            assert_eq!(
                h.real_with("/bin/bash", args, script, env),
                h.expected(),
                "SHELL={shell}: bash {args:?} {env:?} after the fix\n{}",
                h.dump()
            );
        }
        for args in ZSH_MODES {
            assert_eq!(
                h.real_with("/usr/bin/zsh", args, script, &[]),
                h.expected(),
                "SHELL={shell}: zsh {args:?} after the fix\n{}",
                h.dump()
            );
        }
        let (code, out, _) = h.groot(&["fix", "--yes"]);
        assert_eq!(code, 0);
        assert!(out.contains("nothing to fix"), "second run:\n{out}");
        let (code, out, err) = h.groot(&["fix", "--undo"]);
        assert_eq!(code, 0, "{out}\n{err}");
        assert_eq!(h.files(), before, "undo is not byte for byte");
    }
}

/// With bash and zsh both in use, a context name alone is ambiguous: the finding says which
/// shell's contexts miss the setting, and `groot fix` plans the edit for the other shell.
#[test]
fn context_gaps_name_the_shell_when_the_user_has_several() {
    let Some(h) = Home::new("/bin/bash") else {
        return;
    };
    if !have("/usr/bin/zsh") {
        return;
    }
    h.put(".bashrc", "export PATH=\"$HOME/sdk/go/bin:$PATH\"\n");
    h.put(".bash_profile", ". \"$HOME/.bashrc\"\n");
    h.put(".zshrc", "export EDITOR=vi\n");
    let (_, out, err) = h.groot(&["doctor", "--json"]);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let gap = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["code"] == "startup-context-gap"
                && f["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("does not reach"))
        })
        .unwrap_or_else(|| panic!("no startup-context-gap for the PATH entry:\n{out}"));
    let summary = gap["title"].as_str().expect("title");
    assert!(summary.contains("terminal (zsh)"), "{summary}");
    assert!(
        !summary.contains("(bash)"),
        "bash gets the setting: {summary}"
    );
    let (code, out, err) = h.groot(&["fix", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        h.real_with("/usr/bin/zsh", &["-i"], "command -v go", &[]),
        h.goroot.join("bin/go").display().to_string(),
        "{}",
        h.dump()
    );
}
