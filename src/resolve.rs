//! How `go` picks its GOROOT and its toolchain, reproduced without running it.
//!
//! [`explain`] follows what happens when a user types `go env GOROOT` in a directory:
//!
//! 1. the shell finds `go` on PATH ([`lookpath`]);
//! 2. the binary's build info says which Go it is, so which rules apply;
//! 3. cmd/go computes GOROOT: the `GOROOT` variable, then the user go env file's `GOROOT=`
//!    line, then the directory two (and from 1.22 three) levels above the executable, first as
//!    `os.Executable` reports it and then with symlinks resolved, then the GOROOT stamped in at
//!    link time (empty for trimmed official builds);
//! 4. from Go 1.21, `toolchain.Select` may hand the command to another toolchain, driven by
//!    GOTOOLCHAIN (environment > user env file > `$GOROOT/go.env`) and the `go` / `toolchain`
//!    lines of go.work or go.mod; the chosen toolchain resolves its own GOROOT;
//! 5. cmd/go's `main` then checks that GOROOT exists.
//!
//! Every decision is recorded as a [`Step`] (stage, rule, candidate, outcome, reason), so the
//! same value explains itself in text and JSON. The rules follow `cfg.findGOROOT` per era
//! (1.16–1.18, 1.19–1.20, 1.21, 1.22+) and what real release binaries were observed to do.

pub mod lookpath;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::env_vars;
use crate::envfile::{self, UserEnv, UserEnvLocation};
use crate::fs::{clean, dir};
use crate::host::{Host, Os};
use crate::project::{self, ModFile, ModKind, WorkSetting};
use crate::toolchain::tree::{self, Tree};
use crate::toolchain::{GoBinary, Inspect, InspectError, Stamped};
use crate::version::Version;

pub use lookpath::{Candidate, Lookup, Style, Verdict};

/// The newest Go minor version whose rules groot knows; unknown binaries get these rules.
pub const NEWEST_KNOWN_MINOR: u32 = 27;

/// What to explain.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The directory `go` would run in (default: the host's working directory).
    pub dir: Option<PathBuf>,
    /// A go binary to explain instead of the one PATH finds (absolute or relative to cwd).
    pub go: Option<PathBuf>,
}

/// The part of the process a step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Finding the `go` executable.
    Lookup,
    /// Reading the binary's build info.
    Binary,
    /// The user go env file.
    GoEnv,
    /// GOROOT resolution.
    Goroot,
    /// `$GOROOT/go.env` and GOTOOLCHAIN.
    Settings,
    /// go.work / go.mod and the toolchain switch.
    Switch,
    /// The checks cmd/go makes before running a command.
    Check,
    /// A launcher in front of go (a version manager's shim, a wrapper script) and what it
    /// runs ([`crate::launch`]).
    Launcher,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Lookup => "lookup",
            Stage::Binary => "binary",
            Stage::GoEnv => "go env file",
            Stage::Goroot => "goroot",
            Stage::Settings => "settings",
            Stage::Switch => "switch",
            Stage::Launcher => "launcher",
            Stage::Check => "check",
        })
    }
}

/// How a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// This step decided the answer.
    Chosen,
    /// The rule did not apply; the next one is tried.
    Skipped,
    /// A fact recorded along the way.
    Info,
    /// A later candidate that loses to an earlier one.
    Shadowed,
    /// The step fails the command.
    Failed,
}

/// One recorded decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub stage: Stage,
    /// A stable identifier of the rule (`goroot-env`, `exe-dir`, `gotoolchain`, …).
    pub rule: &'static str,
    /// What was examined (a path, a value).
    pub candidate: Option<String>,
    pub outcome: Outcome,
    pub reason: String,
    /// `file:line` that supplied the value, when a file did.
    pub source: Option<String>,
    /// Set on steps of a toolchain switched to: which toolchain they belong to.
    pub toolchain: Option<String>,
}

/// The failure `go` would print.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoError {
    /// A stable code (`goroot-missing`, `goroot-trimmed`, `toolchain-unavailable`, …).
    pub code: &'static str,
    /// The exact line go prints on stderr.
    pub message: String,
    /// The exit status go ends with.
    pub exit_code: i32,
    /// True when groot is certain of the text; false when it depends on something groot cannot
    /// see without running go (the network, an unreadable binary).
    pub exact: bool,
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SettingSource {
    Environment,
    UserEnvFile {
        #[serde(serialize_with = "crate::fs::lossy::path")]
        path: PathBuf,
        line: usize,
    },
    GorootGoEnv {
        #[serde(serialize_with = "crate::fs::lossy::path")]
        path: PathBuf,
        line: usize,
    },
    Default,
    /// Set by a version manager's shim for the go it runs (mise and asdf-golang set GOBIN,
    /// goenv and asdf-golang GOPATH); `launcher` is its label (`mise shim`).
    Launcher {
        launcher: String,
    },
}

impl fmt::Display for SettingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingSource::Environment => f.write_str("environment"),
            SettingSource::UserEnvFile { path, line }
            | SettingSource::GorootGoEnv { path, line } => {
                write!(f, "{}:{line}", path.display())
            }
            SettingSource::Default => f.write_str("default"),
            SettingSource::Launcher { launcher } => write!(f, "set by the {launcher} for go"),
        }
    }
}

/// A setting as cmd/go's `cfg.Getenv` sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub value: String,
    pub source: SettingSource,
}

/// How the toolchain decision ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SwitchTarget {
    /// The `go` that was started runs the command itself.
    Local,
    /// A `goX.Y.Z` executable found on PATH.
    Path {
        toolchain: String,
        #[serde(serialize_with = "crate::fs::lossy::path")]
        path: PathBuf,
    },
    /// A toolchain in the module cache, already downloaded.
    ModuleCache {
        toolchain: String,
        #[serde(serialize_with = "crate::fs::lossy::path")]
        dir: PathBuf,
    },
    /// A toolchain that would be downloaded into the module cache.
    Download {
        toolchain: String,
        dir: PathBuf,
        proxy: String,
        /// The module version fetched (`golang.org/toolchain@v0.0.1-go1.X.Y.goos-goarch`).
        module: String,
        /// The checksum database the download must be verified against (GOSUMDB, default
        /// `sum.golang.org`); `None` when go makes an exception (a lone `file://` GOPROXY).
        sumdb: Option<String>,
    },
}

/// The toolchain switch (Go 1.21+).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Switch {
    pub gotoolchain: Option<Setting>,
    /// The go.work or go.mod consulted.
    pub file: Option<ModFile>,
    /// What triggered the target (`GOTOOLCHAIN`, `go line`, `toolchain line`), with file:line.
    pub trigger: Option<String>,
    /// The toolchain the rules asked for, when it is not the running one (also when getting
    /// it fails).
    pub wanted: Option<String>,
    pub target: SwitchTarget,
}

/// The full answer.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    /// The directory go runs in.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub dir: PathBuf,
    pub lookup: Lookup,
    /// The go binary started (logical path, as exec'd).
    #[serde(serialize_with = "crate::fs::lossy::opt_path")]
    pub go: Option<PathBuf>,
    pub binary: Option<GoBinary>,
    pub binary_error: Option<InspectError>,
    pub user_env: Option<UserEnv>,
    /// The GOROOT of the started go before any switch, as go would print it.
    pub local_goroot: Option<String>,
    pub local_tree: Option<Tree>,
    pub switch: Option<Switch>,
    /// The binary that finally runs the command, when a switch picked another one.
    pub switched_binary: Option<GoBinary>,
    /// What `go env GOROOT` prints (`None` with an error).
    pub goroot: Option<String>,
    /// What `go version` reports as version (`None` with an error).
    pub go_version: Option<String>,
    /// The tree at the final GOROOT.
    pub tree: Option<Tree>,
    /// The failure of `go env GOROOT` / `go version`, if any.
    pub error: Option<GoError>,
    /// What module commands (`go build`, `go list`) fail with even though `go env` works.
    pub module_error: Option<String>,
    pub steps: Vec<Step>,
}

