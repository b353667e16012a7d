//! Which Go groot selects for a directory, and why: the one selection the shims, `groot which`,
//! `groot exec`, `explain` and `doctor` share, so they can never disagree.
//!
//! Sources, first match wins:
//!
//! 1. `GROOT_GO_VERSION` (this shell; `groot exec --go-version` puts its value here too);
//! 2. `.go-version`, the nearest one walking up from the directory;
//! 3. go.work (as `GOWORK` directs) or go.mod: the `toolchain` line picks that toolchain when it
//!    is installed; otherwise the file is a **minimum** (the newer of its `go` line, as a first
//!    release, and its `toolchain` line): the selection below it is kept when it satisfies the
//!    minimum, else the lowest installed Go series that does (newest patch in it);
//! 4. `.tool-versions` (asdf / mise), the nearest one with a `golang` or `go` line;
//! 5. the global default, `<groot_home>/default` (written by `groot use`).
//!
//! With none of them, or with the request `system`, nothing is selected and the shim runs the
//! next `go` on PATH after its own directory.
//!
//! A request is a version (`1.22.10` or `go1.22.10` exactly; `1.22` the newest installed
//! 1.22.x), a toolchain name in groot's store (`go1.22.10-amd64`, a `groot link` name) or
//! `system`. A toolchain is installed when `<groot_home>/toolchains/<name>/` is a GOROOT
//! (`bin/go` and `pkg/tool/`) carrying the store's completion marker, or `<name>.link` names a
//! GOROOT with `bin/go`.
//!
//! [`select`] is the shim's hot path: std, a handful of `stat`s and small reads, no process,
//! no network. What only reports need (the GOTOOLCHAIN switch `go` would still make) is added
//! a layer up, by [`crate::launch::groot::annotate`].

use std::cmp::Ordering;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::env_vars;
use crate::fs::{cap, clean, dir as parent_dir};
use crate::home::{self, Layout};
use crate::host::Host;
use crate::project::{self, ModKind, WorkSetting};
use crate::version::Version;

/// The per-directory version file.
pub const GO_VERSION_FILE: &str = ".go-version";
/// asdf's (and mise's) per-directory tool list.
pub const TOOL_VERSIONS_FILE: &str = ".tool-versions";
/// `<groot_home>/toolchains`.
pub fn toolchains_dir(host: &Host) -> Option<PathBuf> {
    Layout::of(host).map(|l| l.toolchains())
}

/// `<groot_home>/default`.
pub fn default_file(host: &Host) -> Option<PathBuf> {
    Layout::of(host).map(|l| l.default_file())
}

/// What a user asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// `1.22.10`, `go1.22.10`, `1.21rc2`: exactly this version.
    Exact(Version),
    /// `1.22`: the newest installed release (or prerelease) of the series.
    Series { major: String, minor: String },
    /// A toolchain name in the store that is not a plain version (`go1.22.10-amd64`,
    /// `mygo`).
    Name(String),
    /// No managed Go: the next `go` on PATH.
    System,
    /// `latest`: the newest installed stable release.
    Latest,
}

impl Request {
    /// Reads a request as typed or as found in a file; `None` when it is none of the forms.
    pub fn parse(text: &str) -> Option<Request> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        if t == "system" {
            return Some(Request::System);
        }
        if t == "latest" {
            return Some(Request::Latest);
        }
        let bare = t.strip_prefix("go").unwrap_or(t);
        if let Some((major, minor)) = bare.split_once('.') {
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if digits(major) && digits(minor) {
                return Some(Request::Series {
                    major: major.to_owned(),
                    minor: minor.to_owned(),
                });
            }
        }
        if let Some(v) = Version::parse(bare) {
            if bare.contains('.') {
                return Some(Request::Exact(v));
            }
        }
        // A toolchain name with a suffix (`go1.22.10-amd64`) or any other store name.
        if is_store_name(t) {
            return Some(Request::Name(t.to_owned()));
        }
        None
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Exact(v) => write!(f, "go{v}"),
            Request::Series { major, minor } => write!(f, "go{major}.{minor}"),
            Request::Name(n) => f.write_str(n),
            Request::System => f.write_str("system"),
            Request::Latest => f.write_str("latest"),
        }
    }
}

