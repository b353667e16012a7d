//! Every Go installation on the machine: where each was found, what it is, and what state it is
//! in.
//!
//! [`discover`] asks every source family for candidates, then turns candidates into
//! installations:
//!
//! * `path`: each `go` on PATH, the shadowed ones too, traced back to its tree;
//! * [`env`]: the `GOROOT` variable and the `GOROOT=` line of the user's go env file;
//! * `system`: per-OS well-known places (official archive and installers, Homebrew,
//!   MacPorts, distribution packages, snap);
//! * `managers`: golang.org/dl's `~/sdk`, goenv, g, gvm, asdf, mise and groot's own
//!   toolchains;
//! * `modcache`: toolchains cmd/go downloaded into the module cache (`GOTOOLCHAIN`).
//!
//! A candidate is a directory or a `go` binary, with its [`Source`]. Every candidate is
//! resolved to a canonical root (all symlinks followed); candidates that reach the same root (or
//! the same directory by file identity) are merged into one [`Install`] that keeps every route.
//! Candidates that are not Go trees are kept as [`Rejected`] with the reason, and every place
//! looked at is listed as a [`SearchedPlace`], so that "not found" can say what was searched.
//! Each install's `bin/go` is read once through the [`Inspect`] seam (version and platform from
//! the binary header), its tree is checked with [`inspect_tree_with`], and it is marked active when it
//! is the GOROOT the go that runs here ends with (from a [`resolve::Explanation`]).
//!
//! Nothing here runs a program or reads the process environment; bad input (dangling links,
//! loops, non-UTF-8 names, scripts where a binary should be, garbage `VERSION` files) becomes a
//! rejected candidate or a health problem, never a panic.

mod canonical;
mod env;
mod managers;
mod merge;
mod modcache;
mod path;
mod system;
#[cfg(all(test, unix))]
mod tests;

use std::cell::OnceCell;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::envfile::{self, UserEnv};
use crate::host::{Host, Os};
use crate::resolve;
use crate::toolchain::tree::{inspect_tree_with, Tree, VersionFile};
use crate::toolchain::{GoBinary, Inspect, InspectError};
use crate::version::Version;
use merge::{go_in, ActiveTarget, Group, Merger};

pub use managers::shim_dirs;
pub use modcache::module_cache;

/// The family a source belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A `go` found on PATH.
    Path,
    /// The `GOROOT` environment variable.
    GorootEnv,
    /// A `GOROOT=` line in the user's go env file (`go env -w`).
    GoEnvFile,
    /// The official archive or installer location (`/usr/local/go`, `C:\Program Files\Go`).
    Official,
    /// A Homebrew Cellar (`/opt/homebrew`, `/usr/local`, Linuxbrew).
    Homebrew,
    /// MacPorts (`/opt/local/lib/go`).
    Macports,
    /// A distribution package (`/usr/lib/go-*`, `/usr/lib/golang`, `/usr/lib/go`).
    Distro,
    /// A snap revision (`/snap/go/<rev>`).
    Snap,
    /// A golang.org/dl download (`~/sdk/go1.X.Y`).
    Sdk,
    /// A toolchain cmd/go downloaded into the module cache.
    ModuleCache,
    /// goenv (`~/.goenv/versions/*`).
    Goenv,
    /// voidint/g (`~/.g/versions/*`).
    G,
    /// gvm (`~/.gvm/gos/*`).
    Gvm,
    /// asdf (`~/.asdf/installs/golang/*/go`).
    Asdf,
    /// mise (`~/.local/share/mise/installs/go/*`).
    Mise,
    /// groot's own toolchains ([`groot_home`]`/toolchains/*`).
    Groot,
    /// The GOROOT the go that runs here ends with, when no other source found it.
    Resolved,
}

impl SourceKind {
    /// The stable snake_case name (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Path => "path",
            SourceKind::GorootEnv => "goroot_env",
            SourceKind::GoEnvFile => "go_env_file",
            SourceKind::Official => "official",
            SourceKind::Homebrew => "homebrew",
            SourceKind::Macports => "macports",
            SourceKind::Distro => "distro",
            SourceKind::Snap => "snap",
            SourceKind::Sdk => "sdk",
            SourceKind::ModuleCache => "module_cache",
            SourceKind::Goenv => "goenv",
            SourceKind::G => "g",
            SourceKind::Gvm => "gvm",
            SourceKind::Asdf => "asdf",
            SourceKind::Mise => "mise",
            SourceKind::Groot => "groot",
            SourceKind::Resolved => "resolved",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One route by which an installation was reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub kind: SourceKind,
    /// The logical path this source named, as it spelt it: a `go` on PATH, a GOROOT value, a
    /// directory entry.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub via: PathBuf,
    /// Where exactly, for people: `PATH entry 3 (/usr/bin)`, `$GOROOT`,
    /// `/home/u/.config/go/env:2`, `/usr/lib/go-*`.
    pub detail: String,
    /// The 0-based PATH index, for [`SourceKind::Path`].
    pub index: Option<usize>,
    /// The file that named it, for [`SourceKind::GoEnvFile`].
    #[serde(serialize_with = "crate::fs::lossy::opt_path")]
    pub file: Option<PathBuf>,
    /// The 1-based line in `file`.
    pub line: Option<usize>,
}

