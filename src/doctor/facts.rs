//! Everything the checks look at, gathered once.
//!
//! [`gather`] reads the machine through the [`Host`]: the host report, PATH and the state of
//! each entry, the explanation of the go that runs in the directory ([`crate::launch::explain`]: launchers, then cmd/go's model), the
//! effective Go settings with their sources (environment > user go env file > `$GOROOT/go.env`),
//! the module and build caches, the C compiler, every Go installation ([`discovery`]), what the
//! package tools say about each, the release list, the shell startup analysis of every launch
//! context, and groot's own store. Checks are then pure functions of [`Facts`].
//!
//! Parts that other layers may not provide are `Option`s, so a missing input skips the checks
//! that need it instead of failing them. Nothing here panics on bad input: an unreadable file
//! is absent data or a note.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::discovery::{self, Inventory};
use crate::dist;
use crate::env_vars;
use crate::host::{Host, Os};
use crate::resolve::{self, Explanation, Request, Setting, SettingSource};
use crate::shell;
use crate::toolchain::tree::Tree;
use crate::toolchain::Inspect;
use crate::vulndb;

use super::hostinfo::{self, HostInfo, ProcessProbe};
use super::packages::{self, PackageFacts, Target};
use super::support::ReleaseList;

/// Go settings whose effective value and source doctor computes.
pub const SETTINGS: &[&str] = &[
    "GOPATH",
    "GOBIN",
    "GOMODCACHE",
    "GOCACHE",
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GONOSUMCHECK",
    "GONOPROXY",
    "GOPRIVATE",
    "GOINSECURE",
    "GOFLAGS",
    "GOTOOLCHAIN",
    "CGO_ENABLED",
    "CC",
];

/// How to gather.
#[derive(Clone, Debug)]
pub struct Options {
    /// The directory to diagnose (default: the working directory).
    pub dir: Option<PathBuf>,
    /// Ask package tools (dpkg, rpm, pkgutil, codesign) about each install.
    pub packages: bool,
    /// Time limit of each external tool.
    pub tool_timeout: Duration,
    /// In-process facts about the running machine (`None` in tests).
    pub probe: Option<ProcessProbe>,
    /// Read the Go vulnerability database (cached for a day; `GOVULNDB`).
    pub vulndb: bool,
    /// Ask the vulnerability database even when the cached copy is fresh.
    pub vulndb_refresh: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dir: None,
            packages: true,
            tool_timeout: Duration::from_secs(3),
            probe: None,
            vulndb: true,
            vulndb_refresh: false,
        }
    }
}

/// One PATH entry and what is there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PathDir {
    /// 0-based position.
    pub index: usize,
    /// As written.
    pub entry: String,
    /// Empty, `.` or relative: searched relative to whatever directory a command runs in.
    pub relative: bool,
    pub exists: bool,
    /// Anyone may create files in it (mode o+w).
    pub world_writable: bool,
    /// The sticky bit (others' files cannot be removed, but new ones can be created).
    pub sticky: bool,
}

/// A part of the GOROOT in use that someone besides its owner may change: whoever can write
/// there can replace the `go` command, the compiler or the standard library.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UnsafePerm {
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub path: PathBuf,
    /// Mode o+w (without the sticky bit's protection, new files can be planted either way).
    pub world_writable: bool,
    /// Group-writable (mode g+w).
    pub group_writable: bool,
    /// The owner, when it is neither the user doctor reasons as nor root.
    pub foreign_owner: Option<u32>,
}

/// A cache directory go writes to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CacheDir {
    /// `GOMODCACHE` or `GOCACHE`.
    pub name: &'static str,
    pub path: PathBuf,
    /// Where the location came from (`environment`, `file:line`, `default`).
    pub source: String,
    pub exists: bool,
    pub owner: Option<u32>,
    /// The user doctor models can create files in it.
    pub writable: bool,
    /// Entries (the directory itself and a sample of its contents) owned by another user.
    pub foreign: Vec<(PathBuf, u32)>,
}

