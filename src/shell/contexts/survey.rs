//! The shell layer wired to a [`Host`]: the session a desktop login would start from, every
//! launch context's prediction over the host's filesystem (the real machine or a `GROOT_ROOT`),
//! and for each context the `go` it finds and the GOROOT that go ends with, computed by
//! [`resolve::explain`] on a host whose environment is the one the context is predicted to
//! have. This is what `groot contexts` prints and what `groot doctor` shows per context.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::host::Host;
use crate::resolve::Request;
use crate::shell::contexts::{self, ContextId, Inputs, Prediction};
use crate::shell::kind::ShellKind;
use crate::shell::platform::{self, Distro, Env, Os, Platform};
use crate::shell::startup::managers::Hook;
use crate::shell::startup::managers::Manager;
use crate::shell::startup::simulate::{
    self, display_value, is_resolved, DirenvState, EffectKind, Simulation,
};
use crate::toolchain::Inspect;

/// A copy of `host` whose environment is a predicted one. Variables whose value groot could
/// not compute are left out (they are listed by [`unresolved_vars`]); unresolved PATH entries
/// are dropped from PATH.
pub fn host_with_env(host: &Host, env: &Env) -> Host {
    let vars: Vec<(String, String)> = env
        .iter()
        .filter_map(|(k, v)| {
            if k == "PATH" {
                let kept: Vec<String> = split_path(v)
                    .into_iter()
                    .filter(|e| is_resolved(e))
                    .collect();
                Some((k.clone(), kept.join(":")))
            } else if is_resolved(v) {
                Some((k.clone(), v.clone()))
            } else {
                None
            }
        })
        .collect();
    host.clone().with_env(vars)
}

/// Names of variables whose predicted value holds a part groot could not compute.
pub fn unresolved_vars(env: &Env) -> Vec<String> {
    env.iter()
        .filter(|(k, v)| *k != "PATH" && !is_resolved(v))
        .map(|(k, _)| k.clone())
        .collect()
}

fn split_path(v: &str) -> Vec<String> {
    let sim = simulate::Simulation {
        invocation: crate::shell::startup::rules::Invocation::new(
            ShellKind::Sh,
            crate::shell::startup::rules::Mode::NON_INTERACTIVE,
        ),
        files: Vec::new(),
        effects: Vec::new(),
        env: [("PATH".to_string(), v.to_string())].into_iter().collect(),
        direnv: None,
    };
    sim.path()
}

/// A Go-related line of a startup file: a Go variable, a PATH change that mentions Go, or a
/// version manager's hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingAt {
    /// The variable (`PATH`, `GOROOT`, …), or the manager's name for a hook.
    pub var: String,
    /// The value after this line, unresolved parts shown as their source text; `None` for
    /// hooks, `unset` and `export` without a value.
    pub value: Option<String>,
    pub file: PathBuf,
    pub line: usize,
    /// The source line, trimmed.
    pub text: String,
    /// False under a condition groot could not decide.
    pub certain: bool,
}

/// What one launch context gets: its shell, the files it reads, the Go settings on the way,
/// and the go, GOROOT and version it ends with.
#[derive(Debug, Clone, Serialize)]
pub struct ContextView {
    pub id: ContextId,
    pub title: &'static str,
    pub note: &'static str,
    /// The shell the context itself starts (`None`: no shell, e.g. a GUI app).
    pub shell: Option<ShellKind>,
    /// `login-interactive`, `interactive`, `login` or `non-interactive`.
    pub mode: &'static str,
    /// The shell invocation, e.g. `zsh -l -i`.
    pub command: Option<String>,
    /// Startup files read, in order, over every stage (a VS Code terminal includes the files
    /// VS Code's own environment resolution read).
    pub files: Vec<PathBuf>,
    pub settings: Vec<SettingAt>,
    /// The final PATH (unresolved entries shown as source text).
    pub path: Vec<String>,
    /// The first `go` on that PATH.
    #[serde(serialize_with = "crate::fs::lossy::opt_go")]
    pub go: Option<PathBuf>,
    /// Unresolved PATH entries before it: one could hold another go.
    pub unresolved_before: Vec<String>,
    /// What `go env GOROOT` would print there.
    pub goroot: Option<String>,
    /// What `go version` would report there.
    pub go_version: Option<String>,
    /// What go fails with there.
    pub error: Option<String>,
    /// Go variables set in this context (final values).
    pub go_env: Vec<(String, String)>,
    /// Variables whose value groot could not compute.
    pub unresolved_vars: Vec<String>,
    /// direnv, when a startup file of this context installs its hook.
    pub direnv: Option<DirenvView>,
}

