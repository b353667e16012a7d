//! groot's own toolchain directory: listing, uninstalling, verifying and linking toolchains in
//! it. The layout itself (and what "complete" means) is [`crate::home`]'s:
//!
//! ```text
//! <home>/toolchains/go1.22.10/            a normal GOROOT (bin/go, pkg/tool/…, src/, VERSION)
//! <home>/toolchains/go1.22.10/.groot-manifest   every file with its sha256, size and mode
//! <home>/toolchains/go1.22.10/.groot-complete   the completion marker (JSON), written last
//! <home>/toolchains/go1.22.10-amd64/      a toolchain for a non-native arch
//! <home>/toolchains/mygo.link             `groot link mygo PATH`: {"goroot": "<adopted GOROOT>"}
//! <home>/tmp/                             staging dirs, partial downloads, trash (same filesystem)
//! <home>/locks/go1.22.10.lock             one lock per toolchain name
//! ```
//!
//! A directory in `toolchains/` without its completion marker is not a toolchain: [`Store::list`]
//! never shows it and the next install of that name replaces it. Go ignores the two extra files
//! at the root of a GOROOT.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::download::hash_file;
use super::lock::{Lock, LockError};
use super::{Event, Reporter};
use crate::home::{self, Layout};
use crate::version::Version;

/// The completion marker's file name, at the root of a managed toolchain.
pub const MARKER: &str = home::COMPLETE_MARKER;
/// The manifest's file name, at the root of a managed toolchain.
pub const MANIFEST: &str = home::MANIFEST;
use home::LINK_SUFFIX;
const MANIFEST_HEADER: &str = "# groot manifest v1";

/// groot's mark on a directory it creates in `tmp/` (staging, trash): an empty file at its
/// root. Cleaning `tmp/` removes only directories that carry it (or a completion marker: a
/// staging directory once its toolchain is complete, an old tree a reinstall set aside), so a
/// `tmp/` that is not groot's own loses nothing. Archives may not carry `.groot-*` names at
/// their root (`extract`), so a tree never brings its own.
pub const TMP_MARK: &str = ".groot-tmp";
/// `tmp/<name>.staging-<pid>-XXXX`: an install's staging directory.
pub const STAGING_INFIX: &str = ".staging-";
/// `tmp/<name>.previous-<pid>-<n>`: the old tree of a reinstall, between the two renames where
/// the OS cannot swap directories atomically.
const PREVIOUS_INFIX: &str = ".previous-";
/// `tmp/trash-<pid>-XXXX`: a tree being deleted.
const TRASH_PREFIX: &str = "trash-";
/// `toolchains/<name>.aside-<time>`: a directory without a completion marker found where an
/// install was going, kept (an interrupted install of an older groot, or a hand-made tree).
pub const ASIDE_INFIX: &str = ".aside-";

/// Puts groot's mark ([`TMP_MARK`]) in `dir`.
pub(crate) fn mark_tmp(dir: &Path) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o644);
    }
    options.open(dir.join(TMP_MARK)).map(drop)
}

/// Deletes `dir`, a directory groot made and marked, with its marks ([`TMP_MARK`], the
/// completion marker) last: a kill half-way leaves it still marked, so a later
/// [`Store::clean_tmp`] finishes the job. (`remove_dir_all` deletes in whatever order the
/// directory lists, so a kill could leave a non-empty directory without a mark, which no run
/// would ever touch again.)
pub(crate) fn remove_marked(dir: &Path) -> io::Result<()> {
    let mut marks = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if name == TMP_MARK || name == home::COMPLETE_MARKER {
            marks.push(path);
        } else if entry.file_type()?.is_dir() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    for mark in marks {
        fs::remove_file(mark)?;
    }
    fs::remove_dir(dir)
}

/// True when `path` is a directory (not a link to one) that carries groot's mark: [`TMP_MARK`]
/// or a completion marker, each a regular file.
pub fn carries_mark(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
        && (fs::symlink_metadata(path.join(TMP_MARK)).is_ok_and(|m| m.is_file())
            || home::is_complete(&crate::fs::Fs::real(), path))
}

/// The pid a name `<prefix><pid>-…` carries, when it does.
fn pid_in(rest: &str) -> Option<u32> {
    rest.split_once('-').and_then(|(pid, _)| pid.parse().ok())
}

