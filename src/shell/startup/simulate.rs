//! Static analysis of shell startup: walks the [`rules`](crate::shell::startup::rules) of one invocation file by
//! file, reads each file with the sh or fish reader, and interprets just enough of it —
//! assignments, `export`/`unset`, fish `set`/`fish_add_path`, `source`/`.` (with a cycle guard),
//! `if`/`case` on conditions it can decide (file tests, `$-`, `status is-login`, string tests),
//! functions, and the hooks of known managers — to follow PATH and the Go variables. Every change
//! to a tracked variable becomes an [`Effect`] with its file and line.
//!
//! It never guesses silently. A value it cannot compute (a command substitution such as
//! `$(go env GOPATH)`) stays in the result as its source text and the entry is marked
//! unresolved; a condition it cannot decide runs its first branch with the effects marked
//! uncertain and the other branches recorded as uncertain too; syntax it cannot read is an
//! [`EffectKind::Unknown`] with the line.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::fs::View;
use crate::shell::kind::ShellKind;
use crate::shell::platform::{Distro, Env, Os, Platform};
use crate::shell::startup::managers::{self, Hook, Manager};
use crate::shell::startup::path_helper;
use crate::shell::startup::rules::{startup_steps, Guard, Invocation, PathSpec, Step};
use crate::shell::syntax::{fish as parse_fish, sh as parse_sh};
use crate::shell::syntax::{AssignValue, ParamOp, Part, Stmt, Word};

mod exec;
mod expand;
mod fish;
mod hooks;
mod state;
mod test_expr;
mod walk;

pub use hooks::direnv::{allow_file, DirenvLoad, DirenvState};

use expand::glob_match;
use fish::{relocate, unescape_fish_uvar};

/// Start and end of an unresolved piece inside a computed value.
const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';

/// Variables whose changes are recorded as effects.
pub const TRACKED: &[&str] = &[
    "PATH",
    "GOROOT",
    "GOPATH",
    "GOBIN",
    "GOTOOLCHAIN",
    "GOFLAGS",
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GONOSUMCHECK",
    "GONOPROXY",
    "GOPRIVATE",
    "GOINSECURE",
    "GOENV",
    "GOMODCACHE",
    "GOCACHE",
    "GO111MODULE",
    "GOEXPERIMENT",
    "GOOS",
    "GOARCH",
    "GODEBUG",
    "CGO_ENABLED",
    "ZDOTDIR",
    "BASH_ENV",
    "ENV",
    "XDG_CONFIG_HOME",
    "fish_user_paths",
];

/// Whether changes to `name` are recorded.
pub fn is_tracked(name: &str) -> bool {
    TRACKED.contains(&name)
        || (name.starts_with("GO") && name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
}

/// Whether a value contains a part the analyzer could not compute.
pub fn is_resolved(value: &str) -> bool {
    !value.contains(OPEN)
}

/// A computed value for display: unresolved parts shown as their source text.
pub fn display_value(value: &str) -> String {
    value
        .chars()
        .filter(|c| *c != OPEN && *c != CLOSE)
        .collect()
}

/// What one line of a startup file does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EffectKind {
    /// The variable gets this value (unresolved parts shown as source text); `exported` says
    /// whether child processes see it.
    Set {
        value: String,
        resolved: bool,
        exported: bool,
    },
    /// The variable becomes exported without a new value.
    Export,
    Unset,
    /// Another file is read here.
    Source {
        target: PathBuf,
        found: bool,
    },
    /// A manager's hook runs here.
    Hook {
        manager: Manager,
        hook: Hook,
    },
    /// A zsh option that changes which startup files run (`RCS`, `GLOBAL_RCS`).
    ZshOption {
        name: String,
        on: bool,
    },
    /// Something that may change the environment and that groot does not understand.
    Unknown {
        why: String,
    },
}

/// One effect with its place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Effect {
    pub file: PathBuf,
    pub line: usize,
    /// The variable concerned, if any.
    pub var: Option<String>,
    pub kind: EffectKind,
    /// False when it sits under a condition groot could not decide, or a loop.
    pub certain: bool,
    /// The source line, trimmed.
    pub text: String,
}

/// How a file came to be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "via")]
pub enum Via {
    /// A startup rule of the shell.
    Startup { rule: String },
    /// `source`/`.` at a place in another file.
    Source { from: PathBuf, line: usize },
}

/// A startup file the shell reads or looks for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileVisit {
    pub path: PathBuf,
    pub exists: bool,
    pub via: Via,
    /// PowerShell profiles and other files whose syntax groot does not read.
    pub analyzed: bool,
}

/// The outcome of simulating one shell start.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Simulation {
    pub invocation: Invocation,
    pub files: Vec<FileVisit>,
    pub effects: Vec<Effect>,
    /// The exported environment at the end of startup; unresolved parts appear as source text
    /// between `\u{1}` and `\u{2}` (see [`display_value`]).
    pub env: Env,
    /// What direnv's prompt hook did at the first prompt, for a shell that shows one
    /// ([`Invocation::prompt_in`]) with the hook installed.
    pub direnv: Option<DirenvLoad>,
}