/// What direnv's hook does in one context.
#[derive(Debug, Clone, Serialize)]
pub struct DirenvView {
    /// The startup line that installs the hook (`file:line`).
    pub hook: String,
    /// The `.envrc` found from the directory up.
    pub envrc: Option<PathBuf>,
    /// `loaded`, `blocked`, `allowed_unknown`, `kept`, `no_envrc`, `not_installed`, `unknown`,
    /// `no_prompt` (the context shows no prompt, so the hook never runs) or `inherited` (no
    /// prompt, but it starts from a shell that loaded an `.envrc`).
    pub state: &'static str,
    pub summary: String,
    /// Lines of the `.envrc` groot does not follow (their effect is not guessed).
    pub not_followed: Vec<SettingAt>,
}

fn direnv_state(s: &DirenvState) -> &'static str {
    match s {
        DirenvState::NoEnvrc => "no_envrc",
        DirenvState::Loaded => "loaded",
        DirenvState::Blocked { .. } => "blocked",
        DirenvState::AllowedUnknown { .. } => "allowed_unknown",
        DirenvState::Kept => "kept",
        DirenvState::NotInstalled => "not_installed",
        DirenvState::Unknown { .. } => "unknown",
    }
}

/// direnv's part in a context whose own shell is `sim`, looking for `.envrc` from `dir` up.
fn direnv_view(fs: &dyn crate::fs::View, sim: &Simulation, dir: &Path) -> Option<DirenvView> {
    if let Some(d) = &sim.direnv {
        let not_followed = d
            .effects
            .iter()
            .filter_map(|e| match &e.kind {
                EffectKind::Unknown { why } => Some(SettingAt {
                    var: "direnv".into(),
                    value: Some(why.clone()),
                    file: e.file.clone(),
                    line: e.line,
                    text: e.text.clone(),
                    certain: e.certain,
                }),
                _ => None,
            })
            .collect();
        return Some(DirenvView {
            hook: format!("{}:{}", d.hook_file.display(), d.hook_line),
            envrc: d.envrc.clone(),
            state: direnv_state(&d.state),
            summary: d.summary(),
            not_followed,
        });
    }
    let hook = sim.effects.iter().rev().find(|e| {
        matches!(
            e.kind,
            EffectKind::Hook {
                hook: Hook::Direnv { .. },
                ..
            }
        )
    })?;
    let envrc = dir
        .ancestors()
        .map(|d| d.join(".envrc"))
        .find(|f| fs.is_file(f));
    if let Some(f) = sim.env.get("DIRENV_FILE").filter(|f| !f.is_empty()) {
        return Some(DirenvView {
            hook: format!("{}:{}", hook.file.display(), hook.line),
            envrc: Some(PathBuf::from(f)),
            state: "inherited",
            summary: format!(
                "inherits direnv's load of {f} from the shell it starts from (its own hook never \
                 runs: no prompt)"
            ),
            not_followed: Vec::new(),
        });
    }
    let summary = match &envrc {
        Some(f) => format!(
            "this context shows no prompt, so direnv's hook never runs: {} is not applied",
            f.display()
        ),
        None => "this context shows no prompt, so direnv's hook never runs".into(),
    };
    Some(DirenvView {
        hook: format!("{}:{}", hook.file.display(), hook.line),
        envrc,
        state: "no_prompt",
        summary,
        not_followed: Vec::new(),
    })
}