/// Whether the process `pid` may still be running: on Linux, `/proc/<pid>` exists; where that
/// cannot be known, yes.
fn may_be_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_self = Path::new("/proc/self");
    if !proc_self.exists() {
        return true;
    }
    Path::new("/proc").join(pid.to_string()).exists()
}

/// groot's data directory.
#[derive(Clone, Debug)]
pub struct Store {
    home: PathBuf,
    /// The user's home directory (`$HOME`): refused as groot's home ([`home::check_home`]).
    user_home: Option<PathBuf>,
}

/// What the completion marker records about a managed toolchain.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Marker {
    /// The toolchain name (directory name).
    pub name: String,
    /// The Go version it holds (`go1.22.10`), from its VERSION file.
    pub version: String,
    /// GOOS it was built for.
    pub os: String,
    /// The arch it was built for.
    pub arch: String,
    /// Where it came from: a URL, an archive path, or `source:<url>` for a local build.
    pub source: String,
    /// The archive's sha256, when there was an archive.
    pub archive_sha256: Option<String>,
    /// Whether that hash was checked against an index (false only with
    /// `--insecure-skip-verify`).
    pub verified: bool,
    /// Seconds since the epoch at install.
    pub installed_unix: u64,
    /// Number of manifest entries.
    pub files: usize,
}

/// The completion marker of the managed toolchain at `root`, when it is there and parses.
pub fn read_marker(fs: &crate::fs::Fs, root: &Path) -> Option<Marker> {
    let bytes = fs
        .read_capped(&root.join(MARKER), crate::fs::cap::TOOL_VERSIONS)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// For a managed toolchain at `root`: whether its archive's sha256 was checked when it was
/// installed (`Some(false)`: `--insecure-skip-verify`). `None` when `root` has no readable
/// marker (not installed by groot).
pub fn archive_verified(fs: &crate::fs::Fs, root: &Path) -> Option<bool> {
    read_marker(fs, root).map(|m| m.verified)
}

/// A toolchain in the store.
#[derive(Clone, Debug)]
pub struct Toolchain {
    /// Its name in the store (`go1.22.10`, `go1.22.10-amd64`, a link name).
    pub name: String,
    /// Its GOROOT.
    pub root: PathBuf,
    /// Its version, from the marker or the VERSION file.
    pub version: Option<Version>,
    /// Managed or linked.
    pub kind: ToolchainKind,
}

/// How a toolchain came into the store.
#[derive(Clone, Debug)]
pub enum ToolchainKind {
    /// Installed by groot, with a marker and a manifest; `None` when the marker is there but
    /// does not parse (the tree is complete, its record damaged: `groot verify` tells more).
    Managed(Option<Marker>),
    /// Adopted with `groot link`; groot never modifies or deletes the tree.
    Linked {
        /// Whether the linked GOROOT still has `bin/go`.
        present: bool,
    },
}

/// One file or link of a managed toolchain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A regular file.
    File {
        /// Lowercase hex sha256.
        sha256: String,
        /// Size in bytes.
        size: u64,
        /// Whether it is executable.
        executable: bool,
    },
    /// A symbolic link (target as stored in the archive).
    Symlink {
        /// The link target.
        target: String,
    },
}

/// Every file of a toolchain, by `/`-separated path relative to its root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Entries by path.
    pub entries: BTreeMap<String, Entry>,
}

impl Manifest {
    /// The text form: a header line, then `f <sha256> <size> <x|-> <path>` or
    /// `l <path>\t<target>`, sorted by path. Paths never hold control characters (extraction
    /// refuses them), so a line is unambiguous.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.entries.len() * 100);
        out.push_str(MANIFEST_HEADER);
        out.push('\n');
        for (path, entry) in &self.entries {
            let _ = match entry {
                Entry::File {
                    sha256,
                    size,
                    executable,
                } => writeln!(
                    out,
                    "f {sha256} {size} {} {path}",
                    if *executable { 'x' } else { '-' }
                ),
                Entry::Symlink { target } => writeln!(out, "l {path}\t{target}"),
            };
        }
        out
    }

    /// Parses [`Manifest::to_text`]'s output.
    pub fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != MANIFEST_HEADER {
            return None;
        }
        let mut entries = BTreeMap::new();
        for line in lines {
            if let Some(rest) = line.strip_prefix("f ") {
                let mut parts = rest.splitn(4, ' ');
                let sha256 = parts.next()?.to_owned();
                let size = parts.next()?.parse().ok()?;
                let executable = match parts.next()? {
                    "x" => true,
                    "-" => false,
                    _ => return None,
                };
                let path = parts.next()?.to_owned();
                entries.insert(
                    path,
                    Entry::File {
                        sha256,
                        size,
                        executable,
                    },
                );
            } else if let Some(rest) = line.strip_prefix("l ") {
                let (path, target) = rest.split_once('\t')?;
                entries.insert(
                    path.to_owned(),
                    Entry::Symlink {
                        target: target.to_owned(),
                    },
                );
            } else if !line.is_empty() {
                return None;
            }
        }
        Some(Manifest { entries })
    }
}

