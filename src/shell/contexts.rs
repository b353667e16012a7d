//! Launch contexts: the places a Go user's `go` gets started from — a new terminal tab, VS Code
//! (its terminal and its own environment resolution at GUI launch), GoLand, GUI apps, tmux,
//! `ssh host cmd`, a script, cron, GitHub Actions, `sh -c` in Docker — each mapped, per OS, to
//! the environment it starts from and the shell invocation (if any) that runs before `go`.
//! [`predict`] chains those stages through the analyzer, so "VS Code's terminal on macOS" is
//! the login shell started from the environment VS Code resolved by running a login shell.
//!
//! [`survey`] wires the predictions to a [`Host`](crate::host::Host); [`probe`] runs the real
//! shells to compare with them (`groot contexts --probe`).

pub mod probe;
pub mod survey;

use std::path::Path;

use crate::fs::View;
use crate::shell::kind::ShellKind;
use crate::shell::platform::{Distro, Env, Os, Platform};
use crate::shell::startup::rules::{Invocation, Mode};
use crate::shell::startup::simulate::{self, Simulation, WhichGo};

/// A stable identifier of a launch context (snake_case in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextId {
    /// A new tab of the OS terminal (macOS: login interactive; Linux: interactive).
    Terminal,
    /// A script or `$SHELL -c` started from that terminal.
    Script,
    /// VS Code's own environment, resolved at GUI launch by `$SHELL -i -l -c`.
    VscodeEnv,
    /// VS Code's integrated terminal (macOS profiles pass `-l`; Linux ones do not).
    VscodeTerminal,
    /// GoLand's environment on macOS, loaded by `$SHELL -l -i -c` at GUI launch.
    GolandEnv,
    /// GoLand's terminal (`--login -i` on macOS, `-i` on Linux).
    GolandTerminal,
    /// A GUI app started from the Dock or Finder: launchd's environment, no dotfiles.
    GuiApp,
    /// A tmux window: a login shell started from the tmux server's environment.
    Tmux,
    /// `ssh host` (interactive): sshd starts a login shell.
    SshLogin,
    /// `ssh host cmd`: sshd runs `$SHELL -c cmd`.
    SshCommand,
    /// A cron job: `/bin/sh -c` with HOME, LOGNAME, SHELL=/bin/sh, PATH=/usr/bin:/bin.
    Cron,
    /// A GitHub Actions `run:` step (`bash -e {0}`, or `bash --noprofile --norc` with
    /// `shell: bash`; pwsh on Windows).
    GithubActions,
    /// A Docker `RUN`/`CMD` shell form: `/bin/sh -c` with the image's ENV.
    DockerShell,
}

impl ContextId {
    pub fn name(self) -> &'static str {
        match self {
            ContextId::Terminal => "terminal",
            ContextId::Script => "script",
            ContextId::VscodeEnv => "vscode_env",
            ContextId::VscodeTerminal => "vscode_terminal",
            ContextId::GolandEnv => "goland_env",
            ContextId::GolandTerminal => "goland_terminal",
            ContextId::GuiApp => "gui_app",
            ContextId::Tmux => "tmux",
            ContextId::SshLogin => "ssh_login",
            ContextId::SshCommand => "ssh_command",
            ContextId::Cron => "cron",
            ContextId::GithubActions => "github_actions",
            ContextId::DockerShell => "docker_shell",
        }
    }
}

/// Where a context's environment comes from before its shell (if any) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum Origin {
    /// The desktop session: identity variables plus the OS's default login PATH.
    Desktop,
    /// macOS launchd's per-user environment.
    Launchd,
    /// sshd: identity variables, sshd's compiled-in PATH, SSH_CLIENT.
    Sshd,
    /// cron's fixed environment.
    Cron,
    /// The environment given as is (a CI runner's or a container image's).
    Given,
    /// The final environment of another context.
    After(ContextId),
}

/// Which shell a context starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "shell")]
pub enum ShellChoice {
    /// None: the program starts directly.
    NoShell,
    /// The user's login shell (`$SHELL`).
    User,
    /// A fixed shell.
    Fixed { kind: ShellKind },
}