/// Every context of the host, with the predictions behind them.
#[derive(Debug, Clone, Serialize)]
pub struct Survey {
    /// The OS whose startup rules apply; in JSON `linux`, `darwin` or `windows`, GOOS's names
    /// as everywhere else in groot's JSON (schema 2 said `mac_os`).
    #[serde(serialize_with = "startup_os_name")]
    pub os: Os,
    pub distro: Distro,
    pub home: Option<PathBuf>,
    /// `$SHELL` of the session.
    pub shell: Option<String>,
    pub contexts: Vec<ContextView>,
    /// The raw predictions, for [`gaps`](crate::shell::gaps) and the probe.
    #[serde(skip)]
    pub predictions: Vec<Prediction>,
    #[serde(skip)]
    pub platform: Platform,
    #[serde(skip)]
    pub session: Env,
}

impl Survey {
    /// `linux`, `darwin` or `windows`.
    pub fn os_name(&self) -> &'static str {
        self.os.goos()
    }

    /// ` (debian)` on Debian-family Linux, else empty.
    pub fn distro_suffix(&self) -> &'static str {
        if self.os == Os::Linux && self.distro == Distro::Debian {
            " (debian)"
        } else {
            ""
        }
    }
}

/// `Survey::os` in JSON: [`platform::of_host`] models every OS but macOS and Windows with
/// Linux's startup rules, so the names are `linux`, `darwin` and `windows`.
fn startup_os_name<S: serde::Serializer>(os: &Os, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match os {
        Os::MacOs => "darwin",
        Os::Windows => "windows",
        _ => "linux",
    })
}