/// The C toolchain cgo would use.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CcFacts {
    /// `CGO_ENABLED` as set (env, go env file), if set.
    pub cgo_enabled: Option<Setting>,
    /// `CC` as set, if set.
    pub cc: Option<Setting>,
    /// The compiler go looks for: `CC`, else `clang` (macOS, BSD) or `gcc`.
    pub compiler: String,
    /// Where PATH finds it.
    pub found: Option<PathBuf>,
    /// macOS: a developer directory (Command Line Tools or Xcode) exists; the `/usr/bin`
    /// compilers are shims that fail without one.
    pub developer_dir: Option<bool>,
}

/// What the shell layer predicts.
#[derive(Clone, Debug, Serialize)]
pub struct ShellFacts {
    pub predictions: Vec<shell::contexts::Prediction>,
    /// `/etc/paths` and `/etc/paths.d/*` lines, in path_helper's order (macOS).
    pub paths_d: Vec<PathsDLine>,
    /// The shell layer's gap analysis over the same predictions (the codes `groot fix` fixes).
    pub gaps: Vec<shell::gaps::Gap>,
}

/// One line of a path_helper file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PathsDLine {
    pub file: PathBuf,
    pub line: usize,
    pub dir: String,
    pub exists: bool,
    /// The version of a `go` in that directory, when there is one.
    pub go_version: Option<String>,
}

/// A place that sets GOROOT explicitly: the variable or the go env file's line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GorootSource {
    /// As written.
    pub value: String,
    /// `environment` or `file:line`.
    pub source: String,
    /// The go env file and line, for a go env file source.
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    /// This source decides GOROOT (the variable beats the file).
    pub effective: bool,
    pub exists: bool,
    /// `pkg/tool` is a directory.
    pub is_goroot: bool,
    /// The tree's VERSION.
    pub version: Option<String>,
    /// A nearby directory that is a Go root (the parent of a `…/go/bin` value).
    pub suggestion: Option<PathBuf>,
    /// The launcher that gives go another GOROOT (goenv's shim exports its own), so this one
    /// only reaches tools that read `$GOROOT` themselves.
    pub replaced_by: Option<String>,
}

/// groot's own store.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StoreFacts {
    pub home: PathBuf,
    /// What interrupted installs left.
    pub leftovers: Vec<PathBuf>,
    /// Linked toolchains whose tree is gone: (name, root).
    pub broken_links: Vec<(String, PathBuf)>,
    /// Toolchains installed with `--insecure-skip-verify` (their archive's hash never
    /// checked): (name, version, root).
    pub unverified: Vec<(String, Option<String>, PathBuf)>,
    /// `default` and `current` name different toolchains.
    pub default_mismatch: Option<DefaultMismatch>,
}

/// `<home>/default` and `<home>/current` disagree (`groot use` writes both).
#[derive(Clone, Debug, Serialize)]
pub struct DefaultMismatch {
    /// The name in `default`, when there is one (none: the default is "system").
    pub default: Option<String>,
    /// The root of that toolchain, when it is installed.
    pub default_root: Option<PathBuf>,
    /// The `current` link (logical) and its target as stored.
    pub current: PathBuf,
    pub current_target: PathBuf,
}

/// The Go vulnerability database, as loaded for this run.
#[derive(Clone, Debug, Default)]
pub struct VulnFacts {
    /// Its base URL.
    pub url: String,
    /// The database, when it could be read (from the cache or the server).
    pub loaded: Option<vulndb::Loaded>,
    /// Why it could not be read.
    pub error: Option<String>,
}

