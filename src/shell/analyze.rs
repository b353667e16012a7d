//! Static analysis of shell startup: walks the [`rules`](super::rules) of one invocation file by
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

use super::kind::ShellKind;
use super::managers::{self, Hook, Manager};
use super::path_helper;
use super::platform::{Distro, Env, Os, Platform, StartupFs};
use super::rules::{startup_steps, Guard, Invocation, PathSpec, Step};
use super::syntax::{AssignValue, ParamOp, Part, Stmt, Word};
use super::{parse_fish, parse_sh};

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

    /// Which `go` a command lookup finds on the final PATH.
    pub fn which_go(&self, fs: &dyn StartupFs) -> WhichGo {
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
pub fn which(fs: &dyn StartupFs, path: &[String], cmd: &str) -> WhichGo {
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
pub fn simulate(
    fs: &dyn StartupFs,
    platform: &Platform,
    inv: &Invocation,
    env: &Env,
) -> Simulation {
    let mut sim = Sim::new(fs, platform, inv.clone(), env);
    sim.run_steps(&startup_steps(inv, platform));
    sim.finish()
}

/// Analyzes a single file as `shell` would read it (sourced into a non-login,
/// non-interactive shell with the given environment), following what it sources.
pub fn analyze_file(
    fs: &dyn StartupFs,
    platform: &Platform,
    shell: ShellKind,
    file: &Path,
    env: &Env,
) -> Simulation {
    let inv = Invocation::new(shell, super::rules::Mode::NON_INTERACTIVE);
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
    fs: &'a dyn StartupFs,
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

impl<'a> Sim<'a> {
    fn new(fs: &'a dyn StartupFs, platform: &'a Platform, inv: Invocation, env: &Env) -> Self {
        let dialect = match inv.shell {
            ShellKind::Sh => Dialect::Posix,
            ShellKind::Bash if inv.posix => Dialect::Posix,
            ShellKind::Bash => Dialect::Bash,
            ShellKind::Zsh if inv.posix => Dialect::Posix,
            ShellKind::Zsh => Dialect::Zsh,
            ShellKind::Fish => Dialect::Fish,
            ShellKind::PowerShell => Dialect::Posix,
        };
        let mut vars = BTreeMap::new();
        for (k, v) in env {
            let val = if dialect == Dialect::Fish && k.ends_with("PATH") {
                split_path(v)
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                vec![v.clone()]
            };
            vars.insert(
                k.clone(),
                Var {
                    val,
                    exported: true,
                },
            );
        }
        let mut sim = Sim {
            fs,
            platform,
            inv,
            dialect,
            vars,
            uvars: BTreeMap::new(),
            funcs: BTreeMap::new(),
            positional: Vec::new(),
            rcs: true,
            global_rcs: true,
            unique_path: false,
            fish_added: Vec::new(),
            files: Vec::new(),
            effects: Vec::new(),
            stack: Vec::new(),
            certain: true,
            depth: 0,
            budget: 2000,
            steps: MAX_STEPS,
            stopped: false,
        };
        sim.init_shell_vars();
        sim
    }

    fn init_shell_vars(&mut self) {
        let mut flags = String::new();
        if self.inv.mode.interactive {
            flags.push('i');
        }
        if self.inv.mode.login && self.dialect == Dialect::Zsh {
            flags.push('l');
        }
        flags.push_str(if self.inv.mode.interactive {
            "mBH"
        } else {
            "hB"
        });
        let local = |v: &str| Var {
            val: vec![v.to_string()],
            exported: false,
        };
        self.vars.insert("-".into(), local(&flags));
        if self.inv.mode.interactive && self.dialect != Dialect::Fish {
            self.vars.entry("PS1".into()).or_insert_with(|| local("$ "));
        }
        match self.inv.shell {
            ShellKind::Bash => {
                self.vars.insert("BASH_VERSION".into(), local("5.2"));
                let bash = if self.platform.os == Os::MacOs {
                    "/bin/bash"
                } else {
                    "/usr/bin/bash"
                };
                self.vars.insert("BASH".into(), local(bash));
            }
            ShellKind::Zsh => {
                self.vars.insert("ZSH_VERSION".into(), local("5.9"));
                self.vars.insert("ZSH_NAME".into(), local("zsh"));
            }
            ShellKind::Fish => {
                self.vars.insert("FISH_VERSION".into(), local("3.6"));
            }
            _ => {}
        }
        if !self.vars.contains_key("PATH") {
            let default = match (self.dialect, self.platform.os) {
                (_, Os::MacOs) => "/usr/bin:/bin:/usr/sbin:/sbin",
                (Dialect::Zsh, _) => "/bin:/usr/bin:/usr/ucb:/usr/local/bin",
                (Dialect::Fish, _) => "/usr/bin:/bin",
                _ => "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.",
            };
            let val = if self.dialect == Dialect::Fish {
                split_path(default)
            } else {
                vec![default.to_string()]
            };
            self.vars.insert(
                "PATH".into(),
                Var {
                    val,
                    exported: self.dialect == Dialect::Fish,
                },
            );
        }
    }

    fn finish(self) -> Simulation {
        let mut env = Env::new();
        let mut names: BTreeSet<&String> = self.vars.keys().collect();
        names.extend(self.uvars.keys());
        for name in names {
            let var = self.vars.get(name).or_else(|| self.uvars.get(name));
            if let Some(var) = var.filter(|v| v.exported) {
                let sep = if self.dialect == Dialect::Fish && !name.ends_with("PATH") {
                    " "
                } else {
                    ":"
                };
                env.insert(name.clone(), var.val.join(sep));
            }
        }
        Simulation {
            invocation: self.inv,
            files: self.files,
            effects: self.effects,
            env,
        }
    }

    // ---- variables -------------------------------------------------------------------------

    fn home(&self) -> String {
        self.get_scalar("HOME").unwrap_or_default()
    }

    fn get(&self, name: &str) -> Option<Vec<String>> {
        if self.dialect == Dialect::Zsh && name == "path" {
            return self.get("PATH").map(|v| split_path(&v.join(":")));
        }
        self.vars
            .get(name)
            .or_else(|| self.uvars.get(name))
            .map(|v| v.val.clone())
    }

    fn get_scalar(&self, name: &str) -> Option<String> {
        match name {
            "#" => return Some(self.positional.len().to_string()),
            "@" | "*" => return Some(self.positional.join(" ")),
            "0" => return Some(self.inv.shell.name().to_string()),
            "$" => return Some("4242".into()),
            "?" => return Some("0".into()),
            _ => {}
        }
        if let Ok(n) = name.parse::<usize>() {
            return Some(
                self.positional
                    .get(n.wrapping_sub(1))
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        let sep = if self.dialect == Dialect::Fish && !name.ends_with("PATH") {
            " "
        } else {
            ":"
        };
        self.get(name).map(|v| {
            if self.dialect == Dialect::Zsh && name == "path" {
                v.join(" ")
            } else {
                v.join(sep)
            }
        })
    }

    fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn set_var(&mut self, name: &str, val: Vec<String>, export: Option<bool>, line: usize) {
        let (name, val) = if self.dialect == Dialect::Zsh && name == "path" {
            ("PATH", vec![val.join(":")])
        } else {
            (name, val)
        };
        let val = if self.unique_path && name == "PATH" && self.dialect != Dialect::Fish {
            let mut seen = BTreeSet::new();
            vec![split_path(&val.join(":"))
                .into_iter()
                .filter(|e| seen.insert(e.clone()))
                .collect::<Vec<_>>()
                .join(":")]
        } else {
            val
        };
        let val = if val.iter().map(String::len).sum::<usize>() > MAX_VALUE {
            vec![format!(
                "{OPEN}${name} (longer than {} KiB){CLOSE}",
                MAX_VALUE / 1024
            )]
        } else {
            val
        };
        let exported = match (export, self.vars.get(name)) {
            (Some(e), _) => e,
            (None, Some(v)) => v.exported,
            (None, None) => self.uvars.get(name).is_some_and(|u| u.exported),
        };
        self.vars.insert(
            name.to_string(),
            Var {
                val: val.clone(),
                exported,
            },
        );
        if is_tracked(name) {
            let sep = if self.dialect == Dialect::Fish
                && !name.ends_with("PATH")
                && name != "fish_user_paths"
            {
                " "
            } else {
                ":"
            };
            let joined = val.join(sep);
            self.effect(
                line,
                Some(name),
                EffectKind::Set {
                    value: display_value(&joined),
                    resolved: is_resolved(&joined),
                    exported,
                },
            );
        }
    }

    fn export_var(&mut self, name: &str, line: usize) {
        let name = if self.dialect == Dialect::Zsh && name == "path" {
            "PATH"
        } else {
            name
        };
        match self.vars.get_mut(name) {
            Some(v) => {
                if !v.exported {
                    v.exported = true;
                    if is_tracked(name) {
                        self.effect(line, Some(name), EffectKind::Export);
                    }
                }
            }
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        val: vec![String::new()],
                        exported: true,
                    },
                );
                if is_tracked(name) {
                    self.effect(line, Some(name), EffectKind::Export);
                }
            }
        }
    }

    fn unset_var(&mut self, name: &str, line: usize) {
        let name = if self.dialect == Dialect::Zsh && name == "path" {
            "PATH"
        } else {
            name
        };
        self.vars.remove(name);
        if is_tracked(name) {
            self.effect(line, Some(name), EffectKind::Unset);
        }
    }

    fn effect(&mut self, line: usize, var: Option<&str>, kind: EffectKind) {
        if self.effects.len() >= MAX_EFFECTS {
            if self.steps > 0 {
                self.steps = 0;
                self.effects.push(Effect {
                    file: self
                        .stack
                        .last()
                        .map(|(f, _)| f.clone())
                        .unwrap_or_default(),
                    line,
                    text: String::new(),
                    var: None,
                    kind: EffectKind::Unknown {
                        why: format!(
                            "the startup files change PATH and Go's variables more than \
                             {MAX_EFFECTS} times; the analysis stops here"
                        ),
                    },
                    certain: false,
                });
            }
            return;
        }
        let (file, text) = match self.stack.last() {
            Some((f, lines)) => (
                f.clone(),
                lines
                    .get(line.wrapping_sub(1))
                    .map(|l| l.trim().to_string())
                    .unwrap_or_default(),
            ),
            None => (PathBuf::new(), String::new()),
        };
        self.effects.push(Effect {
            file,
            line,
            var: var.map(str::to_string),
            kind,
            certain: self.certain,
            text,
        });
    }

    fn unknown(&mut self, line: usize, why: impl Into<String>) {
        self.effect(line, None, EffectKind::Unknown { why: why.into() });
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            vars: self.vars.clone(),
            uvars: self.uvars.clone(),
            funcs: self.funcs.clone(),
            positional: self.positional.clone(),
            rcs: self.rcs,
            global_rcs: self.global_rcs,
            unique_path: self.unique_path,
            fish_added: self.fish_added.clone(),
        }
    }

    fn restore(&mut self, s: Snapshot) {
        self.vars = s.vars;
        self.uvars = s.uvars;
        self.funcs = s.funcs;
        self.positional = s.positional;
        self.rcs = s.rcs;
        self.global_rcs = s.global_rcs;
        self.unique_path = s.unique_path;
        self.fish_added = s.fish_added;
    }

    /// Runs statements whose effects are recorded as uncertain and whose state is thrown away.
    fn dry(&mut self, body: &[Stmt]) {
        let cost = 1 + self.vars.len() + self.uvars.len() + self.funcs.len();
        if !self.spend(cost, body.first().map_or(0, Stmt::line)) {
            return;
        }
        let snap = self.snapshot();
        let certain = std::mem::replace(&mut self.certain, false);
        let stopped = self.stopped;
        let _ = self.exec_list(body);
        self.stopped = stopped;
        self.certain = certain;
        self.restore(snap);
    }

    /// Runs statements for real but with effects marked uncertain.
    fn uncertain(&mut self, body: &[Stmt]) -> Flow {
        let certain = std::mem::replace(&mut self.certain, false);
        let flow = self.exec_list(body);
        self.certain = certain;
        flow
    }

    // ---- startup steps -----------------------------------------------------------------------

    fn resolve_spec(&self, spec: &PathSpec) -> PathBuf {
        let home = self.home();
        match spec {
            PathSpec::Abs(p) => p.clone(),
            PathSpec::Home(r) => Path::new(&home).join(r),
            PathSpec::ZDotDir(r) => {
                let z = self
                    .get_scalar("ZDOTDIR")
                    .filter(|z| !z.is_empty())
                    .unwrap_or(home);
                Path::new(&z).join(r)
            }
            PathSpec::XdgConfig(r) => {
                let x = self
                    .get_scalar("XDG_CONFIG_HOME")
                    .filter(|x| x.starts_with('/'))
                    .unwrap_or_else(|| format!("{home}/.config"));
                Path::new(&x).join(r)
            }
        }
    }

    fn run_steps(&mut self, steps: &[Step]) {
        for step in steps {
            if self.stopped {
                break;
            }
            match step {
                Step::File { path, guard, .. } => {
                    let skip = match guard {
                        Guard::Always => false,
                        Guard::ZshRcs => !self.rcs,
                        Guard::ZshGlobalRcs => !self.rcs || !self.global_rcs,
                    };
                    if skip {
                        continue;
                    }
                    let p = self.resolve_spec(path);
                    let analyzed = p.extension().is_none_or(|e| e != "ps1");
                    self.visit(
                        &p,
                        Via::Startup {
                            rule: path.display(),
                        },
                        analyzed,
                    );
                }
                Step::FirstOf { paths } => {
                    let rule = paths
                        .iter()
                        .map(PathSpec::display)
                        .collect::<Vec<_>>()
                        .join(" > ");
                    let found = paths
                        .iter()
                        .map(|s| self.resolve_spec(s))
                        .find(|p| self.fs.is_file(p));
                    match found {
                        Some(p) => self.visit(&p, Via::Startup { rule }, true),
                        None => {
                            for s in paths {
                                let p = self.resolve_spec(s);
                                self.files.push(FileVisit {
                                    path: p,
                                    exists: false,
                                    via: Via::Startup { rule: rule.clone() },
                                    analyzed: true,
                                });
                            }
                        }
                    }
                }
                Step::EnvFile { var } => {
                    if let Some(v) = self.get_scalar(var).filter(|v| !v.is_empty()) {
                        if !is_resolved(&v) {
                            self.files.push(FileVisit {
                                path: PathBuf::from(display_value(&v)),
                                exists: false,
                                via: Via::Startup {
                                    rule: format!("${var}"),
                                },
                                analyzed: false,
                            });
                            continue;
                        }
                        let p = if v.starts_with('/') {
                            PathBuf::from(&v)
                        } else {
                            Path::new(&self.home()).join(&v)
                        };
                        self.visit(
                            &p,
                            Via::Startup {
                                rule: format!("${var}"),
                            },
                            true,
                        );
                    }
                }
                Step::FishUniversal => self.fish_universal(),
                Step::FishPathHelper => {
                    if self.fs.is_file(Path::new("/usr/libexec/path_helper")) {
                        let cur = self.get("PATH").unwrap_or_default();
                        let new = path_helper::construct_path_dirs(self.fs, Path::new("/"), &cur);
                        self.stack.push((
                            PathBuf::from("(fish: macOS path_helper emulation)"),
                            Vec::new(),
                        ));
                        self.effect(
                            0,
                            Some("PATH"),
                            EffectKind::Hook {
                                manager: Manager::PathHelper,
                                hook: Hook::PathHelper,
                            },
                        );
                        self.set_var("PATH", new, Some(true), 0);
                        self.stack.pop();
                    }
                }
                Step::FishConfD => self.fish_confd(),
            }
        }
    }

    fn fish_confd(&mut self) {
        let home = self.home();
        let mut dirs = vec![self.resolve_spec(&PathSpec::XdgConfig("fish/conf.d"))];
        dirs.push(self.platform.fish_sysconf_dir.join("conf.d"));
        let data_home = self
            .get_scalar("XDG_DATA_HOME")
            .filter(|x| x.starts_with('/'))
            .unwrap_or_else(|| format!("{home}/.local/share"));
        dirs.push(Path::new(&data_home).join("fish/vendor_conf.d"));
        match self.get("XDG_DATA_DIRS") {
            Some(list) => {
                for d in list.iter().flat_map(|s| split_path(s)) {
                    if !d.is_empty() {
                        dirs.push(Path::new(d.trim_end_matches('/')).join("fish/vendor_conf.d"));
                    }
                }
            }
            None => dirs.push(self.platform.fish_data_dir.join("vendor_conf.d")),
        }
        let extra = self.platform.fish_data_dir.join("vendor_conf.d");
        if !dirs.contains(&extra) {
            dirs.push(extra);
        }
        let mut seen = BTreeSet::new();
        for dir in dirs {
            let Ok(entries) = self.fs.read_dir(&dir) else {
                continue;
            };
            for f in entries {
                let Some(name) = f.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                    continue;
                };
                if !name.ends_with(".fish") || !self.fs.is_file(&f) {
                    continue;
                }
                if !seen.insert(name) {
                    continue;
                }
                self.visit(
                    &f,
                    Via::Startup {
                        rule: format!("{}/*.fish", dir.display()),
                    },
                    true,
                );
                if self.stopped {
                    return;
                }
            }
        }
    }

    /// fish universal variables, then `__fish_reconstruct_path`.
    fn fish_universal(&mut self) {
        let file = self.resolve_spec(&PathSpec::XdgConfig("fish/fish_variables"));
        let Ok(bytes) = self.fs.read(&file) else {
            self.fish_reconstruct(0);
            return;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        self.files.push(FileVisit {
            path: file.clone(),
            exists: true,
            via: Via::Startup {
                rule: "fish universal variables".into(),
            },
            analyzed: true,
        });
        self.stack.push((file, lines.clone()));
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.strip_prefix("SETUVAR ") else {
                continue;
            };
            let mut exported = false;
            let mut rest = rest;
            loop {
                if let Some(r) = rest.strip_prefix("--export ") {
                    exported = true;
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("--path ") {
                    rest = r;
                } else {
                    break;
                }
            }
            let Some((name, value)) = rest.split_once(':') else {
                continue;
            };
            let val: Vec<String> = if value.is_empty() {
                Vec::new()
            } else {
                value.split("\\x1e").map(unescape_fish_uvar).collect()
            };
            self.uvars.insert(
                name.to_string(),
                Var {
                    val: val.clone(),
                    exported,
                },
            );
            if is_tracked(name) {
                let shown = val.join(if name.ends_with("PATH") || name == "fish_user_paths" {
                    ":"
                } else {
                    " "
                });
                let kind = EffectKind::Set {
                    value: shown,
                    resolved: true,
                    exported,
                };
                let vars_has = self.vars.contains_key(name);
                // A universal variable is shadowed by an inherited global of the same name.
                let certain =
                    std::mem::replace(&mut self.certain, !vars_has || name == "fish_user_paths");
                self.effect(i + 1, Some(name), kind);
                self.certain = certain;
            }
        }
        self.fish_reconstruct(0);
        self.stack.pop();
    }

    /// fish's `__fish_reconstruct_path`: `fish_user_paths` goes in front of PATH, replacing
    /// the entries it added last time.
    fn fish_reconstruct(&mut self, line: usize) {
        let user: Vec<String> = {
            let mut seen = BTreeSet::new();
            self.get("fish_user_paths")
                .unwrap_or_default()
                .iter()
                .flat_map(|s| s.split(':').map(str::to_string).collect::<Vec<_>>())
                .filter(|p| seen.insert(p.clone()))
                .collect()
        };
        let mut local = self.get("PATH").unwrap_or_default();
        for x in &self.fish_added {
            if let Some(i) = local.iter().position(|p| p == x) {
                local.remove(i);
            }
        }
        let mut added = Vec::new();
        for x in user.iter().rev() {
            if let Some(i) = local.iter().position(|p| p == x) {
                local.remove(i);
            } else {
                added.push(x.clone());
            }
            local.insert(0, x.clone());
        }
        self.fish_added = added;
        if Some(&local) != self.get("PATH").as_ref() {
            self.set_var("PATH", local, Some(true), line);
        }
    }

    /// Reads and runs one file, recording the visit.
    fn visit(&mut self, path: &Path, via: Via, analyzed: bool) {
        if self.stack.iter().any(|(p, _)| p == path) {
            if let Via::Source { line, .. } = via {
                self.unknown(
                    line,
                    format!(
                        "{} sources itself (cycle); not followed again",
                        path.display()
                    ),
                );
            }
            return;
        }
        if self.budget == 0 || self.stack.len() > 32 {
            return;
        }
        self.budget -= 1;
        let bytes = if self.fs.is_file(path) {
            self.fs.read(path).ok()
        } else {
            None
        };
        self.files.push(FileVisit {
            path: path.to_path_buf(),
            exists: bytes.is_some(),
            via,
            analyzed,
        });
        let Some(bytes) = bytes else { return };
        if !analyzed {
            return;
        }
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let stmts = parsed(self.dialect == Dialect::Fish, &bytes);
        self.stack.push((path.to_path_buf(), lines));
        let flow = self.exec_list(&stmts);
        if flow == Flow::Exit {
            self.stopped = true;
        }
        self.stack.pop();
    }

    // ---- statements ------------------------------------------------------------------------

    /// Takes `n` units of the work budget; false (and, the first time, an "unknown" effect
    /// at `line` saying why) once it is spent.
    fn spend(&mut self, n: usize, line: usize) -> bool {
        if self.steps == 0 {
            return false;
        }
        self.steps = self.steps.saturating_sub(n);
        if self.steps == 0 {
            self.unknown(
                line,
                format!(
                    "the startup files run more than {MAX_STEPS} statements (runaway \
                     recursion?); the analysis stops here"
                ),
            );
            return false;
        }
        true
    }

    fn exec_list(&mut self, stmts: &[Stmt]) -> Flow {
        let mut status = Some(true);
        for s in stmts {
            if self.stopped {
                return Flow::Exit;
            }
            if !self.spend(1, s.line()) {
                return Flow::Normal(None);
            }
            match self.exec(s) {
                Flow::Normal(st) => status = st,
                other => return other,
            }
        }
        Flow::Normal(status)
    }

    fn exec(&mut self, stmt: &Stmt) -> Flow {
        match stmt {
            Stmt::Simple {
                assigns,
                words,
                line,
            } => self.simple(assigns, words, *line),
            Stmt::If {
                branches,
                otherwise,
                ..
            } => {
                for (i, (cond, body)) in branches.iter().enumerate() {
                    let st = match self.exec_list(cond) {
                        Flow::Normal(st) => st,
                        other => return other,
                    };
                    match st {
                        Some(true) => return self.exec_list(body),
                        Some(false) => continue,
                        None => {
                            let flow = self.uncertain(body);
                            for (_, other) in &branches[i + 1..] {
                                self.dry(other);
                            }
                            if let Some(o) = otherwise {
                                self.dry(o);
                            }
                            return flow;
                        }
                    }
                }
                match otherwise {
                    Some(o) => self.exec_list(o),
                    None => Flow::Normal(Some(true)),
                }
            }
            Stmt::For {
                var,
                items,
                body,
                line,
            } => {
                let mut values = Vec::new();
                for w in items {
                    values.extend(self.expand_fields(w, true));
                }
                let mut flow = Flow::Normal(Some(true));
                for v in values {
                    self.set_var(var, vec![v], None, *line);
                    flow = self.exec_list(body);
                    if !matches!(flow, Flow::Normal(_)) {
                        break;
                    }
                }
                flow
            }
            Stmt::Case { word, arms, .. } => {
                let subject = self.expand_joined(word);
                if !is_resolved(&subject) {
                    for (_, body) in arms {
                        self.dry(body);
                    }
                    return Flow::Normal(None);
                }
                for (pats, body) in arms {
                    let matched = pats.iter().any(|p| {
                        let pat = self.pattern(p);
                        glob_match(&pat, &subject)
                    });
                    if matched {
                        return self.exec_list(body);
                    }
                }
                Flow::Normal(Some(true))
            }
            Stmt::Loop { cond, body, .. } => {
                self.dry(cond);
                self.dry(body);
                Flow::Normal(None)
            }
            Stmt::Function { name, body, .. } => {
                self.funcs.insert(name.clone(), Body::from(body.as_slice()));
                Flow::Normal(Some(true))
            }
            Stmt::Group { body, subshell, .. } => {
                if *subshell {
                    self.dry(body);
                    Flow::Normal(None)
                } else {
                    self.exec_list(body)
                }
            }
            Stmt::AndOr { first, rest, .. } => {
                let mut st = match self.exec(first) {
                    Flow::Normal(st) => st,
                    other => return other,
                };
                for (is_and, s) in rest {
                    let run = match (is_and, st) {
                        (true, Some(true)) | (false, Some(false)) => Some(true),
                        (_, None) => None,
                        _ => Some(false),
                    };
                    match run {
                        Some(true) => match self.exec(s) {
                            Flow::Normal(x) => st = x,
                            other => return other,
                        },
                        Some(false) => {}
                        None => {
                            let certain = std::mem::replace(&mut self.certain, false);
                            let flow = self.exec(s);
                            self.certain = certain;
                            match flow {
                                Flow::Normal(_) => st = None,
                                other => return other,
                            }
                        }
                    }
                }
                Flow::Normal(st)
            }
            Stmt::Not { stmt, .. } => match self.exec(stmt) {
                Flow::Normal(st) => Flow::Normal(st.map(|b| !b)),
                other => other,
            },
            Stmt::Pipeline { cmds, line } => self.pipeline(cmds, *line),
            Stmt::Unknown { text, line } => {
                self.unknown(*line, format!("not understood: {text}"));
                Flow::Normal(None)
            }
        }
    }

    fn pipeline(&mut self, cmds: &[Stmt], line: usize) -> Flow {
        let Some((last, init)) = cmds.split_last() else {
            return Flow::Normal(Some(true));
        };
        // `CMD | source` (fish) evaluates CMD's output in this shell.
        if let Stmt::Simple { words, .. } = last {
            let is_source = words
                .first()
                .and_then(Word::as_plain)
                .is_some_and(|w| w == "source" || w == ".");
            if is_source && words.len() <= 2 && init.len() == 1 {
                if let Stmt::Simple {
                    words: producer, ..
                } = &init[0]
                {
                    let text = producer
                        .iter()
                        .map(|w| w.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    return self.eval_output_of(&text, line);
                }
            }
        }
        for c in init {
            self.dry(std::slice::from_ref(c));
        }
        if matches!(self.dialect, Dialect::Zsh | Dialect::Fish) {
            self.exec(last)
        } else {
            self.dry(std::slice::from_ref(last));
            Flow::Normal(None)
        }
    }

    // ---- words -------------------------------------------------------------------------------

    fn unresolved(text: &str) -> String {
        format!("{OPEN}{text}{CLOSE}")
    }

    /// Expands a word to one string (no field splitting, no globbing).
    fn expand_joined(&mut self, w: &Word) -> String {
        if self.dialect == Dialect::Fish {
            let sep = " ";
            return self.expand_fish(w).join(sep);
        }
        let mut out = String::new();
        for (i, part) in w.parts.iter().enumerate() {
            match part {
                Part::Lit { text, quoted } => {
                    if !quoted && i == 0 && text.starts_with('~') {
                        out.push_str(&self.tilde(text));
                    } else {
                        out.push_str(text);
                    }
                }
                Part::Param { name, op, .. } => out.push_str(&self.param(name, op)),
                Part::CmdSub { text, .. } => match self.cmdsub(text) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&Self::unresolved(&format!("$({text})"))),
                },
                Part::Opaque { text } => out.push_str(&Self::unresolved(text)),
            }
        }
        out
    }

    /// The value of an assignment: tilde expansion also after `:` in unquoted text.
    fn expand_assignment(&mut self, w: &Word) -> String {
        let mut out = String::new();
        for (i, part) in w.parts.iter().enumerate() {
            match part {
                Part::Lit {
                    text,
                    quoted: false,
                } => {
                    let mut segs = Vec::new();
                    for (k, seg) in text.split(':').enumerate() {
                        let at_start = k > 0 || i == 0 || out.ends_with(':');
                        if at_start && seg.starts_with('~') {
                            segs.push(self.tilde(seg));
                        } else {
                            segs.push(seg.to_string());
                        }
                    }
                    out.push_str(&segs.join(":"));
                }
                _ => {
                    let single = Word {
                        parts: vec![part.clone()],
                        raw: String::new(),
                    };
                    out.push_str(&self.expand_joined(&single));
                }
            }
        }
        out
    }

    fn tilde(&self, text: &str) -> String {
        let rest = &text[1..];
        if rest.is_empty() || rest.starts_with('/') {
            format!("{}{}", self.home(), rest)
        } else {
            text.to_string()
        }
    }

    /// Expands a word into fields: unquoted expansions are split on blanks and, with `glob`,
    /// unquoted patterns are matched against the filesystem.
    fn expand_fields(&mut self, w: &Word, glob: bool) -> Vec<String> {
        if self.dialect == Dialect::Fish {
            let vals = self.expand_fish(w);
            if glob {
                let mut out = Vec::new();
                for v in vals {
                    if v.contains('*') && is_resolved(&v) {
                        out.extend(self.glob_fs(&v));
                    } else {
                        out.push(v);
                    }
                }
                return out;
            }
            return vals;
        }
        if let [Part::Param {
            name,
            quoted: true,
            op: ParamOp::Plain,
        }] = w.parts.as_slice()
        {
            if name == "@" {
                return self.positional.clone();
            }
        }
        if self.dialect == Dialect::Zsh {
            // zsh arrays (`$path`) expand to one word per element.
            if let [Part::Param {
                name,
                quoted: false,
                op: ParamOp::Plain,
            }] = w.parts.as_slice()
            {
                if let Some(list) = self.get(name) {
                    if list.len() != 1 || name == "path" {
                        return list;
                    }
                }
            }
        }
        let s = self.expand_joined(w);
        let split = w.parts.iter().any(|p| {
            matches!(
                p,
                Part::Param { quoted: false, .. } | Part::CmdSub { quoted: false, .. }
            )
        }) && self.dialect != Dialect::Zsh;
        let fields: Vec<String> = if split && is_resolved(&s) {
            s.split_whitespace().map(str::to_string).collect()
        } else if s.is_empty()
            && w.parts
                .iter()
                .all(|p| !matches!(p, Part::Lit { quoted: true, .. }))
        {
            Vec::new()
        } else {
            vec![s]
        };
        let has_glob = w.parts.iter().any(
            |p| matches!(p, Part::Lit { text, quoted: false } if text.contains(['*', '?', '['])),
        );
        if glob && has_glob {
            let mut out = Vec::new();
            for f in fields {
                let m = self.glob_fs(&f);
                if m.is_empty() {
                    // sh keeps an unmatched pattern; zsh errors; fish drops it.
                    if self.dialect != Dialect::Zsh {
                        out.push(f);
                    }
                } else {
                    out.extend(m);
                }
            }
            return out;
        }
        fields
    }

    /// Matches a pattern whose wildcards are in the last path component.
    fn glob_fs(&self, pattern: &str) -> Vec<String> {
        let pattern = pattern
            .trim_end_matches("(N)")
            .trim_end_matches("(.N)")
            .trim_end_matches("(N.)");
        let Some(slash) = pattern.rfind('/') else {
            return Vec::new();
        };
        let (dir, pat) = (&pattern[..slash], &pattern[slash + 1..]);
        if dir.contains(['*', '?']) || dir.is_empty() {
            return Vec::new();
        }
        let pchars: Vec<(char, bool)> = pat
            .chars()
            .map(|c| (c, matches!(c, '*' | '?' | '[')))
            .collect();
        let mut out = Vec::new();
        if let Ok(entries) = self.fs.read_dir(Path::new(dir)) {
            for e in entries {
                let name = e
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name.starts_with('.') && !pat.starts_with('.') {
                    continue;
                }
                if glob_match(&pchars, &name) {
                    out.push(format!("{dir}/{name}"));
                }
            }
        }
        out
    }

    /// A case pattern: quoted characters are literal.
    fn pattern(&mut self, w: &Word) -> Vec<(char, bool)> {
        let mut out = Vec::new();
        for part in &w.parts {
            match part {
                Part::Lit { text, quoted } => out.extend(
                    text.chars()
                        .map(|c| (c, !quoted && matches!(c, '*' | '?' | '['))),
                ),
                other => {
                    let single = Word {
                        parts: vec![other.clone()],
                        raw: String::new(),
                    };
                    let v = self.expand_joined(&single);
                    out.extend(v.chars().map(|c| (c, false)));
                }
            }
        }
        out
    }

    fn param(&mut self, name: &str, op: &ParamOp) -> String {
        let val = self.get_scalar(name);
        match op {
            ParamOp::Plain => val.unwrap_or_default(),
            ParamOp::Length => val
                .map(|v| v.chars().count().to_string())
                .unwrap_or_else(|| "0".into()),
            ParamOp::Default { colon, word } => match val {
                Some(v) if !(*colon && v.is_empty()) => v,
                _ => self.expand_assignment(word),
            },
            ParamOp::Assign { colon, word } => match val {
                Some(v) if !(*colon && v.is_empty()) => v,
                _ => {
                    let v = self.expand_assignment(word);
                    let line = 0;
                    self.set_var(name, vec![v.clone()], None, line);
                    v
                }
            },
            ParamOp::Alt { colon, word } => match val {
                Some(v) if !(*colon && v.is_empty()) => self.expand_assignment(word),
                _ => String::new(),
            },
        }
    }

    /// Fish expansion: a list of values (cartesian product of the parts).
    fn expand_fish(&mut self, w: &Word) -> Vec<String> {
        let mut acc: Vec<String> = vec![String::new()];
        for (i, part) in w.parts.iter().enumerate() {
            let vals: Vec<String> = match part {
                Part::Lit { text, quoted } => {
                    if !quoted && i == 0 && text.starts_with('~') {
                        vec![self.tilde(text)]
                    } else {
                        vec![text.clone()]
                    }
                }
                Part::Param { name, quoted, .. } => {
                    let v = match name.as_str() {
                        "argv" => Some(self.positional.clone()),
                        _ => self.get(name),
                    };
                    match (v, quoted) {
                        (Some(list), true) => {
                            let sep = if name.ends_with("PATH") { ":" } else { " " };
                            vec![list.join(sep)]
                        }
                        (Some(list), false) => list,
                        (None, true) => vec![String::new()],
                        (None, false) => Vec::new(),
                    }
                }
                Part::CmdSub { text, .. } => match self.cmdsub(text) {
                    Some(v) => vec![v],
                    None => vec![Self::unresolved(&format!("({text})"))],
                },
                Part::Opaque { text } => vec![Self::unresolved(text)],
            };
            // A product of lists grows as the product of their sizes ($X$X$X of a 2048-element
            // list is 8 billion values): past MAX_VALUE bytes the word stays unresolved.
            let acc_bytes: usize = acc.iter().map(String::len).sum();
            let vals_bytes: usize = vals.iter().map(String::len).sum();
            let bytes = acc_bytes
                .saturating_mul(vals.len())
                .saturating_add(vals_bytes.saturating_mul(acc.len()));
            if bytes > MAX_VALUE || acc.len().saturating_mul(vals.len()) > MAX_VALUE {
                return vec![Self::unresolved(&w.raw)];
            }
            let mut next = Vec::new();
            for a in &acc {
                for v in &vals {
                    next.push(format!("{a}{v}"));
                }
            }
            acc = next;
        }
        acc
    }

    /// The output of a command substitution, for the few commands whose answer is known.
    fn cmdsub(&mut self, text: &str) -> Option<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let cmd = words.first().map(|w| w.rsplit('/').next().unwrap_or(w))?;
        match (cmd, &words[1..]) {
            ("id", ["-u"]) => self.platform.uid.map(|u| u.to_string()),
            ("uname", [] | ["-s"]) => match self.platform.os {
                Os::Linux => Some("Linux".into()),
                Os::MacOs => Some("Darwin".into()),
                Os::Windows => None,
            },
            ("brew", ["--prefix"]) => self.brew_prefix(words[0]),
            _ => None,
        }
    }

    fn brew_prefix(&self, program: &str) -> Option<String> {
        if let Some(p) = program.strip_suffix("/bin/brew") {
            return Some(p.to_string());
        }
        let hit = which(
            self.fs,
            &split_path(&self.get_scalar("PATH").unwrap_or_default()),
            "brew",
        );
        hit.found.and_then(|p| {
            p.parent()
                .and_then(Path::parent)
                .map(|d| d.display().to_string())
        })
    }

    // ---- commands ----------------------------------------------------------------------------

    fn simple(&mut self, assigns: &[super::syntax::Assign], words: &[Word], line: usize) -> Flow {
        if words.is_empty() {
            let mut status = Some(true);
            for a in assigns {
                let val = match &a.value {
                    AssignValue::Scalar(w) => vec![self.expand_assignment(w)],
                    AssignValue::Array(ws) => {
                        let mut v = Vec::new();
                        for w in ws {
                            v.extend(self.expand_fields(w, true));
                        }
                        v
                    }
                };
                if val.iter().any(|v| !is_resolved(v)) {
                    status = None;
                }
                let val = if a.append {
                    self.appended(&a.name, val)
                } else {
                    val
                };
                let scalar = matches!(a.value, AssignValue::Scalar(_)) || a.name == "path";
                let val = if scalar && self.dialect != Dialect::Zsh {
                    vec![val.join(" ")]
                } else {
                    val
                };
                self.set_var(&a.name, val, None, line);
            }
            return Flow::Normal(status);
        }
        if self.dialect == Dialect::Fish {
            return self.fish_command(words, line);
        }
        let name = words[0].as_literal().unwrap_or_default();
        let rest = &words[1..];
        match name.as_str() {
            "export" | "declare" | "typeset" | "local" | "readonly" | "integer" => {
                self.declare(&name, rest, line);
                Flow::Normal(Some(true))
            }
            "unset" => {
                let mut functions = false;
                for w in rest {
                    let v = self.expand_joined(w);
                    match v.as_str() {
                        "-f" => functions = true,
                        "-v" => functions = false,
                        n if !functions && parse_sh::is_name(n) => self.unset_var(n, line),
                        _ => {}
                    }
                }
                Flow::Normal(Some(true))
            }
            "source" | "." => {
                let Some(first) = rest.first() else {
                    return Flow::Normal(Some(false));
                };
                let target = self.expand_joined(first);
                let args: Vec<String> = rest[1..]
                    .iter()
                    .flat_map(|w| self.expand_fields(w, true))
                    .collect();
                self.source(&target, args, line)
            }
            "eval" => {
                if let [w] = rest {
                    if let [Part::CmdSub { text, .. }] = w.parts.as_slice() {
                        return self.eval_output_of(text, line);
                    }
                }
                let text = rest
                    .iter()
                    .map(|w| self.expand_joined(w))
                    .collect::<Vec<_>>()
                    .join(" ");
                if !is_resolved(&text) {
                    let raw = rest
                        .iter()
                        .map(|w| w.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let inner = raw.trim_matches('"');
                    let inner = inner
                        .strip_prefix("$(")
                        .and_then(|s| s.strip_suffix(')'))
                        .unwrap_or(inner);
                    let inner = inner.trim_matches('`');
                    return self.eval_output_of(inner, line);
                }
                let stmts = parse_sh::parse(text.as_bytes());
                let stmts = relocate(stmts, line);
                self.exec_list(&stmts)
            }
            "setopt" | "unsetopt" => {
                for w in rest {
                    let v = self.expand_joined(w);
                    self.zsh_option(&v, name == "setopt", line);
                }
                Flow::Normal(Some(true))
            }
            "set"
                if self.dialect == Dialect::Zsh
                    || self.dialect == Dialect::Bash
                    || self.dialect == Dialect::Posix =>
            {
                let vals: Vec<String> = rest.iter().map(|w| self.expand_joined(w)).collect();
                if let Some(pos) = vals.iter().position(|v| v == "--") {
                    self.positional = vals[pos + 1..].to_vec();
                }
                let mut it = vals.iter();
                while let Some(v) = it.next() {
                    if v == "-o" || v == "+o" {
                        if let Some(o) = it.next() {
                            self.zsh_option(o, v == "-o", line);
                        }
                    }
                }
                Flow::Normal(Some(true))
            }
            "shift" => {
                if !self.positional.is_empty() {
                    self.positional.remove(0);
                }
                Flow::Normal(Some(true))
            }
            "return" => {
                let st = rest
                    .first()
                    .map(|w| self.expand_joined(w))
                    .map(|v| v == "0");
                Flow::Return(st.or(Some(true)))
            }
            "exit" | "logout" => {
                self.unknown(line, "exit in a startup file ends the shell here");
                Flow::Exit
            }
            "true" | ":" => Flow::Normal(Some(true)),
            "false" => Flow::Normal(Some(false)),
            "[" | "test" | "[[" => {
                let mut args: Vec<Option<String>> = Vec::new();
                let is_dbl = name == "[[";
                for w in rest {
                    if w.as_plain().is_some_and(|p| p == "]" || p == "]]") {
                        continue;
                    }
                    let v = if is_dbl {
                        self.expand_joined(w)
                    } else {
                        self.expand_fields(w, false).join(" ")
                    };
                    args.push(if is_resolved(&v) { Some(v) } else { None });
                }
                if is_dbl {
                    // In [[ ]] the right side of == and != is a pattern when unquoted.
                    Flow::Normal(self.test_expr(&args, true))
                } else {
                    Flow::Normal(self.test_expr(&args, false))
                }
            }
            "shopt" => {
                let vals: Vec<String> = rest.iter().map(|w| self.expand_joined(w)).collect();
                if vals.iter().any(|v| v == "-q") && vals.iter().any(|v| v == "login_shell") {
                    return Flow::Normal(Some(self.inv.mode.login));
                }
                Flow::Normal(Some(true))
            }
            "command" | "type" | "which" | "hash" | "whence" => {
                let vals: Vec<String> = rest.iter().map(|w| self.expand_joined(w)).collect();
                let query = vals.iter().any(|v| v.starts_with('-')) || name != "command";
                match vals.iter().find(|v| !v.starts_with('-')) {
                    Some(target) if query => Flow::Normal(self.command_exists(target)),
                    _ => Flow::Normal(None),
                }
            }
            "alias" | "unalias" | "echo" | "printf" | "autoload" | "bindkey" | "zstyle"
            | "umask" | "ulimit" | "complete" | "compdef" | "zmodload" | "emulate" | "trap"
            | "stty" | "print" | "compinit" | "promptinit" | "prompt" | "shopt_" | "builtin"
            | "cd" | "mesg" | "read" | "history" | "fc" | "bind" | "enable" | "disable" | "zle"
            | "limit" | "unlimit" | "rehash" | "unhash" | "dirs" | "pushd" | "popd" | "jobs"
            | "wait" | "times" | "getopts" | "let" => Flow::Normal(Some(true)),
            _ => {
                if let Some(body) = self.funcs.get(&name).cloned() {
                    if self.depth > 16 {
                        return Flow::Normal(None);
                    }
                    let args: Vec<String> = rest
                        .iter()
                        .flat_map(|w| self.expand_fields(w, true))
                        .collect();
                    let saved = std::mem::replace(&mut self.positional, args);
                    self.depth += 1;
                    let flow = self.exec_list(&body);
                    self.depth -= 1;
                    self.positional = saved;
                    return match flow {
                        Flow::Return(st) => Flow::Normal(st),
                        other => other,
                    };
                }
                if let Some(hook) = managers::recognize_command(&name) {
                    // A manager command run directly (`goenv rehash`): not an env change.
                    let _ = hook;
                }
                Flow::Normal(None)
            }
        }
    }

    fn appended(&mut self, name: &str, val: Vec<String>) -> Vec<String> {
        let mut cur = self.get(name).unwrap_or_default();
        if self.dialect == Dialect::Zsh && name == "path" {
            cur = split_path(&cur.join(":"));
            cur.extend(val);
            return cur;
        }
        if cur.len() <= 1 && val.len() <= 1 {
            vec![format!("{}{}", cur.join(""), val.join(""))]
        } else {
            cur.extend(val);
            cur
        }
    }

    fn declare(&mut self, builtin: &str, rest: &[Word], line: usize) {
        let mut export = builtin == "export";
        let mut unique = false;
        let mut unexport = false;
        let mut names_only = Vec::new();
        for w in rest {
            if let Some(a) = parse_sh::split_assignment(w) {
                let val = match &a.value {
                    AssignValue::Scalar(v) => vec![self.expand_assignment(v)],
                    AssignValue::Array(ws) => {
                        let mut out = Vec::new();
                        for w in ws {
                            out.extend(self.expand_fields(w, true));
                        }
                        out
                    }
                };
                let val = if a.append {
                    self.appended(&a.name, val)
                } else {
                    val
                };
                let local_in_function = builtin == "local" && self.depth > 0;
                if local_in_function {
                    self.vars.insert(
                        a.name.clone(),
                        Var {
                            val,
                            exported: false,
                        },
                    );
                } else {
                    self.set_var(&a.name, val, if export { Some(true) } else { None }, line);
                }
                continue;
            }
            let v = self.expand_joined(w);
            if let Some(flags) = v.strip_prefix('-') {
                if flags.contains('x') {
                    export = true;
                }
                if flags.contains('U') {
                    unique = true;
                }
                if flags.contains('n') && builtin == "export" {
                    unexport = true;
                }
                continue;
            }
            if let Some(flags) = v.strip_prefix('+') {
                if flags.contains('x') {
                    unexport = true;
                }
                continue;
            }
            names_only.push(v);
        }
        for n in names_only {
            if unique && (n == "path" || n == "PATH") && self.dialect == Dialect::Zsh {
                self.unique_path = true;
                if let Some(p) = self.get("PATH") {
                    let exported = self.vars.get("PATH").is_some_and(|v| v.exported);
                    self.set_var("PATH", p, Some(exported), line);
                }
                continue;
            }
            if unexport {
                if let Some(v) = self.vars.get_mut(&n) {
                    v.exported = false;
                }
            } else if export {
                self.export_var(&n, line);
            }
        }
    }

    fn zsh_option(&mut self, raw: &str, set: bool, line: usize) {
        let norm: String = raw
            .to_ascii_lowercase()
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let (name, on) = match norm.strip_prefix("no") {
            Some(n) if n != "tify" => (n.to_string(), !set),
            _ => (norm.clone(), set),
        };
        match name.as_str() {
            "rcs" => self.rcs = on,
            "globalrcs" => self.global_rcs = on,
            _ => return,
        }
        self.effect(line, None, EffectKind::ZshOption { name, on });
    }

    fn command_exists(&self, name: &str) -> Status {
        if !is_resolved(name) {
            return None;
        }
        if name.contains('/') {
            return Some(self.fs.is_file(Path::new(name)));
        }
        if self.funcs.contains_key(name) {
            return Some(true);
        }
        let path = split_path(&self.get_scalar("PATH").unwrap_or_default());
        let hit = which(self.fs, &path, name);
        match (hit.found, hit.unresolved_before.is_empty()) {
            (Some(_), _) => Some(true),
            (None, true) => Some(false),
            (None, false) => None,
        }
    }

    fn source(&mut self, target: &str, args: Vec<String>, line: usize) -> Flow {
        if !is_resolved(target) {
            self.unknown(
                line,
                format!(
                    "sources a file groot cannot name: {}",
                    display_value(target)
                ),
            );
            return Flow::Normal(None);
        }
        let path = self.find_sourced(target);
        if let Some(hook) = managers::recognize_script(&path.display().to_string()) {
            let exists = self.fs.is_file(&path);
            self.effect(
                line,
                None,
                EffectKind::Source {
                    target: path.clone(),
                    found: exists,
                },
            );
            if exists {
                self.apply_hook(hook, line);
            }
            return Flow::Normal(Some(exists));
        }
        let found = self.fs.is_file(&path);
        self.effect(
            line,
            None,
            EffectKind::Source {
                target: path.clone(),
                found,
            },
        );
        if !found {
            return Flow::Normal(Some(false));
        }
        let from = self
            .stack
            .last()
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        let saved = if args.is_empty() {
            None
        } else {
            Some(std::mem::replace(&mut self.positional, args))
        };
        let before = self.stopped;
        self.visit(&path, Via::Source { from, line }, true);
        if let Some(s) = saved {
            self.positional = s;
        }
        if self.stopped && !before {
            return Flow::Exit;
        }
        Flow::Normal(Some(true))
    }

    fn find_sourced(&self, target: &str) -> PathBuf {
        if target.starts_with('/') {
            return PathBuf::from(target);
        }
        let home = self.home();
        if target.contains('/') {
            return Path::new(&home).join(target);
        }
        if self.dialect != Dialect::Fish {
            for dir in split_path(&self.get_scalar("PATH").unwrap_or_default()) {
                if dir.starts_with('/') && is_resolved(&dir) {
                    let cand = Path::new(&dir).join(target);
                    if self.fs.is_file(&cand) {
                        return cand;
                    }
                }
            }
        }
        Path::new(&home).join(target)
    }

    /// `eval "$(CMD)"`, `CMD | source`, `eval (CMD)`.
    fn eval_output_of(&mut self, cmd: &str, line: usize) -> Flow {
        match managers::recognize_command(cmd) {
            Some(hook) => {
                self.apply_hook(hook, line);
                Flow::Normal(Some(true))
            }
            None => {
                self.unknown(line, format!("evaluates the output of `{}`", cmd.trim()));
                Flow::Normal(None)
            }
        }
    }

    fn path_list(&self) -> Vec<String> {
        if self.dialect == Dialect::Fish {
            self.get("PATH").unwrap_or_default()
        } else {
            split_path(&self.get_scalar("PATH").unwrap_or_default())
        }
    }

    fn set_path_list(&mut self, list: Vec<String>, line: usize) {
        if self.dialect == Dialect::Fish {
            self.set_var("PATH", list, Some(true), line);
        } else {
            self.set_var("PATH", vec![list.join(":")], Some(true), line);
        }
    }

    fn apply_hook(&mut self, hook: Hook, line: usize) {
        let manager = hook.manager();
        self.effect(
            line,
            None,
            EffectKind::Hook {
                manager,
                hook: hook.clone(),
            },
        );
        let home = self.home();
        match hook {
            Hook::PathHelper => {
                if self.fs.is_file(Path::new("/usr/libexec/path_helper")) {
                    let new = path_helper::construct_path_dirs(
                        self.fs,
                        Path::new("/"),
                        &self.path_list(),
                    );
                    self.set_path_list(new, line);
                } else {
                    self.unknown(
                        line,
                        "path_helper is not installed here; its effect is unknown",
                    );
                }
            }
            Hook::BrewShellenv { prefix } => {
                let prefix = prefix
                    .or_else(|| self.brew_prefix("brew"))
                    .unwrap_or_else(|| match self.platform.os {
                        Os::MacOs => "/opt/homebrew".into(),
                        _ => "/home/linuxbrew/.linuxbrew".into(),
                    });
                let (bin, sbin) = (format!("{prefix}/bin"), format!("{prefix}/sbin"));
                let mut list = self.path_list();
                if list.first() == Some(&bin) && list.get(1) == Some(&sbin) {
                    return;
                }
                if self.platform.os == Os::MacOs || self.dialect == Dialect::Fish {
                    // macOS 14+: path_helper with PATH_HELPER_ROOT moves them to the front;
                    // fish: fish_add_path --move.
                    list.retain(|p| p != &bin && p != &sbin);
                }
                list.insert(0, sbin);
                list.insert(0, bin);
                self.set_var("HOMEBREW_PREFIX", vec![prefix], Some(true), line);
                self.set_path_list(list, line);
            }
            Hook::GoenvInit => {
                let root = self
                    .get_scalar("GOENV_ROOT")
                    .filter(|r| !r.is_empty())
                    .unwrap_or(format!("{home}/.goenv"));
                let mut list = self.path_list();
                list.insert(0, format!("{root}/shims"));
                self.set_path_list(list, line);
                if self.inv.mode.interactive {
                    for v in ["GOROOT", "GOPATH"] {
                        self.effect(
                            line,
                            Some(v),
                            EffectKind::Unknown {
                                why: "exported by goenv at each prompt for the selected version"
                                    .into(),
                            },
                        );
                    }
                }
            }
            Hook::MiseActivate { shims } => {
                if shims {
                    let data = self
                        .get_scalar("MISE_DATA_DIR")
                        .filter(|d| !d.is_empty())
                        .unwrap_or(format!("{home}/.local/share/mise"));
                    let mut list = self.path_list();
                    list.insert(0, format!("{data}/shims"));
                    self.set_path_list(list, line);
                } else {
                    self.effect(
                        line,
                        Some("PATH"),
                        EffectKind::Unknown {
                            why: "mise puts the selected tools' bin dirs first at each prompt"
                                .into(),
                        },
                    );
                }
            }
            Hook::AsdfScript => {
                let data = self
                    .get_scalar("ASDF_DATA_DIR")
                    .filter(|d| !d.is_empty())
                    .unwrap_or(format!("{home}/.asdf"));
                let dir = self
                    .get_scalar("ASDF_DIR")
                    .filter(|d| !d.is_empty())
                    .unwrap_or(format!("{home}/.asdf"));
                let mut list = self.path_list();
                list.retain(|p| *p != format!("{data}/shims") && *p != format!("{dir}/bin"));
                list.insert(0, format!("{data}/shims"));
                list.insert(0, format!("{dir}/bin"));
                self.set_path_list(list, line);
            }
            Hook::GvmScript => {
                let root = self
                    .get_scalar("GVM_ROOT")
                    .filter(|r| !r.is_empty())
                    .unwrap_or(format!("{home}/.gvm"));
                let default = Path::new(&root).join("environments/default");
                if self.fs.is_file(&default) {
                    let from = self
                        .stack
                        .last()
                        .map(|(p, _)| p.clone())
                        .unwrap_or_default();
                    self.visit(&default, Via::Source { from, line }, true);
                } else {
                    self.effect(
                        line,
                        Some("GOROOT"),
                        EffectKind::Unknown {
                            why: "gvm has no default environment; `gvm use` sets GOROOT and PATH"
                                .into(),
                        },
                    );
                }
            }
            Hook::Gimme => {
                for v in ["GOROOT", "PATH"] {
                    self.effect(
                        line,
                        Some(v),
                        EffectKind::Unknown {
                            why: "set by gimme for the version it selects".into(),
                        },
                    );
                }
            }
            Hook::GrootInit => {
                self.effect(
                    line,
                    Some("PATH"),
                    EffectKind::Unknown {
                        why: "set by groot's own activation".into(),
                    },
                );
            }
        }
    }

    // ---- fish ---------------------------------------------------------------------------------

    fn fish_command(&mut self, words: &[Word], line: usize) -> Flow {
        let name = words[0].as_literal().unwrap_or_default();
        let rest = &words[1..];
        match name.as_str() {
            "set" => self.fish_set(rest, line),
            "fish_add_path" => self.fish_add_path(rest, line),
            "source" | "." => {
                let Some(first) = rest.first() else {
                    return Flow::Normal(None);
                };
                let target = self.expand_fish(first).join(" ");
                let args: Vec<String> =
                    rest[1..].iter().flat_map(|w| self.expand_fish(w)).collect();
                if let [Part::CmdSub { text, .. }] = first.parts.as_slice() {
                    // `source (goenv init - | psub)`
                    let cmd = text.split('|').next().unwrap_or(text);
                    return self.eval_output_of(cmd, line);
                }
                self.source(&target, args, line)
            }
            "eval" => {
                if let [w] = rest {
                    if let [Part::CmdSub { text, .. }] = w.parts.as_slice() {
                        return self.eval_output_of(text, line);
                    }
                }
                let text = rest
                    .iter()
                    .map(|w| self.expand_fish(w).join(" "))
                    .collect::<Vec<_>>()
                    .join(" ");
                if !is_resolved(&text) {
                    self.unknown(line, format!("evaluates `{}`", display_value(&text)));
                    return Flow::Normal(None);
                }
                let stmts = relocate(parse_fish::parse(text.as_bytes()), line);
                self.exec_list(&stmts)
            }
            "status" => {
                let sub = rest
                    .first()
                    .map(|w| self.expand_joined(w))
                    .unwrap_or_default();
                match sub.trim_start_matches('-') {
                    "is-login" | "l" => Flow::Normal(Some(self.inv.mode.login)),
                    "is-interactive" | "i" => Flow::Normal(Some(self.inv.mode.interactive)),
                    _ => Flow::Normal(None),
                }
            }
            "test" | "[" => {
                let mut args = Vec::new();
                for w in rest {
                    if w.as_plain() == Some("]") {
                        continue;
                    }
                    for v in self.expand_fish(w) {
                        args.push(if is_resolved(&v) { Some(v) } else { None });
                    }
                }
                Flow::Normal(self.test_expr(&args, false))
            }
            "contains" => {
                let vals: Vec<String> = rest.iter().flat_map(|w| self.expand_fish(w)).collect();
                let vals: Vec<&String> = vals.iter().filter(|v| !v.starts_with('-')).collect();
                match vals.split_first() {
                    Some((needle, hay)) if is_resolved(needle) => {
                        Flow::Normal(Some(hay.contains(needle)))
                    }
                    _ => Flow::Normal(None),
                }
            }
            "command" | "type" | "which" | "functions" => {
                let vals: Vec<String> = rest.iter().flat_map(|w| self.expand_fish(w)).collect();
                match vals.iter().find(|v| !v.starts_with('-')) {
                    Some(t) if vals.iter().any(|v| v.starts_with('-')) && name != "functions" => {
                        Flow::Normal(self.command_exists(t))
                    }
                    _ => Flow::Normal(None),
                }
            }
            "return" => Flow::Return(Some(true)),
            "exit" => {
                self.unknown(line, "exit in a startup file ends the shell here");
                Flow::Exit
            }
            "true" => Flow::Normal(Some(true)),
            "false" => Flow::Normal(Some(false)),
            "echo" | "printf" | "alias" | "abbr" | "bind" | "complete" | "function"
            | "functions_" | "set_color" | "fish_config" | "builtin" | "emit" | "string" | "cd"
            | "umask" | "ulimit" => Flow::Normal(Some(true)),
            _ => {
                if let Some(body) = self.funcs.get(&name).cloned() {
                    if self.depth > 16 {
                        return Flow::Normal(None);
                    }
                    let args: Vec<String> = rest.iter().flat_map(|w| self.expand_fish(w)).collect();
                    let saved = std::mem::replace(&mut self.positional, args);
                    self.depth += 1;
                    let flow = self.exec_list(&body);
                    self.depth -= 1;
                    self.positional = saved;
                    return match flow {
                        Flow::Return(st) => Flow::Normal(st),
                        other => other,
                    };
                }
                Flow::Normal(None)
            }
        }
    }

    fn fish_set(&mut self, rest: &[Word], line: usize) -> Flow {
        let mut universal = false;
        let mut export = None;
        let mut erase = false;
        let mut query = false;
        let mut append = false;
        let mut prepend = false;
        let mut local = false;
        let mut i = 0;
        while i < rest.len() {
            let Some(a) = rest[i].as_literal() else { break };
            if a == "--" {
                i += 1;
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                match long {
                    "universal" => universal = true,
                    "export" => export = Some(true),
                    "unexport" => export = Some(false),
                    "erase" => erase = true,
                    "query" => query = true,
                    "append" => append = true,
                    "prepend" => prepend = true,
                    "local" | "function" => local = true,
                    _ => {}
                }
            } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
                for c in short.chars() {
                    match c {
                        'U' => universal = true,
                        'x' => export = Some(true),
                        'u' => export = Some(false),
                        'e' => erase = true,
                        'q' => query = true,
                        'a' => append = true,
                        'p' => prepend = true,
                        'l' | 'f' => local = true,
                        _ => {}
                    }
                }
            } else {
                break;
            }
            i += 1;
        }
        let Some(name_word) = rest.get(i) else {
            return Flow::Normal(Some(true));
        };
        let name = self.expand_fish(name_word).join(" ");
        if query {
            let names: Vec<String> = rest[i..].iter().flat_map(|w| self.expand_fish(w)).collect();
            return Flow::Normal(Some(names.iter().all(|n| self.is_set(n))));
        }
        if !parse_sh::is_name(&name) {
            if is_tracked(name.split('[').next().unwrap_or("")) {
                self.unknown(
                    line,
                    format!("indexed or computed variable `{}`", display_value(&name)),
                );
            }
            return Flow::Normal(None);
        }
        if erase {
            if universal {
                self.uvars.remove(&name);
                if is_tracked(&name) {
                    self.effect(line, Some(&name), EffectKind::Unset);
                }
            } else {
                self.unset_var(&name, line);
            }
            if name == "fish_user_paths" {
                self.fish_reconstruct(line);
            }
            return Flow::Normal(Some(true));
        }
        let mut vals: Vec<String> = Vec::new();
        for w in &rest[i + 1..] {
            vals.extend(self.expand_fish(w));
        }
        if name.ends_with("PATH") {
            vals = vals.iter().flat_map(|v| split_path(v)).collect();
        }
        if append || prepend {
            let cur = self.get(&name).unwrap_or_default();
            vals = if append {
                cur.into_iter().chain(vals).collect()
            } else {
                vals.into_iter().chain(cur).collect()
            };
        }
        if local && self.depth > 0 {
            self.vars.insert(
                name,
                Var {
                    val: vals,
                    exported: false,
                },
            );
            return Flow::Normal(Some(true));
        }
        if universal {
            let exported =
                export.unwrap_or_else(|| self.uvars.get(&name).is_some_and(|v| v.exported));
            self.uvars.insert(
                name.clone(),
                Var {
                    val: vals.clone(),
                    exported,
                },
            );
            if is_tracked(&name) {
                let sep = if name.ends_with("PATH") || name == "fish_user_paths" {
                    ":"
                } else {
                    " "
                };
                let joined = vals.join(sep);
                self.effect(
                    line,
                    Some(&name),
                    EffectKind::Set {
                        value: display_value(&joined),
                        resolved: is_resolved(&joined),
                        exported,
                    },
                );
            }
        } else {
            self.set_var(&name, vals, export, line);
        }
        if name == "fish_user_paths" {
            self.fish_reconstruct(line);
        }
        Flow::Normal(Some(true))
    }

    fn fish_add_path(&mut self, rest: &[Word], line: usize) -> Flow {
        let mut global = false;
        let mut explicit_scope = false;
        let mut direct = false;
        let mut append = false;
        let mut mv = false;
        let mut paths = Vec::new();
        for w in rest {
            for v in self.expand_fish(w) {
                if let Some(long) = v.strip_prefix("--") {
                    match long {
                        "global" | "universal" => {
                            global = long == "global";
                            explicit_scope = true;
                        }
                        "path" => direct = true,
                        "append" => append = true,
                        "prepend" => append = false,
                        "move" => mv = true,
                        _ => {}
                    }
                } else if let Some(short) = v
                    .strip_prefix('-')
                    .filter(|s| !s.is_empty() && !s.contains('/'))
                {
                    for c in short.chars() {
                        match c {
                            'g' | 'U' => {
                                global = c == 'g';
                                explicit_scope = true;
                            }
                            'P' => direct = true,
                            'a' => append = true,
                            'p' => append = false,
                            'm' => mv = true,
                            _ => {}
                        }
                    }
                } else {
                    paths.push(v);
                }
            }
        }
        let var = if direct { "PATH" } else { "fish_user_paths" };
        // fish_add_path builds on the visible value and writes it back to the chosen scope;
        // without -g/-U an existing variable keeps its scope, a new one is universal.
        if !explicit_scope && !direct {
            global = self.vars.contains_key(var);
        }
        let mut cur = self.get(var).unwrap_or_default();
        let mut new = Vec::new();
        for p in paths {
            if !is_resolved(&p) {
                self.unknown(
                    line,
                    format!(
                        "fish_add_path with a path groot cannot compute: {}",
                        display_value(&p)
                    ),
                );
                continue;
            }
            if !self.fs.is_dir(Path::new(&p)) {
                continue;
            }
            if let Some(i) = cur.iter().position(|x| *x == p) {
                if mv {
                    cur.remove(i);
                } else {
                    continue;
                }
            }
            new.push(p);
        }
        if new.is_empty() {
            return Flow::Normal(Some(false));
        }
        if append {
            cur.extend(new);
        } else {
            new.extend(cur);
            cur = new;
        }
        if direct {
            self.set_var("PATH", cur, Some(true), line);
        } else if global {
            self.set_var(var, cur, None, line);
            self.fish_reconstruct(line);
        } else {
            let exported = self.uvars.get(var).is_some_and(|v| v.exported);
            self.uvars.insert(
                var.to_string(),
                Var {
                    val: cur.clone(),
                    exported,
                },
            );
            self.effect(
                line,
                Some(var),
                EffectKind::Set {
                    value: cur.join(":"),
                    resolved: true,
                    exported,
                },
            );
            self.fish_reconstruct(line);
        }
        Flow::Normal(Some(true))
    }

    // ---- test expressions -------------------------------------------------------------------

    /// Evaluates `test`/`[`/`[[` arguments; `None` operands are unresolved values.
    fn test_expr(&self, args: &[Option<String>], dbl: bool) -> Status {
        let mut p = TestParser {
            args,
            pos: 0,
            sim: self,
            dbl,
        };
        let r = p.or();
        if p.pos < args.len() {
            return None;
        }
        r
    }

    fn unary_test(&self, op: &str, arg: &Option<String>) -> Status {
        let v = arg.as_ref()?;
        let path = Path::new(v);
        Some(match op {
            "-n" => !v.is_empty(),
            "-z" => v.is_empty(),
            "-d" => self.fs.is_dir(path),
            "-f" => self.fs.is_file(path),
            "-e" | "-a" | "-r" | "-x" | "-s" => self.fs.is_file(path) || self.fs.is_dir(path),
            "-o" => {
                let opt = v.to_ascii_lowercase().replace('_', "");
                return match opt.as_str() {
                    "login" => Some(self.inv.mode.login),
                    "interactive" => Some(self.inv.mode.interactive),
                    _ => None,
                };
            }
            "-L" | "-h" | "-w" | "-O" | "-G" | "-S" | "-p" | "-b" | "-c" | "-t" | "-u" | "-g"
            | "-k" => return None,
            "-v" => self.is_set(v),
            _ => return None,
        })
    }
}

