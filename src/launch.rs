//! What the `go` PATH finds really is, and what it ends in. Most Go users do not run a `go`
//! binary directly: they run a launcher — groot's own shim, a version manager's shim (goenv,
//! asdf, mise), a golang.org/dl wrapper, a wrapper script — that picks a Go and `exec`s it with
//! some environment changes. This layer recognises the launcher, says which binary it will
//! exec, with which environment, and why (the version file or variable, with `file:line`), as
//! [`Stage::Launcher`] steps of the same trace; then [`crate::resolve`] explains that binary in
//! that environment as cmd/go would. `resolve` never learns launchers exist.
//!
//! Launchers can chain (a wrapper script that execs goenv's shim); the chain is followed up to
//! [`MAX_HOPS`]. A launcher groot cannot follow is said so, naming the file; `--verify` still
//! runs the real thing.

pub mod asdf;
pub mod dl;
pub mod goenv;
pub mod groot;
pub mod mise;
pub mod script;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::fs::Fs;
use crate::host::Host;
use crate::resolve::lookpath::{self, Style};
use crate::resolve::{self, Explanation, GoError, Lookup, Outcome, Request, Stage, Step};
use crate::select::Selection;
use crate::toolchain::{GoBinary, Inspect, InspectError, Probed};

/// How many launchers in a row are followed before groot calls it a loop.
pub const MAX_HOPS: usize = 8;

// ---- Helpers shared by the launchers: reading their scripts and version files. ----

/// The most of a launcher script read to recognise it.
pub(crate) const SCRIPT_HEAD: u64 = 64 << 10;

/// A small text file of a launcher (a version file, a config file), lossy UTF-8, refused when
/// larger than `cap` or not a regular file (see [`crate::fs::read_regular`]).
pub(crate) fn read_text(host: &Host, path: &Path, cap: u64) -> std::io::Result<String> {
    let data = host.fs().read_capped(path, cap)?;
    Ok(String::from_utf8_lossy(&data).into_owned())
}

/// `file:line` (1-based), the source of a launcher's choice.
pub(crate) fn file_line(path: &Path, line: usize) -> String {
    format!("{}:{line}", path.display())
}

/// Walks from `dir` (absolute and clean, as a shell's `$PWD`) up through its parents and
/// returns the first answer `look` gives for a directory. The root itself is looked at only
/// with `include_root` (asdf 0.15 stops below it; goenv and mise do not).
pub(crate) fn find_upwards<T>(
    dir: &Path,
    include_root: bool,
    mut look: impl FnMut(&Path) -> Option<T>,
) -> Option<T> {
    for d in dir.ancestors() {
        if d.parent().is_none() && !include_root {
            return None;
        }
        if let Some(t) = look(d) {
            return Some(t);
        }
    }
    None
}

/// The first executable `name` in the PATH list `path` (a shell's `command -v`), or `None`.
pub(crate) fn command_v(host: &Host, path: &std::ffi::OsStr, name: &str) -> Option<PathBuf> {
    let entries = host.split_list(path);
    lookpath::lookup(host, name, Style::Shell, Some(&entries))
        .chosen()
        .map(|c| c.absolute.clone())
}

/// GNU `sort -V` order on two version-like names: runs of digits compare as numbers, other
/// runs byte by byte.
pub(crate) fn version_sort(a: &str, b: &str) -> std::cmp::Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for (x, y) in ra.iter().zip(rb.iter()) {
        let o = match (x.0, y.0) {
            (true, true) => {
                let (tx, ty) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty))
            }
            _ => x.1.cmp(y.1),
        };
        if o.is_ne() {
            return o;
        }
    }
    ra.len().cmp(&rb.len())
}

/// The kinds of launcher groot recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// groot's own shim.
    Groot,
    /// goenv's bash shim (`$GOENV_ROOT/shims/go`).
    Goenv,
    /// asdf's shim (`$ASDF_DATA_DIR/shims/go`): 0.15's `asdf exec` script or 0.16+'s.
    Asdf,
    /// mise's shim (a link to the mise binary).
    Mise,
    /// A golang.org/dl wrapper (`go1.24.11`).
    Dl,
    /// A wrapper script (`exec /path/to/go "$@"`), or a script groot cannot follow.
    Script,
}

impl Kind {
    /// The name shown in reports.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Groot => "groot shim",
            Kind::Goenv => "goenv shim",
            Kind::Asdf => "asdf shim",
            Kind::Mise => "mise shim",
            Kind::Dl => "golang.org/dl wrapper",
            Kind::Script => "wrapper script",
        }
    }
}

/// One environment change a launcher makes for the go it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnvChange {
    pub name: String,
    /// The new value; `None` removes the variable.
    pub value: Option<String>,
}