/// Everything the checks need.
#[derive(Clone, Debug)]
pub struct Facts {
    pub host: HostInfo,
    pub os: Os,
    /// The user id doctor reasons as (Unix).
    pub uid: Option<u32>,
    pub home: Option<PathBuf>,
    /// Every environment variable, as text.
    pub env: BTreeMap<String, String>,
    pub path: Vec<PathDir>,
    pub explanation: crate::launch::Explained,
    /// GOROOT as set by the environment and the go env file.
    pub goroot_sources: Vec<GorootSource>,
    /// Effective values of [`SETTINGS`] that are set, with their source.
    pub settings: BTreeMap<&'static str, Setting>,
    /// GOPATH entries (default `~/go`).
    pub gopath: Vec<PathBuf>,
    /// Where `go install` puts binaries: GOBIN, else the first GOPATH entry + `/bin`.
    pub gobin: Option<PathBuf>,
    /// The files in [`Facts::gobin`] (`None` when it does not exist).
    pub gobin_files: Option<Vec<String>>,
    /// When a version manager's shim sets GOBIN for the go it runs: how the shell reaches
    /// what `go install` puts there (through that manager's shims, after a reshim).
    pub gobin_launcher: Option<GobinLauncher>,
    pub caches: Vec<CacheDir>,
    /// Parts of the GOROOT in use (root, `bin`, `bin/go`, `pkg/tool/*`, `src`) others may write.
    pub goroot_perms: Vec<UnsafePerm>,
    pub cc: CcFacts,
    pub inventory: Option<Inventory>,
    pub packages: Vec<PackageFacts>,
    pub releases: ReleaseList,
    pub shell: Option<ShellFacts>,
    pub store: Option<StoreFacts>,
    /// Version managers' shims directories (goenv, asdf, mise, groot).
    pub manager_shims: Vec<(crate::discovery::SourceKind, PathBuf)>,
    /// Known vulnerabilities of Go versions.
    pub vulns: VulnFacts,
    /// Things that could not be gathered.
    pub notes: Vec<String>,
}

impl Facts {
    /// The effective value of a setting, if set anywhere.
    pub fn setting(&self, key: &str) -> Option<&Setting> {
        self.settings.get(key)
    }

    /// The tree at the GOROOT that ends up used (or the local one when go fails before).
    pub fn tree(&self) -> Option<&Tree> {
        self.explanation
            .tree
            .as_ref()
            .or(self.explanation.local_tree.as_ref())
    }

    /// The terminal context's prediction, if the shell layer ran.
    pub fn terminal(&self) -> Option<&shell::contexts::Prediction> {
        self.shell
            .as_ref()?
            .predictions
            .iter()
            .find(|p| p.context.id == shell::contexts::ContextId::Terminal)
    }
}

/// Gathers every fact.
pub fn gather(host: &Host, inspect: &dyn Inspect, opts: &Options) -> Facts {
    let mut notes = Vec::new();
    let info = hostinfo::gather(host, opts.probe.as_ref());
    let env: BTreeMap<String, String> = host
        .vars()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let uid = host.uid();
    let request = Request {
        dir: opts.dir.clone(),
        go: None,
    };
    // The shell analysis (every launch context) is independent of the rest: run it alongside.
    let shell_dir = host.absolute(opts.dir.as_deref().unwrap_or(host.cwd()));
    let shell = gather_shell(host, &shell_dir);
    let explanation = crate::launch::explain(host, inspect, &request);
    let inventory = discovery::discover(host, inspect, Some(&explanation));
    let shell = shell.map(|mut sh| {
        annotate_paths_d(&mut sh, &inventory);
        sh
    });
    let settings = effective_settings(host, &explanation);
    let home = host.home();
    let gopath = gopath(host, &settings, &explanation);
    let gobin = match settings.get("GOBIN") {
        Some(s) => Some(host.absolute(Path::new(&s.value))),
        None => gopath.first().map(|g| g.join("bin")),
    };
    let gobin_files = gobin.as_ref().and_then(|d| {
        host.fs().read_dir(d).ok().map(|es| {
            es.into_iter()
                .filter(|e| host.fs().is_file(&e.path))
                .map(|e| e.name.to_string_lossy().into_owned())
                .collect()
        })
    });
    let gobin_launcher = gobin_launcher(host, &settings, &explanation, gobin_files.as_deref());
    let goroot_sources = goroot_sources(host, &explanation);
    let caches = caches(host, &settings, &gopath, uid);
    let goroot_perms = explanation
        .tree
        .as_ref()
        .or(explanation.local_tree.as_ref())
        .map(|t| goroot_perms(host, &t.root, uid))
        .unwrap_or_default();
    let cc = cc_facts(host, &settings);
    let path = path_dirs(host);

    // Package queries run on threads while the rest is gathered.
    let targets: Vec<Target> = if opts.packages {
        inventory
            .installs
            .iter()
            .map(|i| Target {
                root: i.root.clone(),
                paths: {
                    let mut p: Vec<PathBuf> = i
                        .paths
                        .iter()
                        .filter(|p| p.file_name().is_some_and(|n| n == "go"))
                        .cloned()
                        .collect();
                    if let Some(g) = &i.go {
                        if !p.contains(g) {
                            p.push(g.clone());
                        }
                    }
                    p
                },
                binary: i.go.clone(),
            })
            .filter(|t| packages::needs_query(host.os(), t))
            .collect()
    } else {
        Vec::new()
    };
    let (packages, releases, store, vulns) = std::thread::scope(|s| {
        let pk = (!targets.is_empty())
            .then(|| s.spawn(|| packages::query_all(host, &targets, opts.tool_timeout)));
        let releases = release_list(host, &inventory);
        let store = store_facts(host);
        let vulns = if opts.vulndb {
            let (o, loaded) = vulndb::load_for_host(host, opts.vulndb_refresh, false);
            match loaded {
                Ok(l) => VulnFacts {
                    url: o.url,
                    loaded: Some(l),
                    error: None,
                },
                Err(e) => VulnFacts {
                    url: o.url,
                    loaded: None,
                    error: Some(e.to_string()),
                },
            }
        } else {
            VulnFacts::default()
        };
        let packages = pk.and_then(|h| h.join().ok()).unwrap_or_default();
        (packages, releases, store, vulns)
    });
    notes.extend(vulns.error.iter().cloned());
    notes.extend(vulns.loaded.iter().flat_map(|l| l.notes.iter().cloned()));
    for p in &packages {
        for n in &p.notes {
            if n.contains("did not finish") || n.contains("could not start") {
                notes.push(n.clone());
            }
        }
    }
    if let Some(e) = &explanation.user_env.as_ref().and_then(|u| u.error.clone()) {
        notes.push(e.clone());
    }
    Facts {
        host: info,
        os: host.os(),
        uid,
        home,
        env,
        path,
        explanation,
        goroot_sources,
        settings,
        gopath,
        gobin,
        gobin_files,
        gobin_launcher,
        caches,
        goroot_perms,
        cc,
        inventory: Some(inventory),
        packages,
        releases,
        shell,
        store,
        manager_shims: discovery::shim_dirs(host),
        vulns,
        notes,
    }
}

