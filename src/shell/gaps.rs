//! Gap analysis: from the per-context predictions, what is inconsistent or stale in the
//! user's shell startup, each with the evidence (file:line, contexts) and a proposed [`Edit`].
//! Pure: it reads startup files through a [`StartupFs`] and nothing else.
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
//! [`survey::survey`](super::survey::survey) (or [`survey::predict_host`](super::survey::predict_host)
//! without explaining each go), call [`find_gaps`] with a [`GapInputs`] made of the host's
//! `fs()`, the survey's `platform`, `session` and `predictions`, and add
//! [`fix::goenv_gaps`](super::fix::goenv_gaps)`(host)`. Each [`Gap`] carries its code, a
//! summary, typed evidence ([`Detail`]), the [`Edit`]s `groot fix` would make and commands to
//! run by hand; all of it is `Serialize`. [`fix::plan_fix`](super::fix::plan_fix) turns any
//! selection of gaps into the per-file plan with diffs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::analyze::{display_value, is_resolved, EffectKind, Simulation, Via};
use super::context::{ContextId, Prediction};
use super::edit::Placement;
use super::kind::ShellKind;
use super::managers::{Hook, Manager};
use super::path_helper;
use super::platform::{Env, Os, Platform, StartupFs};

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

/// A context that misses a setting, and the file that would give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub context: ContextId,
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
    pub fs: &'a dyn StartupFs,
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

/// A Go setting the user makes somewhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Setting {
    /// A PATH entry holding `go` (or Go's tools: a `…/go/bin` dir).
    Dir(String),
    Var(String, String),
}

/// Variables a context-gap fix copies. GOROOT is never copied: go finds its own root.
const COPIED_VARS: &[&str] = &[
    "GOPATH",
    "GOBIN",
    "GOTOOLCHAIN",
    "GOFLAGS",
    "GOPROXY",
    "GOPRIVATE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOSUMDB",
    "GOINSECURE",
    "GO111MODULE",
    "GOMODCACHE",
    "GOCACHE",
    "GOEXPERIMENT",
    "CGO_ENABLED",
];

const SYSTEM_DIRS: &[&str] = &[
    "/usr/bin",
    "/bin",
    "/usr/sbin",
    "/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
];

fn has_go(fs: &dyn StartupFs, dir: &str) -> bool {
    dir.starts_with('/') && fs.is_file(&Path::new(dir).join("go"))
}

fn is_go_dir(fs: &dyn StartupFs, dir: &str) -> bool {
    has_go(fs, dir) || (dir.trim_end_matches('/').ends_with("/go/bin") && fs.is_dir(Path::new(dir)))
}