/// A context as data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Context {
    pub id: ContextId,
    pub title: &'static str,
    pub origin: Origin,
    pub shell: ShellChoice,
    pub mode: Mode,
    /// bash `--noprofile --norc` (GitHub Actions `shell: bash`).
    pub no_rc: bool,
    /// The sshd rule of bash applies.
    pub ssh_command: bool,
    /// The shell shows a prompt (a terminal; not `-c`), so prompt hooks such as direnv's run.
    pub prompt: bool,
    /// What a user should know about this context's rule.
    pub note: &'static str,
}

/// The contexts groot reasons about on an OS, in a stable order.
pub fn contexts(os: Os) -> Vec<Context> {
    let mac = os == Os::MacOs;
    let win = os == Os::Windows;
    let term_mode = if mac {
        Mode::LOGIN_INTERACTIVE
    } else {
        Mode::INTERACTIVE
    };
    let c = |id, title, origin, shell, mode, note| Context {
        id,
        title,
        origin,
        shell,
        mode,
        no_rc: false,
        ssh_command: false,
        prompt: false,
        note,
    };
    let mut out = Vec::new();
    // The contexts that show a prompt (terminals, tmux, ssh sessions) are marked at the end.
    if win {
        out.push(c(
            ContextId::Terminal,
            "a new PowerShell window",
            Origin::Desktop,
            ShellChoice::Fixed {
                kind: ShellKind::PowerShell,
            },
            Mode::INTERACTIVE,
            "PowerShell reads its profile scripts; PATH comes from the registry",
        ));
        out.push(c(
            ContextId::GithubActions,
            "a GitHub Actions step (pwsh)",
            Origin::Given,
            ShellChoice::Fixed {
                kind: ShellKind::PowerShell,
            },
            Mode::NON_INTERACTIVE,
            "`pwsh -command \". '{0}'\"`; GITHUB_PATH entries come first",
        ));
        return out;
    }
    out.push(c(
        ContextId::Terminal,
        "a new terminal tab",
        Origin::Desktop,
        ShellChoice::User,
        term_mode,
        if mac {
            "macOS terminals start login shells: /etc/zprofile runs path_helper, then ~/.zprofile and ~/.zshrc"
        } else {
            "Linux terminals start non-login shells: only ~/.bashrc or ~/.zshenv + ~/.zshrc"
        },
    ));
    out.push(c(
        ContextId::Script,
        "a script run from that terminal",
        Origin::After(ContextId::Terminal),
        ShellChoice::User,
        Mode::NON_INTERACTIVE,
        "inherits the terminal's exported variables; zsh adds only ~/.zshenv, bash only $BASH_ENV",
    ));
    out.push(c(
        ContextId::VscodeEnv,
        "VS Code launched from the desktop",
        if mac { Origin::Launchd } else { Origin::Desktop },
        ShellChoice::User,
        Mode::LOGIN_INTERACTIVE,
        "VS Code runs `$SHELL -i -l -c` once at startup (not when started with `code` from a terminal)",
    ));
    out.push(c(
        ContextId::VscodeTerminal,
        "VS Code's integrated terminal",
        Origin::After(ContextId::VscodeEnv),
        ShellChoice::User,
        term_mode,
        if mac {
            "a login shell again: path_helper runs a second time on top of VS Code's environment"
        } else {
            "a non-login shell on top of VS Code's resolved environment"
        },
    ));
    if mac {
        out.push(c(
            ContextId::GolandEnv,
            "GoLand launched from the desktop",
            Origin::Launchd,
            ShellChoice::User,
            Mode::LOGIN_INTERACTIVE,
            "JetBrains IDEs run `$SHELL -l -i -c` on macOS when not started from a terminal",
        ));
    }
    out.push(c(
        ContextId::GolandTerminal,
        "GoLand's terminal",
        if mac {
            Origin::After(ContextId::GolandEnv)
        } else {
            Origin::Desktop
        },
        ShellChoice::User,
        term_mode,
        "GoLand's SDK setting, not the shell, decides GOROOT for builds inside the IDE",
    ));
    if mac {
        out.push(c(
            ContextId::GuiApp,
            "a GUI app started from the Dock or Finder",
            Origin::Launchd,
            ShellChoice::NoShell,
            Mode::NON_INTERACTIVE,
            "launchd's environment: no dotfile is read",
        ));
    }
    out.push(c(
        ContextId::Tmux,
        "a tmux window",
        Origin::After(ContextId::Terminal),
        ShellChoice::User,
        Mode::LOGIN_INTERACTIVE,
        "tmux starts login shells; on Debian /etc/profile then resets PATH",
    ));
    out.push(c(
        ContextId::SshLogin,
        "an interactive ssh session",
        Origin::Sshd,
        ShellChoice::User,
        Mode::LOGIN_INTERACTIVE,
        "sshd starts a login shell",
    ));
    out.push(Context {
        ssh_command: true,
        ..c(
            ContextId::SshCommand,
            "`ssh host cmd`",
            Origin::Sshd,
            ShellChoice::User,
            Mode::NON_INTERACTIVE,
            "sshd runs `$SHELL -c cmd`: zsh reads ~/.zshenv; bash reads ~/.bashrc, which usually returns at once",
        )
    });
    out.push(c(
        ContextId::Cron,
        "a cron job",
        Origin::Cron,
        ShellChoice::Fixed {
            kind: ShellKind::Sh,
        },
        Mode::NON_INTERACTIVE,
        "`/bin/sh -c` with PATH=/usr/bin:/bin; no startup file is read",
    ));
    out.push(c(
        ContextId::GithubActions,
        "a GitHub Actions step",
        Origin::Given,
        ShellChoice::Fixed {
            kind: ShellKind::Bash,
        },
        Mode::NON_INTERACTIVE,
        "`bash -e {0}` or `bash --noprofile --norc`: only $BASH_ENV is read",
    ));
    out.push(c(
        ContextId::DockerShell,
        "a Dockerfile RUN or CMD in shell form",
        Origin::Given,
        ShellChoice::Fixed {
            kind: ShellKind::Sh,
        },
        Mode::NON_INTERACTIVE,
        "`/bin/sh -c` with the image's ENV; no startup file is read",
    ));
    for c in &mut out {
        c.prompt = matches!(
            c.id,
            ContextId::Terminal
                | ContextId::VscodeTerminal
                | ContextId::GolandTerminal
                | ContextId::Tmux
                | ContextId::SshLogin
        );
    }
    out
}