/// A name the store can hold (the rule `groot link` and installs enforce): letters, digits
/// and `._+-`, not starting with `.` or `-`, at most 128 bytes. Anything else in a version
/// file is not a request, so no message ever suggests a command built from it (`groot link
/// 1.22$(touch …`).
fn is_store_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with(['.', '-'])
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'))
}

/// How long a value read from a file may be when a message repeats it.
const SHOWN_MAX: usize = 64;

/// `text` as a message shows it: control characters escaped, at most [`SHOWN_MAX`] characters
/// (then `…` and the full length), so a hostile version file cannot flood a terminal.
pub fn shown(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| {
            if c.is_control() || c == '\u{feff}' {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    match escaped.char_indices().nth(SHOWN_MAX) {
        Some((i, _)) => format!("{}… ({} characters)", &escaped[..i], text.chars().count()),
        None => escaped,
    }
}

/// A file's text without a UTF-8 byte-order mark (editors on Windows write one).
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Whitespace, or a byte-order mark where it does not belong (after other bytes): neither is
/// ever part of a version.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Where a selection came from. In JSON, `kind` names a go.work / go.mod source `go_work` or
/// `go_mod`, as `groot explain` names the file kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Given on the command line (`groot exec --go-version`, `groot use`).
    Argument,
    /// `GROOT_GO_VERSION`.
    Env,
    /// A `.go-version` file.
    GoVersionFile { path: PathBuf, line: usize },
    /// The `toolchain` or `go` line of go.work / go.mod.
    ModFile {
        path: PathBuf,
        line: usize,
        /// `toolchain` or `go`.
        key: &'static str,
    },
    /// A `.tool-versions` file.
    ToolVersions { path: PathBuf, line: usize },
    /// The global default written by `groot use`.
    Default { path: PathBuf },
    /// Nothing selected a Go.
    Unset,
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        enum Wire<'a> {
            Argument,
            Env,
            GoVersionFile {
                path: &'a Path,
                line: usize,
            },
            GoMod {
                path: &'a Path,
                line: usize,
                key: &'static str,
            },
            GoWork {
                path: &'a Path,
                line: usize,
                key: &'static str,
            },
            ToolVersions {
                path: &'a Path,
                line: usize,
            },
            Default {
                path: &'a Path,
            },
            Unset,
        }
        let wire = match self {
            Source::Argument => Wire::Argument,
            Source::Env => Wire::Env,
            Source::GoVersionFile { path, line } => Wire::GoVersionFile { path, line: *line },
            Source::ModFile { path, line, key } => {
                if path.file_name().is_some_and(|n| n == "go.work") {
                    Wire::GoWork {
                        path,
                        line: *line,
                        key,
                    }
                } else {
                    Wire::GoMod {
                        path,
                        line: *line,
                        key,
                    }
                }
            }
            Source::ToolVersions { path, line } => Wire::ToolVersions { path, line: *line },
            Source::Default { path } => Wire::Default { path },
            Source::Unset => Wire::Unset,
        };
        wire.serialize(s)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Argument => f.write_str("the command line"),
            Source::Env => f.write_str(env_vars::GROOT_GO_VERSION),
            Source::GoVersionFile { path, line } | Source::ToolVersions { path, line } => {
                write!(f, "{}:{line}", path.display())
            }
            Source::ModFile { path, line, key } => {
                write!(f, "the {key} line of {}:{line}", path.display())
            }
            Source::Default { path } => write!(f, "the global default ({})", path.display()),
            Source::Unset => f.write_str("nothing (no version file, no default)"),
        }
    }
}

/// A toolchain in groot's store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Installed {
    /// Its name in `toolchains/` (`go1.22.10`, or a link name).
    pub name: String,
    /// Its GOROOT (logical path).
    pub root: PathBuf,
    /// Spelled as a toolchain in JSON (`go1.22.10`), like every version groot reports.
    #[serde(serialize_with = "crate::version::ser_toolchain_name")]
    pub version: Option<Version>,
    /// Adopted with `groot link` rather than installed.
    pub linked: bool,
}

