//! Gap analysis: from the per-context predictions, what is inconsistent or stale in the
//! user's shell startup, each with the evidence (file:line, contexts) and a proposed [`Edit`].
//! Pure: it reads startup files through a [`View`] and nothing else.
//!
//! Codes (stable, shared with `groot doctor`):
//!
//! * `startup-context-gap`: a Go setting (a PATH entry holding `go` or Go's tools, or a Go
//!   variable) reaches some contexts and not others — `~/.zshrc` only (no `zsh -c`, ssh
//!   commands), `~/.bashrc` not sourced by login bash, `~/.profile` never read by zsh, a fish
//!   `set -gx` inside `if status is-interactive`.
//! * `path-shadowed-go`: in a context, the first `go` on PATH is not the one the user's own
//!   startup files put there (macOS path_helper reordering, a distro go first).
//! * `paths-d-stale`: a macOS `/etc/paths.d` file names a missing Go dir, or a go that comes
//!   ahead of the user's in a context.
//! * `multiple-managers`: several version managers are hooked into startup.
//! * `goroot-env-missing` / `goroot-version-mismatch`: a startup file exports GOROOT to a
//!   missing directory, or to a tree of another version than the go that runs there.
//!
//! Where an edit goes is decided by [`target_for`], per context: the file that context's shell
//! really reads (see the table in `docs/shell-startup.md`).
//!
//! For `groot doctor`: build the predictions once with
//! [`survey::survey`](crate::shell::contexts::survey::survey) (or [`survey::predict_host`](crate::shell::contexts::survey::predict_host)
//! without explaining each go), call [`find_gaps`] with a [`GapInputs`] made of the host's
//! `fs()`, the survey's `platform`, `session` and `predictions`, and add
//! [`fix::goenv_gaps`](super::fix::goenv_gaps)`(host)`. Each [`Gap`] carries its code, a
//! summary, typed evidence ([`Detail`]), the [`Edit`]s `groot fix` would make and commands to
//! run by hand; all of it is `Serialize`. [`fix::plan_fix`](super::fix::plan_fix) turns any
//! selection of gaps into the per-file plan with diffs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::fs::View;
use crate::shell::contexts::{ContextId, Prediction};
use crate::shell::kind::ShellKind;
use crate::shell::platform::{Env, Os, Platform};
use crate::shell::startup::managers::{Hook, Manager};
use crate::shell::startup::path_helper;
use crate::shell::startup::simulate::{display_value, is_resolved, EffectKind, Simulation, Via};
use crate::shell::write::edit::Placement;

mod context;
mod goroot;
mod path;

use context::*;
use goroot::*;
use path::*;

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Place {
    pub file: PathBuf,
    pub line: usize,
    /// The source line, trimmed.
    pub text: String,
}

/// The language a startup file is written in, which decides how a block is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// sh, bash, zsh.
    Posix,
    Fish,
    /// Go's env file (`KEY=value` lines); only comment-outs apply.
    GoEnv,
}

/// One line of groot's block, before it is spelled for a shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum BlockLine {
    /// Put `dir` first on PATH (unless it already is).
    PrependPath { dir: String },
    /// Put `dir` on PATH (unless it already is there).
    AddPath { dir: String },
    /// Export a variable.
    SetVar { name: String, value: String },
    /// Remove a variable from the environment.
    UnsetVar { name: String },
}

/// A line to comment out, with the note left in front of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentOut {
    pub line: usize,
    /// The line as it is now, trimmed (the planner checks it still is).
    pub text: String,
    pub note: String,
}

/// A proposed change of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The logical path of the file (it may not exist yet).
    pub file: PathBuf,
    pub dialect: Dialect,
    pub placement: Placement,
    /// Lines for groot's block in this file.
    pub lines: Vec<BlockLine>,
    pub comment_out: Vec<CommentOut>,
}

/// Where a context's setting must go to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub file: PathBuf,
    pub dialect: Dialect,
    pub placement: Placement,
}

impl Missing {
    /// `terminal (zsh)`, or the context's name alone when it starts no shell.
    pub fn label(&self) -> String {
        match self.shell {
            Some(s) => format!("{} ({})", self.context.name(), s.name()),
            None => self.context.name().to_owned(),
        }
    }
}