/// One stage of a context: an environment, and the shell run on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stage {
    pub context: ContextId,
    pub start_env: Env,
    /// `None` when the context starts no shell.
    pub simulation: Option<Simulation>,
}

/// What a context will see.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Prediction {
    pub context: Context,
    /// The stages from the first origin to this context, in order.
    pub stages: Vec<Stage>,
    /// The final exported environment (unresolved parts as in [`simulate::Simulation::env`]).
    pub env: Env,
    pub path: Vec<String>,
    pub which_go: WhichGo,
}

impl Prediction {
    /// The final value of a variable, for display.
    pub fn var(&self, name: &str) -> Option<String> {
        self.env.get(name).map(|v| simulate::display_value(v))
    }

    /// The simulation of this context's own shell, if it runs one.
    pub fn simulation(&self) -> Option<&Simulation> {
        self.stages.last().and_then(|s| s.simulation.as_ref())
    }

    /// Variables an `.envrc` set or unset at a prompt (direnv), in this context or the one it
    /// starts from.
    pub fn direnv_vars(&self) -> Vec<String> {
        self.stages
            .iter()
            .filter_map(|s| s.simulation.as_ref()?.direnv.as_ref())
            .filter(|d| d.applied())
            .flat_map(|d| d.exports.keys().cloned())
            .collect()
    }

    /// PATH entries an `.envrc` put in front at a prompt (direnv), in this context or the one
    /// it starts from.
    pub fn direnv_path(&self) -> Vec<String> {
        self.stages
            .iter()
            .filter_map(|s| s.simulation.as_ref()?.direnv.as_ref())
            .filter(|d| d.applied())
            .flat_map(|d| d.path_added.iter().cloned())
            .collect()
    }
}