impl Installed {
    /// The path of one of its commands (`go`, `gofmt`) for the host OS.
    pub fn bin(&self, host: &Host, tool: &str) -> PathBuf {
        self.root
            .join("bin")
            .join(format!("{tool}{}", host.os().exe_suffix()))
    }

    /// Shown to users: the name, and the version when the name does not say it.
    pub fn label(&self) -> String {
        match &self.version {
            Some(v) if v.toolchain_name() != self.name => format!("{} ({})", self.name, v),
            _ => self.name.clone(),
        }
    }

    /// A managed toolchain named after its version alone (not `go1.22.10-amd64`), so one for
    /// this machine's own architecture; linked toolchains count too.
    fn is_plain(&self) -> bool {
        self.linked
            || self
                .version
                .as_ref()
                .is_some_and(|v| v.toolchain_name() == self.name)
    }
}

/// Something reports should say about a selection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// A stable code (`mod-minimum-unmet`, `gotoolchain-switch`, `goroot-replaced`, …).
    pub code: &'static str,
    pub message: String,
    /// What to do about it, when there is something.
    pub hint: Option<String>,
}

/// The answer: which Go runs here, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Selection {
    /// The request as written in its source (`None` when nothing selected a Go).
    pub request: Option<String>,
    pub source: Source,
    /// The selected toolchain; `None` means "the next go on PATH" (`system` or nothing set).
    pub toolchain: Option<Installed>,
    /// Things worth saying (only [`annotate`] and the mod-file rule add them).
    pub notes: Vec<Note>,
}

impl Selection {
    /// One line: `go1.22.10 from /p/.go-version:1`.
    pub fn summary(&self) -> String {
        match &self.toolchain {
            Some(t) => format!("{} from {}", t.label(), self.source),
            None if self.source == Source::Unset => {
                "no Go selected: the next go on PATH runs".to_owned()
            }
            None => format!("system (the next go on PATH) from {}", self.source),
        }
    }
}

/// Why no toolchain could be selected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SelectError {
    #[error("{} is not installed (selected by {selected_by})", shown(request))]
    NotInstalled {
        request: String,
        selected_by: Source,
        /// Names of the installed toolchains, newest first.
        installed: Vec<String>,
    },
    #[error(
        "{selected_by}: \"{}\" is not a Go version or toolchain name",
        shown(value)
    )]
    Invalid { value: String, selected_by: Source },
    #[error("cannot tell where groot keeps its data: set GROOT_HOME or HOME")]
    NoHome,
    /// A version file, go.mod or go.work that groot will not read: not a regular file (a
    /// FIFO would hang every `go`, `/dev/zero` would eat memory) or over its size cap.
    #[error("refusing to read {path}: {reason}")]
    Refused { path: PathBuf, reason: String },
}

impl SelectError {
    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            SelectError::NotInstalled {
                request, installed, ..
            } => {
                let what = request.strip_prefix("go").unwrap_or(request);
                if request.chars().count() > SHOWN_MAX {
                    return Some(
                        "no Go release has a version that long; `groot list --available` shows the ones that exist"
                            .to_owned(),
                    );
                }
                if Request::parse(request).is_some_and(|r| matches!(r, Request::Name(_))) {
                    // A name groot cannot download: only `groot link` can make it.
                    return Some(format!(
                        "`{request}` is neither a Go version nor an installed toolchain; link one with `groot link {request} <GOROOT>`{}",
                        if installed.is_empty() { String::new() } else { format!("; installed: {}", installed.join(", ")) }
                    ));
                }
                let mut h = format!("run `groot install {what}`");
                if !installed.is_empty() {
                    h.push_str(&format!("; installed: {}", installed.join(", ")));
                }
                Some(h)
            }
            SelectError::Invalid { .. } => Some(
                "write a version such as 1.22.10, go1.22.10 or 1.22, latest, a toolchain name, or system"
                    .to_owned(),
            ),
            SelectError::NoHome => None,
            SelectError::Refused { path, .. } => Some(format!(
                "replace {} with a regular file holding the version, or remove it",
                path.display()
            )),
        }
    }
}