/// cmd/go's `cfg.Getenv` for the final toolchain: environment, then the user go env file, then
/// `$GOROOT/go.env`.
/// A GOBIN that a version manager's shim sets (see [`Facts::gobin_launcher`]).
#[derive(Clone, Debug)]
pub struct GobinLauncher {
    /// `mise shim`.
    pub label: &'static str,
    /// The manager's shims directory (where the `go` shim the shell runs is).
    pub shims: PathBuf,
    /// The command that makes shims for new tools (`mise reshim`).
    pub reshim: &'static str,
    /// The files in GOBIN with no shim of the same name.
    pub unshimmed: Vec<String>,
}

fn gobin_launcher(
    host: &Host,
    settings: &BTreeMap<&'static str, Setting>,
    ex: &crate::launch::Explained,
    files: Option<&[String]>,
) -> Option<GobinLauncher> {
    use crate::launch::Kind;
    let Some(SettingSource::Launcher { .. }) = settings.get("GOBIN").map(|s| &s.source) else {
        return None;
    };
    let launcher = ex
        .launchers
        .iter()
        .rev()
        .find(|l| l.env.iter().any(|c| c.name == "GOBIN"))?;
    let reshim = match launcher.kind {
        Kind::Mise => "mise reshim",
        Kind::Asdf => "asdf reshim golang",
        Kind::Goenv => "goenv rehash",
        _ => return None,
    };
    let shims = launcher.path.parent()?.to_path_buf();
    let unshimmed = files
        .unwrap_or_default()
        .iter()
        .filter(|name| !host.fs().exists(&shims.join(name.as_str())))
        .cloned()
        .collect();
    Some(GobinLauncher {
        label: launcher.kind.label(),
        shims,
        reshim,
        unshimmed,
    })
}

/// The settings a version manager's shim makes for the go it runs, besides GOROOT and PATH
/// (which the explanation follows): where `go install` puts tools, and GOPATH.
const LAUNCHER_SETTINGS: &[&str] = &["GOPATH", "GOBIN"];