/// The inputs of a prediction besides the context.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub fs: &'a dyn View,
    pub platform: &'a Platform,
    /// The user's session environment: HOME, USER, SHELL, LANG… For [`Origin::Given`]
    /// contexts it is used as is, PATH included.
    pub session: &'a Env,
    /// The directory go runs in: contexts that show a prompt show it there, so prompt hooks
    /// (direnv) act for it. `None`: prompt hooks are not followed.
    pub dir: Option<&'a Path>,
}

/// The identity variables a fresh session or sshd passes on.
const IDENTITY: &[&str] = &[
    "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TMPDIR", "ZDOTDIR",
];

/// The PATH a fresh desktop session starts with.
pub fn default_session_path(platform: &Platform) -> &'static str {
    match (platform.os, platform.distro) {
        (Os::MacOs, _) => "/usr/bin:/bin:/usr/sbin:/sbin",
        (Os::Windows, _) => "",
        (_, Distro::Debian) => "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games",
        (_, Distro::Upstream) => "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    }
}

/// Predicts one context.
pub fn predict(inputs: Inputs<'_>, ctx: &Context) -> Prediction {
    predict_depth(inputs, ctx, 0, &mut Memo::default())
}

/// Predicts every context of the platform's OS.
pub fn predict_all(inputs: Inputs<'_>) -> Vec<Prediction> {
    let all = contexts(inputs.platform.os);
    // Only the contexts others start from are kept for reuse.
    let starts: Vec<ContextId> = all
        .iter()
        .filter_map(|c| match c.origin {
            Origin::After(prev) => Some(prev),
            _ => None,
        })
        .collect();
    let mut memo = Memo::default();
    all.iter()
        .map(|c| {
            let p = predict_depth(inputs, c, 0, &mut memo);
            if starts.contains(&c.id) {
                memo.done.insert(c.id, p.clone());
            }
            p
        })
        .collect()
}

/// What one [`predict_all`] has worked out already: a context started from another (a VS Code
/// terminal from VS Code) reuses that context's prediction, and identical shell starts (the same
/// invocation from the same environment: a new terminal tab and GoLand's terminal) are
/// simulated once.
#[derive(Default)]
struct Memo {
    done: std::collections::HashMap<ContextId, Prediction>,
    sims: std::collections::HashMap<(Invocation, Env), Simulation>,
}