/// What to select for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The directory (default: the host's working directory).
    pub dir: Option<PathBuf>,
    /// A request that overrides every source ([`Source::Argument`]).
    pub request: Option<String>,
}

/// Selects the Go for a directory (the shim's hot path). Pure over the host: reads only the
/// environment and a few small files.
pub fn select(host: &Host, options: &Options) -> Result<Selection, SelectError> {
    select_in(host, options, &Store::new(host)?)
}

/// [`select`], with the metadata of the selected toolchain's `bin/go` as selection read it
/// (symlinks followed; `None` when nothing is selected): the shim runs that file without a
/// `stat` of its own.
pub fn select_with_go(
    host: &Host,
    options: &Options,
) -> Result<(Selection, Option<std::fs::Metadata>), SelectError> {
    let store = Store::new(host)?;
    let selection = select_in(host, options, &store)?;
    let go = selection
        .toolchain
        .as_ref()
        .and_then(|t| store.take_go(&t.root));
    Ok((selection, go))
}

fn select_in(host: &Host, options: &Options, store: &Store<'_>) -> Result<Selection, SelectError> {
    let dir = options
        .dir
        .as_ref()
        .map(|d| host.absolute(d))
        .unwrap_or_else(|| host.cwd().to_path_buf());

    if let Some(v) = &options.request {
        return store.pick(v, Source::Argument);
    }
    // 1. This shell.
    if let Some(v) = host.var_nonempty(env_vars::GROOT_GO_VERSION) {
        return store.pick(v, Source::Env);
    }
    // 2. .go-version, walking up.
    if let Some((path, line, text)) = find_go_version(host, &dir)? {
        return store.pick(&text, Source::GoVersionFile { path, line });
    }
    // 3. go.work / go.mod.
    let module = find_module(host, &dir)?;
    if let Some(m) = &module {
        if let Some((tv, line, text)) = &m.toolchain {
            if let Some(t) = store.exact(tv) {
                return Ok(Selection {
                    request: Some(text.clone()),
                    source: Source::ModFile {
                        path: m.path.clone(),
                        line: *line,
                        key: "toolchain",
                    },
                    toolchain: Some(t),
                    notes: Vec::new(),
                });
            }
        }
    }
    // 4, 5. .tool-versions, then the default.
    let lower = select_lower(host, store, &dir);
    let Some(m) = module else {
        return lower;
    };
    let Some(min) = m.minimum() else {
        return lower;
    };
    if let Ok(sel) = &lower {
        if sel
            .toolchain
            .as_ref()
            .and_then(|t| t.version.as_ref())
            .is_some_and(|v| *v >= min.0)
        {
            return lower;
        }
    }
    if let Some(t) = store.lowest_series_at_least(&min.0) {
        return Ok(Selection {
            request: Some(format!(">= go{}", min.0)),
            source: Source::ModFile {
                path: m.path.clone(),
                line: min.1,
                key: min.2,
            },
            toolchain: Some(t),
            notes: Vec::new(),
        });
    }
    // Nothing installed satisfies the module: keep the lower selection and say so.
    let note = Note {
        code: "mod-minimum-unmet",
        message: format!(
            "the {} line of {}:{} needs go >= {}, and no installed toolchain is that new",
            min.2,
            m.path.display(),
            min.1,
            min.0
        ),
        hint: Some(format!("run `groot install {}`", min.0)),
    };
    lower.map(|mut sel| {
        sel.notes.push(note);
        sel
    })
}