fn split(v: &str) -> Vec<String> {
    v.split(':')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Go settings made by user files in one simulation, started from `start_path`.
fn settings_in(
    inp: &GapInputs<'_>,
    sim: &Simulation,
    start_path: &[String],
    out: &mut BTreeMap<Setting, Vec<Place>>,
) {
    // The value of PATH-like variables before each effect, so that only entries new at a
    // line count as set there (path_helper's entries are not the user's).
    let mut prev: BTreeMap<String, Vec<String>> = BTreeMap::new();
    prev.insert("PATH".into(), start_path.to_vec());
    for e in &sim.effects {
        let EffectKind::Set {
            value, resolved, ..
        } = &e.kind
        else {
            continue;
        };
        let var = e.var.clone().unwrap_or_default();
        let before = if var == "PATH" || var == "fish_user_paths" {
            prev.insert(var.clone(), split(value)).unwrap_or_default()
        } else {
            Vec::new()
        };
        if !inp.is_user_file(&e.file) {
            continue;
        }
        let place = Place {
            file: e.file.clone(),
            line: e.line,
            text: e.text.clone(),
        };
        let mut add = |s: Setting| {
            let v = out.entry(s).or_default();
            if !v.contains(&place) {
                v.push(place.clone());
            }
        };
        match e.var.as_deref() {
            Some("PATH") | Some("fish_user_paths") => {
                for dir in split(value) {
                    if is_resolved(&dir)
                        && !before.contains(&dir)
                        && !start_path.contains(&dir)
                        && !SYSTEM_DIRS.contains(&dir.as_str())
                        && is_go_dir(inp.fs, &dir)
                    {
                        add(Setting::Dir(dir));
                    }
                }
            }
            Some(v) if COPIED_VARS.contains(&v) && *resolved => {
                add(Setting::Var(v.to_string(), value.clone()));
            }
            _ => {}
        }
    }
}

/// Well-known dotfiles and the shell that reads them, for settings in files that no context
/// of the user's shell reads (`~/.profile` with zsh).
fn known_dotfiles(inp: &GapInputs<'_>) -> Vec<(PathBuf, ShellKind)> {
    let h = inp.home();
    vec![
        (h.join(".profile"), ShellKind::Sh),
        (h.join(".bash_profile"), ShellKind::Bash),
        (h.join(".bash_login"), ShellKind::Bash),
        (h.join(".bashrc"), ShellKind::Bash),
        (h.join(".zshenv"), ShellKind::Zsh),
        (h.join(".zprofile"), ShellKind::Zsh),
        (h.join(".zshrc"), ShellKind::Zsh),
        (h.join(".zlogin"), ShellKind::Zsh),
        (h.join(".config/fish/config.fish"), ShellKind::Fish),
    ]
}

fn all_settings(inp: &GapInputs<'_>) -> BTreeMap<Setting, Vec<Place>> {
    let mut out = BTreeMap::new();
    for p in inp.predictions {
        for st in &p.stages {
            if let Some(sim) = &st.simulation {
                let start = split(st.start_env.get("PATH").map(String::as_str).unwrap_or(""));
                settings_in(inp, sim, &start, &mut out);
            }
        }
    }
    if out.keys().any(|s| matches!(s, Setting::Dir(_))) {
        return out;
    }
    // The user's shell sets no Go dir at all: a Go dir set in a file it never reads (another
    // shell's) is what the user meant.
    let read: Vec<PathBuf> = inp
        .predictions
        .iter()
        .flat_map(|p| {
            super::context::files_read(p)
                .into_iter()
                .map(Path::to_path_buf)
        })
        .collect();
    let mut start = BTreeMap::new();
    for k in ["HOME", "USER", "LOGNAME", "SHELL"] {
        if let Some(v) = inp.session.get(k) {
            start.insert(k.to_string(), v.clone());
        }
    }
    let base = super::context::default_session_path(inp.platform);
    start.insert("PATH".to_string(), base.to_string());
    for (file, kind) in known_dotfiles(inp) {
        if read.contains(&file) || !inp.fs.is_file(&file) {
            continue;
        }
        let sim = super::analyze::analyze_file(inp.fs, inp.platform, kind, &file, &start);
        settings_in(inp, &sim, &split(base), &mut out);
    }
    out
}

fn present(p: &Prediction, s: &Setting) -> bool {
    match s {
        Setting::Dir(d) => p.path.iter().any(|e| display_value(e) == *d),
        Setting::Var(n, v) => p.env.get(n).map(|x| display_value(x)) == Some(v.clone()),
    }
}

fn line_of(s: &Setting) -> BlockLine {
    match s {
        Setting::Dir(d) => BlockLine::PrependPath { dir: d.clone() },
        Setting::Var(n, v) => BlockLine::SetVar {
            name: n.clone(),
            value: v.clone(),
        },
    }
}

fn edit_for(t: &Target, lines: Vec<BlockLine>, comment_out: Vec<CommentOut>) -> Edit {
    Edit {
        file: t.file.clone(),
        dialect: t.dialect,
        placement: t.placement,
        lines,
        comment_out,
    }
}

fn context_gaps(inp: &GapInputs<'_>) -> Vec<Gap> {
    let mut out = Vec::new();
    for (setting, places) in all_settings(inp) {
        let mut have = Vec::new();
        let mut missing = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        for p in inp.predictions {
            if present(p, &setting) {
                have.push(p.context.id);
                continue;
            }
            if !FIXABLE.contains(&p.context.id) {
                continue;
            }
            let target = target_for(inp, p);
            if let Some(t) = &target {
                if !edits.iter().any(|e| e.file == t.file) {
                    edits.push(edit_for(t, vec![line_of(&setting)], Vec::new()));
                }
            }
            missing.push(Missing {
                context: p.context.id,
                file: target.map(|t| t.file),
            });
        }
        if missing.is_empty() {
            continue;
        }
        let (var, value) = match &setting {
            Setting::Dir(d) => ("PATH".to_string(), d.clone()),
            Setting::Var(n, v) => (n.clone(), v.clone()),
        };
        let what = match &setting {
            Setting::Dir(d) => format!("PATH entry {}", inp.short(Path::new(d))),
            Setting::Var(n, v) => format!("{n}={v}"),
        };
        let names: Vec<&str> = missing.iter().map(|m| m.context.name()).collect();
        let from = places
            .first()
            .map(|p| format!("{}:{}", inp.short(&p.file), p.line))
            .unwrap_or_default();
        out.push(Gap {
            code: "startup-context-gap",
            summary: format!("{what} (set in {from}) does not reach {}", names.join(", ")),
            detail: Detail::ContextGap {
                var,
                value,
                set_in: places,
                present: have,
                missing,
            },
            edits,
            commands: Vec::new(),
        });
    }
    out
}

// ---- PATH order -------------------------------------------------------------------------------

fn version_of(fs: &dyn StartupFs, root: &Path) -> Option<String> {
    let bytes = fs.read(&root.join("VERSION")).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .next()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}

fn gos_on_path(fs: &dyn StartupFs, path: &[String]) -> Vec<GoOnPath> {
    let mut out: Vec<GoOnPath> = Vec::new();
    for d in path {
        let d = display_value(d);
        if has_go(fs, &d) && !out.iter().any(|g| g.dir == d) {
            let version = Path::new(&d).parent().and_then(|r| version_of(fs, r));
            out.push(GoOnPath { dir: d, version });
        }
    }
    out
}

/// The PATH change that moved entries last in a context: a path_helper hook or a system file.
fn reorderer(p: &Prediction, inp: &GapInputs<'_>) -> Option<Place> {
    p.stages
        .iter()
        .filter_map(|s| s.simulation.as_ref())
        .flat_map(|s| s.effects.iter())
        .rfind(|e| {
            e.var.as_deref() == Some("PATH")
                && (matches!(
                    e.kind,
                    EffectKind::Hook {
                        hook: Hook::PathHelper,
                        ..
                    }
                ) || (!inp.is_user_file(&e.file) && matches!(e.kind, EffectKind::Set { .. })))
        })
        .map(|e| Place {
            file: e.file.clone(),
            line: e.line,
            text: e.text.clone(),
        })
}

fn shadowed(inp: &GapInputs<'_>) -> Vec<Gap> {
    let settings = all_settings(inp);
    let user_go_dirs: Vec<(&String, &Vec<Place>)> = settings
        .iter()
        .filter_map(|(s, places)| match s {
            Setting::Dir(d) if has_go(inp.fs, d) => Some((d, places)),
            _ => None,
        })
        .collect();
    // One gap per (go that wins, go the user meant), listing every context where it happens.
    let mut out: Vec<Gap> = Vec::new();
    for p in inp.predictions {
        if !FIXABLE.contains(&p.context.id) {
            continue;
        }
        let gos = gos_on_path(inp.fs, &p.path);
        let Some(first) = gos.first() else { continue };
        // The user's go: the first of their own go dirs on this PATH.
        let Some((intended, places)) = gos
            .iter()
            .find_map(|g| user_go_dirs.iter().find(|(d, _)| **d == g.dir))
        else {
            continue;
        };
        if first.dir == **intended {
            continue;
        }
        let Some(t) = target_for(inp, p) else {
            continue;
        };
        let line = BlockLine::PrependPath {
            dir: (*intended).clone(),
        };
        let existing = out.iter_mut().find(|g| {
            matches!(&g.detail, Detail::Shadowed { gos: gs, intended: i, .. }
                if i == *intended && gs.first().map(|f| &f.dir) == Some(&first.dir))
        });
        if let Some(g) = existing {
            if let Detail::Shadowed { contexts, .. } = &mut g.detail {
                contexts.push(p.context.id);
            }
            if !g.edits.iter().any(|e| e.file == t.file) {
                g.edits.push(edit_for(&t, vec![line], Vec::new()));
            }
            continue;
        }
        out.push(Gap {
            code: "path-shadowed-go",
            summary: String::new(),
            detail: Detail::Shadowed {
                contexts: vec![p.context.id],
                gos: gos.clone(),
                intended: (*intended).clone(),
                set_in: (*places).clone(),
                reordered_by: reorderer(p, inp),
            },
            edits: vec![edit_for(&t, vec![line], Vec::new())],
            commands: Vec::new(),
        });
    }
    for g in &mut out {
        if let Detail::Shadowed {
            contexts,
            gos,
            intended,
            reordered_by,
            ..
        } = &g.detail
        {
            let ver = |d: &str| {
                gos.iter()
                    .find(|x| x.dir == d)
                    .and_then(|x| x.version.as_ref())
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default()
            };
            let first = &gos[0].dir;
            g.summary = format!(
                "{}/go{} comes before {}/go{}, which your startup files put on PATH, in {}{}",
                first,
                ver(first),
                inp.short(Path::new(intended.as_str())),
                ver(intended),
                contexts
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                reordered_by
                    .as_ref()
                    .map(|r| format!(" (reordered at {}:{})", inp.short(&r.file), r.line))
                    .unwrap_or_default()
            );
        }
    }
    out
}

fn paths_d_stale(inp: &GapInputs<'_>) -> Vec<Gap> {
    if inp.platform.os != Os::MacOs {
        return Vec::new();
    }
    let settings = all_settings(inp);
    let mut out = Vec::new();
    for file in path_helper::config_files(inp.fs, Path::new("/")) {
        if file == Path::new("/etc/paths") {
            continue;
        }
        let Ok(bytes) = inp.fs.read(&file) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for (i, raw) in text.lines().enumerate() {
            let dir = raw.trim().to_string();
            let goish = dir.ends_with("/go/bin") || dir.contains("/go/") || dir.contains("golang");
            if dir.is_empty() || !goish {
                continue;
            }
            let mut contexts = Vec::new();
            let problem = if !inp.fs.is_dir(Path::new(&dir)) {
                "missing"
            } else {
                for p in inp.predictions {
                    let gos = gos_on_path(inp.fs, &p.path);
                    let user = gos.iter().position(|g| {
                        g.dir != dir && settings.contains_key(&Setting::Dir(g.dir.clone()))
                    });
                    let this = gos.iter().position(|g| g.dir == dir);
                    if let (Some(u), Some(t)) = (user, this) {
                        if t < u {
                            contexts.push(p.context.id);
                        }
                    }
                }
                if contexts.is_empty() {
                    continue;
                }
                "ahead"
            };
            let mut edits: Vec<Edit> = Vec::new();
            if problem == "ahead" {
                for p in inp
                    .predictions
                    .iter()
                    .filter(|p| contexts.contains(&p.context.id))
                {
                    let gos = gos_on_path(inp.fs, &p.path);
                    let user = gos.iter().find(|g| {
                        g.dir != dir && settings.contains_key(&Setting::Dir(g.dir.clone()))
                    });
                    if let (Some(u), Some(t)) = (user, target_for(inp, p)) {
                        if !edits.iter().any(|e| e.file == t.file) {
                            edits.push(edit_for(
                                &t,
                                vec![BlockLine::PrependPath { dir: u.dir.clone() }],
                                Vec::new(),
                            ));
                        }
                    }
                }
            }
            let summary = if problem == "missing" {
                format!(
                    "{}:{} puts {dir} on PATH for login shells, but it does not exist",
                    file.display(),
                    i + 1
                )
            } else {
                format!(
                    "{}:{} puts {dir} ahead of your go in {}",
                    file.display(),
                    i + 1,
                    contexts
                        .iter()
                        .map(|c| c.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push(Gap {
                code: "paths-d-stale",
                summary,
                detail: Detail::PathsD {
                    file: file.clone(),
                    line: i + 1,
                    dir,
                    problem,
                    contexts,
                },
                edits,
                commands: vec![format!(
                    "sudo rm {}",
                    shell_quote(&file.display().to_string())
                )],
            });
        }
    }
    out
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn multiple_managers(inp: &GapInputs<'_>) -> Vec<Gap> {
    let mut hooks: Vec<(Manager, Place)> = Vec::new();
    for p in inp.predictions {
        for sim in p.stages.iter().filter_map(|s| s.simulation.as_ref()) {
            for e in &sim.effects {
                let EffectKind::Hook { manager, hook } = &e.kind else {
                    continue;
                };
                let counts = manager.manages_go()
                    || matches!(hook, Hook::BrewShellenv { prefix: Some(pre) }
                        if inp.fs.is_file(&Path::new(pre).join("bin/go")));
                if !counts {
                    continue;
                }
                let place = Place {
                    file: e.file.clone(),
                    line: e.line,
                    text: e.text.clone(),
                };
                if !hooks.iter().any(|(m, pl)| *m == *manager && *pl == place) {
                    hooks.push((*manager, place));
                }
            }
        }
    }
    let mut managers: Vec<Manager> = hooks.iter().map(|(m, _)| *m).collect();
    managers.sort();
    managers.dedup();
    if managers.len() < 2 {
        return Vec::new();
    }
    vec![Gap {
        code: "multiple-managers",
        summary: format!(
            "{} all set up Go at shell startup; which go runs depends on which ran last",
            managers
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        detail: Detail::Managers { hooks },
        edits: Vec::new(),
        commands: Vec::new(),
    }]
}

// ---- stale GOROOT -----------------------------------------------------------------------------

/// The raw text of a line of a file (without its terminator).
fn raw_line(fs: &dyn StartupFs, file: &Path, line: usize) -> Option<String> {
    let bytes = fs.read(file).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    text.split('\n')
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end_matches('\r').to_string())
}

fn stale_goroot(inp: &GapInputs<'_>) -> Vec<Gap> {
    // (file, line) → gap under construction.
    let mut found: BTreeMap<(PathBuf, usize), Gap> = BTreeMap::new();
    for p in inp.predictions {
        let go_root = p.which_go.found.as_ref().and_then(|g| real_root(inp.fs, g));
        for sim in p.stages.iter().filter_map(|s| s.simulation.as_ref()) {
            for e in &sim.effects {
                let (
                    Some("GOROOT"),
                    EffectKind::Set {
                        value, resolved, ..
                    },
                ) = (e.var.as_deref(), &e.kind)
                else {
                    continue;
                };
                if !*resolved || !inp.is_user_file(&e.file) || value.is_empty() {
                    continue;
                }
                // Only the value this context ends with matters.
                if p.env.get("GOROOT").map(|v| display_value(v)).as_deref() != Some(value) {
                    continue;
                }
                let dir = Path::new(value);
                let goroot_version = version_of(inp.fs, dir);
                let go_version = go_root
                    .as_deref()
                    .and_then(|r| version_of(inp.fs, Path::new(r)));
                let code = if !inp.fs.is_dir(dir) {
                    "goroot-env-missing"
                } else if go_root.as_deref().is_some_and(|r| Path::new(r) != dir)
                    && goroot_version.is_some()
                    && go_version.is_some()
                    && goroot_version != go_version
                {
                    "goroot-version-mismatch"
                } else {
                    continue;
                };
                let key = (e.file.clone(), e.line);
                if let Some(g) = found.get_mut(&key) {
                    if let Detail::StaleGoroot { contexts, .. } = &mut g.detail {
                        if !contexts.contains(&p.context.id) {
                            contexts.push(p.context.id);
                        }
                    }
                    continue;
                }
                let note = if code == "goroot-env-missing" {
                    format!("GOROOT {value} does not exist; go finds its own root")
                } else {
                    format!(
                        "GOROOT {value} is {} but the go on PATH is {}; go finds its own root",
                        goroot_version.clone().unwrap_or_default(),
                        go_version.clone().unwrap_or_default()
                    )
                };
                let dialect = if e.file.extension().is_some_and(|x| x == "fish") {
                    Dialect::Fish
                } else {
                    Dialect::Posix
                };
                // A line at the top level can be commented out; one inside a compound
                // command cannot (an empty `then … fi` is a syntax error), so the block of
                // that file removes the variable instead.
                let raw = raw_line(inp.fs, &e.file, e.line);
                let top_level = raw.as_deref().is_some_and(|r| {
                    r.trim() == e.text && !r.starts_with([' ', '\t']) && e.certain
                });
                let edit = Edit {
                    file: e.file.clone(),
                    dialect,
                    placement: Placement::End,
                    lines: if top_level {
                        Vec::new()
                    } else {
                        vec![BlockLine::UnsetVar {
                            name: "GOROOT".into(),
                        }]
                    },
                    comment_out: if top_level {
                        vec![CommentOut {
                            line: e.line,
                            text: e.text.clone(),
                            note: note.clone(),
                        }]
                    } else {
                        Vec::new()
                    },
                };
                found.insert(
                    key,
                    Gap {
                        code,
                        summary: format!(
                            "{}:{} exports GOROOT={value}: {note}",
                            inp.short(&e.file),
                            e.line
                        ),
                        detail: Detail::StaleGoroot {
                            place: Place {
                                file: e.file.clone(),
                                line: e.line,
                                text: e.text.clone(),
                            },
                            value: value.clone(),
                            go_root: go_root.clone(),
                            go_version,
                            goroot_version,
                            contexts: vec![p.context.id],
                        },
                        edits: vec![edit],
                        commands: Vec::new(),
                    },
                );
            }
        }
    }
    found.into_values().collect()
}

/// The root of the tree a `go` binary belongs to: `<root>/bin/go`, symlinks followed.
fn real_root(fs: &dyn StartupFs, go: &Path) -> Option<String> {
    // StartupFs has no canonicalize; a symlinked go (Homebrew, Debian) is judged by the
    // directory it is found in, which is what cmd/go tries first too.
    let root = go.parent()?.parent()?;
    fs.is_dir(&root.join("pkg/tool"))
        .then(|| root.display().to_string())
        .or_else(|| {
            fs.is_file(&root.join("VERSION"))
                .then(|| root.display().to_string())
        })
}

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
mod tests {
    use super::*;
    use crate::shell::context::{predict_all, Inputs};
    use crate::shell::platform::{Distro, MemFs};

    fn session(home: &str, shell: &str) -> Env {
        [("HOME", home), ("SHELL", shell), ("USER", "me")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn gaps(fs: &MemFs, platform: &Platform, env: &Env) -> Vec<Gap> {
        let preds = predict_all(Inputs {
            fs,
            platform,
            session: env,
        });
        find_gaps(&GapInputs {
            fs,
            platform,
            session: env,
            predictions: &preds,
        })
    }

    fn files_of(g: &Gap) -> Vec<String> {
        g.edits
            .iter()
            .map(|e| e.file.display().to_string())
            .collect()
    }

    #[test]
    fn bashrc_only_reaches_login_contexts_through_bash_profile() {
        let fs = MemFs::new()
            .file(
                "/home/me/.bashrc",
                "case $- in *i*) ;; *) return;; esac\nexport PATH=\"$HOME/go1/bin:$PATH\"\n",
            )
            .file("/home/me/.bash_profile", "export EDITOR=vi\n")
            .file("/home/me/go1/bin/go", "");
        let p = Platform::linux(Distro::Debian);
        let g = gaps(&fs, &p, &session("/home/me", "/bin/bash"));
        let gap = g
            .iter()
            .find(|g| g.code == "startup-context-gap")
            .expect("gap");
        let Detail::ContextGap {
            present, missing, ..
        } = &gap.detail
        else {
            panic!("detail")
        };
        assert!(present.contains(&ContextId::Terminal));
        let missing: Vec<ContextId> = missing.iter().map(|m| m.context).collect();
        assert!(missing.contains(&ContextId::SshLogin), "{missing:?}");
        assert!(missing.contains(&ContextId::SshCommand), "{missing:?}");
        assert!(!missing.contains(&ContextId::Cron), "cron is not fixable");
        let files = files_of(gap);
        assert!(
            files.contains(&"/home/me/.bash_profile".to_string()),
            "{files:?}"
        );
        let bashrc = gap
            .edits
            .iter()
            .find(|e| e.file.ends_with(".bashrc"))
            .expect("bashrc edit for ssh host cmd");
        assert_eq!(bashrc.placement, Placement::Top);
    }

    #[test]
    fn zsh_on_macos_goes_to_zprofile_and_zshrc_not_zshenv() {
        let fs = MemFs::new()
            .file(
                "/Users/me/.zshrc",
                "if [[ -o interactive ]]; then export PATH=/Users/me/sdk/go/bin:$PATH; fi\n",
            )
            .file("/Users/me/sdk/go/bin/go", "");
        let p = Platform::macos();
        let env = session("/Users/me", "/bin/zsh");
        let preds = predict_all(Inputs {
            fs: &fs,
            platform: &p,
            session: &env,
        });
        let inp = GapInputs {
            fs: &fs,
            platform: &p,
            session: &env,
            predictions: &preds,
        };
        let target = |id: ContextId| {
            preds
                .iter()
                .find(|x| x.context.id == id)
                .and_then(|x| target_for(&inp, x))
                .map(|t| t.file.display().to_string())
        };
        assert_eq!(
            target(ContextId::Terminal).as_deref(),
            Some("/Users/me/.zprofile")
        );
        assert_eq!(
            target(ContextId::SshCommand).as_deref(),
            Some("/Users/me/.zshenv")
        );
        assert_eq!(target(ContextId::GuiApp), None);
        assert_eq!(target(ContextId::Cron), None);
    }

    #[test]
    fn stale_goroot_inside_an_if_is_unset_instead_of_commented() {
        let fs = MemFs::new()
            .file(
                "/home/me/.zshenv",
                "export GOROOT=/gone/go\nif true; then\n  export GOROOT=/gone/too\nfi\n",
            )
            .file("/home/me/.zshrc", "export GOROOT=/gone/zshrc\n");
        let p = Platform::linux(Distro::Debian);
        let g = gaps(&fs, &p, &session("/home/me", "/usr/bin/zsh"));
        let stale: Vec<&Gap> = g
            .iter()
            .filter(|g| g.code == "goroot-env-missing")
            .collect();
        // /gone/go is overridden in every context, so only the two final values count.
        assert_eq!(stale.len(), 2, "{stale:#?}");
        let inner = stale
            .iter()
            .find(|g| g.summary.contains("/gone/too"))
            .expect("inner");
        assert!(inner.edits[0].comment_out.is_empty());
        assert_eq!(
            inner.edits[0].lines,
            [BlockLine::UnsetVar {
                name: "GOROOT".into()
            }]
        );
        let rc = stale
            .iter()
            .find(|g| g.summary.contains("/gone/zshrc"))
            .expect("zshrc");
        assert_eq!(rc.edits[0].comment_out[0].line, 1);
    }

    #[test]
    fn several_managers_are_reported_with_their_hooks() {
        let fs = MemFs::new()
            .file(
                "/home/me/.zshrc",
                "eval \"$(goenv init -)\"\nsource ~/.gvm/scripts/gvm\neval \"$(mise activate zsh)\"\n",
            )
            .file("/home/me/.gvm/scripts/gvm", "");
        let p = Platform::linux(Distro::Debian);
        let g = gaps(&fs, &p, &session("/home/me", "/usr/bin/zsh"));
        let m = g
            .iter()
            .find(|g| g.code == "multiple-managers")
            .expect("managers");
        let Detail::Managers { hooks } = &m.detail else {
            panic!("detail")
        };
        let lines: Vec<usize> = hooks.iter().map(|(_, p)| p.line).collect();
        assert_eq!(lines, [1, 2, 3]);
        assert!(m.edits.is_empty());
    }

    #[test]
    fn settings_of_other_shells_are_used_only_when_the_shell_sets_no_go() {
        let base = MemFs::new()
            .file("/home/me/.profile", "PATH=\"$HOME/old/bin:$PATH\"\n")
            .file("/home/me/old/bin/go", "")
            .file("/home/me/new/bin/go", "");
        let p = Platform::linux(Distro::Debian);
        let env = session("/home/me", "/usr/bin/zsh");
        let g = gaps(&base, &p, &env);
        assert!(g
            .iter()
            .any(|g| g.code == "startup-context-gap" && files_of(g) == ["/home/me/.zshenv"]));
        let with_own = base.file("/home/me/.zshenv", "path=($HOME/new/bin $path)\n");
        let g = gaps(&with_own, &p, &env);
        assert!(g.is_empty(), "{g:#?}");
    }
}