/// What the last launcher in front of go that changes `key` leaves it at: `Some(None)` when it
/// unsets or empties it, `None` when no launcher touches it.
fn launcher_setting<'a>(
    ex: &'a crate::launch::Explained,
    key: &str,
) -> Option<(Option<&'a str>, &'static str)> {
    if !LAUNCHER_SETTINGS.contains(&key) {
        return None;
    }
    ex.launchers.iter().rev().find_map(|l| {
        l.env
            .iter()
            .rev()
            .find(|c| c.name == key)
            .map(|c| (c.value.as_deref().filter(|v| !v.is_empty()), l.kind.label()))
    })
}

fn effective_settings(
    host: &Host,
    ex: &crate::launch::Explained,
) -> BTreeMap<&'static str, Setting> {
    let tree = ex.tree.as_ref().or(ex.local_tree.as_ref());
    let mut out = BTreeMap::new();
    for &key in SETTINGS {
        let by_launcher = launcher_setting(ex, key);
        let s = if let Some((Some(v), launcher)) = by_launcher {
            Some(Setting {
                value: v.to_owned(),
                source: SettingSource::Launcher {
                    launcher: launcher.to_owned(),
                },
            })
        } else if let Some(v) = host.var_nonempty(key).filter(|_| by_launcher.is_none()) {
            Some(Setting {
                value: v.to_owned(),
                source: SettingSource::Environment,
            })
        } else if let Some(e) = ex.user_env.as_ref().and_then(|u| u.get(key)) {
            Some(Setting {
                value: e.value.clone(),
                source: SettingSource::UserEnvFile {
                    path: ex
                        .user_env
                        .as_ref()
                        .and_then(|u| u.path.clone())
                        .unwrap_or_default(),
                    line: e.line,
                },
            })
        } else {
            tree.and_then(|t| {
                let e = t
                    .go_env
                    .as_ref()?
                    .get(key, crate::envfile::Precedence::FirstWins)?;
                Some(Setting {
                    value: e.value.clone(),
                    source: SettingSource::GorootGoEnv {
                        path: t.root.join("go.env"),
                        line: e.line,
                    },
                })
            })
        };
        if let Some(s) = s.filter(|s| !s.value.is_empty()) {
            out.insert(key, s);
        }
    }
    out
}

fn gopath(
    host: &Host,
    settings: &BTreeMap<&'static str, Setting>,
    ex: &Explanation,
) -> Vec<PathBuf> {
    match settings.get("GOPATH") {
        Some(s) => host
            .split_list(std::ffi::OsStr::new(&s.value))
            .into_iter()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| host.absolute(&p))
            .collect(),
        None => {
            let Some(def) = host.home().map(|h| h.join("go")) else {
                return Vec::new();
            };
            // cmd/go leaves GOPATH empty when the default would be GOROOT.
            if ex.goroot.as_deref().map(Path::new) == Some(def.as_path()) {
                return Vec::new();
            }
            vec![def]
        }
    }
}

/// The parts of the tree at `root` whose permissions let someone else change what `go` runs.
#[cfg(unix)]
fn goroot_perms(host: &Host, root: &Path, uid: Option<u32>) -> Vec<UnsafePerm> {
    use std::os::unix::fs::MetadataExt;
    let fs = host.fs();
    let mut paths = vec![
        root.to_path_buf(),
        root.join("bin"),
        root.join("bin/go"),
        root.join("pkg"),
        root.join("pkg/tool"),
        root.join("src"),
    ];
    if let Ok(entries) = fs.read_dir(&root.join("pkg/tool")) {
        paths.extend(entries.into_iter().map(|e| e.path));
    }
    paths
        .into_iter()
        .filter_map(|path| {
            let m = fs.metadata(&path).ok()?;
            let mode = m.mode();
            let foreign_owner = uid
                .filter(|u| m.uid() != *u && m.uid() != 0)
                .map(|_| m.uid());
            let p = UnsafePerm {
                path,
                world_writable: mode & 0o002 != 0,
                group_writable: mode & 0o020 != 0,
                foreign_owner,
            };
            (p.world_writable || p.foreign_owner.is_some()).then_some(p)
        })
        .collect()
}

#[cfg(not(unix))]
fn goroot_perms(_host: &Host, _root: &Path, _uid: Option<u32>) -> Vec<UnsafePerm> {
    Vec::new()
}

fn source_text(s: &Setting) -> String {
    s.source.to_string()
}