/// `.tool-versions`, then the global default, then nothing.
fn select_lower(host: &Host, store: &Store<'_>, dir: &Path) -> Result<Selection, SelectError> {
    if let Some(tv) = find_tool_versions(host, dir)? {
        let source = Source::ToolVersions {
            path: tv.path.clone(),
            line: tv.line,
        };
        // asdf semantics: the first installed of the listed versions.
        let mut first_err = None;
        for v in &tv.versions {
            match store.pick(v, source.clone()) {
                Ok(sel) => return Ok(sel),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_err {
            return Err(e);
        }
    }
    if let Some(path) = default_file(host) {
        if let Some(data) = read_small(host, &path, cap::VERSION_FILE)? {
            let text = String::from_utf8_lossy(&data);
            if let Some((_, value)) = first_value_line(&text) {
                return store.pick(value, Source::Default { path });
            }
        }
    }
    Ok(Selection {
        request: None,
        source: Source::Unset,
        toolchain: None,
        notes: Vec::new(),
    })
}

/// The first line that is neither blank nor a `#` comment: its 1-based number and trimmed
/// text (a trailing `# comment` removed).
fn first_value_line(text: &str) -> Option<(usize, &str)> {
    without_bom(text).lines().enumerate().find_map(|(i, l)| {
        let l = l
            .split_once('#')
            .map_or(l, |(before, _)| before)
            .trim_matches(is_blank);
        (!l.is_empty()).then_some((i + 1, l))
    })
}

/// Reads a file selection depends on, at most `limit` bytes. `None` when it cannot be read
/// as before (missing, a directory, no permission: the walk goes on); an error when groot
/// refuses it (a FIFO, a device, over the cap), naming the file and why.
fn read_small(host: &Host, path: &Path, limit: u64) -> Result<Option<Vec<u8>>, SelectError> {
    match host.fs().read_capped(path, limit) {
        Ok(data) => Ok(Some(data)),
        Err(e) => match crate::fs::refusal(&e) {
            Some(r) if !r.is_directory() => Err(SelectError::Refused {
                path: path.to_path_buf(),
                reason: r.to_string(),
            }),
            _ => Ok(None),
        },
    }
}

/// The nearest `.go-version` at or above `dir`: path, line and value. A `.go-version` that is
/// not a regular file or holds more than [`cap::VERSION_FILE`] bytes is an error.
#[allow(clippy::type_complexity)]
pub fn find_go_version(
    host: &Host,
    dir: &Path,
) -> Result<Option<(PathBuf, usize, String)>, SelectError> {
    let mut d = clean(dir);
    loop {
        let p = d.join(GO_VERSION_FILE);
        if let Some(data) = read_small(host, &p, cap::VERSION_FILE)? {
            let text = String::from_utf8_lossy(&data);
            // An empty file selects nothing; keep walking.
            if let Some((line, value)) = first_value_line(&text) {
                // goenv allows several versions on one line; the first one is used.
                let value = value.split(is_blank).next().unwrap_or(value);
                return Ok(Some((p, line, value.to_owned())));
            }
        }
        let up = parent_dir(&d);
        if up == d {
            return Ok(None);
        }
        d = up;
    }
}

/// A `.tool-versions` line for Go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolVersions {
    pub path: PathBuf,
    pub line: usize,
    /// The versions listed, in order (asdf falls back from one to the next).
    pub versions: Vec<String>,
}

/// The nearest `.tool-versions` at or above `dir` with a `golang` (asdf) or `go` (mise) line
/// (one that is not a regular file, or over [`cap::TOOL_VERSIONS`], is an error).
pub fn find_tool_versions(host: &Host, dir: &Path) -> Result<Option<ToolVersions>, SelectError> {
    let mut d = clean(dir);
    loop {
        let p = d.join(TOOL_VERSIONS_FILE);
        if let Some(data) = read_small(host, &p, cap::TOOL_VERSIONS)? {
            let text = String::from_utf8_lossy(&data);
            for (i, raw) in without_bom(&text).lines().enumerate() {
                let l = raw.split_once('#').map_or(raw, |(b, _)| b);
                let mut words = l.split(is_blank).filter(|w| !w.is_empty());
                if matches!(words.next(), Some("golang" | "go")) {
                    let versions: Vec<String> = words.map(str::to_owned).collect();
                    if !versions.is_empty() {
                        return Ok(Some(ToolVersions {
                            path: p,
                            line: i + 1,
                            versions,
                        }));
                    }
                }
            }
        }
        let up = parent_dir(&d);
        if up == d {
            return Ok(None);
        }
        d = up;
    }
}

/// The go.work or go.mod that applies to a directory, with the lines that matter here.
#[derive(Clone, Debug)]
struct Module {
    path: PathBuf,
    /// A `toolchain` line other than `default`: version, line, text.
    toolchain: Option<(Version, usize, String)>,
    /// The `go` line as its first release (`1.22` → `1.22.0`), and its line.
    go: Option<(Version, usize)>,
}

impl Module {
    /// The newer of the two lines: version, line and key.
    fn minimum(&self) -> Option<(Version, usize, &'static str)> {
        let t = self
            .toolchain
            .as_ref()
            .map(|(v, l, _)| (v.clone(), *l, "toolchain"));
        let g = self.go.as_ref().map(|(v, l)| (v.clone(), *l, "go"));
        match (t, g) {
            (Some(t), Some(g)) => Some(if g.0 > t.0 { g } else { t }),
            (t, g) => t.or(g),
        }
    }
}

/// go.work (as `GOWORK` says), else go.mod, as cmd/go finds them (one that is not a regular
/// file, or over [`cap::MOD_FILE`], is an error).
fn find_module(host: &Host, dir: &Path) -> Result<Option<Module>, SelectError> {
    let gowork = host.var(env_vars::GOWORK).unwrap_or_default();
    let (kind, path) =
        match project::find_go_work(host, dir, &WorkSetting::from_value(gowork), None) {
            Some(p) => (ModKind::GoWork, p),
            None => match project::find_go_mod(host, dir) {
                Some(p) => (ModKind::GoMod, p),
                None => return Ok(None),
            },
        };
    let mf = match project::read_mod_file(host, kind, &path) {
        Ok(mf) => mf,
        Err(e) => match crate::fs::refusal(&e) {
            Some(r) if !r.is_directory() => {
                return Err(SelectError::Refused {
                    path,
                    reason: r.to_string(),
                })
            }
            _ => return Ok(None),
        },
    };
    let toolchain = mf.toolchain.and_then(|l| {
        if l.value == "default" {
            return None;
        }
        Version::from_toolchain(&l.value).map(|v| (v, l.line, l.value))
    });
    let go = mf
        .go
        .and_then(|l| Version::parse(&l.value).map(|v| (v.first_release(), l.line)));
    Ok(Some(Module {
        path,
        toolchain,
        go,
    }))
}

/// groot's toolchain store, read lazily.
struct Store<'h> {
    host: &'h Host,
    layout: Layout,
    listed: std::cell::OnceCell<Vec<Installed>>,
    /// The root of the toolchain found last and the metadata of its `bin/go`, as the test of
    /// a runnable toolchain read it.
    last_go: std::cell::RefCell<Option<(PathBuf, std::fs::Metadata)>>,
}