impl Source {
    /// A source without index or file.
    pub fn new(kind: SourceKind, via: impl Into<PathBuf>, detail: impl Into<String>) -> Source {
        Source {
            kind,
            via: via.into(),
            detail: detail.into(),
            index: None,
            file: None,
            line: None,
        }
    }
}

/// How a place was searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchStatus {
    /// The place exists and was read.
    Searched,
    /// The place does not exist.
    Absent,
    /// The place exists but could not be read.
    Unreadable,
    /// The variable or setting that names the place is not set.
    NotSet,
}

/// A place discovery looked at, whether or not it held anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchedPlace {
    pub kind: SourceKind,
    /// A directory, a pattern (`/usr/lib/go-*`), a variable (`$GOROOT`) or `PATH`.
    pub place: String,
    pub status: SearchStatus,
    /// How many candidates it gave.
    pub candidates: usize,
    /// Why it could not be read, or what disabled it.
    pub note: Option<String>,
}

/// Why a candidate is not an installation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    /// The path does not exist.
    Missing,
    /// A symlink whose target does not exist.
    DanglingLink,
    /// Too many levels of symlinks.
    SymlinkLoop,
    /// The path could not be read.
    Unreadable,
    /// A directory was expected.
    NotADirectory,
    /// A file was expected (a directory named `go` on PATH).
    NotAFile,
    /// A `go` without an execute bit.
    NotExecutable,
    /// A directory with neither `pkg/tool` nor `bin/go`.
    NotAGoTree,
    /// A script where a go binary should be (a version-manager shim or wrapper).
    Script,
    /// A file that is not a Go program.
    NotGo,
    /// A go binary with no Go tree around it or stamped in it.
    NoTree,
}

/// A candidate that is not an installation, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejected {
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub path: PathBuf,
    pub source: Source,
    pub kind: RejectKind,
    pub reason: String,
}

/// Where an install's version was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionOrigin {
    /// The build info of `bin/go`.
    Binary,
    /// The tree's `VERSION` file (the binary could not be read).
    VersionFile,
}

/// Something wrong with an install beyond missing parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A stable code: `go_unreadable`, `go_is_script`, `go_not_a_go_binary`,
    /// `version_file_unreadable`, `version_file_invalid`, `version_mismatch`,
    /// `incomplete_download`, `name_mismatch`, `foreign_os`, `foreign_arch`.
    pub code: &'static str,
    pub message: String,
}

/// The state of an install's tree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Health {
    /// Parts a complete tree has and this one lacks (`pkg/tool`, `bin/go`, `src`, `VERSION`,
    /// `go.env`, `pkg/tool/GOOS_GOARCH`).
    pub missing: Vec<String>,
    pub problems: Vec<Problem>,
}

impl Health {
    /// Nothing missing, nothing wrong.
    pub fn is_ok(&self) -> bool {
        self.missing.is_empty() && self.problems.is_empty()
    }

    fn problem(&mut self, code: &'static str, message: impl Into<String>) {
        let p = Problem {
            code,
            message: message.into(),
        };
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }
}

/// One Go installation, however many routes lead to it.
#[derive(Clone, Debug, Serialize)]
pub struct Install {
    /// The canonical logical path of its root (every symlink resolved).
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub root: PathBuf,
    /// Every spelling that reached it (a `go` on PATH, a link to the root, the root itself),
    /// in discovery order, without repeats.
    #[serde(serialize_with = "crate::fs::lossy::paths")]
    pub paths: Vec<PathBuf>,
    /// Every route, in discovery order.
    pub sources: Vec<Source>,
    /// The runtime version (`go1.22.10`), from the binary or else from `VERSION`.
    pub version: Option<String>,
    pub version_origin: Option<VersionOrigin>,
    /// GOOS and GOARCH of `bin/go`, from its header.
    pub goos: Option<String>,
    pub goarch: Option<String>,
    /// Every architecture in the binary (several for a universal Mach-O).
    pub archs: Vec<String>,
    /// `bin/go` (or `bin/go.exe`), when it is a file: `{"path": …}` in JSON.
    #[serde(serialize_with = "crate::fs::lossy::opt_go")]
    pub go: Option<PathBuf>,
    pub health: Health,
    /// The GOROOT the go that runs here ends with (or, when go fails, the tree of that go).
    pub active: bool,
    /// What the binary reader said, for callers that need more than the summary.
    #[serde(skip)]
    pub binary: Option<GoBinary>,
    /// The full tree inspection.
    #[serde(skip)]
    pub tree: Tree,
}