/// What a [`SwitchHook`] says runs when the toolchain switch execs a program found on PATH.
#[derive(Clone, Debug)]
pub struct PathHop {
    /// The go binary that finally runs.
    pub binary: PathBuf,
    /// The GOROOT it runs with (`None`: unset, as cmd/go leaves it).
    pub goroot: Option<String>,
    /// Steps recording what the program in between does.
    pub steps: Vec<Step>,
    /// Why it cannot run go, if it cannot.
    pub error: Option<GoError>,
}

/// Sees through a `goX.Y.Z` that the toolchain switch finds on PATH when it is not itself a go
/// binary (a golang.org/dl wrapper). This module only models cmd/go; a layer above
/// ([`crate::launch`]) implements this and passes it to [`explain_hooked`].
pub trait SwitchHook: fmt::Debug + Sync {
    /// What runs when `path` is exec'd to provide `toolchain` on `host`; `None` when `path` is
    /// nothing this hook knows (cmd/go's own rules then apply).
    fn path_target(&self, host: &Host, toolchain: &str, path: &Path) -> Option<PathHop>;
}

/// The environment a go process sees: the host's, with changes (a switched-to toolchain gets
/// GOROOT removed or set).
#[derive(Clone, Debug)]
struct EnvView<'h> {
    host: &'h Host,
    overrides: BTreeMap<&'static str, Option<String>>,
}

impl<'h> EnvView<'h> {
    fn new(host: &'h Host) -> EnvView<'h> {
        EnvView {
            host,
            overrides: BTreeMap::new(),
        }
    }

    /// The value, empty meaning unset (as cmd/go's `os.Getenv(...) != ""` checks do).
    fn get(&self, name: &str) -> Option<String> {
        match self.overrides.get(name) {
            Some(v) => v.clone().filter(|v| !v.is_empty()),
            // A value that is not UTF-8 still counts as set; it is shown lossily.
            None => self
                .host
                .var_os(name)
                .filter(|v| !v.is_empty())
                .map(|v| v.to_string_lossy().into_owned()),
        }
    }
}

struct Ctx<'a> {
    host: &'a Host,
    inspect: &'a dyn Inspect,
    dir: PathBuf,
    steps: Vec<Step>,
    /// Label of the toolchain whose steps are being recorded (set for a switched-to child).
    label: Option<String>,
    /// What sees through a program the toolchain switch finds on PATH.
    hook: Option<&'a dyn SwitchHook>,
    /// The go PATH chose (absolute) and its canonical path, as the lookup resolved it, so
    /// that it is not resolved again.
    chosen: Option<(PathBuf, PathBuf)>,
}

impl<'a> Ctx<'a> {
    /// A recording context for `request`: go runs in its directory, or the working directory.
    fn new(host: &'a Host, inspect: &'a dyn Inspect, request: &Request) -> Ctx<'a> {
        let dir = request
            .dir
            .as_ref()
            .map(|d| host.absolute(d))
            .unwrap_or_else(|| host.cwd().to_path_buf());
        Ctx {
            host,
            inspect,
            dir,
            steps: Vec::new(),
            label: None,
            hook: None,
            chosen: None,
        }
    }

    fn step(
        &mut self,
        stage: Stage,
        rule: &'static str,
        candidate: Option<String>,
        outcome: Outcome,
        reason: impl Into<String>,
    ) {
        self.steps.push(Step {
            stage,
            rule,
            candidate,
            outcome,
            reason: reason.into(),
            source: None,
            toolchain: self.label.clone(),
        });
    }

    fn step_at(
        &mut self,
        stage: Stage,
        rule: &'static str,
        candidate: Option<String>,
        outcome: Outcome,
        reason: impl Into<String>,
        source: String,
    ) {
        self.step(stage, rule, candidate, outcome, reason);
        if let Some(s) = self.steps.last_mut() {
            s.source = Some(source);
        }
    }
}

/// Explains which go runs for `request` on `host` and what GOROOT, version or error it ends
/// with, as cmd/go does it. This is the model of cmd/go only: a launcher in front of go
/// (groot's shim, a version manager's shim, a wrapper script) is [`crate::launch`]'s business,
/// which calls this for the binary the launcher ends in.
pub fn explain(host: &Host, inspect: &dyn Inspect, request: &Request) -> Explanation {
    explain_with(host, inspect, request, None)
}

/// Explains `request` with a PATH lookup already made (`lookup`), as [`explain`] would make
/// it.
pub fn explain_looked_up(
    host: &Host,
    inspect: &dyn Inspect,
    request: &Request,
    lookup: Lookup,
) -> Explanation {
    explain_with(host, inspect, request, Some(lookup))
}

/// [`explain`] with a PATH lookup already made (`lookup`, when given) and `hook` seeing through
/// programs the toolchain switch finds on PATH.
pub fn explain_hooked(
    host: &Host,
    inspect: &dyn Inspect,
    request: &Request,
    lookup: Option<Lookup>,
    hook: &dyn SwitchHook,
) -> Explanation {
    explain_in(host, inspect, request, lookup, Some(hook))
}

/// The steps [`explain`] records for a PATH lookup.
pub fn lookup_steps(host: &Host, inspect: &dyn Inspect, lookup: &Lookup) -> Vec<Step> {
    let mut ctx = Ctx::new(host, inspect, &Request::default());
    record_lookup(&mut ctx, lookup);
    ctx.steps
}

fn explain_with(
    host: &Host,
    inspect: &dyn Inspect,
    request: &Request,
    pre_lookup: Option<Lookup>,
) -> Explanation {
    explain_in(host, inspect, request, pre_lookup, None)
}

fn explain_in(
    host: &Host,
    inspect: &dyn Inspect,
    request: &Request,
    pre_lookup: Option<Lookup>,
    hook: Option<&dyn SwitchHook>,
) -> Explanation {
    let mut ctx = Ctx::new(host, inspect, request);
    ctx.hook = hook;
    let dir = ctx.dir.clone();
    let mut ex = Explanation {
        dir,
        lookup: Lookup::default(),
        go: None,
        binary: None,
        binary_error: None,
        user_env: None,
        local_goroot: None,
        local_tree: None,
        switch: None,
        switched_binary: None,
        goroot: None,
        go_version: None,
        tree: None,
        error: None,
        module_error: None,
        steps: Vec::new(),
    };

    // 1. Which go runs.
    let invoked = match &request.go {
        Some(p) => {
            let abs = host.absolute(p);
            ctx.step(
                Stage::Lookup,
                "explicit",
                Some(p.display().to_string()),
                Outcome::Chosen,
                "given with --go",
            );
            if !host.fs().exists(&abs) {
                ex.error = Some(GoError {
                    code: "go-not-found",
                    message: format!("{}: no such file or directory", p.display()),
                    exit_code: 127,
                    exact: false,
                });
                ex.steps = ctx.steps;
                return ex;
            }
            p.clone()
        }
        None => {
            ex.lookup =
                pre_lookup.unwrap_or_else(|| lookpath::lookup(host, "go", Style::Shell, None));
            record_lookup(&mut ctx, &ex.lookup);
            match ex.lookup.chosen() {
                Some(c) => {
                    ctx.chosen = c.resolved.clone().map(|r| (c.absolute.clone(), r));
                    c.path.clone()
                }
                None => {
                    ex.error = Some(GoError {
                        code: "go-not-on-path",
                        message: "go: command not found".to_owned(),
                        exit_code: 127,
                        exact: false,
                    });
                    ex.steps = ctx.steps;
                    return ex;
                }
            }
        }
    };
    ex.go = Some(invoked.clone());

    // 2. Which Go it is.
    let abs = host.absolute(&invoked);
    let binary = match inspect.inspect(host.fs(), &abs) {
        Ok(b) => {
            ctx.step(
                Stage::Binary,
                "build-info",
                Some(abs.display().to_string()),
                Outcome::Info,
                describe_binary(&b),
            );
            b
        }
        Err(e) => {
            let code = match e {
                InspectError::Script { .. } => "go-is-script",
                InspectError::Unreadable { .. } => "go-unreadable",
                _ => "go-not-a-go-binary",
            };
            ctx.step(
                Stage::Binary,
                "build-info",
                Some(abs.display().to_string()),
                Outcome::Failed,
                e.to_string(),
            );
            ex.error = Some(GoError {
                code,
                message: format!("groot cannot predict what this go does: {e}"),
                exit_code: 1,
                exact: false,
            });
            ex.binary_error = Some(e);
            ex.steps = ctx.steps;
            return ex;
        }
    };

    let env = EnvView::new(host);
    let run = run_go(&mut ctx, &env, &invoked, &binary, false);
    ex.binary = Some(binary);
    ex.user_env = Some(run.user_env);
    ex.local_goroot = run.local_goroot;
    ex.local_tree = run.local_tree;
    ex.switch = run.switch;
    ex.switched_binary = run.child.as_ref().and_then(|c| c.binary.clone());
    match run.child {
        Some(child) => {
            ex.goroot = child.goroot;
            ex.go_version = child.version;
            ex.tree = child.tree;
            ex.error = child.error;
        }
        None => {
            ex.goroot = run.goroot;
            ex.go_version = run.version;
            ex.tree = run.tree;
            ex.error = run.error;
        }
    }
    ex.module_error = run.module_error;
    ex.steps = ctx.steps;
    ex
}