fn caches(
    host: &Host,
    settings: &BTreeMap<&'static str, Setting>,
    gopath: &[PathBuf],
    uid: Option<u32>,
) -> Vec<CacheDir> {
    let mut out = Vec::new();
    let modcache = match settings.get("GOMODCACHE") {
        Some(s) => Some((host.absolute(Path::new(&s.value)), source_text(s))),
        None => gopath.first().map(|g| {
            (
                g.join("pkg").join("mod"),
                "default ($GOPATH/pkg/mod)".to_owned(),
            )
        }),
    };
    if let Some((p, src)) = modcache {
        out.push(inspect_cache(
            host,
            "GOMODCACHE",
            p,
            src,
            uid,
            &["cache", "cache/download"],
        ));
    }
    let gocache = match settings.get("GOCACHE") {
        Some(s) if s.value == "off" => None,
        Some(s) => Some((host.absolute(Path::new(&s.value)), source_text(s))),
        None => user_cache_dir(host).map(|d| (d.join("go-build"), "default".to_owned())),
    };
    if let Some((p, src)) = gocache {
        out.push(inspect_cache(host, "GOCACHE", p, src, uid, &[]));
    }
    out
}

/// Go's `os.UserCacheDir`.
fn user_cache_dir(host: &Host) -> Option<PathBuf> {
    match host.os() {
        Os::Windows => host.var_nonempty(env_vars::LOCALAPPDATA).map(PathBuf::from),
        Os::MacOs => host.home().map(|h| h.join("Library/Caches")),
        _ => host
            .var_nonempty(env_vars::XDG_CACHE_HOME)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| host.home().map(|h| h.join(".cache"))),
    }
}

/// How many entries of a cache directory are sampled for foreign owners.
const CACHE_SAMPLE: usize = 32;

fn inspect_cache(
    host: &Host,
    name: &'static str,
    path: PathBuf,
    source: String,
    uid: Option<u32>,
    extra: &[&str],
) -> CacheDir {
    let fs = host.fs();
    let mut c = CacheDir {
        name,
        path: path.clone(),
        source,
        ..CacheDir::default()
    };
    let Ok(meta) = fs.metadata(&path) else {
        return c;
    };
    c.exists = meta.is_dir();
    let (owner, writable) = owner_writable(&meta, uid);
    c.owner = owner;
    c.writable = writable;
    let Some(uid) = uid else { return c };
    let mut check = |p: PathBuf| {
        if let Ok(m) = fs.symlink_metadata(&p) {
            if let (Some(o), _) = owner_writable(&m, Some(uid)) {
                if o != uid && c.foreign.len() < 20 {
                    c.foreign.push((p, o));
                }
            }
        }
    };
    check(path.clone());
    for e in extra {
        check(path.join(e));
    }
    if let Ok(entries) = fs.read_dir(&path) {
        for e in entries.into_iter().take(CACHE_SAMPLE) {
            check(e.path);
        }
    }
    c
}

#[cfg(unix)]
fn owner_writable(meta: &std::fs::Metadata, uid: Option<u32>) -> (Option<u32>, bool) {
    use std::os::unix::fs::MetadataExt;
    let mode = meta.mode();
    let owner = meta.uid();
    let writable = match uid {
        Some(0) => true,
        Some(u) => (owner == u && mode & 0o200 != 0) || mode & 0o002 != 0,
        None => true,
    };
    (Some(owner), writable)
}

#[cfg(not(unix))]
fn owner_writable(meta: &std::fs::Metadata, _uid: Option<u32>) -> (Option<u32>, bool) {
    (None, !meta.permissions().readonly())
}

fn cc_facts(host: &Host, settings: &BTreeMap<&'static str, Setting>) -> CcFacts {
    let cc = settings.get("CC").cloned();
    let default = match host.os() {
        Os::MacOs | Os::FreeBsd | Os::OpenBsd => "clang",
        _ => "gcc",
    };
    let compiler = cc
        .as_ref()
        .and_then(|c| c.value.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| default.to_owned());
    let found = if Path::new(&compiler).is_absolute() {
        let p = PathBuf::from(&compiler);
        host.fs().is_executable_file(&p).then_some(p)
    } else {
        let name = format!("{compiler}{}", host.os().exe_suffix());
        resolve::lookpath::lookup(host, &name, resolve::Style::Go, None)
            .chosen()
            .map(|c| c.absolute.clone())
    };
    let developer_dir = (host.os() == Os::MacOs).then(|| {
        let fs = host.fs();
        fs.exists(Path::new(
            "/Library/Developer/CommandLineTools/usr/bin/clang",
        )) || fs.exists(Path::new(
            "/Applications/Xcode.app/Contents/Developer/usr/bin",
        )) || fs
            .canonicalize(Path::new("/var/db/xcode_select_link"))
            .is_ok_and(|r| fs.is_dir(&r.path))
    });
    CcFacts {
        cgo_enabled: settings.get("CGO_ENABLED").cloned(),
        cc,
        compiler,
        found,
        developer_dir,
    }
}