impl Install {
    /// True when some route is of this kind.
    pub fn has_source(&self, kind: SourceKind) -> bool {
        self.sources.iter().any(|s| s.kind == kind)
    }
}

/// Everything discovery found.
#[derive(Clone, Debug, Serialize)]
pub struct Inventory {
    /// Installations in the order they were first reached (PATH first).
    pub installs: Vec<Install>,
    /// Candidates that are not installations.
    pub rejected: Vec<Rejected>,
    /// Every place looked at.
    pub searched: Vec<SearchedPlace>,
}

impl Inventory {
    /// The install marked active, if any.
    pub fn active(&self) -> Option<&Install> {
        self.installs.iter().find(|i| i.active)
    }

    /// The install at a canonical root.
    pub fn find(&self, root: &Path) -> Option<&Install> {
        self.installs.iter().find(|i| i.root == root)
    }
}

/// What a candidate's name promises about it (module-cache and `~/sdk` names are exact).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Expect {
    toolchain: Option<String>,
    goos: Option<String>,
    goarch: Option<String>,
}

/// What a source proposes.
#[derive(Clone, Debug)]
enum What {
    /// A directory that may be a GOROOT.
    Dir(PathBuf),
    /// A `go` executable; its tree is found as cmd/go finds GOROOT.
    Binary(PathBuf),
    /// Already known not to be an install.
    Reject(RejectKind, String),
}

#[derive(Clone, Debug)]
struct Candidate {
    what: What,
    source: Source,
    /// Problems the source saw (an interrupted download).
    problems: Vec<Problem>,
    expect: Expect,
}

/// The search in progress: the host, candidates so far and places looked at.
struct Search<'h> {
    host: &'h Host,
    candidates: Vec<Candidate>,
    searched: Vec<SearchedPlace>,
    user_env: OnceCell<UserEnv>,
}

impl<'h> Search<'h> {
    fn new(host: &'h Host) -> Search<'h> {
        Search {
            host,
            candidates: Vec::new(),
            searched: Vec::new(),
            user_env: OnceCell::new(),
        }
    }

    /// The user's go env file, read once.
    fn user_env(&self) -> &UserEnv {
        self.user_env
            .get_or_init(|| envfile::read_user_env(self.host, None))
    }

    fn push(&mut self, what: What, source: Source) -> &mut Candidate {
        self.candidates.push(Candidate {
            what,
            source,
            problems: Vec::new(),
            expect: Expect::default(),
        });
        let last = self.candidates.len() - 1;
        &mut self.candidates[last]
    }

    fn place(
        &mut self,
        kind: SourceKind,
        place: impl Into<String>,
        status: SearchStatus,
        candidates: usize,
        note: Option<String>,
    ) {
        self.searched.push(SearchedPlace {
            kind,
            place: place.into(),
            status,
            candidates,
            note,
        });
    }

    /// A single well-known directory: a candidate when anything is there (a dangling link
    /// too, so it can be reported), otherwise recorded as absent.
    fn well_known(&mut self, kind: SourceKind, dir: PathBuf, detail: &str) {
        let present = self.host.fs().symlink_metadata(&dir).is_ok();
        let shown = dir.display().to_string();
        if present {
            self.push(What::Dir(dir.clone()), Source::new(kind, dir, detail));
            self.place(kind, shown, SearchStatus::Searched, 1, None);
        } else {
            self.place(kind, shown, SearchStatus::Absent, 0, None);
        }
    }

    /// Every entry of `parent` whose name `accept`s, as a candidate at `to_root(entry)`.
    /// Hidden names and plain files are skipped; links (even dangling ones) are candidates.
    /// `pattern` names the place in reports (`/usr/lib/go-*`). Returns the candidates' indices.
    fn scan(
        &mut self,
        kind: SourceKind,
        parent: &Path,
        pattern: &str,
        accept: impl Fn(&str) -> bool,
        to_root: impl Fn(&Path) -> PathBuf,
    ) -> std::ops::Range<usize> {
        let start = self.candidates.len();
        let fs = self.host.fs();
        let entries = match fs.read_dir_typed(parent) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.place(kind, pattern, SearchStatus::Absent, 0, None);
                return start..start;
            }
            Err(e) => {
                self.place(
                    kind,
                    pattern,
                    SearchStatus::Unreadable,
                    0,
                    Some(format!("cannot read {}: {e}", parent.display())),
                );
                return start..start;
            }
        };
        for e in entries {
            let name = e.name.to_string_lossy();
            if name.starts_with('.') || !accept(&name) {
                continue;
            }
            if e.is_plain_file(fs) {
                continue;
            }
            let root = to_root(&e.path);
            self.push(What::Dir(root.clone()), Source::new(kind, root, pattern));
        }
        let n = self.candidates.len() - start;
        self.place(kind, pattern, SearchStatus::Searched, n, None);
        start..self.candidates.len()
    }
}