fn record_lookup(ctx: &mut Ctx<'_>, lookup: &Lookup) {
    if lookup.candidates.is_empty() {
        let n = ctx.host.path_entries().len();
        ctx.step(
            Stage::Lookup,
            "path",
            None,
            Outcome::Failed,
            format!("no go in any of the {n} PATH entries"),
        );
        return;
    }
    for (i, c) in lookup.candidates.iter().enumerate() {
        let mut reason = format!("PATH entry {} ({})", c.index + 1, display_entry(&c.entry));
        if !c.hops.is_empty() {
            reason.push_str(&format!(
                ", {} symlink hop(s) to {}",
                c.hops.len(),
                c.resolved
                    .as_ref()
                    .map_or("?".into(), |r| r.display().to_string())
            ));
        }
        let outcome = match (lookup.chosen, &c.verdict) {
            (Some(w), _) if w == i => {
                reason.push_str(": first executable go, this one runs");
                Outcome::Chosen
            }
            (_, Verdict::Executable) => {
                reason.push_str(": shadowed by the one above");
                Outcome::Shadowed
            }
            (_, v) => {
                reason.push_str(&format!(": {}", v.describe()));
                Outcome::Skipped
            }
        };
        ctx.step(
            Stage::Lookup,
            "path",
            Some(c.absolute.display().to_string()),
            outcome,
            reason,
        );
    }
}

fn display_entry(entry: &Path) -> String {
    if entry.as_os_str().is_empty() {
        "empty, the current directory".to_owned()
    } else {
        entry.display().to_string()
    }
}

fn describe_binary(b: &GoBinary) -> String {
    let mut s = format!(
        "{} {}/{}",
        b.version.raw,
        b.goos.as_deref().unwrap_or("?"),
        b.goarch.as_deref().unwrap_or("?")
    );
    match &b.stamped_goroot {
        Stamped::Known(g) if g.is_empty() => s.push_str(", trimmed: no GOROOT stamped in"),
        Stamped::Known(g) => s.push_str(&format!(", stamped GOROOT {g}")),
        Stamped::Unknown => s.push_str(", stamped GOROOT unreadable (no symbol table)"),
    }
    s
}

/// What one go process ends with.
struct GoRun {
    user_env: UserEnv,
    local_goroot: Option<String>,
    local_tree: Option<Tree>,
    switch: Option<Switch>,
    child: Option<ChildRun>,
    goroot: Option<String>,
    version: Option<String>,
    tree: Option<Tree>,
    error: Option<GoError>,
    module_error: Option<String>,
}

struct ChildRun {
    binary: Option<GoBinary>,
    goroot: Option<String>,
    version: Option<String>,
    tree: Option<Tree>,
    error: Option<GoError>,
}

/// Rules that differ between Go versions.
#[derive(Clone, Copy, Debug)]
struct Rules {
    minor: u32,
    /// `exe/../../..` is probed too (bin/GOOS_GOARCH/go): 1.22, and the 1.21 backport.
    cross_probe: bool,
    /// The GOROOT variable is printed as given (1.21+), not cleaned.
    env_verbatim: bool,
    /// An empty GOROOT is diagnosed as a trimmed binary (1.19+).
    trimmed_message: bool,
    /// The user env file is read before `$GOROOT/go.env` exists (1.21+).
    go_env_file: bool,
    /// A go line `1.N` (N ≥ 21) means toolchain `go1.N.0` (1.23, backported to 1.21/1.22).
    lang_dot_zero: bool,
}

impl Rules {
    fn for_binary(b: &GoBinary) -> (Rules, bool) {
        let (v, known) = match b.version.local() {
            Some(v) => (v, true),
            None => (Version::lang_of(NEWEST_KNOWN_MINOR), false),
        };
        let minor = v.minor();
        let patch_at_least = |m: u32, p: &str| {
            minor > m
                || (minor == m
                    && v >= Version::parse(&format!("1.{m}.{p}"))
                        .unwrap_or_else(|| Version::lang_of(m)))
        };
        (
            Rules {
                minor,
                cross_probe: minor >= 22 || patch_at_least(21, "1"),
                env_verbatim: minor >= 21,
                trimmed_message: minor >= 19,
                go_env_file: minor >= 21,
                lang_dot_zero: minor >= 23
                    || patch_at_least(22, "1")
                    || (minor == 21 && patch_at_least(21, "8")),
            },
            known,
        )
    }
}