impl Simulation {
    /// The profile a login bash read in this simulation: the first of `~/.bash_profile`,
    /// `~/.bash_login` and `~/.profile` that exists (`None` when it read none, or is not a
    /// login bash).
    pub fn bash_login_profile(&self) -> Option<&Path> {
        self.files.iter().find_map(|f| match &f.via {
            Via::Startup { rule } if f.exists && rule.contains(".bash_profile > ") => {
                Some(f.path.as_path())
            }
            _ => None,
        })
    }

    /// PATH entries at the end of startup, in order (unresolved ones included, see
    /// [`is_resolved`]).
    pub fn path(&self) -> Vec<String> {
        split_path(self.env.get("PATH").map(String::as_str).unwrap_or(""))
    }

    /// The variable's final exported value, for display.
    pub fn var(&self, name: &str) -> Option<String> {
        self.env.get(name).map(|v| display_value(v))
    }

    /// Effects on one variable.
    pub fn effects_on<'a>(&'a self, var: &'a str) -> impl Iterator<Item = &'a Effect> + 'a {
        self.effects
            .iter()
            .filter(move |e| e.var.as_deref() == Some(var))
    }

    /// Hooks that ran, in order.
    pub fn hooks(&self) -> Vec<(Manager, &Effect)> {
        self.effects
            .iter()
            .filter_map(|e| match &e.kind {
                EffectKind::Hook { manager, .. } => Some((*manager, e)),
                _ => None,
            })
            .collect()
    }

    /// Whether an effect was made by the `.envrc` direnv applied at the first prompt (not by a
    /// startup file).
    pub fn from_envrc(&self, e: &Effect) -> bool {
        self.direnv
            .as_ref()
            .is_some_and(|d| d.applied() && d.effects.contains(e))
    }

    /// Which `go` a command lookup finds on the final PATH.
    pub fn which_go(&self, fs: &dyn View) -> WhichGo {
        which(fs, &self.path(), "go")
    }
}

/// The answer to "which go" on a predicted PATH.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WhichGo {
    /// The first `go` found among resolved entries.
    pub found: Option<PathBuf>,
    /// Unresolved entries that come before it (or anywhere, when none is found): one of
    /// them could hold a different `go`.
    pub unresolved_before: Vec<String>,
}

/// Looks a command up on a PATH list.
pub fn which(fs: &dyn View, path: &[String], cmd: &str) -> WhichGo {
    let mut unresolved = Vec::new();
    for dir in path {
        if !is_resolved(dir) {
            unresolved.push(display_value(dir));
            continue;
        }
        if dir.is_empty() || !dir.starts_with('/') {
            continue;
        }
        let cand = Path::new(dir).join(cmd);
        if fs.is_file(&cand) {
            return WhichGo {
                found: Some(cand),
                unresolved_before: unresolved,
            };
        }
    }
    WhichGo {
        found: None,
        unresolved_before: unresolved,
    }
}