/// A context that misses a setting, and the file that would give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub context: ContextId,
    /// The shell that context starts (bash, zsh, fish), when groot predicts more than one
    /// shell (the user has several): one context name then stands for several shells.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shell: Option<ShellKind>,
    /// The file groot would add the setting to (`None`: no startup file reaches this context;
    /// `cron`, CI and Docker get their environment elsewhere).
    pub file: Option<PathBuf>,
}

/// A `go` on a context's PATH.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoOnPath {
    pub dir: String,
    /// The first line of the tree's VERSION file, when there is one.
    pub version: Option<String>,
}

/// The evidence of a gap, per code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Detail {
    ContextGap {
        /// `PATH` or a Go variable.
        var: String,
        /// The PATH entry or the value.
        value: String,
        /// Where the user sets it.
        set_in: Vec<Place>,
        /// Contexts that get it.
        present: Vec<ContextId>,
        missing: Vec<Missing>,
    },
    Shadowed {
        /// The contexts where it happens.
        contexts: Vec<ContextId>,
        /// Every go on that context's PATH, in order.
        gos: Vec<GoOnPath>,
        /// The go dir the user's startup files put on PATH.
        intended: String,
        /// Where the user sets it.
        set_in: Vec<Place>,
        /// Why it is not first (a path_helper hook, a system file), when known.
        reordered_by: Option<Place>,
    },
    PathsD {
        file: PathBuf,
        line: usize,
        dir: String,
        /// `missing` or `ahead`.
        problem: &'static str,
        contexts: Vec<ContextId>,
    },
    Managers {
        hooks: Vec<(Manager, Place)>,
    },
    StaleGoroot {
        place: Place,
        value: String,
        /// The root of the go that runs where this GOROOT applies, and both versions.
        go_root: Option<String>,
        go_version: Option<String>,
        goroot_version: Option<String>,
        contexts: Vec<ContextId>,
    },
}

/// One problem, with evidence and what would fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// A stable finding code (see the module doc).
    pub code: &'static str,
    /// One sentence for people.
    pub summary: String,
    pub detail: Detail,
    /// Edits that fix it (empty when the user must choose, as with several managers).
    pub edits: Vec<Edit>,
    /// Commands to run by hand (for files groot does not edit, like `/etc/paths.d/go`).
    pub commands: Vec<String>,
}

/// What the analysis needs.
#[derive(Debug, Clone, Copy)]
pub struct GapInputs<'a> {
    pub fs: &'a dyn View,
    pub platform: &'a Platform,
    /// The session environment (HOME, SHELL, ZDOTDIR, XDG_CONFIG_HOME…).
    pub session: &'a Env,
    pub predictions: &'a [Prediction],
}

impl GapInputs<'_> {
    fn home(&self) -> PathBuf {
        PathBuf::from(self.session.get("HOME").cloned().unwrap_or_default())
    }

    /// A path for messages: `~/…` below HOME.
    pub fn short(&self, p: &Path) -> String {
        let home = self.home();
        match p.strip_prefix(&home) {
            Ok(rest) if !home.as_os_str().is_empty() && home != Path::new("/") => {
                format!("~/{}", rest.display())
            }
            _ => p.display().to_string(),
        }
    }

    fn is_user_file(&self, f: &Path) -> bool {
        let home = self.home();
        !home.as_os_str().is_empty() && home != Path::new("/") && f.starts_with(&home)
            || self
                .session
                .get("ZDOTDIR")
                .is_some_and(|z| !z.is_empty() && f.starts_with(z))
    }
}

/// Contexts whose environment comes from the user's startup files, so an edit can reach them.
pub const FIXABLE: &[ContextId] = &[
    ContextId::Terminal,
    ContextId::Script,
    ContextId::VscodeEnv,
    ContextId::VscodeTerminal,
    ContextId::GolandEnv,
    ContextId::GolandTerminal,
    ContextId::Tmux,
    ContextId::SshLogin,
    ContextId::SshCommand,
];

/// Every gap, in a stable order.
pub fn find_gaps(inp: &GapInputs<'_>) -> Vec<Gap> {
    let mut out = Vec::new();
    out.extend(stale_goroot(inp));
    out.extend(context_gaps(inp));
    out.extend(shadowed(inp));
    out.extend(paths_d_stale(inp));
    out.extend(multiple_managers(inp));
    out
}