/// Runs the model of one go process: GOROOT, settings, switch, checks.
fn run_go(
    ctx: &mut Ctx<'_>,
    env: &EnvView<'_>,
    invoked: &Path,
    bin: &GoBinary,
    is_child: bool,
) -> GoRun {
    let (rules, known) = Rules::for_binary(bin);
    if !known {
        ctx.step(
            Stage::Binary,
            "version-rules",
            Some(bin.version.raw.clone()),
            Outcome::Info,
            format!("version not recognised; applying the rules of Go 1.{NEWEST_KNOWN_MINOR}"),
        );
    }
    let local_version = bin.version.local();
    let host = ctx.host;

    // The user go env file.
    let user_env = envfile::read_user_env(host, local_version.as_ref());
    record_user_env(ctx, &user_env);
    let file_goroot = user_env
        .get(env_vars::GOROOT)
        .filter(|e| !e.value.is_empty())
        .cloned();
    let env_goroot = env.get(env_vars::GOROOT);

    // GOROOT.
    let exe = ExeProbe::new(ctx, invoked, bin, rules);
    let (effective, goenv_root): (Option<String>, Option<String>) = if rules.go_env_file {
        let from_file = file_goroot.as_ref().map(|e| clean_str(&e.value));
        let goenv_root = match (&from_file, &env_goroot) {
            (Some(f), _) => Some(f.clone()),
            (None, Some(e)) => Some(clean_str(e)),
            (None, None) => None,
        };
        if let Some(e) = &env_goroot {
            let shown = if rules.env_verbatim {
                e.clone()
            } else {
                clean_str(e)
            };
            ctx.step(Stage::Goroot, "goroot-env", Some(e.clone()), Outcome::Chosen, "the GOROOT environment variable is set: it is used as given; only its existence is checked");
            if let Some(f) = &file_goroot {
                ctx.step_at(Stage::Goroot, "goenv-file", Some(f.value.clone()), Outcome::Shadowed, "the go env file also sets GOROOT; the variable wins, but $GOROOT/go.env is still read from this one", location_of(&user_env, f.line));
            }
            (Some(shown), goenv_root)
        } else if let (Some(f), Some(v)) = (&file_goroot, &from_file) {
            ctx.step(
                Stage::Goroot,
                "goroot-env",
                None,
                Outcome::Skipped,
                "GOROOT is not set in the environment",
            );
            ctx.step_at(
                Stage::Goroot,
                "goenv-file",
                Some(f.value.clone()),
                Outcome::Chosen,
                "the user go env file sets GOROOT (cleaned)",
                location_of(&user_env, f.line),
            );
            (Some(v.clone()), goenv_root)
        } else {
            ctx.step(
                Stage::Goroot,
                "goroot-env",
                None,
                Outcome::Skipped,
                "GOROOT is not set in the environment or the go env file",
            );
            let r = exe.resolve(ctx);
            (r.clone(), r)
        }
    } else {
        // Before 1.21: cfg.Getenv("GOROOT") = environment, else the user file; cleaned.
        match (&env_goroot, &file_goroot) {
            (Some(e), _) => {
                ctx.step(
                    Stage::Goroot,
                    "goroot-env",
                    Some(e.clone()),
                    Outcome::Chosen,
                    "the GOROOT environment variable is set (cleaned)",
                );
                (Some(clean_str(e)), None)
            }
            (None, Some(f)) => {
                ctx.step_at(
                    Stage::Goroot,
                    "goenv-file",
                    Some(f.value.clone()),
                    Outcome::Chosen,
                    "the user go env file sets GOROOT (cleaned)",
                    location_of(&user_env, f.line),
                );
                (Some(clean_str(&f.value)), None)
            }
            (None, None) => {
                ctx.step(
                    Stage::Goroot,
                    "goroot-env",
                    None,
                    Outcome::Skipped,
                    "GOROOT is not set in the environment or the go env file",
                );
                (exe.resolve(ctx), None)
            }
        }
    };
    let effective = effective.filter(|g| !g.is_empty());

    let local_tree = effective.as_ref().map(|g| {
        tree::inspect_tree(
            host.fs(),
            &host.absolute(Path::new(g)),
            host.os(),
            bin.target().as_deref(),
            rules.go_env_file,
        )
    });

    // $GOROOT/go.env (1.21+) is read from the root found with the user file first.
    let goenv_tree_root = goenv_root
        .filter(|g| !g.is_empty())
        .map(|g| host.absolute(Path::new(&g)));
    let go_env = match (&goenv_tree_root, rules.go_env_file) {
        (Some(root), true) => {
            let p = root.join("go.env");
            // The tree read that file already when it is the same root (and could read it:
            // otherwise reading it again tells a missing file from an unreadable one).
            let (file, err) = match local_tree
                .as_ref()
                .filter(|t| t.root == *root)
                .and_then(|t| t.go_env.clone())
            {
                Some(f) => (Some(f), None),
                None => envfile::read_env_file(host, &p),
            };
            match (&file, err) {
                (Some(_), _) => ctx.step(
                    Stage::Settings,
                    "go-env",
                    Some(p.display().to_string()),
                    Outcome::Info,
                    "read for defaults (GOPROXY, GOSUMDB, GOTOOLCHAIN)",
                ),
                (None, Some(e)) => ctx.step(
                    Stage::Settings,
                    "go-env",
                    Some(p.display().to_string()),
                    Outcome::Skipped,
                    e,
                ),
                (None, None) => ctx.step(
                    Stage::Settings,
                    "go-env",
                    Some(p.display().to_string()),
                    Outcome::Skipped,
                    "missing: no defaults for GOPROXY, GOSUMDB or GOTOOLCHAIN (never switches)",
                ),
            }
            file.map(|f| (p, f))
        }
        _ => None,
    };
    let getenv = |key: &str| -> Option<Setting> {
        if let Some(v) = env.get(key) {
            return Some(Setting {
                value: v,
                source: SettingSource::Environment,
            });
        }
        if let Some(e) = user_env.get(key) {
            return Some(Setting {
                value: e.value.clone(),
                source: SettingSource::UserEnvFile {
                    path: user_env.path.clone().unwrap_or_default(),
                    line: e.line,
                },
            });
        }
        if let Some((p, f)) = &go_env {
            if let Some(e) = f.get(key, envfile::Precedence::FirstWins) {
                return Some(Setting {
                    value: e.value.clone(),
                    source: SettingSource::GorootGoEnv {
                        path: p.clone(),
                        line: e.line,
                    },
                });
            }
        }
        None
    };

    let mut out = GoRun {
        user_env: user_env.clone(),
        local_goroot: effective.clone(),
        local_tree: None,
        switch: None,
        child: None,
        goroot: None,
        version: None,
        tree: None,
        error: None,
        module_error: None,
    };
    out.local_tree = local_tree.clone();

    // Toolchain selection (1.21+) runs before the GOROOT checks.
    let mut module_file: Option<ModFile> = None;
    let mut gotoolchain_setting: Option<Setting> = None;
    if rules.minor >= 21 {
        let sel = select(ctx, bin, rules, &getenv, effective.as_deref(), is_child);
        gotoolchain_setting = sel.gotoolchain.clone();
        module_file = sel.file.clone();
        match sel.decision {
            Decision::Fatal(err) => {
                out.error = Some(err);
                out.switch = Some(Switch {
                    gotoolchain: sel.gotoolchain,
                    wanted: sel.wanted.clone(),
                    file: sel.file,
                    trigger: sel.trigger,
                    target: SwitchTarget::Local,
                });
                return out;
            }
            Decision::Local => {
                out.switch = Some(Switch {
                    gotoolchain: sel.gotoolchain,
                    wanted: sel.wanted.clone(),
                    file: sel.file,
                    trigger: sel.trigger,
                    target: SwitchTarget::Local,
                });
            }
            Decision::Exec(target) => {
                let child = exec_target(ctx, env, &target, bin, &getenv);
                out.switch = Some(Switch {
                    gotoolchain: sel.gotoolchain,
                    wanted: sel.wanted.clone(),
                    file: sel.file,
                    trigger: sel.trigger,
                    target,
                });
                out.child = Some(child);
                return out;
            }
        }
    }

    // cmd/go's main: GOROOT must be known and exist.
    out.error = check_goroot(ctx, effective.as_deref(), rules, &exe);
    if out.error.is_none() && host.cwd_gone() {
        // `go env` needs the working directory (printed without the "go: " prefix, which
        // only toolchain selection sets). `go version` does not before 1.24, nor in GOPATH
        // mode (observed: 1.21.13 and 1.22.10 print their version, 1.24.11 and 1.27.3 fail the
        // same way in module mode and print it with GO111MODULE=off).
        ctx.step(
            Stage::Check,
            "cwd",
            None,
            Outcome::Failed,
            format!("{CWD_GONE}: the directory this shell is in was deleted"),
        );
        out.error = Some(GoError {
            code: "cwd-gone",
            message: CWD_GONE.to_owned(),
            exit_code: 1,
            exact: true,
        });
        let gopath_mode = module_mode(getenv(env_vars::GO111MODULE).as_ref()) == Some(false);
        if rules.minor < 24 || gopath_mode {
            out.version = Some(bin.version.raw.clone());
        }
        return out;
    }
    if out.error.is_none() {
        out.goroot = effective.clone();
        out.version = Some(bin.version.raw.clone());
        out.tree = local_tree;
        if let Some(t) = &out.tree {
            if !t.missing.is_empty() {
                ctx.step(
                    Stage::Check,
                    "tree",
                    Some(t.root.display().to_string()),
                    Outcome::Info,
                    format!("the tree lacks {}", t.missing.join(", ")),
                );
            }
        }
    }

    // Module commands refuse a go.mod that needs a newer Go (only without a switch).
    if !is_child {
        out.module_error = too_new(
            ctx,
            bin,
            module_file.as_ref(),
            gotoolchain_setting.as_ref(),
            &getenv,
        );
    }
    out
}

fn record_user_env(ctx: &mut Ctx<'_>, user_env: &UserEnv) {
    match &user_env.location {
        UserEnvLocation::Off => ctx.step(
            Stage::GoEnv,
            "goenv",
            None,
            Outcome::Skipped,
            "GOENV=off: no user go env file",
        ),
        UserEnvLocation::Unavailable { reason } => ctx.step(
            Stage::GoEnv,
            "goenv",
            None,
            Outcome::Skipped,
            format!("no user go env file: {reason}"),
        ),
        UserEnvLocation::File { path, from } => {
            let shown = user_env.path.clone().unwrap_or_else(|| path.clone());
            let reason = match (&user_env.file, &user_env.error) {
                (Some(f), _) => format!("located via {from}; {} setting(s)", f.entries.len()),
                (None, Some(e)) => e.clone(),
                (None, None) => format!("located via {from}; does not exist"),
            };
            ctx.step(
                Stage::GoEnv,
                "goenv",
                Some(shown.display().to_string()),
                Outcome::Info,
                reason,
            );
        }
    }
}