struct TestParser<'s, 'a> {
    args: &'s [Option<String>],
    pos: usize,
    sim: &'s Sim<'a>,
    dbl: bool,
}

impl TestParser<'_, '_> {
    fn peek(&self) -> Option<&str> {
        self.args.get(self.pos).and_then(|a| a.as_deref())
    }

    fn or(&mut self) -> Status {
        let mut acc = self.and();
        while matches!(self.peek(), Some("-o") if !self.dbl)
            || matches!(self.peek(), Some("||") if self.dbl)
        {
            self.pos += 1;
            let rhs = self.and();
            acc = match (acc, rhs) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
        }
        acc
    }

    fn and(&mut self) -> Status {
        let mut acc = self.not();
        while matches!(self.peek(), Some("-a") if !self.dbl)
            || matches!(self.peek(), Some("&&") if self.dbl)
        {
            self.pos += 1;
            let rhs = self.not();
            acc = match (acc, rhs) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
        }
        acc
    }

    fn not(&mut self) -> Status {
        if self.peek() == Some("!") && self.args.len() > self.pos + 1 {
            self.pos += 1;
            return self.not().map(|b| !b);
        }
        self.primary()
    }

    fn primary(&mut self) -> Status {
        if self.peek() == Some("(") {
            self.pos += 1;
            let r = self.or();
            if self.peek() == Some(")") {
                self.pos += 1;
            }
            return r;
        }
        let remaining = self.args.len() - self.pos;
        let a = self.args.get(self.pos).cloned().flatten();
        let b = self.args.get(self.pos + 1).cloned();
        let c = self.args.get(self.pos + 2).cloned();
        // binary?
        if remaining >= 3 {
            if let Some(Some(op)) = &b {
                if is_binary(op) {
                    self.pos += 3;
                    let (x, y) = (a?, c.flatten()?);
                    return binary(op, &x, &y);
                }
            }
        }
        if remaining >= 2 {
            if let Some(op) = a.as_deref().filter(|o| o.starts_with('-') && o.len() == 2) {
                self.pos += 2;
                return self.sim.unary_test(op, &b.flatten());
            }
        }
        if remaining >= 1 {
            self.pos += 1;
            return a.map(|s| !s.is_empty());
        }
        Some(false)
    }
}