/// The file a setting must be written to so that it reaches the context `p`, or `None` when
/// no startup file reaches it. The choice per shell and mode:
///
/// * zsh on Linux: `$ZDOTDIR/.zshenv`, read by every zsh.
/// * zsh on macOS: `.zprofile` for login shells (after `/etc/zprofile` runs path_helper),
///   `.zshrc` for other interactive shells, `.zshenv` for `zsh -c`.
/// * bash login: the profile it reads (first of `.bash_profile`, `.bash_login`, `.profile`;
///   `.profile` when none exists); interactive: `.bashrc`; `ssh host cmd`: the top of
///   `.bashrc` (before Debian's "not interactive: return").
/// * sh login: `.profile`. fish: `config.fish`, read in every mode.
pub fn target_for(inp: &GapInputs<'_>, p: &Prediction) -> Option<Target> {
    if !FIXABLE.contains(&p.context.id) {
        return None;
    }
    let sim = p.simulation()?;
    let inv = &sim.invocation;
    let home = inp.home();
    let visited = |suffix: &str| -> Option<PathBuf> {
        sim.files.iter().find_map(|f| match &f.via {
            Via::Startup { rule } if rule.ends_with(suffix) => Some(f.path.clone()),
            _ => None,
        })
    };
    let posix = |file: PathBuf, placement| Target {
        file,
        dialect: Dialect::Posix,
        placement,
    };
    match inv.shell {
        ShellKind::Zsh if !inv.posix => {
            let name = match (inp.platform.os, inv.mode) {
                (Os::MacOs, m) if m.login => ".zprofile",
                (Os::MacOs, m) if m.interactive => ".zshrc",
                _ => ".zshenv",
            };
            let zdot = inp
                .session
                .get("ZDOTDIR")
                .filter(|z| !z.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| home.clone());
            Some(posix(
                visited(&format!("/{name}")).unwrap_or_else(|| zdot.join(name)),
                Placement::End,
            ))
        }
        ShellKind::Bash if !inv.posix => {
            if inv.mode.login {
                if inv.no_profile {
                    return None;
                }
                Some(posix(
                    sim.bash_login_profile()
                        .map_or_else(|| home.join(".profile"), Path::to_path_buf),
                    Placement::End,
                ))
            } else if inv.mode.interactive && !inv.no_rc {
                Some(posix(
                    inv.rcfile.clone().unwrap_or_else(|| home.join(".bashrc")),
                    Placement::End,
                ))
            } else if inv.ssh_command {
                Some(posix(home.join(".bashrc"), Placement::Top))
            } else {
                None
            }
        }
        ShellKind::Sh | ShellKind::Bash | ShellKind::Zsh if inv.mode.login => {
            Some(posix(home.join(".profile"), Placement::End))
        }
        ShellKind::Fish if !inv.no_rc => {
            let xdg = inp
                .session
                .get("XDG_CONFIG_HOME")
                .filter(|x| x.starts_with('/'))
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(".config"));
            Some(Target {
                file: visited("}/fish/config.fish").unwrap_or_else(|| xdg.join("fish/config.fish")),
                dialect: Dialect::Fish,
                placement: Placement::End,
            })
        }
        _ => None,
    }
}

// ---- settings ---------------------------------------------------------------------------------

impl ContextId {
    /// A short human name (`the terminal`, `ssh host cmd`).
    pub fn name_for_humans(self) -> &'static str {
        match self {
            ContextId::Terminal => "a new terminal",
            ContextId::Script => "scripts",
            ContextId::VscodeEnv => "VS Code",
            ContextId::VscodeTerminal => "VS Code's terminal",
            ContextId::GolandEnv => "GoLand",
            ContextId::GolandTerminal => "GoLand's terminal",
            ContextId::GuiApp => "GUI apps",
            ContextId::Tmux => "tmux",
            ContextId::SshLogin => "ssh sessions",
            ContextId::SshCommand => "`ssh host cmd`",
            ContextId::Cron => "cron",
            ContextId::GithubActions => "GitHub Actions",
            ContextId::DockerShell => "Docker `sh -c`",
        }
    }
}

#[cfg(test)]
mod tests;