impl<'h> Store<'h> {
    fn new(host: &'h Host) -> Result<Store<'h>, SelectError> {
        Ok(Store {
            host,
            layout: Layout::of(host).ok_or(SelectError::NoHome)?,
            listed: std::cell::OnceCell::new(),
            last_go: std::cell::RefCell::new(None),
        })
    }

    fn keep_go(&self, root: &Path, go: std::fs::Metadata) {
        *self.last_go.borrow_mut() = Some((root.to_path_buf(), go));
    }

    /// The metadata of `bin/go` read when the toolchain at `root` was found, when it was the
    /// last one found (a request for one version, the usual case; after a listing of the
    /// store, usually not).
    fn take_go(&self, root: &Path) -> Option<std::fs::Metadata> {
        self.last_go
            .take()
            .filter(|(r, _)| r == root)
            .map(|(_, m)| m)
    }

    /// Resolves a request from `source`.
    fn pick(&self, text: &str, source: Source) -> Result<Selection, SelectError> {
        let Some(request) = Request::parse(text) else {
            return Err(SelectError::Invalid {
                value: text.to_owned(),
                selected_by: source,
            });
        };
        let found = match &request {
            Request::System => {
                return Ok(Selection {
                    request: Some(text.to_owned()),
                    source,
                    toolchain: None,
                    notes: Vec::new(),
                })
            }
            Request::Exact(v) => self.exact(v),
            Request::Series { major, minor } => self.newest_in_series(major, minor),
            Request::Name(n) => self.by_name(n),
            Request::Latest => self.newest_release(),
        };
        match found {
            Some(t) => Ok(Selection {
                request: Some(text.to_owned()),
                source,
                toolchain: Some(t),
                notes: Vec::new(),
            }),
            None => Err(SelectError::NotInstalled {
                request: request.to_string(),
                selected_by: source,
                installed: self.list().iter().map(|t| t.name.clone()).collect(),
            }),
        }
    }

    /// The toolchain stored under exactly this name, if it is complete.
    fn by_name(&self, name: &str) -> Option<Installed> {
        if !is_store_name(name) {
            return None;
        }
        let fs = self.host.fs();
        let os = self.host.os();
        let layout = &self.layout;
        let link = layout.link_record(name);
        if fs.symlink_metadata(&link).is_ok() {
            let (root, go) = home::link_target_go(fs, &link, os)?;
            self.keep_go(&root, go);
            let version = read_version_file(self.host, &root);
            return Some(Installed {
                name: name.to_owned(),
                root,
                version,
                linked: true,
            });
        }
        let root = layout.toolchain(name);
        let go = home::runnable_go(fs, &root, os)?;
        self.keep_go(&root, go);
        let t = Installed {
            name: name.to_owned(),
            version: Version::from_toolchain(name),
            linked: false,
            root,
        };
        if t.version.is_none() {
            return Some(Installed {
                version: read_version_file(self.host, &t.root),
                ..t
            });
        }
        Some(t)
    }

    /// Exactly this version: its plain name first, then any stored toolchain of that version.
    fn exact(&self, v: &Version) -> Option<Installed> {
        self.by_name(&v.toolchain_name()).or_else(|| {
            self.list()
                .iter()
                .find(|t| t.is_plain() && t.version.as_ref() == Some(v))
                .cloned()
        })
    }

    /// The newest installed stable release (what `latest` selects).
    fn newest_release(&self) -> Option<Installed> {
        self.list()
            .iter()
            .find(|t| {
                t.is_plain()
                    && t.version
                        .as_ref()
                        .is_some_and(|v| !v.is_prerelease() && !v.is_lang())
            })
            .cloned()
    }

    fn newest_in_series(&self, major: &str, minor: &str) -> Option<Installed> {
        let series = format!("{major}.{minor}");
        self.list()
            .iter()
            .find(|t| {
                t.is_plain()
                    && t.version
                        .as_ref()
                        .is_some_and(|v| v.lang().to_string() == series)
            })
            .cloned()
    }

    /// The lowest Go series with an installed toolchain `>= min`, and its newest patch there.
    fn lowest_series_at_least(&self, min: &Version) -> Option<Installed> {
        let ok: Vec<&Installed> = self
            .list()
            .iter()
            .filter(|t| t.is_plain() && t.version.as_ref().is_some_and(|v| v >= min))
            .collect();
        let lowest = ok
            .iter()
            .filter_map(|t| t.version.as_ref().map(Version::lang))
            .min()?;
        // The list is newest first, so the first of that series is its newest patch.
        ok.into_iter()
            .find(|t| t.version.as_ref().map(Version::lang).as_ref() == Some(&lowest))
            .cloned()
    }

    /// Every complete toolchain, newest version first (read once).
    fn list(&self) -> &[Installed] {
        self.listed.get_or_init(|| list_in(self))
    }
}

fn list_in(store: &Store<'_>) -> Vec<Installed> {
    let Ok(entries) = store.host.fs().read_dir(&store.layout.toolchains()) else {
        return Vec::new();
    };
    let mut out: Vec<Installed> = entries
        .iter()
        .filter_map(|e| {
            let name = e.name.to_str()?;
            store.by_name(home::Entry::parse(name)?.name())
        })
        .collect();
    out.sort_by(newest_first);
    out.dedup_by(|a, b| a.name == b.name);
    out
}

fn newest_first(a: &Installed, b: &Installed) -> Ordering {
    b.version
        .cmp(&a.version)
        .then_with(|| a.linked.cmp(&b.linked))
        .then_with(|| a.name.cmp(&b.name))
}

/// Every complete toolchain in groot's store, newest first.
pub fn installed(host: &Host) -> Vec<Installed> {
    match Store::new(host) {
        Ok(s) => s.list().to_vec(),
        Err(_) => Vec::new(),
    }
}

/// Resolves a request against the store (what `groot use` and `groot pin` check).
pub fn resolve_request(host: &Host, text: &str, source: Source) -> Result<Selection, SelectError> {
    Store::new(host)?.pick(text, source)
}

/// The version in a GOROOT's VERSION file (first line, `go1.22.10`).
fn read_version_file(host: &Host, root: &Path) -> Option<Version> {
    let data = host
        .fs()
        .read_capped(&root.join("VERSION"), cap::VERSION_FILE)
        .ok()?;
    let text = String::from_utf8_lossy(&data);
    Version::from_toolchain(text.lines().next()?.trim())
}

/// Makes `toolchain` the global default: writes `<groot_home>/default` (its name) and points
/// `<groot_home>/current` at its root, both atomically (a temp file or link, then rename).
/// `None` removes both (the default becomes "the next go on PATH"). Returns a warning when
/// the `current` link cannot be made (Windows without the symlink privilege); the default
/// file alone is enough for the shims.
pub fn apply_default(
    host: &Host,
    toolchain: Option<&Installed>,
) -> std::io::Result<Option<String>> {
    let home = home::groot_home(host).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, "groot has no home directory")
    })?;
    let real_home = host.fs().to_real(&home);
    home::claim_home(
        &real_home,
        host.home().map(|h| host.fs().to_real(&h)).as_deref(),
    )
    .map_err(std::io::Error::other)?;
    let layout = Layout::new(&real_home);
    let default = layout.default_file();
    let current = layout.current();
    // Both files change under one lock, so two `groot use` at once cannot leave `default`
    // naming one toolchain and `current` pointing at the other.
    let _lock = lock_default(&layout)?;
    let Some(t) = toolchain else {
        for p in [&default, &current] {
            match std::fs::remove_file(p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        return Ok(None);
    };
    let tmp = real_home.join(format!(".default.tmp{}", std::process::id()));
    std::fs::write(&tmp, format!("{}\n", t.name))?;
    std::fs::rename(&tmp, &default)?;
    // Relative inside the store, so the home can move; absolute for a linked GOROOT.
    let target = if t.linked {
        host.fs().to_real(&t.root)
    } else {
        PathBuf::from(home::TOOLCHAINS_DIR).join(&t.name)
    };
    let tmp = real_home.join(format!(".current.tmp{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    if let Err(e) = symlink_dir(&target, &tmp) {
        return Ok(Some(format!(
            "could not make the link {} ({e}); the shims still use the default",
            current.display()
        )));
    }
    if let Err(e) = std::fs::rename(&tmp, &current) {
        let _ = std::fs::remove_file(&tmp);
        return Ok(Some(format!(
            "could not replace the link {} ({e}); the shims still use the default",
            current.display()
        )));
    }
    Ok(None)
}

/// Takes `locks/.use.lock` (a name no toolchain's lock can have), waiting for another
/// `groot use` to finish; released when the file is dropped (or the process dies).
fn lock_default(layout: &Layout) -> std::io::Result<std::fs::File> {
    crate::fs::create_dir_with_mode(&layout.locks(), 0o755, true)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o644);
    }
    let file = options.open(layout.locks().join(".use.lock"))?;
    fs4::FileExt::lock(&file)?;
    Ok(file)
}

#[cfg(unix)]
fn symlink_dir(target: &Path, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(windows)]
fn symlink_dir(target: &Path, at: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(target, at)
}

#[cfg(not(any(unix, windows)))]
fn symlink_dir(_target: &Path, _at: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "no symlinks here",
    ))
}

#[cfg(test)]
mod tests;