fn is_binary(op: &str) -> bool {
    matches!(
        op,
        "=" | "=="
            | "!="
            | "-eq"
            | "-ne"
            | "-lt"
            | "-le"
            | "-gt"
            | "-ge"
            | "=~"
            | "<"
            | ">"
            | "-nt"
            | "-ot"
            | "-ef"
    )
}

fn binary(op: &str, x: &str, y: &str) -> Status {
    let num = |s: &str| s.trim().parse::<i64>().ok();
    Some(match op {
        "=" | "==" => {
            let pat: Vec<(char, bool)> = y.chars().map(|c| (c, matches!(c, '*' | '?'))).collect();
            glob_match(&pat, x)
        }
        "!=" => {
            let pat: Vec<(char, bool)> = y.chars().map(|c| (c, matches!(c, '*' | '?'))).collect();
            !glob_match(&pat, x)
        }
        "-eq" => num(x)? == num(y)?,
        "-ne" => num(x)? != num(y)?,
        "-lt" => num(x)? < num(y)?,
        "-le" => num(x)? <= num(y)?,
        "-gt" => num(x)? > num(y)?,
        "-ge" => num(x)? >= num(y)?,
        "<" => x < y,
        ">" => x > y,
        _ => return None,
    })
}

/// Glob matching with `*`, `?` and `[…]`; the flag marks a character as a wildcard.
fn glob_match(pat: &[(char, bool)], text: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    fn go(p: &[(char, bool)], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some(('*', true)) => (0..=t.len()).any(|k| go(&p[1..], &t[k..])),
            Some(('?', true)) => !t.is_empty() && go(&p[1..], &t[1..]),
            Some(('[', true)) => {
                let Some(close) = p.iter().skip(1).position(|(c, _)| *c == ']').map(|i| i + 1)
                else {
                    return !t.is_empty() && t[0] == '[' && go(&p[1..], &t[1..]);
                };
                let Some(&ch) = t.first() else { return false };
                let class: Vec<char> = p[1..close].iter().map(|(c, _)| *c).collect();
                let (neg, class) = match class.first() {
                    Some('!' | '^') => (true, &class[1..]),
                    _ => (false, &class[..]),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        if class[i] <= ch && ch <= class[i + 2] {
                            hit = true;
                        }
                        i += 3;
                    } else {
                        if class[i] == ch {
                            hit = true;
                        }
                        i += 1;
                    }
                }
                hit != neg && go(&p[close + 1..], &t[1..])
            }
            Some((c, _)) => !t.is_empty() && t[0] == *c && go(&p[1..], &t[1..]),
        }
    }
    go(pat, &t)
}

/// Decodes a value from `fish_variables` (`\xNN` escapes, UTF-8 bytes).
fn unescape_fish_uvar(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b.get(i + 1) == Some(&b'x') {
            if let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("zz"), 16)
            {
                out.push(v);
                i += 4;
                continue;
            }
        }
        if b[i] == b'\\' && i + 1 < b.len() {
            out.push(b[i + 1]);
            i += 2;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Gives statements parsed from an `eval` string the line of the `eval`.
fn relocate(stmts: Vec<Stmt>, line: usize) -> Vec<Stmt> {
    stmts
        .into_iter()
        .map(|s| match s {
            Stmt::Simple { assigns, words, .. } => Stmt::Simple {
                assigns,
                words,
                line,
            },
            Stmt::Unknown { text, .. } => Stmt::Unknown { text, line },
            other => other,
        })
        .collect()
}

/// Whether Debian's `/etc/profile` behaviour (PATH assigned outright) applies: a hint for
/// explanations when `/etc/profile` itself cannot be read.
pub fn profile_resets_path(platform: &Platform) -> bool {
    platform.os == Os::Linux && platform.distro == Distro::Debian
}

#[cfg(test)]
mod tests;