impl Manifest {
    /// The manifest of a tree on disk (after a source build), without groot's own files.
    pub fn of_tree(root: &Path) -> io::Result<Manifest> {
        let mut paths = Vec::new();
        walk_files(root, "", &mut paths);
        let mut entries = BTreeMap::new();
        for path in paths {
            if path == MARKER || path == MANIFEST || path == TMP_MARK {
                continue;
            }
            let full = root.join(&path);
            let meta = fs::symlink_metadata(&full)?;
            let entry = if meta.file_type().is_symlink() {
                let target = fs::read_link(&full)?;
                Entry::Symlink {
                    target: target.to_string_lossy().into_owned(),
                }
            } else {
                let (sha256, size) = hash_file(&full)?;
                Entry::File {
                    sha256,
                    size,
                    executable: is_executable(&meta),
                }
            };
            entries.insert(path, entry);
        }
        Ok(Manifest { entries })
    }
}

/// What `verify` found wrong with one path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// In the manifest, not on disk.
    Missing(String),
    /// Content differs.
    Modified {
        /// The path.
        path: String,
        /// sha256 from the manifest.
        expected: String,
        /// sha256 on disk.
        actual: String,
    },
    /// The executable bit differs.
    Mode(String),
    /// A file became something else or the reverse, or a link points elsewhere.
    Kind(String),
    /// On disk, not in the manifest.
    Extra(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing(p) => write!(f, "missing: {p}"),
            Problem::Modified {
                path,
                expected,
                actual,
            } => write!(f, "modified: {path} (sha256 {actual}, expected {expected})"),
            Problem::Mode(p) => write!(f, "executable bit changed: {p}"),
            Problem::Kind(p) => write!(f, "changed type or link target: {p}"),
            Problem::Extra(p) => write!(f, "not installed by groot: {p}"),
        }
    }
}

/// The outcome of `verify`.
#[derive(Clone, Debug)]
pub struct VerifyReport {
    /// The toolchain.
    pub name: String,
    /// Its root.
    pub root: PathBuf,
    /// How many manifest entries were checked (0 for a linked toolchain).
    pub checked: usize,
    /// What differs. Empty means intact.
    pub problems: Vec<Problem>,
    /// Set for linked toolchains, which have no manifest: only `bin/go` was checked.
    pub linked: bool,
    /// Whether the archive's sha256 was checked at install (false: installed with
    /// `--insecure-skip-verify`, so the manifest only vouches for what was unpacked); `None`
    /// for a linked toolchain or a damaged marker.
    pub archive_verified: Option<bool>,
}

impl VerifyReport {
    /// True when nothing differs (extra files aside).
    pub fn is_intact(&self) -> bool {
        self.problems.iter().all(|p| matches!(p, Problem::Extra(_)))
    }
}

/// What `uninstall` removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Removed {
    /// A managed toolchain's tree.
    Managed(PathBuf),
    /// A link record (the linked tree itself is left alone).
    Link(PathBuf),
    /// A directory without a completion marker (an interrupted install from an older groot, or
    /// a hand-made one).
    Incomplete(PathBuf),
}

impl Store {
    /// The store rooted at `home`.
    pub fn new(home: PathBuf) -> Store {
        Store {
            home,
            user_home: None,
        }
    }

    /// The same store, refusing `user_home` (`$HOME`) as groot's home when it writes.
    pub fn with_user_home(mut self, user_home: Option<PathBuf>) -> Store {
        self.user_home = user_home;
        self
    }

    /// groot's data directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// The layout below the home.
    pub fn layout(&self) -> Layout {
        Layout::new(&self.home)
    }

    /// `<home>/toolchains`.
    pub fn toolchains_dir(&self) -> PathBuf {
        self.layout().toolchains()
    }

    /// `<home>/tmp`, on the same filesystem as `toolchains/`.
    pub fn tmp_dir(&self) -> PathBuf {
        self.layout().tmp()
    }