fn location_of(user_env: &UserEnv, line: usize) -> String {
    format!(
        "{}:{line}",
        user_env
            .path
            .as_ref()
            .map_or("?".into(), |p| p.display().to_string())
    )
}

fn clean_str(s: &str) -> String {
    clean(Path::new(s)).display().to_string()
}

/// The executable-location rules, evaluated lazily and recorded once.
struct ExeProbe {
    /// `os.Executable()` made absolute, or why it failed.
    exe: Result<PathBuf, String>,
    rules: Rules,
    stamped: Stamped,
    os: Os,
}

impl ExeProbe {
    fn new(ctx: &Ctx<'_>, invoked: &Path, bin: &GoBinary, rules: Rules) -> ExeProbe {
        let host = ctx.host;
        let abs = host.absolute(invoked);
        let exe = match host.os() {
            // /proc/self/exe (Linux) and the BSDs' kernel queries give the resolved path.
            Os::MacOs | Os::Windows => Ok(abs),
            // The lookup resolved PATH's go within the kernel's link limit: the same answer.
            _ => match ctx.chosen.as_ref().filter(|(from, _)| *from == abs) {
                Some((_, to)) => Ok(to.clone()),
                None => host
                    .fs()
                    .canonicalize(&abs)
                    .map(|r| r.path)
                    .map_err(|e| e.to_string()),
            },
        };
        ExeProbe {
            exe,
            rules,
            stamped: bin.stamped_goroot.clone(),
            os: host.os(),
        }
    }

    /// The stamped default, cleaned as cmd/go does; `None` when unknown.
    fn default(&self) -> Option<String> {
        match &self.stamped {
            Stamped::Known(s) if s.is_empty() => Some(if self.rules.minor >= 19 {
                String::new()
            } else {
                ".".to_owned()
            }),
            Stamped::Known(s) => Some(clean_str(s)),
            Stamped::Unknown => None,
        }
    }

    fn resolve(&self, ctx: &mut Ctx<'_>) -> Option<String> {
        let def = self.default();
        let exe = match &self.exe {
            Ok(e) => e.clone(),
            Err(e) => {
                ctx.step(
                    Stage::Goroot,
                    "executable",
                    None,
                    Outcome::Skipped,
                    format!("os.Executable fails: {e}"),
                );
                return self.fallback(ctx, def);
            }
        };
        let how = match self.os {
            Os::MacOs | Os::Windows => "os.Executable: the path as invoked, symlinks kept",
            _ => "os.Executable: /proc/self/exe, every symlink resolved",
        };
        ctx.step(
            Stage::Goroot,
            "executable",
            Some(exe.display().to_string()),
            Outcome::Info,
            how,
        );
        if let Some(g) = self.probe(ctx, &exe, &def, "exe-dir") {
            return Some(g);
        }
        match ctx.host.fs().canonicalize(&exe) {
            Ok(r) if r.path == exe => {
                ctx.step(
                    Stage::Goroot,
                    "exe-resolved",
                    Some(exe.display().to_string()),
                    Outcome::Skipped,
                    "resolving symlinks gives the same path; nothing new to probe",
                );
            }
            Ok(r) => {
                ctx.step(
                    Stage::Goroot,
                    "exe-resolved",
                    Some(r.path.display().to_string()),
                    Outcome::Info,
                    format!("filepath.EvalSymlinks followed {} link(s)", r.hops.len()),
                );
                if let Some(g) = self.probe(ctx, &r.path, &def, "exe-resolved-dir") {
                    return Some(g);
                }
            }
            Err(e) => ctx.step(
                Stage::Goroot,
                "exe-resolved",
                Some(exe.display().to_string()),
                Outcome::Skipped,
                format!("filepath.EvalSymlinks fails: {e}"),
            ),
        }
        self.fallback(ctx, def)
    }

    fn probe(
        &self,
        ctx: &mut Ctx<'_>,
        exe: &Path,
        def: &Option<String>,
        rule: &'static str,
    ) -> Option<String> {
        let two = dir(&dir(exe));
        let mut dirs = vec![(two.clone(), "bin/go")];
        if self.rules.cross_probe {
            dirs.push((dir(&two), "bin/GOOS_GOARCH/go"));
        }
        for (d, shape) in dirs {
            let fs = ctx.host.fs();
            if tree::is_goroot(fs, &d) {
                let spelled = match def {
                    Some(def)
                        if !def.is_empty()
                            && (def.as_str() == d.to_string_lossy()
                                || fs.same_file(Path::new(def), &d)) =>
                    {
                        ctx.step(Stage::Goroot, rule, Some(d.display().to_string()), Outcome::Chosen, format!("{shape} layout: pkg/tool is a directory; same directory as the stamped GOROOT, so that spelling ({def}) is printed"));
                        def.clone()
                    }
                    _ => {
                        ctx.step(
                            Stage::Goroot,
                            rule,
                            Some(d.display().to_string()),
                            Outcome::Chosen,
                            format!("{shape} layout: pkg/tool is a directory"),
                        );
                        d.display().to_string()
                    }
                };
                return Some(spelled);
            }
            ctx.step(
                Stage::Goroot,
                rule,
                Some(d.display().to_string()),
                Outcome::Skipped,
                format!("{shape} layout: no pkg/tool directory"),
            );
        }
        None
    }

    fn fallback(&self, ctx: &mut Ctx<'_>, def: Option<String>) -> Option<String> {
        match &def {
            Some(d) if d.is_empty() => ctx.step(
                Stage::Goroot,
                "stamped-default",
                None,
                Outcome::Failed,
                "the binary is trimmed: no GOROOT was stamped in at link time",
            ),
            Some(d) => ctx.step(
                Stage::Goroot,
                "stamped-default",
                Some(d.clone()),
                Outcome::Chosen,
                "the GOROOT stamped in at link time",
            ),
            None => ctx.step(
                Stage::Goroot,
                "stamped-default",
                None,
                Outcome::Failed,
                "the stamped GOROOT cannot be read from this binary",
            ),
        }
        def
    }
}

fn check_goroot(
    ctx: &mut Ctx<'_>,
    goroot: Option<&str>,
    rules: Rules,
    exe: &ExeProbe,
) -> Option<GoError> {
    match goroot {
        None if exe.default().is_none() => {
            ctx.step(
                Stage::Check,
                "goroot-exists",
                None,
                Outcome::Failed,
                "GOROOT depends on a stamped value groot cannot read; use --verify",
            );
            Some(GoError {
                code: "goroot-unknown",
                message: "go: cannot find GOROOT directory: (unknown stamped default)".into(),
                exit_code: 2,
                exact: false,
            })
        }
        None if rules.trimmed_message => {
            let message =
                "go: cannot find GOROOT directory: 'go' binary is trimmed and GOROOT is not set"
                    .to_owned();
            ctx.step(
                Stage::Check,
                "goroot-exists",
                None,
                Outcome::Failed,
                message.clone(),
            );
            Some(GoError {
                code: "goroot-trimmed",
                message,
                exit_code: 2,
                exact: true,
            })
        }
        None => {
            let message = "go: cannot find GOROOT directory: .".to_owned();
            ctx.step(
                Stage::Check,
                "goroot-exists",
                None,
                Outcome::Failed,
                message.clone(),
            );
            Some(GoError {
                code: "goroot-missing",
                message,
                exit_code: 2,
                exact: true,
            })
        }
        Some(g) => {
            let p = ctx.host.absolute(Path::new(g));
            if ctx.host.fs().is_dir(&p) {
                ctx.step(
                    Stage::Check,
                    "goroot-exists",
                    Some(g.to_owned()),
                    Outcome::Info,
                    "the directory exists",
                );
                None
            } else {
                let message = format!("go: cannot find GOROOT directory: {g}");
                ctx.step(
                    Stage::Check,
                    "goroot-exists",
                    Some(g.to_owned()),
                    Outcome::Failed,
                    message.clone(),
                );
                Some(GoError {
                    code: "goroot-missing",
                    message,
                    exit_code: 2,
                    exact: true,
                })
            }
        }
    }
}

enum Decision {
    Local,
    Exec(SwitchTarget),
    Fatal(GoError),
}