/// Whether a variable is one of Go's (or cgo's).
pub fn is_go_var(name: &str) -> bool {
    name == "CGO_ENABLED"
        || (name.starts_with("GO") && name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
}

fn mentions_go(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("go")
        && (t.contains("/go")
            || t.contains("go/")
            || t.contains("goroot")
            || t.contains("gopath")
            || t.contains("gobin")
            || t.contains("golang")
            || t.contains("sdk/go"))
}

/// The Go-related settings among a prediction's effects, every stage included.
pub fn settings_of(p: &Prediction) -> Vec<SettingAt> {
    let mut out: Vec<SettingAt> = Vec::new();
    for sim in p.stages.iter().filter_map(|s| s.simulation.as_ref()) {
        for e in &sim.effects {
            let envrc = sim.from_envrc(e);
            let (var, value) = match (&e.kind, e.var.as_deref()) {
                (EffectKind::Hook { manager, .. }, _)
                    if manager.manages_go()
                        || matches!(manager, Manager::Homebrew | Manager::Direnv) =>
                {
                    (manager.name().to_string(), None)
                }
                (EffectKind::Set { value, .. }, Some("PATH")) if envrc => {
                    ("PATH".to_string(), Some(value.clone()))
                }
                (EffectKind::Set { value, .. }, Some(v)) if is_go_var(v) => {
                    (v.to_string(), Some(value.clone()))
                }
                (EffectKind::Set { value, .. }, Some("PATH" | "fish_user_paths"))
                    if mentions_go(&e.text) =>
                {
                    ("PATH".to_string(), Some(value.clone()))
                }
                (EffectKind::Unset | EffectKind::Export, Some(v)) if is_go_var(v) => {
                    (v.to_string(), None)
                }
                _ => continue,
            };
            let s = SettingAt {
                var,
                value,
                file: e.file.clone(),
                line: e.line,
                text: e.text.clone(),
                certain: e.certain,
            };
            if !out
                .iter()
                .any(|o| o.file == s.file && o.line == s.line && o.var == s.var)
            {
                out.push(s);
            }
        }
    }
    out
}

/// The inputs of the predictions for a host; the contexts that show a prompt show it in `dir`
/// (for direnv's hook), when given.
pub fn predict_host(host: &Host, dir: Option<&Path>) -> (Platform, Env, Vec<Prediction>) {
    let (platform, session) = platform::of_host(host);
    let inputs = Inputs {
        fs: host.fs(),
        platform: &platform,
        session: &session,
        dir,
    };
    let mut predictions = contexts::predict_all(inputs);
    // The other shells the user has: the contexts that start the user's shell, predicted again
    // with that shell, after `$SHELL`'s own.
    let user_shell = predictions
        .iter()
        .find(|p| p.context.id == ContextId::Terminal)
        .and_then(|p| p.simulation())
        .map(|s| s.invocation.shell);
    for (kind, program) in other_shells(host, &session) {
        if Some(kind) == user_shell {
            continue;
        }
        let mut other = session.clone();
        other.insert("SHELL".into(), program);
        let inputs = Inputs {
            session: &other,
            ..inputs
        };
        predictions.extend(
            contexts::predict_all(inputs)
                .into_iter()
                .filter(|p| p.simulation().map(|s| s.invocation.shell) == Some(kind)),
        );
    }
    (platform, session, predictions)
}

/// The shells besides `$SHELL` that groot considers: bash, zsh and fish, each when it is
/// installed (in `/bin`, `/usr/bin`, `/usr/local/bin` or Homebrew's bin) and the user has
/// startup files of its own for it (`~/.bashrc`, `~/.bash_profile`, `~/.bash_login`; zsh's
/// files in `$ZDOTDIR` or HOME; fish's `config.fish` or `conf.d`). Each with its program path.
pub fn other_shells(host: &Host, session: &Env) -> Vec<(ShellKind, String)> {
    let fs = host.fs();
    let Some(home) = host.home() else {
        return Vec::new();
    };
    let zdotdir = session
        .get("ZDOTDIR")
        .filter(|z| z.starts_with('/'))
        .map(PathBuf::from)
        .unwrap_or_else(|| home.clone());
    let config = session
        .get("XDG_CONFIG_HOME")
        .filter(|x| x.starts_with('/'))
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".config"));
    let has_files = |kind: ShellKind| -> bool {
        match kind {
            ShellKind::Bash => [".bashrc", ".bash_profile", ".bash_login"]
                .iter()
                .any(|f| fs.is_file(&home.join(f))),
            ShellKind::Zsh => [".zshrc", ".zshenv", ".zprofile", ".zlogin"]
                .iter()
                .any(|f| fs.is_file(&zdotdir.join(f)) || fs.is_file(&home.join(".zshenv"))),
            ShellKind::Fish => {
                fs.is_file(&config.join("fish/config.fish"))
                    || fs
                        .read_dir(&config.join("fish/conf.d"))
                        .is_ok_and(|d| !d.is_empty())
            }
            _ => false,
        }
    };
    let mut out = Vec::new();
    for kind in [ShellKind::Bash, ShellKind::Zsh, ShellKind::Fish] {
        let program = ["/bin", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
            .iter()
            .map(|d| Path::new(d).join(kind.name()))
            .find(|p| fs.is_file(p));
        if let Some(program) = program.filter(|_| has_files(kind)) {
            out.push((kind, program.display().to_string()));
        }
    }
    out
}

/// Predicts every context of `host` and explains the go each one runs in `dir`.
pub fn survey(host: &Host, inspect: &dyn Inspect, dir: &Path) -> Survey {
    let (platform, session, predictions) = predict_host(host, Some(dir));
    let contexts = predictions
        .iter()
        .map(|p| view(host, inspect, dir, p))
        .collect();
    Survey {
        os: platform.os,
        distro: platform.distro,
        home: host.home(),
        shell: session.get("SHELL").cloned(),
        contexts,
        predictions,
        platform,
        session,
    }
}