/// A launcher found in front of go and what it does.
#[derive(Clone, Debug, Serialize)]
pub struct Launcher {
    pub kind: Kind,
    /// The launcher file (as found: on PATH, or the previous launcher's target).
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub path: PathBuf,
    /// What it chose (`1.22.10`, a toolchain name), when it chooses.
    pub version: Option<String>,
    /// Why: the version file with its line, or the variable.
    pub source: Option<String>,
    /// The binary it execs (`None` when it cannot run one).
    #[serde(serialize_with = "crate::fs::lossy::opt_path")]
    pub runs: Option<PathBuf>,
    /// Environment changes for that binary.
    pub env: Vec<EnvChange>,
    /// groot's shim: the full selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<Selection>,
}

impl Launcher {
    /// A launcher of `kind` at `path` that has decided nothing yet.
    pub(crate) fn new(kind: Kind, path: &Path) -> Launcher {
        Launcher {
            kind,
            path: path.to_path_buf(),
            version: None,
            source: None,
            runs: None,
            env: Vec::new(),
            selection: None,
        }
    }
}

/// The error a launcher stops with.
pub(crate) fn go_error(
    code: &'static str,
    message: String,
    exit_code: i32,
    exact: bool,
) -> GoError {
    GoError {
        code,
        message,
        exit_code,
        exact,
    }
}

/// An explanation of go as cmd/go models it, with the launchers in front of it.
#[derive(Clone, Debug)]
pub struct Explained {
    pub explanation: Explanation,
    /// Launchers in the order they run; empty when PATH's go is a go binary.
    pub launchers: Vec<Launcher>,
}

impl std::ops::Deref for Explained {
    type Target = Explanation;
    fn deref(&self) -> &Explanation {
        &self.explanation
    }
}

impl std::ops::DerefMut for Explained {
    fn deref_mut(&mut self) -> &mut Explanation {
        &mut self.explanation
    }
}

impl Explained {
    /// groot's selection, when groot's shim is one of the launchers.
    pub fn selection(&self) -> Option<&Selection> {
        self.launchers.iter().find_map(|l| l.selection.as_ref())
    }

    /// The explanation without the launchers.
    pub fn into_explanation(self) -> Explanation {
        self.explanation
    }
}

/// What following one launcher gave.
pub(crate) struct Followed {
    pub launcher: Launcher,
    /// Steps recording the launcher's decision.
    pub steps: Vec<Step>,
    /// The next program and the host it runs in, or why it cannot run.
    pub next: Result<(PathBuf, Host), GoError>,
}

/// Recognises the launcher at `path` (an absolute, logical path), if it is one. `plain` says
/// `path` is known not to be a symlink (the PATH lookup resolved it without a hop).
fn recognise(
    host: &Host,
    inspect: &dyn Inspect,
    dir: &Path,
    path: &Path,
    plain: bool,
) -> Option<Followed> {
    if crate::shim::is_shim(host, path) {
        return Some(groot::follow(host, dir, path));
    }
    // mise's shims are symlinks.
    if !plain && mise::is_shim(host, path) {
        return Some(mise::follow(host, dir, path));
    }
    // One open: a script's head for the launchers below, or a binary's build info (kept by
    // the memo for the resolution that follows).
    let inspected = match inspect.probe(host.fs(), path, SCRIPT_HEAD) {
        Probed::Script(head) => {
            if let Some(f) = goenv::recognise(host, dir, path, &head) {
                return Some(f);
            }
            if let Some(f) = asdf::recognise(host, dir, path, &head) {
                return Some(f);
            }
            inspect.inspect(host.fs(), path)
        }
        Probed::Inspected(r) => r,
    };
    // Last: a script no launcher above recognised is a wrapper script.
    match inspected {
        Ok(bin) => dl::wrapper_version(&bin).map(|version| dl::follow(host, path, &version)),
        Err(InspectError::Script { interpreter, .. }) => {
            Some(script::follow(host, path, &interpreter))
        }
        Err(_) => None,
    }
}