struct Selection {
    wanted: Option<String>,
    gotoolchain: Option<Setting>,
    file: Option<ModFile>,
    trigger: Option<String>,
    decision: Decision,
}

fn fatal(ctx: &mut Ctx<'_>, code: &'static str, message: String) -> Decision {
    ctx.step(
        Stage::Switch,
        "select",
        None,
        Outcome::Failed,
        format!("go: {message}"),
    );
    Decision::Fatal(GoError {
        code,
        message: format!("go: {message}"),
        exit_code: 1,
        exact: true,
    })
}

/// Module mode by GO111MODULE: on when unset, empty or `on`; `None` for `auto`, which depends
/// on a go.mod above the directory; off for anything else.
fn module_mode(go111module: Option<&Setting>) -> Option<bool> {
    match go111module.map_or("", |s| s.value.as_str()) {
        "on" | "" => Some(true),
        "auto" => None,
        _ => Some(false),
    }
}

/// What cmd/go says when `os.Getwd` fails because the working directory was deleted (Linux
/// and macOS errno text; Windows cannot delete a directory in use).
const CWD_GONE: &str = "cannot determine current directory: getwd: no such file or directory";

/// cmd/go's `toolchain.Select`.
fn select(
    ctx: &mut Ctx<'_>,
    bin: &GoBinary,
    rules: Rules,
    getenv: &dyn Fn(&str) -> Option<Setting>,
    goroot: Option<&str>,
    is_child: bool,
) -> Selection {
    let mut sel = Selection {
        wanted: None,
        gotoolchain: None,
        file: None,
        trigger: None,
        decision: Decision::Local,
    };
    let host = ctx.host;

    // Module mode.
    let gomod_here = project::find_go_mod(host, &ctx.dir);
    let go111 = getenv(env_vars::GO111MODULE);
    let enabled = match module_mode(go111.as_ref()) {
        Some(on) => on,
        None if host.cwd_gone() => {
            // Looking for go.mod needs the working directory.
            sel.decision = fatal(ctx, "cwd-gone", CWD_GONE.to_owned());
            return sel;
        }
        None => gomod_here.is_some(),
    };
    if !enabled {
        let v = go111
            .map(|s| format!("GO111MODULE={} ({})", s.value, s.source))
            .unwrap_or_default();
        ctx.step(
            Stage::Switch,
            "module-mode",
            Some(v),
            Outcome::Skipped,
            "module mode is off here, so go.mod never switches toolchains",
        );
        return sel;
    }

    let found_file = find_mod_file(ctx, getenv, goroot, gomod_here.clone());
    let gt = getenv(env_vars::GOTOOLCHAIN);
    sel.gotoolchain = gt.clone();
    let Some(gt) = gt else {
        sel.file = found_file.and_then(|(kind, p)| project::read_mod_file(host, kind, &p).ok());
        ctx.step(Stage::Settings, "gotoolchain", None, Outcome::Skipped, "GOTOOLCHAIN is empty (no environment value, no go env line, no $GOROOT/go.env): the local toolchain always runs");
        return sel;
    };
    ctx.step(
        Stage::Settings,
        "gotoolchain",
        Some(gt.value.clone()),
        Outcome::Info,
        format!("from {}", gt.source),
    );
    let local_tc = bin
        .version
        .local_toolchain()
        .unwrap_or_else(|| bin.version.raw.clone());
    let local_v = bin.version.local();
    let mut min_tc = local_tc.clone();
    let mut min_v = local_v.clone();
    let value = gt.value.clone();
    let mode: String = match value.as_str() {
        "auto" => "auto".into(),
        "path" => "path".into(),
        other => {
            let (min, suffix, plus) = match other.split_once('+') {
                Some((a, b)) => (a, b, true),
                None => (other, "", false),
            };
            if min != "local" {
                match Version::from_toolchain(min) {
                    Some(v) => {
                        min_tc = min.to_owned();
                        min_v = Some(v);
                    }
                    None if plus => {
                        sel.decision = fatal(
                            ctx,
                            "gotoolchain-invalid",
                            format!(
                                "invalid GOTOOLCHAIN {value:?}: invalid minimum toolchain {min:?}"
                            ),
                        );
                        return sel;
                    }
                    None => {
                        sel.decision = fatal(
                            ctx,
                            "gotoolchain-invalid",
                            format!("invalid GOTOOLCHAIN {value:?}"),
                        );
                        return sel;
                    }
                }
            }
            if plus && suffix != "auto" && suffix != "path" {
                sel.decision = fatal(
                    ctx,
                    "gotoolchain-invalid",
                    format!(
                        "invalid GOTOOLCHAIN {value:?}: only version suffixes are +auto and +path"
                    ),
                );
                return sel;
            }
            suffix.to_owned()
        }
    };
    let mut target = min_tc.clone();
    if target != local_tc {
        sel.trigger = Some(format!("GOTOOLCHAIN={value} ({})", gt.source));
    }

    if (mode == "auto" || mode == "path") && host.cwd_gone() {
        // Reading go.mod / go.work starts from the working directory.
        sel.decision = fatal(ctx, "cwd-gone", CWD_GONE.to_owned());
        return sel;
    }
    if mode == "auto" || mode == "path" {
        if let Some((kind, path)) = found_file {
            match project::read_mod_file(host, kind, &path) {
                Ok(mf) => {
                    let loc = |l: usize| format!("{}:{l}", mf.path.display());
                    ctx.step(
                        Stage::Switch,
                        "mod-file",
                        Some(mf.path.display().to_string()),
                        Outcome::Info,
                        format!(
                            "{}: go {}, toolchain {}",
                            kind.file_name(),
                            mf.go.as_ref().map_or("(none)", |l| l.value.as_str()),
                            mf.toolchain.as_ref().map_or("(none)", |l| l.value.as_str())
                        ),
                    );
                    match mf.toolchain.as_ref().map(|l| l.value.as_str()) {
                        Some("default") => {
                            ctx.step_at(
                                Stage::Switch,
                                "toolchain-line",
                                Some("default".into()),
                                Outcome::Info,
                                "toolchain default: never upgrade past the minimum",
                                loc(mf.toolchain.as_ref().map_or(0, |l| l.line)),
                            );
                        }
                        tc => {
                            if let (Some(tc), Some(line)) = (tc, mf.toolchain.as_ref()) {
                                let tv = Version::from_toolchain(tc);
                                if tv.is_none() || (!tc.starts_with("go") && !tc.contains("-go")) {
                                    sel.decision = fatal(
                                        ctx,
                                        "toolchain-line-invalid",
                                        format!(
                                            "invalid toolchain {tc:?} in {}",
                                            project::short_path(&ctx.dir, &mf.path)
                                        ),
                                    );
                                    sel.file = Some(mf);
                                    return sel;
                                }
                                let newer = match (&tv, &min_v) {
                                    (Some(t), Some(m)) => {
                                        if rules.minor >= 22 {
                                            t > m
                                        } else {
                                            t >= m
                                        }
                                    }
                                    _ => false,
                                };
                                if newer {
                                    target = tc.to_owned();
                                    min_v = tv;
                                    sel.trigger =
                                        Some(format!("toolchain line {}", loc(line.line)));
                                    ctx.step_at(
                                        Stage::Switch,
                                        "toolchain-line",
                                        Some(tc.to_owned()),
                                        Outcome::Chosen,
                                        format!("newer than {}: becomes the target", min_tc),
                                        loc(line.line),
                                    );
                                } else {
                                    ctx.step_at(
                                        Stage::Switch,
                                        "toolchain-line",
                                        Some(tc.to_owned()),
                                        Outcome::Skipped,
                                        format!("not newer than {}", min_tc),
                                        loc(line.line),
                                    );
                                }
                            }
                            if let Some(line) = &mf.go {
                                let gv = Version::parse(&line.value);
                                let newer = match (&gv, &min_v) {
                                    (Some(g), Some(m)) => g > m,
                                    (Some(_), None) => true,
                                    _ => false,
                                };
                                if newer {
                                    let gv = gv.unwrap_or_else(|| Version::lang_of(0));
                                    let mut name = format!("go{}", line.value);
                                    if rules.lang_dot_zero
                                        && gv.is_lang()
                                        && gv >= Version::lang_of(21)
                                    {
                                        name.push_str(".0");
                                    }
                                    ctx.step_at(
                                        Stage::Switch,
                                        "go-line",
                                        Some(line.value.clone()),
                                        Outcome::Chosen,
                                        format!(
                                            "needs a newer Go than {}: target {name}",
                                            min_v.as_ref().map_or("?".into(), |v| v.to_string())
                                        ),
                                        loc(line.line),
                                    );
                                    target = name;
                                    sel.trigger = Some(format!("go line {}", loc(line.line)));
                                } else {
                                    ctx.step_at(
                                        Stage::Switch,
                                        "go-line",
                                        Some(line.value.clone()),
                                        Outcome::Skipped,
                                        "not newer than the minimum",
                                        loc(line.line),
                                    );
                                }
                            }
                        }
                    }
                    sel.file = Some(mf);
                }
                Err(e) => {
                    sel.decision = fatal(ctx, "mod-file-unreadable", format!("{}", e));
                    return sel;
                }
            }
        } else {
            ctx.step(
                Stage::Switch,
                "mod-file",
                None,
                Outcome::Skipped,
                "no go.work or go.mod above this directory",
            );
        }
    } else {
        // Under local or an exact version, go.mod is not consulted for switching; it is still
        // read for the module error.
        if let Some((kind, p)) = found_file {
            sel.file = project::read_mod_file(host, kind, &p).ok();
        }
        ctx.step(
            Stage::Switch,
            "mod-file",
            None,
            Outcome::Skipped,
            format!("GOTOOLCHAIN={value}: go.mod and go.work do not choose the toolchain"),
        );
    }

    // A switched-to child checks it is the version it was asked to be, then runs.
    if let Some(want) = ctx
        .host
        .var_nonempty(env_vars::GOTOOLCHAIN_INTERNAL_SWITCH_VERSION)
        .map(str::to_owned)
        .filter(|_| !is_child)
    {
        if local_tc != want {
            sel.decision = fatal(
                ctx,
                "toolchain-mismatch",
                format!("toolchain {local_tc} invoked to provide {want}"),
            );
        }
        return sel;
    }
    if is_child {
        return sel;
    }

    if target == "local" || target == local_tc {
        ctx.step(
            Stage::Switch,
            "select",
            Some(local_tc.clone()),
            Outcome::Chosen,
            "the local toolchain runs the command",
        );
        return sel;
    }
    sel.wanted = Some(target.clone());
    if !target.starts_with("go1") && !target.contains("-go1") {
        sel.decision = fatal(
            ctx,
            "gotoolchain-invalid",
            format!("invalid GOTOOLCHAIN {target:?}"),
        );
        return sel;
    }

    // Exec: PATH first, then (unless +path) the module cache / a download.
    let path_only = value == "path" || value.ends_with("+path");
    let found = lookpath::lookup(host, &target, Style::Go, None);
    if let Some(c) = found.chosen() {
        ctx.step(
            Stage::Switch,
            "path-toolchain",
            Some(c.absolute.display().to_string()),
            Outcome::Chosen,
            format!("{target} found on PATH: it runs with GOROOT removed from its environment"),
        );
        sel.decision = Decision::Exec(SwitchTarget::Path {
            toolchain: target,
            path: c.absolute.clone(),
        });
        return sel;
    }
    ctx.step(
        Stage::Switch,
        "path-toolchain",
        Some(target.clone()),
        Outcome::Skipped,
        "not found on PATH",
    );
    if path_only {
        sel.decision = fatal(
            ctx,
            "toolchain-not-on-path",
            format!("cannot find {target:?} in PATH"),
        );
        return sel;
    }
    let goos = bin
        .goos
        .clone()
        .unwrap_or_else(|| host.os().goos().to_owned());
    let goarch = bin.goarch.clone().unwrap_or_else(|| host.arch().to_owned());
    let Some(modcache) = module_cache(ctx, getenv, goroot) else {
        sel.decision = fatal(
            ctx,
            "modcache-unknown",
            "module cache not found: neither GOMODCACHE nor GOPATH is set".to_owned(),
        );
        return sel;
    };
    let version = format!("v0.0.1-{target}.{goos}-{goarch}");
    let dir = modcache.join(format!("golang.org/toolchain@{version}"));
    let ziphash = modcache.join(format!(
        "cache/download/golang.org/toolchain/@v/{version}.ziphash"
    ));
    let fs = host.fs();
    // cmd/go's DownloadDir: the extraction is complete when no `.partial` marker sits next to
    // the zip in the download cache and the `.ziphash` is there.
    let partial = modcache.join(format!(
        "cache/download/golang.org/toolchain/@v/{version}.partial"
    ));
    if fs.is_dir(&dir) && !fs.exists(&partial) && fs.is_file(&ziphash) {
        ctx.step(
            Stage::Switch,
            "module-cache",
            Some(dir.display().to_string()),
            Outcome::Chosen,
            "already downloaded: it runs with GOROOT set to this directory",
        );
        sel.decision = Decision::Exec(SwitchTarget::ModuleCache {
            toolchain: target,
            dir,
        });
        return sel;
    }
    let proxy = getenv(env_vars::GOPROXY)
        .map(|s| s.value)
        .unwrap_or_default();
    ctx.step(
        Stage::Switch,
        "module-cache",
        Some(dir.display().to_string()),
        Outcome::Skipped,
        "not in the module cache: go downloads it",
    );
    let tv = Version::from_toolchain(&target);
    let unavailable = proxy == "off" || proxy.split([',', '|']).all(|p| p == "off" || p.is_empty());
    if unavailable {
        let message = if rules.minor >= 21
            && tv
                .as_ref()
                .is_some_and(|v| v.is_lang() && *v >= Version::lang_of(21))
            && lang_error_known(rules)
        {
            format!("invalid toolchain: {target} is a language version but not a toolchain version ({target}.x)")
        } else {
            format!("download {target} for {goos}/{goarch}: toolchain not available")
        };
        sel.decision = fatal(ctx, "toolchain-unavailable", message);
        return sel;
    }
    // modfetch's useSumDB: a toolchain cannot be listed in go.sum, so its download is always
    // checked against the checksum database, whatever GONOSUMDB or GOPRIVATE say; GOSUMDB=off
    // makes that check fail. Only a lone `file://` GOPROXY (testing a distpack) is exempt.
    let module = format!("golang.org/toolchain@{version}");
    let file_proxy = proxy.starts_with("file://") && !proxy.contains([',', '|']);
    let gosumdb = getenv(env_vars::GOSUMDB);
    let sumdb = match gosumdb.as_ref().map(|g| g.value.as_str()) {
        _ if file_proxy => None,
        None | Some("") => Some("sum.golang.org".to_owned()),
        Some(v) => Some(v.to_owned()),
    };
    if sumdb.as_deref() == Some("off") {
        let source = gosumdb
            .as_ref()
            .map(|g| g.source.to_string())
            .unwrap_or_default();
        ctx.step(
            Stage::Switch,
            "checksum-database",
            Some(format!("GOSUMDB=off ({source})")),
            Outcome::Failed,
            "a downloaded toolchain must be verified against the checksum database, even with \
             GONOSUMDB or GOPRIVATE; GOSUMDB=off refuses it once the zip is downloaded",
        );
        let mut d = fatal(
            ctx,
            "toolchain-sumdb-off",
            format!(
                "download {target}: {module}: verifying module: checksum database disabled by GOSUMDB=off"
            ),
        );
        // The text needs the proxy to deliver the zip first; unreachable, go fails earlier.
        if let Decision::Fatal(e) = &mut d {
            e.exact = false;
        }
        sel.decision = d;
        return sel;
    }
    sel.decision = Decision::Exec(SwitchTarget::Download {
        toolchain: target,
        dir,
        proxy,
        module,
        sumdb,
    });
    sel
}