    /// The lock file for a toolchain name.
    pub fn lock_path(&self, name: &str) -> PathBuf {
        self.layout().lock(name)
    }

    /// The directory a managed toolchain of this name lives in.
    pub fn toolchain_dir(&self, name: &str) -> PathBuf {
        self.layout().toolchain(name)
    }

    fn link_path(&self, name: &str) -> PathBuf {
        self.layout().link_record(name)
    }

    /// Creates `toolchains/`, `tmp/` and `locks/`, once the home is known to be groot's
    /// ([`home::claim_home`]: never `/`, `$HOME`, or a directory groot did not make).
    pub fn ensure_layout(&self) -> Result<(), StoreError> {
        home::claim_home(&self.home, self.user_home.as_deref())?;
        for dir in [self.toolchains_dir(), self.tmp_dir(), self.layout().locks()] {
            super::create_dirs(&dir).map_err(|source| StoreError::Io { path: dir, source })?;
        }
        Ok(())
    }

    /// Takes the lock for `name`, telling `reporter` if it has to wait.
    pub fn lock(&self, name: &str, reporter: &dyn Reporter) -> Result<Lock, LockError> {
        Lock::acquire(&self.lock_path(name), || {
            reporter.event(Event::WaitingForLock { name });
        })
    }

    /// Every complete toolchain (managed with a marker, or linked), newest version first.
    pub fn list(&self) -> Result<Vec<Toolchain>, StoreError> {
        let dir = self.toolchains_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(StoreError::Io { path: dir, source }),
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let Some(entry) = home::Entry::parse(&file_name) else {
                continue;
            };
            let name = entry.name();
            if validate_name(name).is_err() {
                continue;
            }
            if let Some(t) = self.get(name)? {
                out.push(t);
            }
        }
        out.sort_by(|a, b| b.version.cmp(&a.version).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }

    /// The complete toolchain called `name`, if any.
    pub fn get(&self, name: &str) -> Result<Option<Toolchain>, StoreError> {
        validate_name(name)?;
        let link = self.link_path(name);
        if let Some(root) = home::read_link_record(&crate::fs::Fs::real(), &link) {
            return Ok(Some(Toolchain {
                name: name.to_owned(),
                version: read_version_file(&root),
                kind: ToolchainKind::Linked {
                    present: go_binary(&root).is_file(),
                },
                root,
            }));
        }
        let root = self.toolchain_dir(name);
        if !home::is_complete(&crate::fs::Fs::real(), &root) {
            return Ok(None);
        }
        let marker = match fs::read(root.join(MARKER)) {
            Ok(bytes) => serde_json::from_slice::<Marker>(&bytes).ok(),
            Err(source) => {
                return Err(StoreError::Io {
                    path: root.join(MARKER),
                    source,
                })
            }
        };
        let version = marker
            .as_ref()
            .and_then(|m| Version::from_toolchain(&m.version))
            .or_else(|| read_version_file(&root));
        Ok(Some(Toolchain {
            name: name.to_owned(),
            version,
            kind: ToolchainKind::Managed(marker),
            root,
        }))
    }