/// Finds every Go installation `host` has. `active` is the explanation of the go that runs
/// here (from [`resolve::explain`]), used to mark the active install and to add it when no
/// other source reaches it.
pub fn discover(
    host: &Host,
    inspect: &dyn Inspect,
    active: Option<&resolve::Explanation>,
) -> Inventory {
    let mut search = Search::new(host);
    path::search(&mut search);
    env::search(&mut search);
    system::search(&mut search);
    managers::search(&mut search);
    modcache::search(&mut search);
    let Search {
        candidates,
        mut searched,
        ..
    } = search;

    let mut merger = Merger::new(host, inspect);
    for c in candidates {
        merger.add(c);
    }
    merger.attach_loose();

    let target = active.and_then(|ex| ActiveTarget::of(host, ex));
    let mut active_idx = target.as_ref().and_then(|t| merger.find_active(t));
    if active_idx.is_none() {
        if let Some(ActiveTarget::Goroot(root)) = &target {
            let before = merger.groups.len();
            merger.add(Candidate {
                what: What::Dir(root.clone()),
                source: Source::new(
                    SourceKind::Resolved,
                    root.clone(),
                    "the GOROOT go reports here",
                ),
                problems: Vec::new(),
                expect: Expect::default(),
            });
            searched.push(SearchedPlace {
                kind: SourceKind::Resolved,
                place: root.display().to_string(),
                status: SearchStatus::Searched,
                candidates: 1,
                note: None,
            });
            if merger.groups.len() > before {
                active_idx = Some(before);
            }
        }
    }

    let Merger {
        groups,
        mut rejected,
        loose,
        ..
    } = merger;
    rejected.extend(loose.into_iter().map(|l| {
        Rejected {
            path: l.path,
            source: l.source,
            kind: RejectKind::NoTree,
            reason:
                "a go binary with no Go tree around it or stamped in it: cmd/go would not find \
                 its GOROOT"
                    .to_owned(),
        }
    }));
    // Each group's tree is read on its own: many of them are read side by side.
    let installs = crate::par::map_ordered(groups.into_iter().enumerate().collect(), |(i, g)| {
        evaluate(host, inspect, g, active_idx == Some(i))
    });
    Inventory {
        installs,
        rejected,
        searched,
    }
}