/// Explains which go runs for `request` on `host`: the launchers in front of it (when PATH's
/// `go` is one), then cmd/go's own resolution of the binary they end in. With `--go` (a
/// `request.go`) the binary is explained as given.
pub fn explain(host: &Host, inspect: &dyn Inspect, request: &Request) -> Explained {
    // Recognising a launcher reads the binary's build info; resolve reads it again.
    let memo = Memo {
        inner: inspect,
        seen: std::sync::Mutex::new(Vec::new()),
    };
    let inspect: &dyn Inspect = &memo;
    let hook = dl::Hook { inspect };
    if request.go.is_some() {
        return Explained {
            explanation: resolve::explain_hooked(host, inspect, request, None, &hook),
            launchers: Vec::new(),
        };
    }
    let dir = request
        .dir
        .as_ref()
        .map(|d| host.absolute(d))
        .unwrap_or_else(|| host.cwd().to_path_buf());
    let lookup = lookpath::lookup(host, "go", Style::Shell, None);
    let Some((first, mut plain)) = lookup
        .chosen()
        .map(|c| (c.absolute.clone(), c.hops.is_empty()))
    else {
        return Explained {
            explanation: resolve::explain_hooked(host, inspect, request, Some(lookup), &hook),
            launchers: Vec::new(),
        };
    };
    let mut steps = Vec::new();
    let mut launchers = Vec::new();
    let mut current = first;
    // The host changes only when a launcher changes the environment.
    let mut current_host = std::borrow::Cow::Borrowed(host);
    while let Some(f) = recognise(&current_host, inspect, &dir, &current, plain) {
        plain = false;
        if launchers.is_empty() {
            steps = resolve::lookup_steps(host, inspect, &lookup);
        }
        steps.extend(f.steps);
        launchers.push(f.launcher);
        match f.next {
            Ok((next, next_host)) => {
                current = next;
                current_host = std::borrow::Cow::Owned(next_host);
            }
            Err(error) => return failed(host, inspect, request, lookup, steps, launchers, error),
        }
        if launchers.len() >= MAX_HOPS {
            let error = GoError {
                code: "launcher-loop",
                message: format!(
                    "groot stopped after {MAX_HOPS} launchers in a row ({}): a loop?",
                    current.display()
                ),
                exit_code: 1,
                exact: false,
            };
            return failed(host, inspect, request, lookup, steps, launchers, error);
        }
    }
    if launchers.is_empty() {
        return Explained {
            explanation: resolve::explain_hooked(host, inspect, request, Some(lookup), &hook),
            launchers,
        };
    }
    let mut ex = resolve::explain_hooked(
        &current_host,
        inspect,
        &Request {
            dir: Some(dir),
            go: Some(current),
        },
        None,
        &hook,
    );
    // Replace the `explicit` step with the PATH lookup and the launchers' choices.
    steps.extend(ex.steps.drain(..).skip_while(|s| s.stage == Stage::Lookup));
    ex.steps = steps;
    ex.lookup = lookup;
    Explained {
        explanation: ex,
        launchers,
    }
}

/// An [`Inspect`] that reads each path once.
#[derive(Debug)]
struct Memo<'a> {
    inner: &'a dyn Inspect,
    seen: std::sync::Mutex<Vec<(PathBuf, Result<GoBinary, InspectError>)>>,
}

impl Memo<'_> {
    fn seen(&self, path: &Path) -> Option<Result<GoBinary, InspectError>> {
        let seen = self.seen.lock().ok()?;
        seen.iter().find(|(p, _)| p == path).map(|(_, r)| r.clone())
    }

    fn keep(&self, path: &Path, r: &Result<GoBinary, InspectError>) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push((path.to_path_buf(), r.clone()));
        }
    }
}

impl Inspect for Memo<'_> {
    fn inspect(&self, fs: &Fs, path: &Path) -> Result<GoBinary, InspectError> {
        if let Some(r) = self.seen(path) {
            return r;
        }
        let r = self.inner.inspect(fs, path);
        self.keep(path, &r);
        r
    }

    fn probe(&self, fs: &Fs, path: &Path, cap: u64) -> Probed {
        // A script's head is not kept: only a script is read again.
        match self.seen(path) {
            Some(r) if !matches!(r, Err(InspectError::Script { .. })) => Probed::Inspected(r),
            _ => {
                let p = self.inner.probe(fs, path, cap);
                if let Probed::Inspected(r) = &p {
                    self.keep(path, r);
                }
                p
            }
        }
    }
}

/// The explanation when a launcher cannot run go: the lookup, the launchers, the error.
fn failed(
    host: &Host,
    inspect: &dyn Inspect,
    request: &Request,
    lookup: Lookup,
    steps: Vec<Step>,
    launchers: Vec<Launcher>,
    error: GoError,
) -> Explained {
    let mut ex = resolve::explain_looked_up(host, inspect, request, Lookup::default());
    ex.lookup = lookup;
    ex.go = launchers.last().map(|l| l.path.clone());
    ex.binary = None;
    ex.binary_error = None;
    ex.goroot = None;
    ex.go_version = None;
    ex.tree = None;
    ex.error = Some(error);
    ex.steps = steps;
    Explained {
        explanation: ex,
        launchers,
    }
}

/// A launcher step.
pub(crate) fn step(
    rule: &'static str,
    candidate: Option<String>,
    outcome: Outcome,
    reason: impl Into<String>,
    source: Option<String>,
) -> Step {
    Step {
        stage: Stage::Launcher,
        rule,
        candidate,
        outcome,
        reason: reason.into(),
        source,
        toolchain: None,
    }
}

/// `host` with `env` applied.
pub(crate) fn with_env(host: &Host, env: &[EnvChange]) -> Host {
    let mut h = host.clone();
    for c in env {
        h = match &c.value {
            Some(v) => h.with_var(c.name.clone(), v.clone()),
            None => h.without_var(&c.name),
        };
    }
    h
}