/// What go prints when the first proxy of GOPROXY cannot be reached while it downloads a
/// toolchain (`download_failure(…) + "dial tcp …: connect: connection refused"`, or a DNS
/// error), for an `http(s)://` proxy; `None` for `direct` and other kinds.
pub fn unreachable_proxy_prefix(toolchain: &str, module: &str, proxy: &str) -> Option<String> {
    let first = proxy.split([',', '|']).next()?.trim_end_matches('/');
    if !(first.starts_with("http://") || first.starts_with("https://")) {
        return None;
    }
    let (path, version) = module.split_once('@')?;
    Some(format!(
        "go: download {toolchain}: {module}: Get \"{first}/{path}/@v/{version}.zip\": "
    ))
}

/// go.work (as GOWORK says), else go.mod: the file cmd/go consults for the directory.
fn find_mod_file(
    ctx: &Ctx<'_>,
    getenv: &dyn Fn(&str) -> Option<Setting>,
    goroot: Option<&str>,
    gomod: Option<PathBuf>,
) -> Option<(ModKind, PathBuf)> {
    let host = ctx.host;
    let gowork = getenv(env_vars::GOWORK)
        .map(|s| s.value)
        .unwrap_or_default();
    let root = goroot.map(|g| host.absolute(Path::new(g)));
    match project::find_go_work(
        host,
        &ctx.dir,
        &WorkSetting::from_value(&gowork),
        root.as_deref(),
    ) {
        Some(p) => Some((ModKind::GoWork, p)),
        None => gomod.map(|p| (ModKind::GoMod, p)),
    }
}