    /// Paths under `toolchains/` and `tmp/` that are not complete toolchains: what interrupted
    /// operations left. Harmless, and removed by the next install of the same name.
    pub fn leftovers(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if let Ok(entries) = fs::read_dir(self.toolchains_dir()) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_link = matches!(home::Entry::parse(&name), Some(home::Entry::Link(_)));
                let complete = home::is_complete(&crate::fs::Fs::real(), &e.path());
                if !is_link && !complete {
                    out.push(e.path());
                }
            }
        }
        if let Ok(entries) = fs::read_dir(self.tmp_dir()) {
            out.extend(entries.flatten().map(|e| e.path()));
        }
        out.sort();
        out
    }

    /// Removes `name`: a managed tree (renamed into `tmp/` first, so it disappears at once), or
    /// a link record (never the linked tree), or an incomplete directory.
    pub fn uninstall(&self, name: &str, reporter: &dyn Reporter) -> Result<Removed, StoreError> {
        validate_name(name)?;
        self.ensure_layout()?;
        let _lock = self.lock(name, reporter)?;
        let link = self.link_path(name);
        if link.is_file() {
            fs::remove_file(&link).map_err(|source| StoreError::Io {
                path: link.clone(),
                source,
            })?;
            return Ok(Removed::Link(link));
        }
        let root = self.toolchain_dir(name);
        if !root.is_dir() {
            return Err(StoreError::NotInstalled(name.to_owned()));
        }
        let complete = home::is_complete(&crate::fs::Fs::real(), &root);
        self.discard(&root)?;
        Ok(if complete {
            Removed::Managed(root)
        } else {
            Removed::Incomplete(root)
        })
    }

    /// Moves `dir` into `tmp/` (an atomic disappearance) and deletes it there.
    pub(crate) fn discard(&self, dir: &Path) -> Result<(), StoreError> {
        let tmp_err = |source| StoreError::Io {
            path: self.tmp_dir(),
            source,
        };
        let trash = tempfile::Builder::new()
            .prefix(&format!("{TRASH_PREFIX}{}-", std::process::id()))
            .tempdir_in(self.tmp_dir())
            .map_err(tmp_err)?
            .keep();
        mark_tmp(&trash).map_err(tmp_err)?;
        let target = trash.join("t");
        fs::rename(dir, &target).map_err(|source| {
            let _ = fs::remove_dir_all(&trash);
            StoreError::Io {
                path: dir.to_owned(),
                source,
            }
        })?;
        // The tree first, the mark last: a kill half-way leaves a marked directory.
        fs::remove_dir_all(&target)
            .and_then(|()| remove_marked(&trash))
            .map_err(|source| StoreError::Io {
                path: trash,
                source,
            })
    }

    /// Where a reinstall puts the old tree of `name` between its two renames (not created).
    pub(crate) fn previous_dir(&self, name: &str) -> io::Result<PathBuf> {
        let pid = std::process::id();
        for n in 0..1000u32 {
            let p = self
                .tmp_dir()
                .join(format!("{name}{PREVIOUS_INFIX}{pid}-{n}"));
            if fs::symlink_metadata(&p).is_err() {
                return Ok(p);
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "too many old trees in tmp/",
        ))
    }

    /// Moves what sits at `toolchains/<name>` (a directory without a completion marker, or a
    /// link) to `toolchains/<name>.aside-<unix time>`: kept, never deleted. Returns where it went.
    pub(crate) fn set_aside(&self, name: &str) -> io::Result<PathBuf> {
        let from = self.toolchain_dir(name);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        for n in 0..1000u32 {
            let suffix = if n == 0 {
                String::new()
            } else {
                format!("-{n}")
            };
            let to = self
                .toolchains_dir()
                .join(format!("{name}{ASIDE_INFIX}{stamp}{suffix}"));
            if fs::symlink_metadata(&to).is_ok() {
                continue;
            }
            fs::rename(&from, &to)?;
            return Ok(to);
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "too many directories set aside",
        ))
    }

    /// Puts back the old tree of `name` that a reinstall killed between its two renames left in
    /// `tmp/` (only where the OS cannot swap directories; see `install::commit`), when nothing
    /// is at `toolchains/<name>`. Call with the lock for `name` held.
    pub(crate) fn recover_previous(&self, name: &str) {
        let target = self.toolchain_dir(name);
        if fs::symlink_metadata(&target).is_ok() {
            return;
        }
        let Ok(entries) = fs::read_dir(self.tmp_dir()) else {
            return;
        };
        let prefix = format!("{name}{PREVIOUS_INFIX}");
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .filter(|p| home::is_complete(&crate::fs::Fs::real(), p) && carries_mark(p))
            .collect();
        found.sort_by_key(|p| fs::metadata(p).and_then(|m| m.modified()).ok());
        if let Some(newest) = found.pop() {
            let _ = fs::rename(newest, &target);
        }
    }

    /// Removes what killed groot processes left in `tmp/`: staging directories, trash and old
    /// trees set aside by a reinstall, each only when it carries groot's mark ([`carries_mark`])
    /// and the process named in it is gone (where that cannot be known: after a day). An old
    /// tree whose toolchain is missing is kept for [`Store::recover_previous`]. Anything else in
    /// `tmp/` (partial downloads, build logs, files groot did not make) is left alone.
    pub(crate) fn clean_tmp(&self) {
        let Ok(entries) = fs::read_dir(self.tmp_dir()) else {
            return;
        };
        let day = std::time::Duration::from_secs(24 * 60 * 60);
        for e in entries.flatten() {
            let file_name = e.file_name().to_string_lossy().into_owned();
            let (owner, previous_of) = if let Some(rest) = file_name.strip_prefix(TRASH_PREFIX) {
                (pid_in(rest), None)
            } else if let Some((_, rest)) = file_name.split_once(STAGING_INFIX) {
                (pid_in(rest), None)
            } else if let Some((name, rest)) = file_name.split_once(PREVIOUS_INFIX) {
                (pid_in(rest), Some(name.to_owned()))
            } else {
                continue;
            };
            let path = e.path();
            let gone = match owner {
                Some(pid) if Path::new("/proc/self").exists() => !may_be_alive(pid),
                _ => e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > day),
            };
            if !gone {
                continue;
            }
            if !carries_mark(&path) {
                // A kill between making a staging or trash directory and marking it (or
                // between deleting the mark and the directory) leaves it empty; `remove_dir`
                // removes only an empty directory, so nothing groot did not make can be lost.
                // (An old tree set aside is renamed in whole, never made empty.)
                if previous_of.is_none() {
                    let _ = fs::remove_dir(&path);
                }
                continue;
            }
            if let Some(name) = previous_of {
                if validate_name(&name).is_err()
                    || fs::symlink_metadata(self.toolchain_dir(&name)).is_err()
                {
                    continue;
                }
            }
            let _ = remove_marked(&path);
        }
    }

    /// The newest toolchain in the store that can bootstrap a build of `target` from source.
    pub fn pick_bootstrap(&self, target: &Version) -> Result<Option<Toolchain>, StoreError> {
        let minimum = super::install::bootstrap_minimum(target);
        Ok(self.list()?.into_iter().find(|t| {
            t.version.as_ref().is_some_and(|v| *v >= minimum)
                // A managed toolchain for another platform carries a suffix; it cannot run here.
                && (matches!(t.kind, ToolchainKind::Linked { .. })
                    || t.version.as_ref().is_some_and(|v| v.toolchain_name() == t.name))
                && go_binary(&t.root).is_file()
        }))
    }

    /// Checks every file of a managed toolchain against its manifest; for a linked one, only
    /// that `bin/go` exists.
    pub fn verify(&self, name: &str) -> Result<VerifyReport, StoreError> {
        let toolchain = self
            .get(name)?
            .ok_or_else(|| StoreError::NotInstalled(name.to_owned()))?;
        let root = toolchain.root.clone();
        if let ToolchainKind::Linked { present } = toolchain.kind {
            return Ok(VerifyReport {
                name: name.to_owned(),
                problems: if present {
                    Vec::new()
                } else {
                    vec![Problem::Missing(
                        go_binary(Path::new("")).display().to_string(),
                    )]
                },
                root,
                checked: 0,
                linked: true,
                archive_verified: None,
            });
        }
        let manifest_path = root.join(MANIFEST);
        let text = fs::read_to_string(&manifest_path).map_err(|source| StoreError::Io {
            path: manifest_path.clone(),
            source,
        })?;
        let manifest =
            Manifest::parse(&text).ok_or(StoreError::BadManifest(manifest_path.clone()))?;
        let mut problems = Vec::new();
        for (path, entry) in &manifest.entries {
            let full = root.join(path);
            let meta = match fs::symlink_metadata(&full) {
                Ok(m) => m,
                Err(_) => {
                    problems.push(Problem::Missing(path.clone()));
                    continue;
                }
            };
            match entry {
                Entry::File {
                    sha256, executable, ..
                } => {
                    if !meta.is_file() {
                        problems.push(Problem::Kind(path.clone()));
                        continue;
                    }
                    let actual = hash_file(&full).map_err(|source| StoreError::Io {
                        path: full.clone(),
                        source,
                    })?;
                    if &actual.0 != sha256 {
                        problems.push(Problem::Modified {
                            path: path.clone(),
                            expected: sha256.clone(),
                            actual: actual.0,
                        });
                    } else if cfg!(unix) && is_executable(&meta) != *executable {
                        problems.push(Problem::Mode(path.clone()));
                    }
                }
                Entry::Symlink { target } => {
                    let ok = meta.file_type().is_symlink()
                        && fs::read_link(&full).is_ok_and(|t| t.to_str() == Some(target.as_str()));
                    if !ok {
                        problems.push(Problem::Kind(path.clone()));
                    }
                }
            }
        }
        let mut extra = Vec::new();
        walk_files(&root, "", &mut extra);
        problems.extend(
            extra
                .into_iter()
                .filter(|p| p != MARKER && p != MANIFEST && !manifest.entries.contains_key(p))
                .map(Problem::Extra),
        );
        Ok(VerifyReport {
            name: name.to_owned(),
            root,
            checked: manifest.entries.len(),
            problems,
            linked: false,
            archive_verified: match &toolchain.kind {
                ToolchainKind::Managed(m) => m.as_ref().map(|m| m.verified),
                ToolchainKind::Linked { .. } => None,
            },
        })
    }

    /// Adopts the Go tree at `path` as `name` without copying it. The tree must have `bin/go`;
    /// groot will never modify or delete it (uninstall removes only the link).
    pub fn link(&self, name: &str, path: &Path) -> Result<Toolchain, StoreError> {
        validate_name(name)?;
        let root = fs::canonicalize(path).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        if !go_binary(&root).is_file() {
            return Err(StoreError::NotAGoroot(root));
        }
        let text = root
            .to_str()
            .ok_or_else(|| StoreError::NotUnicode(root.clone()))?
            .to_owned();
        self.ensure_layout()?;
        let _lock = self.lock(name, &super::Silent)?;
        if self.link_path(name).exists() || self.toolchain_dir(name).exists() {
            return Err(StoreError::Exists(name.to_owned()));
        }
        super::write_atomic(
            &self.link_path(name),
            home::link_record_text(Path::new(&text)).as_bytes(),
        )
        .map_err(|source| StoreError::Io {
            path: self.link_path(name),
            source,
        })?;
        self.get(name)?
            .ok_or_else(|| StoreError::NotInstalled(name.to_owned()))
    }
}