fn split_path(s: &str) -> Vec<String> {
    if s.is_empty() {
        return Vec::new();
    }
    // Unresolved parts may contain ':' themselves; split only outside them.
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            OPEN => {
                depth += 1;
                cur.push(c);
            }
            CLOSE => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ':' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

// Parsed startup files by content. One doctor or contexts run simulates a dozen launch
// contexts that read the same system files (`/etc/profile`, `/etc/bash.bashrc`, …); parsing is
// pure, so each distinct file is parsed once per thread. The cache is bounded (a run reads a
// few dozen files at most): a long-lived caller analysing file after file, such as a fuzzer,
// must not keep every file it ever saw (found by fuzzing: 2 GB after 150 000 inputs).
type ParseCache = HashMap<(bool, Vec<u8>), std::rc::Rc<Vec<Stmt>>>;

/// At most this many parsed files are kept per thread, and at most [`PARSE_CACHE_BYTES`] of
/// their text; past either, the cache starts over.
const PARSE_CACHE_FILES: usize = 64;
const PARSE_CACHE_BYTES: usize = 4 << 20;

thread_local! {
    static PARSED: std::cell::RefCell<(ParseCache, usize)> =
        std::cell::RefCell::new((HashMap::new(), 0));
}

/// The statements of a file's bytes in one dialect, memoized per thread.
fn parsed(fish: bool, bytes: &[u8]) -> std::rc::Rc<Vec<Stmt>> {
    let key = (fish, bytes.to_vec());
    if let Some(hit) = PARSED.with(|c| c.borrow().0.get(&key).cloned()) {
        return hit;
    }
    let stmts = std::rc::Rc::new(if fish {
        parse_fish::parse(bytes)
    } else {
        parse_sh::parse(bytes)
    });
    PARSED.with(|c| {
        let (cache, held) = &mut *c.borrow_mut();
        if cache.len() >= PARSE_CACHE_FILES || *held + bytes.len() > PARSE_CACHE_BYTES {
            cache.clear();
            *held = 0;
        }
        *held += bytes.len();
        cache.insert(key, stmts.clone());
    });
    stmts
}

/// How many parsed files this thread's cache holds, and their total size.
#[cfg(test)]
fn parse_cache_size() -> (usize, usize) {
    PARSED.with(|c| {
        let (cache, held) = &*c.borrow();
        (cache.len(), *held)
    })
}

/// Simulates the startup of one shell invocation from an inherited environment.
pub fn simulate(fs: &dyn View, platform: &Platform, inv: &Invocation, env: &Env) -> Simulation {
    let mut sim = Sim::new(fs, platform, inv.clone(), env);
    sim.run_steps(&startup_steps(inv, platform));
    if let Some(dir) = inv.prompt_in.as_deref().filter(|_| !sim.stopped) {
        sim.first_prompt(dir);
    }
    sim.finish()
}

/// Analyzes a single file as `shell` would read it (sourced into a non-login,
/// non-interactive shell with the given environment), following what it sources.
pub fn analyze_file(
    fs: &dyn View,
    platform: &Platform,
    shell: ShellKind,
    file: &Path,
    env: &Env,
) -> Simulation {
    let inv = Invocation::new(shell, crate::shell::startup::rules::Mode::NON_INTERACTIVE);
    let mut sim = Sim::new(fs, platform, inv, env);
    sim.visit(
        file,
        Via::Startup {
            rule: "analyzed file".into(),
        },
        true,
    );
    sim.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Posix,
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Var {
    /// Scalar shells keep one element; fish lists and zsh arrays keep several.
    val: Vec<String>,
    exported: bool,
}

type Status = Option<bool>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal(Status),
    Return(Status),
    Exit,
}

/// A function's body, shared: the state is copied for every branch tried and every dry run, and
/// copying a table of function bodies statement by statement made a 4 KB startup file take
/// seconds (found by fuzzing).
type Body = std::rc::Rc<[Stmt]>;

#[derive(Clone)]
struct Snapshot {
    vars: BTreeMap<String, Var>,
    uvars: BTreeMap<String, Var>,
    funcs: BTreeMap<String, Body>,
    positional: Vec<String>,
    rcs: bool,
    global_rcs: bool,
    unique_path: bool,
    fish_added: Vec<String>,
}

struct Sim<'a> {
    fs: &'a dyn View,
    platform: &'a Platform,
    inv: Invocation,
    dialect: Dialect,
    vars: BTreeMap<String, Var>,
    uvars: BTreeMap<String, Var>,
    funcs: BTreeMap<String, Body>,
    positional: Vec<String>,
    rcs: bool,
    global_rcs: bool,
    unique_path: bool,
    fish_added: Vec<String>,
    files: Vec<FileVisit>,
    effects: Vec<Effect>,
    /// Files being read, innermost last, with their lines for effect text.
    stack: Vec<(PathBuf, Vec<String>)>,
    certain: bool,
    depth: usize,
    budget: usize,
    /// Work left in this simulation (see [`MAX_STEPS`]).
    steps: usize,
    stopped: bool,
    /// Set while reading an `.envrc` for direnv: its directory (relative `PATH_add` entries
    /// start there), and commands outside the modelled set are reported as not followed.
    envrc_dir: Option<String>,
    /// What direnv's hook did at the first prompt.
    direnv: Option<DirenvLoad>,
}

/// How much work one simulation does at most: one unit per statement executed, plus one per
/// variable and function copied when a branch is tried without effect ([`Sim::dry`]). Real
/// startup files (Debian's, zsh's, oh-my-zsh with plugins) stay far below; without a bound, a
/// function that calls itself a few times per level runs `calls^16` statements before the depth
/// limit stops it (found by fuzzing: a damaged `done` turned zsh's `bind2maps` into such a
/// function).
const MAX_STEPS: usize = 200_000;

/// The longest value a variable keeps (bytes, all elements together); a longer one becomes
/// unresolved. Linux refuses to pass an environment string over 128 KiB to a program anyway,
/// and without a bound forty lines of `X=$X$X` ask for a terabyte (found by fuzzing).
const MAX_VALUE: usize = 32 * 1024;

/// The most effects one simulation records; past that the analysis stops like at
/// [`MAX_STEPS`]. Real startup files make dozens; each effect keeps a copy of its value.
const MAX_EFFECTS: usize = 2_000;

/// Whether Debian's `/etc/profile` behaviour (PATH assigned outright) applies: a hint for
/// explanations when `/etc/profile` itself cannot be read.
pub fn profile_resets_path(platform: &Platform) -> bool {
    platform.os == Os::Linux && platform.distro == Distro::Debian
}

#[cfg(test)]
mod tests;