/// One context's view.
pub fn view(host: &Host, inspect: &dyn Inspect, dir: &Path, p: &Prediction) -> ContextView {
    let sim = p.simulation();
    let files = contexts::files_read(p)
        .into_iter()
        .map(Path::to_path_buf)
        .collect();
    let chost = host_with_env(host, &p.env);
    let ex = crate::launch::explain(
        &chost,
        inspect,
        &Request {
            dir: Some(dir.to_path_buf()),
            go: None,
        },
    );
    let go_env = p
        .env
        .iter()
        .filter(|(k, _)| is_go_var(k))
        .map(|(k, v)| (k.clone(), display_value(v)))
        .collect();
    ContextView {
        id: p.context.id,
        title: p.context.title,
        note: p.context.note,
        shell: sim.map(|s| s.invocation.shell),
        mode: p.context.mode.name(),
        command: sim.map(|s| {
            let mut c = s.invocation.shell.name().to_string();
            for f in s.invocation.flags() {
                c.push(' ');
                c.push_str(&f);
            }
            c
        }),
        files,
        settings: settings_of(p),
        path: p.path.iter().map(|e| display_value(e)).collect(),
        go: p.which_go.found.clone(),
        unresolved_before: p.which_go.unresolved_before.clone(),
        goroot: ex.goroot.clone(),
        go_version: ex.go_version.clone(),
        error: ex.error.as_ref().map(|e| e.message.clone()),
        go_env,
        unresolved_vars: unresolved_vars(&p.env),
        direnv: sim.and_then(|s| direnv_view(host.fs(), s, dir)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Os as HostOs;
    use crate::toolchain::FakeInspector;

    #[test]
    fn survey_runs_over_a_rooted_host() {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path();
        let put = |p: &str, t: &str| {
            let f = root.join(p.trim_start_matches('/'));
            std::fs::create_dir_all(f.parent().expect("parent")).expect("mkdir");
            std::fs::write(f, t).expect("write");
        };
        put("/etc/debian_version", "12.0\n");
        put("/home/u/.zshrc", "export PATH=\"$HOME/sdk/go/bin:$PATH\"\n");
        put("/home/u/sdk/go/bin/go", "");
        let host = Host::fake(root, HostOs::Linux)
            .with_var("HOME", "/home/u")
            .with_var("SHELL", "/usr/bin/zsh")
            .with_var("PATH", "/usr/bin:/bin");
        let s = survey(&host, &FakeInspector::default(), Path::new("/home/u"));
        assert_eq!(s.distro, Distro::Debian);
        let go = |id: ContextId| {
            s.contexts
                .iter()
                .find(|c| c.id == id)
                .and_then(|c| c.go.clone())
        };
        assert_eq!(
            go(ContextId::Terminal),
            Some(PathBuf::from("/home/u/sdk/go/bin/go"))
        );
        assert_eq!(go(ContextId::SshCommand), None);
        let term = s
            .contexts
            .iter()
            .find(|c| c.id == ContextId::Terminal)
            .expect("terminal");
        assert_eq!(term.settings.len(), 1);
        assert_eq!(term.settings[0].line, 1);
        assert_eq!(term.command.as_deref(), Some("zsh -i"));
    }

    #[test]
    fn json_names_the_os_as_goos_does() {
        let tmp = tempfile::tempdir().expect("tmp");
        let name = |os| {
            let host = Host::fake(tmp.path(), os).with_var("HOME", "/home/u");
            let s = survey(&host, &FakeInspector::default(), Path::new("/home/u"));
            serde_json::to_value(&s).expect("json")["os"].clone()
        };
        assert_eq!(name(HostOs::MacOs), "darwin");
        assert_eq!(name(HostOs::Linux), "linux");
        assert_eq!(name(HostOs::Windows), "windows");
        assert_eq!(name(HostOs::FreeBsd), "linux", "Linux's startup rules");
    }
}