fn path_dirs(host: &Host) -> Vec<PathDir> {
    host.path_entries()
        .into_iter()
        .enumerate()
        .map(|(index, e)| {
            let entry = e.to_string_lossy().into_owned();
            let relative = entry.is_empty() || !e.is_absolute();
            let mut d = PathDir {
                index,
                entry,
                relative,
                ..PathDir::default()
            };
            let abs = host.absolute(&e);
            if let Ok(m) = host.fs().metadata(&abs) {
                d.exists = m.is_dir();
                #[cfg(unix)]
                {
                    use std::os::unix::fs::MetadataExt;
                    d.world_writable = m.is_dir() && m.mode() & 0o002 != 0;
                    d.sticky = m.mode() & 0o1000 != 0;
                }
            }
            d
        })
        .collect()
}

fn goroot_sources(host: &Host, ex: &crate::launch::Explained) -> Vec<GorootSource> {
    let mut out = Vec::new();
    let env = host.var_nonempty(env_vars::GOROOT).map(str::to_owned);
    // A launcher in front of go that sets or clears GOROOT decides it for go.
    let replaced_by = ex
        .launchers
        .iter()
        .rev()
        .find(|l| l.env.iter().any(|c| c.name == env_vars::GOROOT))
        .map(|l| format!("{} ({})", l.kind.label(), l.path.display()));
    if let Some(v) = &env {
        out.push(GorootSource {
            value: v.clone(),
            source: "environment".to_owned(),
            effective: replaced_by.is_none(),
            replaced_by: replaced_by.clone(),
            ..GorootSource::default()
        });
    }
    if let Some(u) = &ex.user_env {
        if let Some(e) = u.get(env_vars::GOROOT).filter(|e| !e.value.is_empty()) {
            let file = u.path.clone().unwrap_or_default();
            out.push(GorootSource {
                value: e.value.clone(),
                source: format!("{}:{}", file.display(), e.line),
                file: Some(file),
                line: Some(e.line),
                effective: env.is_none() && replaced_by.is_none(),
                replaced_by: replaced_by.clone(),
                ..GorootSource::default()
            });
        }
    }
    let fs = host.fs();
    for s in &mut out {
        let p = host.absolute(Path::new(&s.value));
        s.exists = fs.is_dir(&p);
        s.is_goroot = crate::toolchain::tree::is_goroot(fs, &p);
        s.version = fs
            .read(&p.join("VERSION"))
            .ok()
            .and_then(|d| crate::toolchain::tree::VersionFile::parse(&String::from_utf8_lossy(&d)))
            .map(|v| v.version);
        if !s.is_goroot {
            let parent = crate::fs::dir(&p);
            if parent != p && crate::toolchain::tree::is_goroot(fs, &parent) {
                s.suggestion = Some(parent);
            }
        }
    }
    out
}

/// Fills in the version of the `go` in each path_helper directory.
fn annotate_paths_d(sh: &mut ShellFacts, inventory: &Inventory) {
    for l in &mut sh.paths_d {
        let go = Path::new(&l.dir).join("go");
        l.go_version = inventory
            .installs
            .iter()
            .find(|i| i.paths.contains(&go) || i.go.as_ref() == Some(&go))
            .and_then(|i| i.version.clone());
    }
}