fn lang_error_known(_rules: Rules) -> bool {
    // Observed in 1.21.13, 1.22.10, 1.24.11 and 1.27.3.
    true
}

/// GOMODCACHE as cmd/go computes it: the setting, else the first GOPATH entry + `/pkg/mod`,
/// with GOPATH defaulting to `$HOME/go` (unless that is GOROOT).
fn module_cache(
    ctx: &Ctx<'_>,
    getenv: &dyn Fn(&str) -> Option<Setting>,
    goroot: Option<&str>,
) -> Option<PathBuf> {
    if let Some(m) = getenv(env_vars::GOMODCACHE) {
        return Some(ctx.host.absolute(Path::new(&m.value)));
    }
    let gopath = match getenv(env_vars::GOPATH) {
        Some(g) => ctx
            .host
            .split_list(std::ffi::OsStr::new(&g.value))
            .into_iter()
            .find(|p| !p.as_os_str().is_empty())?,
        None => {
            let def = ctx.host.home()?.join("go");
            if goroot.is_some_and(|g| clean(Path::new(g)) == def) {
                return None;
            }
            def
        }
    };
    Some(ctx.host.absolute(&gopath).join("pkg").join("mod"))
}

/// Runs the toolchain a switch picked, with the environment cmd/go gives it.
fn exec_target(
    ctx: &mut Ctx<'_>,
    env: &EnvView<'_>,
    target: &SwitchTarget,
    parent: &GoBinary,
    _getenv: &dyn Fn(&str) -> Option<Setting>,
) -> ChildRun {
    let (name, path, goroot_env) = match target {
        SwitchTarget::Local => unreachable_local(),
        SwitchTarget::Path { toolchain, path } => {
            match ctx
                .hook
                .and_then(|h| h.path_target(ctx.host, toolchain, path))
            {
                None => (toolchain.clone(), path.clone(), None),
                Some(hop) => {
                    let label = Some(toolchain.clone());
                    ctx.steps.extend(hop.steps.into_iter().map(|mut s| {
                        s.toolchain = label.clone();
                        s
                    }));
                    if let Some(error) = hop.error {
                        return ChildRun {
                            binary: None,
                            goroot: None,
                            version: None,
                            tree: None,
                            error: Some(error),
                        };
                    }
                    (toolchain.clone(), hop.binary, hop.goroot)
                }
            }
        }
        SwitchTarget::ModuleCache { toolchain, dir } => (
            toolchain.clone(),
            dir.join("bin")
                .join(format!("go{}", ctx.host.os().exe_suffix())),
            Some(dir.display().to_string()),
        ),
        SwitchTarget::Download {
            toolchain,
            dir,
            proxy,
            module,
            sumdb,
        } => {
            ctx.step(Stage::Switch, "download", Some(proxy.clone()), Outcome::Info, format!("go prints \"go: downloading {toolchain} ({}/{})\" and fetches {module}; if that succeeds GOROOT is {}", parent.goos.as_deref().unwrap_or("?"), parent.goarch.as_deref().unwrap_or("?"), dir.display()));
            let check = match sumdb {
                Some(db) => format!("the zip is verified against the checksum database {db} (toolchains always are, whatever GONOSUMDB or GOPRIVATE say)"),
                None => "a lone file:// GOPROXY is exempt from the checksum database".to_owned(),
            };
            ctx.step(
                Stage::Switch,
                "checksum-database",
                sumdb.clone(),
                Outcome::Info,
                check,
            );
            if let Some(p) = unreachable_proxy_prefix(toolchain, module, proxy) {
                ctx.step(
                    Stage::Switch,
                    "offline",
                    None,
                    Outcome::Info,
                    format!("if the proxy cannot be reached, go fails with \"{p}…\""),
                );
            }
            return ChildRun {
                binary: None,
                goroot: Some(dir.display().to_string()),
                version: Some(toolchain.clone()),
                tree: None,
                error: None,
            };
        }
    };
    let mut child_env = env.clone();
    child_env
        .overrides
        .insert(env_vars::GOROOT, goroot_env.clone());
    let bin = match ctx.inspect.inspect(ctx.host.fs(), &path) {
        Ok(b) => b,
        Err(e) => {
            ctx.step(
                Stage::Binary,
                "build-info",
                Some(path.display().to_string()),
                Outcome::Failed,
                e.to_string(),
            );
            return ChildRun {
                binary: None,
                goroot: None,
                version: None,
                tree: None,
                error: Some(GoError {
                    code: "go-not-a-go-binary",
                    message: format!("groot cannot predict what {name} does: {e}"),
                    exit_code: 1,
                    exact: false,
                }),
            };
        }
    };
    let previous = ctx.label.replace(name.clone());
    ctx.step(
        Stage::Binary,
        "build-info",
        Some(path.display().to_string()),
        Outcome::Info,
        describe_binary(&bin),
    );
    // The child verifies it provides the version it was asked for.
    let provided = bin
        .version
        .local_toolchain()
        .unwrap_or_else(|| bin.version.raw.clone());
    let result = if provided != name {
        let message = format!("go: toolchain {provided} invoked to provide {name}");
        ctx.step(
            Stage::Check,
            "switch-version",
            Some(provided.clone()),
            Outcome::Failed,
            message.clone(),
        );
        ChildRun {
            binary: Some(bin.clone()),
            goroot: None,
            version: None,
            tree: None,
            error: Some(GoError {
                code: "toolchain-mismatch",
                message,
                exit_code: 1,
                exact: true,
            }),
        }
    } else {
        let run = run_go(ctx, &child_env, &path, &bin, true);
        ChildRun {
            binary: Some(bin.clone()),
            goroot: run.goroot,
            version: run.version,
            tree: run.tree,
            error: run.error,
        }
    };
    ctx.label = previous;
    result
}

fn unreachable_local() -> (String, PathBuf, Option<String>) {
    (String::new(), PathBuf::new(), None)
}

/// The error module commands give when go.mod / go.work needs a newer Go than runs.
fn too_new(
    ctx: &mut Ctx<'_>,
    bin: &GoBinary,
    file: Option<&ModFile>,
    gotoolchain: Option<&Setting>,
    _getenv: &dyn Fn(&str) -> Option<Setting>,
) -> Option<String> {
    let file = file?;
    let line = file.go.as_ref()?;
    let need = Version::parse(&line.value)?;
    let local = bin.version.local()?;
    if need <= local {
        return None;
    }
    let mut explain = String::new();
    if let Some(g) = gotoolchain {
        if !g.value.is_empty() && g.value != "auto" {
            explain = format!("; GOTOOLCHAIN={}", g.value);
        }
    }
    let message = format!(
        "go: {} requires go >= {} (running go {}{})",
        project::short_path(&ctx.dir, &file.path),
        line.value,
        local,
        explain
    );
    ctx.step(
        Stage::Check,
        "module-go-version",
        Some(line.value.clone()),
        Outcome::Info,
        format!("module commands will fail: {message}"),
    );
    Some(message)
}

#[cfg(all(test, unix))]
mod tests;