/// Reads the binary and the tree of a merged group and judges its health.
fn evaluate(host: &Host, inspect: &dyn Inspect, g: Group, active: bool) -> Install {
    let (g, paths, sources) = g.into_routes();
    let fs = host.fs();
    let os = host.os();
    let go = go_in(os, &g.root);
    let mut health = Health::default();
    // bin/go is opened once: whether it is a file comes with what it holds.
    let (go_is_file, binary) = match inspect.inspect_file(fs, &go) {
        None => (false, None),
        Some(Ok(b)) => (true, Some(b)),
        Some(Err(e)) => {
            let code = match e {
                InspectError::Script { .. } => "go_is_script",
                InspectError::Unreadable { .. } => "go_unreadable",
                _ => "go_not_a_go_binary",
            };
            health.problem(code, e.to_string());
            (true, None)
        }
    };
    let target = binary.as_ref().and_then(GoBinary::target);
    // go.env is required from Go 1.21; without a readable binary only VERSION can tell.
    let minor = match binary.as_ref().and_then(|b| b.version.minor()) {
        Some(m) => Some(m),
        None => fs
            .read(&g.root.join("VERSION"))
            .ok()
            .and_then(|d| VersionFile::parse(&String::from_utf8_lossy(&d)))
            .and_then(|v| v.runtime_version().minor()),
    };
    let tree = inspect_tree_with(
        fs,
        &g.root,
        os,
        target.as_deref(),
        minor.is_some_and(|m| m >= 21),
        go_is_file.then_some(go),
    );
    health.missing = tree.missing.clone();

    if let Some(e) = &tree.version_error {
        health.problem("version_file_unreadable", e.clone());
    }
    let file_version = tree.version_file.as_ref().and_then(|vf| {
        let named = Version::from_toolchain(&vf.version);
        let devel = vf.version.starts_with("devel");
        if named.is_none() && !devel {
            health.problem(
                "version_file_invalid",
                format!(
                    "VERSION does not name a Go release: {:?}",
                    truncate(&vf.version, 60)
                ),
            );
            return None;
        }
        Some((vf.version.clone(), named))
    });
    let (version, version_origin) = match (&binary, &file_version) {
        (Some(b), _) => (Some(b.version.raw.clone()), Some(VersionOrigin::Binary)),
        (None, Some((v, _))) => (Some(v.clone()), Some(VersionOrigin::VersionFile)),
        (None, None) => (None, None),
    };
    if let (Some(b), Some((text, Some(named)))) = (&binary, &file_version) {
        if let Some(release) = &b.version.release {
            if !b.version.devel && release.to_string() != named.to_string() {
                health.problem(
                    "version_mismatch",
                    format!(
                        "VERSION says {text} but bin/go is {}: the tree holds parts of two releases",
                        b.version.raw
                    ),
                );
            }
        }
    }
    for p in g.problems {
        health.problem(p.code, p.message);
    }
    if let Some(b) = &binary {
        for e in &g.expects {
            check_expectation(&mut health, e, b);
        }
        check_platform(&mut health, host, b);
    }

    Install {
        root: g.root,
        paths,
        sources,
        version,
        version_origin,
        goos: binary.as_ref().and_then(|b| b.goos.clone()),
        goarch: binary.as_ref().and_then(|b| b.goarch.clone()),
        archs: binary.as_ref().map(|b| b.archs.clone()).unwrap_or_default(),
        go: tree.go_binary.clone(),
        health,
        active,
        binary,
        tree,
    }
}

/// A module-cache or `~/sdk` directory name promises a toolchain and a platform.
fn check_expectation(health: &mut Health, e: &Expect, b: &GoBinary) {
    if let Some(want) = &e.toolchain {
        let same = match (Version::from_toolchain(want), &b.version.release) {
            (Some(w), Some(r)) => w.to_string() == r.to_string(),
            _ => true,
        };
        if !same {
            health.problem(
                "name_mismatch",
                format!(
                    "the directory is named for {want} but bin/go is {}",
                    b.version.raw
                ),
            );
        }
    }
    let differs = |want: &Option<String>, got: &Option<String>| matches!((want, got), (Some(w), Some(g)) if w != g);
    if differs(&e.goos, &b.goos) || differs(&e.goarch, &b.goarch) {
        health.problem(
            "name_mismatch",
            format!(
                "the directory is named for {}/{} but bin/go is built for {}/{}",
                e.goos.as_deref().unwrap_or("?"),
                e.goarch.as_deref().unwrap_or("?"),
                b.goos.as_deref().unwrap_or("?"),
                b.goarch.as_deref().unwrap_or("?"),
            ),
        );
    }
}

/// A binary built for another OS or architecture than the host's.
fn check_platform(health: &mut Health, host: &Host, b: &GoBinary) {
    if let Some(goos) = &b.goos {
        if Os::from_goos(goos) != Some(host.os()) {
            health.problem(
                "foreign_os",
                format!(
                    "bin/go is built for {goos}, this machine runs {}",
                    host.os()
                ),
            );
            return;
        }
    }
    let Some(goarch) = &b.goarch else { return };
    let here = host.arch();
    if goarch == here || b.archs.iter().any(|a| a == here) || runs_natively(here, goarch) {
        return;
    }
    let how = if host.os() == Os::MacOs && here == "arm64" && goarch == "amd64" {
        "it runs under Rosetta 2, slower, and builds amd64 programs by default"
    } else {
        "it runs only under emulation, if at all"
    };
    health.problem(
        "foreign_arch",
        format!("bin/go is built for {goarch}, this machine is {here}: {how}"),
    );
}

/// 32-bit binaries that a 64-bit CPU of the same family runs directly.
fn runs_natively(host_arch: &str, bin_arch: &str) -> bool {
    matches!((host_arch, bin_arch), ("amd64", "386") | ("arm64", "arm"))
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