/// The shell layer's view of this host, the same one `groot contexts` and `groot fix` build:
/// every context of `$SHELL` and of the other shells the user has, and their gaps.
fn gather_shell(host: &Host, dir: &Path) -> Option<ShellFacts> {
    if host.os() == Os::Windows {
        return None;
    }
    let fs = host.fs();
    let (platform, session, predictions) = shell::contexts::survey::predict_host(host, Some(dir));
    let mut paths_d = Vec::new();
    if host.os() == Os::MacOs {
        for file in shell::startup::path_helper::config_files(fs, Path::new("/")) {
            let Ok(data) = fs.read(&file) else {
                continue;
            };
            for (i, line) in String::from_utf8_lossy(&data).lines().enumerate() {
                let dir = line.trim();
                if dir.is_empty() {
                    continue;
                }
                paths_d.push(PathsDLine {
                    file: file.clone(),
                    line: i + 1,
                    dir: dir.to_owned(),
                    exists: host.fs().is_dir(Path::new(dir)),
                    go_version: None,
                });
            }
        }
    }
    let gaps = shell::gaps::find_gaps(&shell::gaps::GapInputs {
        fs,
        platform: &platform,
        session: &session,
        predictions: &predictions,
    });
    Some(ShellFacts {
        predictions,
        paths_d,
        gaps,
    })
}

fn release_list(host: &Host, inventory: &Inventory) -> ReleaseList {
    let cached = crate::home::cache_home(host).and_then(|cache| {
        let url = host
            .var_nonempty(dist::env::GROOT_INDEX_URL)
            .unwrap_or(dist::OFFICIAL_INDEX_URL);
        let (json, _) = dist::index::cache_paths(&cache, url);
        let data = host.fs().read(&json).ok()?;
        ReleaseList::from_cache(&json, &data)
    });
    let mut list = cached.unwrap_or_else(ReleaseList::embedded);
    list.extend(
        inventory
            .installs
            .iter()
            .filter_map(|i| i.version.as_deref())
            .filter_map(crate::version::Version::from_toolchain),
    );
    list
}

/// Whether `default` and `current` agree: `current` must lead to the root of the toolchain
/// `default` names, and must not exist when there is no default. A default that names nothing
/// installed, or a missing `current` (Windows without the symlink privilege), is not judged.
fn default_mismatch(
    store: &dist::Store,
    home: &Path,
    real: &Path,
    logical: &dyn Fn(PathBuf) -> PathBuf,
) -> Option<DefaultMismatch> {
    let layout = crate::home::Layout::new(real);
    let target = std::fs::read_link(layout.current()).ok()?;
    let default = crate::fs::read_regular(&layout.default_file(), crate::fs::cap::VERSION_FILE)
        .ok()
        .and_then(|d| {
            String::from_utf8_lossy(&d)
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
        });
    let mismatch = |default_root: Option<PathBuf>| DefaultMismatch {
        default: default.clone(),
        default_root,
        current: home.join(crate::home::CURRENT_LINK),
        current_target: target.clone(),
    };
    let Some(name) = &default else {
        return Some(mismatch(None));
    };
    let t = store.get(name).ok().flatten()?;
    let resolved = std::fs::canonicalize(real.join(&target)).ok();
    let root = std::fs::canonicalize(&t.root).ok();
    if resolved.is_some() && resolved == root {
        return None;
    }
    Some(mismatch(Some(logical(t.root))))
}

fn store_facts(host: &Host) -> Option<StoreFacts> {
    let home = crate::home::groot_home(host)?;
    let real = host.fs().to_real(&home);
    if !real.is_dir() {
        return None;
    }
    let store = dist::Store::new(real.clone());
    let logical = |p: PathBuf| host.fs().to_logical(&p).unwrap_or(p);
    let leftovers = store.leftovers().into_iter().map(logical).collect();
    let listed = store.list().unwrap_or_default();
    let unverified = listed
        .iter()
        .filter_map(|t| match &t.kind {
            dist::ToolchainKind::Managed(Some(m)) if !m.verified => Some((
                t.name.clone(),
                t.version
                    .as_ref()
                    .map(crate::version::Version::toolchain_name),
                logical(t.root.clone()),
            )),
            _ => None,
        })
        .collect();
    let broken_links = listed
        .into_iter()
        .filter_map(|t| match t.kind {
            dist::ToolchainKind::Linked { present: false } => Some((t.name, t.root)),
            _ => None,
        })
        .collect();
    let default_mismatch = default_mismatch(&store, &home, &real, &logical);
    Some(StoreFacts {
        home,
        leftovers,
        broken_links,
        unverified,
        default_mismatch,
    })
}