fn predict_depth(inputs: Inputs<'_>, ctx: &Context, depth: usize, memo: &mut Memo) -> Prediction {
    let identity = || -> Env {
        inputs
            .session
            .iter()
            .filter(|(k, _)| IDENTITY.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let mut stages = Vec::new();
    let start_env: Env = match ctx.origin {
        Origin::Desktop => {
            let mut e = identity();
            e.insert("PATH".into(), default_session_path(inputs.platform).into());
            e
        }
        Origin::Launchd => {
            let mut e = identity();
            e.insert("PATH".into(), "/usr/bin:/bin:/usr/sbin:/sbin".into());
            e
        }
        Origin::Sshd => {
            let mut e = identity();
            let p = match inputs.platform.os {
                Os::MacOs => "/usr/bin:/bin:/usr/sbin:/sbin",
                _ => "/usr/local/bin:/usr/bin:/bin:/usr/games",
            };
            e.insert("PATH".into(), p.into());
            e.insert("SSH_CLIENT".into(), "192.0.2.1 50000 22".into());
            e
        }
        Origin::Cron => {
            let mut e: Env = inputs
                .session
                .iter()
                .filter(|(k, _)| matches!(k.as_str(), "HOME" | "LOGNAME"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            e.insert("PATH".into(), "/usr/bin:/bin".into());
            e.insert("SHELL".into(), "/bin/sh".into());
            e
        }
        Origin::Given => inputs.session.clone(),
        Origin::After(prev) => {
            let prev_ctx = contexts(inputs.platform.os)
                .into_iter()
                .find(|c| c.id == prev && depth < 4);
            match prev_ctx {
                Some(pc) => {
                    let p = match memo.done.get(&pc.id) {
                        Some(p) => p.clone(),
                        None => predict_depth(inputs, &pc, depth + 1, memo),
                    };
                    stages.extend(p.stages);
                    p.env
                }
                None => identity(),
            }
        }
    };
    let shell = match ctx.shell {
        ShellChoice::NoShell => None,
        ShellChoice::Fixed { kind } => Some(kind),
        ShellChoice::User => {
            let sh = start_env
                .get("SHELL")
                .or_else(|| inputs.session.get("SHELL"))
                .map(String::as_str)
                .unwrap_or("/bin/sh");
            Some(ShellKind::from_program(sh).unwrap_or(ShellKind::Sh))
        }
    };
    let simulation = shell.map(|kind| {
        let mut inv = Invocation::new(kind, ctx.mode);
        inv.no_profile = ctx.no_rc;
        inv.no_rc = ctx.no_rc;
        inv.ssh_command = ctx.ssh_command && kind == ShellKind::Bash;
        inv.prompt_in = inputs
            .dir
            .filter(|_| ctx.prompt && kind != ShellKind::PowerShell)
            .map(Path::to_path_buf);
        let key = (inv, start_env.clone());
        if let Some(s) = memo.sims.get(&key) {
            return s.clone();
        }
        let s = simulate::simulate(inputs.fs, inputs.platform, &key.0, &start_env);
        memo.sims.insert(key, s.clone());
        s
    });
    let env = simulation
        .as_ref()
        .map(|s| s.env.clone())
        .unwrap_or_else(|| start_env.clone());
    stages.push(Stage {
        context: ctx.id,
        start_env,
        simulation,
    });
    let path = env.get("PATH").map(|p| split(p)).unwrap_or_default();
    let which_go = simulate::which(inputs.fs, &path, "go");
    Prediction {
        context: ctx.clone(),
        stages,
        env,
        path,
        which_go,
    }
}

fn split(p: &str) -> Vec<String> {
    // Reuse the analyzer's splitting, which respects unresolved parts.
    let sim = Simulation {
        invocation: Invocation::new(ShellKind::Sh, Mode::NON_INTERACTIVE),
        files: Vec::new(),
        effects: Vec::new(),
        env: [("PATH".to_string(), p.to_string())].into_iter().collect(),
        direnv: None,
    };
    sim.path()
}

/// The files a user should edit so that a setting reaches `ctx` (the user files of the
/// context's shell invocation), for `startup-context-gap` fixes.
pub fn files_read(prediction: &Prediction) -> Vec<&Path> {
    prediction
        .stages
        .iter()
        .filter_map(|s| s.simulation.as_ref())
        .flat_map(|s| {
            s.files
                .iter()
                .filter(|f| f.exists)
                .map(|f| f.path.as_path())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    fn session(home: &str, shell: &str) -> Env {
        [
            ("HOME", home),
            ("SHELL", shell),
            ("USER", "me"),
            ("PATH", "/already/modified"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn every_context_has_a_unique_id_per_os() {
        for os in [Os::Linux, Os::MacOs, Os::Windows] {
            let list = contexts(os);
            let mut ids: Vec<_> = list.iter().map(|c| c.id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), list.len());
        }
        assert!(contexts(Os::MacOs)
            .iter()
            .any(|c| c.id == ContextId::GuiApp));
        assert!(!contexts(Os::Linux)
            .iter()
            .any(|c| c.id == ContextId::GuiApp));
    }

    /// `predict_all` reuses predictions and simulations; the result is what predicting each
    /// context on its own gives.
    #[test]
    fn predict_all_equals_each_context_predicted_alone() {
        let fs = MemFs::new()
            .file(
                "/home/me/.bashrc",
                "export PATH=/usr/local/go/bin:$PATH\nexport GOFLAGS=-mod=mod\n",
            )
            .file("/home/me/.profile", ". \"$HOME/.bashrc\"\n")
            .file("/usr/local/go/bin/go", "");
        for (os, shell) in [
            (Platform::linux(Distro::Debian), "/bin/bash"),
            (Platform::macos(), "/bin/zsh"),
        ] {
            let env = session("/home/me", shell);
            let inputs = Inputs {
                fs: &fs,
                platform: &os,
                session: &env,
                dir: None,
            };
            let alone: Vec<Prediction> =
                contexts(os.os).iter().map(|c| predict(inputs, c)).collect();
            assert_eq!(predict_all(inputs), alone);
        }
    }

    #[test]
    fn zshrc_only_go_reaches_terminal_but_not_ssh_or_cron() {
        let fs = MemFs::new()
            .file("/home/me/.zshrc", "export PATH=/usr/local/go/bin:$PATH\n")
            .file("/usr/local/go/bin/go", "")
            .file("/usr/bin/go", "");
        let platform = Platform::linux(Distro::Debian);
        let env = session("/home/me", "/usr/bin/zsh");
        let inputs = Inputs {
            fs: &fs,
            platform: &platform,
            session: &env,
            dir: None,
        };
        let all = predict_all(inputs);
        let go = |id: ContextId| {
            all.iter()
                .find(|p| p.context.id == id)
                .and_then(|p| p.which_go.found.clone())
                .map(|p| p.display().to_string())
        };
        assert_eq!(
            go(ContextId::Terminal).as_deref(),
            Some("/usr/local/go/bin/go")
        );
        assert_eq!(
            go(ContextId::Script).as_deref(),
            Some("/usr/local/go/bin/go")
        );
        assert_eq!(go(ContextId::SshCommand).as_deref(), Some("/usr/bin/go"));
        assert_eq!(go(ContextId::Cron).as_deref(), Some("/usr/bin/go"));
        assert_eq!(
            go(ContextId::VscodeTerminal).as_deref(),
            Some("/usr/local/go/bin/go")
        );
    }

    #[test]
    fn vscode_terminal_on_macos_runs_path_helper_twice() {
        let fs = MemFs::new()
            .file("/usr/libexec/path_helper", "")
            .file("/etc/paths", "/usr/local/bin\n/usr/bin\n/bin\n/usr/sbin\n/sbin\n")
            .file("/etc/zprofile", "if [ -x /usr/libexec/path_helper ]; then\n\teval `/usr/libexec/path_helper -s`\nfi\n")
            .file("/Users/me/.zprofile", "export PATH=/Users/me/sdk/go/bin:$PATH\n");
        let platform = Platform::macos();
        let env = session("/Users/me", "/bin/zsh");
        let inputs = Inputs {
            fs: &fs,
            platform: &platform,
            session: &env,
            dir: None,
        };
        let ctx = contexts(Os::MacOs)
            .into_iter()
            .find(|c| c.id == ContextId::VscodeTerminal);
        let p = predict(inputs, &ctx.expect("context"));
        assert_eq!(p.stages.len(), 2);
        // The resolved env had the user's dir first; path_helper moved it behind the system dirs.
        assert_eq!(
            p.stages[0]
                .simulation
                .as_ref()
                .map(|s| s.path()[0].clone())
                .as_deref(),
            Some("/Users/me/sdk/go/bin")
        );
        assert_eq!(p.path[0], "/Users/me/sdk/go/bin");
        assert_eq!(
            p.path
                .iter()
                .filter(|d| d.as_str() == "/Users/me/sdk/go/bin")
                .count(),
            2
        );
    }

    #[test]
    fn github_actions_reads_only_bash_env() {
        let fs = MemFs::new()
            .file("/home/runner/.bashrc", "export GOFLAGS=bad\n")
            .file("/tmp/env", "export GOFLAGS=-v\n");
        let platform = Platform::linux(Distro::Debian);
        let mut env = session("/home/runner", "/bin/bash");
        env.insert("BASH_ENV".into(), "/tmp/env".into());
        let inputs = Inputs {
            fs: &fs,
            platform: &platform,
            session: &env,
            dir: None,
        };
        let ctx = contexts(Os::Linux)
            .into_iter()
            .find(|c| c.id == ContextId::GithubActions);
        let p = predict(inputs, &ctx.expect("context"));
        assert_eq!(p.var("GOFLAGS").as_deref(), Some("-v"));
        assert_eq!(p.var("PATH").as_deref(), Some("/already/modified"));
    }
}