/// A toolchain name must be one plain path component: letters, digits and `._+-`, not
/// starting with `.` or `-`, not ending in `.link`.
pub fn validate_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with(['.', '-'])
        && !name.ends_with(LINK_SUFFIX)
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadName(name.to_owned()))
    }
}

/// `bin/go` (`bin\go.exe` on Windows) under `root`.
pub fn go_binary(root: &Path) -> PathBuf {
    home::go_binary(root, crate::host::Os::current())
}

/// The first line of `<root>/VERSION` as a version (`go1.22.10` → `1.22.10`).
pub fn read_version_file(root: &Path) -> Option<Version> {
    let text = fs::read_to_string(root.join("VERSION")).ok()?;
    Version::from_toolchain(text.lines().next()?.trim())
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    false
}

fn walk_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        match e.file_type() {
            Ok(t) if t.is_dir() => walk_files(&e.path(), &rel, out),
            Ok(_) => out.push(rel),
            Err(_) => {}
        }
    }
}

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A filesystem operation failed.
    #[error("cannot access {}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Nothing by that name.
    #[error("{0} is not installed")]
    NotInstalled(String),
    /// The name is taken.
    #[error("a toolchain called {0} already exists")]
    Exists(String),
    /// The name cannot be a directory name.
    #[error("`{0}` cannot name a toolchain: use letters, digits and . _ + - only")]
    BadName(String),
    /// `link` was given a directory without `bin/go`.
    #[error("{} is not a Go installation: it has no bin/go", .0.display())]
    NotAGoroot(PathBuf),
    /// A path groot must record is not UTF-8.
    #[error("{} is not valid unicode", .0.display())]
    NotUnicode(PathBuf),
    /// The manifest is unreadable.
    #[error("the manifest {} is damaged", .0.display())]
    BadManifest(PathBuf),
    /// Locking failed.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The data directory is not groot's to write.
    #[error(transparent)]
    Home(#[from] home::HomeError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips() {
        let mut m = Manifest::default();
        m.entries.insert(
            "bin/go".into(),
            Entry::File {
                sha256: "ab".repeat(32),
                size: 12,
                executable: true,
            },
        );
        m.entries.insert(
            "src/a b.go".into(),
            Entry::File {
                sha256: "cd".repeat(32),
                size: 0,
                executable: false,
            },
        );
        m.entries.insert(
            "lib/l".into(),
            Entry::Symlink {
                target: "../src/a b.go".into(),
            },
        );
        let text = m.to_text();
        assert_eq!(Manifest::parse(&text), Some(m));
        assert_eq!(Manifest::parse("nonsense"), None);
    }

    #[test]
    fn names() {
        for ok in ["go1.22.10", "go1.22.10-amd64", "mygo", "tip+exp_1"] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", ".", "..", "a/b", "a\\b", ".hidden", "-x", "x.link", "a b", "C:",
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn link_adopts_without_copying_and_uninstall_keeps_the_tree(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let goroot = tmp.path().join("elsewhere/go");
        fs::create_dir_all(goroot.join("bin"))?;
        fs::write(go_binary(&goroot), "#!/bin/sh\n")?;
        fs::write(goroot.join("VERSION"), "go1.21.13\ntime x\n")?;
        let store = Store::new(tmp.path().join("home"));
        let t = store.link("sys", &goroot)?;
        assert_eq!(t.version.map(|v| v.to_string()).as_deref(), Some("1.21.13"));
        assert!(matches!(
            store.link("sys", &goroot),
            Err(StoreError::Exists(_))
        ));
        assert!(matches!(
            store.link("empty", tmp.path()),
            Err(StoreError::NotAGoroot(_))
        ));
        let listed: Vec<String> = store.list()?.into_iter().map(|t| t.name).collect();
        assert_eq!(listed, ["sys"]);
        let report = store.verify("sys")?;
        assert!(report.linked && report.is_intact());
        assert!(matches!(
            store.uninstall("sys", &super::super::Silent)?,
            Removed::Link(_)
        ));
        assert!(go_binary(&goroot).is_file(), "the linked tree stays");
        assert!(store.list()?.is_empty());
        Ok(())
    }

    /// Issue 12, item 6, through the store: linking a GOROOT whose directory name ends in a
    /// newline gives that GOROOT back, not its sibling without the newline.
    #[cfg(unix)]
    #[test]
    fn a_linked_path_ending_in_a_newline_round_trips() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        for dir in ["go\n", "go"] {
            let root = tmp.path().join(dir);
            fs::create_dir_all(root.join("bin"))?;
            fs::write(go_binary(&root), "#!/bin/sh\n")?;
        }
        let store = Store::new(tmp.path().join("home"));
        let t = store.link("nl", &tmp.path().join("go\n"))?;
        assert_eq!(t.root, fs::canonicalize(tmp.path().join("go\n"))?);
        let again = store.get("nl")?.ok_or("not linked")?;
        assert_eq!(again.root, t.root);
        Ok(())
    }

    #[test]
    fn directories_without_marker_are_not_listed() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let store = Store::new(tmp.path().to_owned());
        fs::create_dir_all(store.toolchain_dir("go1.22.1").join("bin"))?;
        assert!(store.list()?.is_empty());
        assert!(store.get("go1.22.1")?.is_none());
        assert_eq!(store.leftovers(), [store.toolchain_dir("go1.22.1")]);
        assert!(matches!(
            store.uninstall("go1.22.1", &super::super::Silent)?,
            Removed::Incomplete(_)
        ));
        assert!(!store.toolchain_dir("go1.22.1").exists());
        Ok(())
    }

    fn complete_tree(root: &Path) {
        fs::create_dir_all(root.join("bin")).expect("mkdir");
        fs::write(go_binary(root), "#!/bin/sh\n").expect("write");
        fs::write(root.join(MANIFEST), format!("{MANIFEST_HEADER}\n")).expect("write");
        fs::write(root.join(MARKER), "{}").expect("write");
    }

    /// Where the OS cannot swap two directories, a reinstall killed between renaming the old
    /// tree aside and the new one in leaves `toolchains/<name>` empty: the next install puts
    /// the old tree back.
    #[test]
    fn a_tree_left_between_the_renames_of_a_reinstall_is_put_back() {
        let tmp = tempfile::tempdir().expect("tmp");
        let store = Store::new(tmp.path().to_owned());
        store.ensure_layout().expect("layout");
        let previous = store.tmp_dir().join("go1.22.10.previous-4194999-0");
        complete_tree(&previous);
        // Another name's old tree, and an unmarked look-alike, stay where they are.
        complete_tree(&store.tmp_dir().join("go1.21.13.previous-4194999-0"));
        fs::create_dir_all(store.tmp_dir().join("go1.22.1.previous-4194999-0")).expect("mkdir");
        store.recover_previous("go1.22.10");
        assert!(store.get("go1.22.10").expect("get").is_some());
        assert!(!previous.exists());
        store.recover_previous("go1.22.1");
        assert!(store.get("go1.22.1").expect("get").is_none());
        // Cleaning keeps an old tree whose toolchain is missing (it is all there is of it).
        store.clean_tmp();
        assert!(store
            .tmp_dir()
            .join("go1.21.13.previous-4194999-0")
            .exists());
        assert!(store.tmp_dir().join("go1.22.1.previous-4194999-0").exists());
    }
}
