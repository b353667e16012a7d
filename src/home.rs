//! groot's own directory ("home") and its layout, written down once. Every module that reads or
//! writes groot's data — [`crate::select`], [`crate::shim`], [`crate::dist`],
//! [`crate::discovery`], the CLI — asks this module where things are and whether a toolchain is
//! installed, so they can never disagree.
//!
//! ```text
//! <home>/toolchains/go1.22.10/                  a GOROOT installed by groot
//! <home>/toolchains/go1.22.10/.groot-complete   the completion marker, written last
//! <home>/toolchains/go1.22.10/.groot-manifest   every file with its hash (dist)
//! <home>/toolchains/mygo.link                   `groot link mygo PATH`: {"goroot": "<path>"}
//! <home>/.groot-home                            marks the directory as groot's home
//! <home>/shims/{go,gofmt}                       links to the groot binary
//! <home>/default                                the global default's name (`groot use`)
//! <home>/current -> toolchains/<default>        the zero-cost link to the default's root
//! <home>/tmp/                                   staging, partial downloads, trash
//! <home>/locks/<name>.lock                      one lock per toolchain name
//! <cache>/index-*.json, vulndb-*.txt            the release index and vulnerability data
//! ```
//!
//! `<home>` is [`groot_home`]: `$GROOT_HOME`, else `$XDG_DATA_HOME/groot` or
//! `~/.local/share/groot` on Linux, other Unixes *and macOS* (a path without spaces, as uv and
//! mise use), `%LOCALAPPDATA%\groot` on Windows. `<cache>` is [`cache_home`], kept apart from the
//! data: `$GROOT_CACHE_DIR`, else `<home>/cache` when `$GROOT_HOME` is set (a home of its own
//! keeps everything), else `$XDG_CACHE_HOME/groot` or the platform's cache directory
//! (`~/.cache/groot`, `~/Library/Caches/groot`, `%LOCALAPPDATA%\groot\cache`).
//!
//! Older groot versions kept the macOS data in `~/Library/Application Support/groot`
//! ([`legacy_macos_home`]). Until [`migrate_legacy_macos_home`] has moved it (the CLI does that
//! once, with a note, and leaves a link behind), [`groot_home`] keeps using it.
//!
//! "Installed" has one meaning, [`is_complete`]: a directory in `toolchains/` is a toolchain
//! only when its completion marker is a regular file (an install writes it last, after every
//! file and the manifest). What the shims can *run* adds one more test, [`is_runnable`]: `bin/go`
//! for the OS and `pkg/tool/` (a toolchain for another OS is installed, not runnable here). A
//! link record counts when it names an absolute GOROOT whose `bin/go` is a file
//! ([`link_target`]). All are a few `stat`s (and one small read for a link), cheap enough for
//! the shim.
//!
//! This module sits at the bottom of the crate with [`crate::fs`] and [`crate::host`]: it knows
//! paths, never policy.

use std::path::{Path, PathBuf};

use crate::env_vars;
use crate::fs::Fs;
use crate::host::{Host, Os};

/// `toolchains/`: one directory (or link record) per toolchain.
pub const TOOLCHAINS_DIR: &str = "toolchains";
/// `shims/`: `go` and `gofmt`, links to the groot binary.
pub const SHIMS_DIR: &str = "shims";
/// `tmp/`: staging directories, partial downloads and trash, on the same filesystem as
/// `toolchains/` so a finished install is one rename.
pub const TMP_DIR: &str = "tmp";
/// `locks/`: one lock file per toolchain name.
pub const LOCKS_DIR: &str = "locks";
/// `cache/`: where groot before the separate cache directory kept the index (and where the
/// cache is when `$GROOT_HOME` is set; see [`cache_home`]).
pub const CACHE_DIR: &str = "cache";
/// `backups/`: copies of startup files `groot fix` edited.
pub const BACKUPS_DIR: &str = "backups";
/// The global default's file: one line, a toolchain name or request.
pub const DEFAULT_FILE: &str = "default";
/// The link `current -> toolchains/<default>` (absolute for a linked GOROOT).
pub const CURRENT_LINK: &str = "current";
/// The completion marker at the root of a managed toolchain, written last by an install.
pub const COMPLETE_MARKER: &str = ".groot-complete";
/// The manifest at the root of a managed toolchain.
pub const MANIFEST: &str = ".groot-manifest";
/// The suffix of a link record in `toolchains/`.
pub const LINK_SUFFIX: &str = ".link";
/// The file that makes a directory groot's home, written when groot first writes there.
pub const HOME_MARKER: &str = ".groot-home";

/// What a home made by a groot older than [`HOME_MARKER`] may hold: such a home is adopted (the
/// marker written) on the next write.
const LEGACY_ENTRIES: &[&str] = &[
    TOOLCHAINS_DIR,
    SHIMS_DIR,
    TMP_DIR,
    LOCKS_DIR,
    CACHE_DIR,
    BACKUPS_DIR,
    DEFAULT_FILE,
    CURRENT_LINK,
];

/// Why a directory cannot be groot's home.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    /// `/` (or a drive root).
    #[error("refusing to use {} as groot's data directory: it is the root of the filesystem", .0.display())]
    Root(PathBuf),
    /// The user's own home directory.
    #[error("refusing to use {} as groot's data directory: it is your home directory", .0.display())]
    UserHome(PathBuf),
    /// A directory with other things in it and no [`HOME_MARKER`].
    #[error(
        "refusing to use {} as groot's data directory: it is not empty and has no {HOME_MARKER}, \
         so groot did not make it ({})",
        .path.display(),
        .found
    )]
    Foreign {
        /// The directory.
        path: PathBuf,
        /// A few of the entries that are not groot's.
        found: String,
    },
    /// It exists and is not a directory.
    #[error("refusing to use {} as groot's data directory: it is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// Creating it or its marker failed.
    #[error("cannot create groot's data directory {}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl HomeError {
    /// The hint to show under the error.
    pub fn hint(&self) -> &'static str {
        "set GROOT_HOME to a directory of its own (for example ~/.local/share/groot), or unset it"
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    if crate::fs::clean(a) == crate::fs::clean(b) {
        return true;
    }
    crate::fs::same_physical_file(a, b)
}

/// Checks that `root` may be groot's home, without writing anything: it is not `/`, not
/// `user_home` (`$HOME`), and if it exists it is a directory that is empty, carries
/// [`HOME_MARKER`], or holds only what groot puts in a home (one made by an older groot).
pub fn check_home(root: &Path, user_home: Option<&Path>) -> Result<(), HomeError> {
    let is_root =
        root.parent().is_none() || std::fs::canonicalize(root).is_ok_and(|p| p.parent().is_none());
    if is_root {
        return Err(HomeError::Root(root.to_owned()));
    }
    if user_home.is_some_and(|h| same_dir(root, h)) {
        return Err(HomeError::UserHome(root.to_owned()));
    }
    let meta = match std::fs::metadata(root) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(HomeError::Io {
                path: root.to_owned(),
                source,
            })
        }
    };
    if !meta.is_dir() {
        return Err(HomeError::NotADirectory(root.to_owned()));
    }
    if std::fs::symlink_metadata(root.join(HOME_MARKER)).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    let entries = std::fs::read_dir(root).map_err(|source| HomeError::Io {
        path: root.to_owned(),
        source,
    })?;
    let mut foreign: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            !LEGACY_ENTRIES.contains(&n.as_str())
                && !n.starts_with(".default.tmp")
                && !n.starts_with(".current.tmp")
        })
        .map(|n| {
            // Names are shown: no control characters, no screenful.
            let shown: String = n
                .chars()
                .take(40)
                .map(|c| if c.is_control() { '?' } else { c })
                .collect();
            if n.chars().count() > 40 {
                format!("{shown}…")
            } else {
                shown
            }
        })
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let more = foreign.len().saturating_sub(3);
    foreign.truncate(3);
    let mut found = format!("it holds {}", foreign.join(", "));
    if more > 0 {
        found.push_str(&format!(" and {more} more"));
    }
    Err(HomeError::Foreign {
        path: root.to_owned(),
        found,
    })
}

/// [`check_home`], then makes `root` groot's home: creates it (0755) and its [`HOME_MARKER`].
/// Every command that writes into the home calls this first, so a refused home gets nothing,
/// not even a directory.
pub fn claim_home(root: &Path, user_home: Option<&Path>) -> Result<(), HomeError> {
    check_home(root, user_home)?;
    let marker = root.join(HOME_MARKER);
    if std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| HomeError::Io { path, source }
    };
    crate::fs::create_dir_with_mode(root, 0o755, true).map_err(io(root))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o644);
    }
    // Empty: its name is the mark.
    options.open(&marker).map(drop).map_err(io(&marker))
}

/// The facts that decide groot's data directory.
#[derive(Clone, Debug, Default)]
pub struct HomeFacts<'a> {
    /// Rust's OS name (`std::env::consts::OS`).
    pub os: &'a str,
    /// `$GROOT_HOME`.
    pub groot_home: Option<PathBuf>,
    /// `$XDG_DATA_HOME`.
    pub xdg_data_home: Option<PathBuf>,
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// `%LOCALAPPDATA%`.
    pub local_app_data: Option<PathBuf>,
    /// `%USERPROFILE%`.
    pub user_profile: Option<PathBuf>,
    /// `$XDG_CACHE_HOME`.
    pub xdg_cache_home: Option<PathBuf>,
    /// `$GROOT_CACHE_DIR`.
    pub groot_cache_dir: Option<PathBuf>,
}

/// groot's data directory: `$GROOT_HOME`, else the platform's per-user data directory
/// (`$XDG_DATA_HOME/groot` or `~/.local/share/groot` on Linux, other Unixes and macOS;
/// `%LOCALAPPDATA%\groot` on Windows). Relative XDG paths are ignored, as the XDG spec says.
/// This is the path by the facts alone; [`groot_home`] also keeps an unmoved
/// [`legacy_macos_home`].
pub fn default_home(facts: &HomeFacts<'_>) -> Option<PathBuf> {
    if let Some(home) = &facts.groot_home {
        return Some(home.clone());
    }
    match facts.os {
        "windows" => windows_local(facts).map(|p| p.join("groot")),
        _ => facts
            .xdg_data_home
            .clone()
            .filter(|p| p.is_absolute())
            .or_else(|| facts.home.as_ref().map(|h| h.join(".local").join("share")))
            .map(|p| p.join("groot")),
    }
}

fn windows_local(facts: &HomeFacts<'_>) -> Option<PathBuf> {
    facts.local_app_data.clone().or_else(|| {
        facts
            .user_profile
            .as_ref()
            .map(|p| p.join("AppData").join("Local"))
    })
}

/// groot's cache directory (the release index, the vulnerability database): `$GROOT_CACHE_DIR`,
/// else `<$GROOT_HOME>/cache` when `$GROOT_HOME` is set, else `$XDG_CACHE_HOME/groot` (an
/// absolute one), else the platform's: `~/.cache/groot`, `~/Library/Caches/groot` on macOS,
/// `%LOCALAPPDATA%\groot\cache` on Windows (as uv does).
pub fn default_cache(facts: &HomeFacts<'_>) -> Option<PathBuf> {
    if let Some(dir) = &facts.groot_cache_dir {
        return Some(dir.clone());
    }
    if let Some(home) = &facts.groot_home {
        return Some(home.join(CACHE_DIR));
    }
    let xdg = facts.xdg_cache_home.clone().filter(|p| p.is_absolute());
    match facts.os {
        "windows" => xdg
            .map(|p| p.join("groot"))
            .or_else(|| windows_local(facts).map(|p| p.join("groot").join(CACHE_DIR))),
        "macos" | "ios" => xdg
            .or_else(|| {
                facts
                    .home
                    .as_ref()
                    .map(|h| h.join("Library").join("Caches"))
            })
            .map(|p| p.join("groot")),
        _ => xdg
            .or_else(|| facts.home.as_ref().map(|h| h.join(".cache")))
            .map(|p| p.join("groot")),
    }
}

/// Where groot kept its data on macOS before it moved to `~/.local/share/groot`.
pub fn legacy_macos_home(user_home: &Path) -> PathBuf {
    user_home
        .join("Library")
        .join("Application Support")
        .join("groot")
}

fn host_facts(host: &Host) -> HomeFacts<'_> {
    let get = |name: &str| {
        host.var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    HomeFacts {
        os: match host.os() {
            Os::MacOs => "macos",
            Os::Windows => "windows",
            _ => "linux",
        },
        groot_home: get(env_vars::GROOT_HOME).map(|p| host.absolute(&p)),
        xdg_data_home: get(env_vars::XDG_DATA_HOME),
        home: host.home(),
        local_app_data: get(env_vars::LOCALAPPDATA),
        user_profile: get(env_vars::USERPROFILE),
        // The cache's variables are read by `cache_home` alone: the shim reads only what
        // `shim::VARS` lists.
        xdg_cache_home: None,
        groot_cache_dir: None,
    }
}

/// The store of an older groot on a Mac that has not been moved yet: the default is not
/// `$GROOT_HOME`, nothing is at the new place, and the old place is a real directory (after the
/// move it is a link).
fn unmoved_legacy(host: &Host, facts: &HomeFacts<'_>, new: &Path) -> Option<PathBuf> {
    if host.os() != Os::MacOs || facts.groot_home.is_some() {
        return None;
    }
    let fs = host.fs();
    if fs.symlink_metadata(new).is_ok() {
        return None;
    }
    let old = legacy_macos_home(facts.home.as_deref()?);
    fs.symlink_metadata(&old)
        .is_ok_and(|m| m.is_dir())
        .then_some(old)
}

/// groot's data directory on `host`: `$GROOT_HOME` when set (made absolute against the working
/// directory), else [`default_home`] for the host's OS; on a Mac whose store has not been moved
/// yet, [`legacy_macos_home`]. `None` when no base directory is known.
pub fn groot_home(host: &Host) -> Option<PathBuf> {
    let facts = host_facts(host);
    let home = default_home(&facts)?;
    Some(unmoved_legacy(host, &facts, &home).unwrap_or(home))
}

/// groot's cache directory on `host` ([`default_cache`]), a logical path.
pub fn cache_home(host: &Host) -> Option<PathBuf> {
    let get = |name: &str| {
        host.var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    default_cache(&HomeFacts {
        xdg_cache_home: get(env_vars::XDG_CACHE_HOME),
        groot_cache_dir: get(env_vars::GROOT_CACHE_DIR).map(|p| host.absolute(&p)),
        ..host_facts(host)
    })
}

/// What [`migrate_legacy_macos_home`] did.
#[derive(Debug, PartialEq, Eq)]
pub struct Migrated {
    /// The old store, now a link to `to`.
    pub from: PathBuf,
    /// The new store.
    pub to: PathBuf,
}

/// Moves an older groot's macOS store (`~/Library/Application Support/groot`) to
/// [`default_home`] once, and leaves a relative link at the old place so that shells still
/// holding the old shims directory in PATH, IDE settings and `current` paths keep working.
/// Nothing happens (`Ok(None)`) off macOS, with `$GROOT_HOME`, when the old store is missing
/// or already a link, or when something is at the new place already.
pub fn migrate_legacy_macos_home(host: &Host) -> std::io::Result<Option<Migrated>> {
    let facts = host_facts(host);
    let Some(new) = default_home(&facts) else {
        return Ok(None);
    };
    let Some(old) = unmoved_legacy(host, &facts, &new) else {
        return Ok(None);
    };
    let fs = host.fs();
    let (real_old, real_new) = (fs.to_real(&old), fs.to_real(&new));
    if let Some(parent) = real_new.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // Both below $HOME: one rename (a cross-device move is left to the user, with the error).
    std::fs::rename(&real_old, &real_new)?;
    #[cfg(unix)]
    {
        // When this fails the store is moved and works; only the convenience link is missing.
        let _ = std::os::unix::fs::symlink(relative_link_target(&old, &new), &real_old);
    }
    Ok(Some(Migrated { from: old, to: new }))
}

/// The target of a link at `link` that points to `target`, relative when both are absolute
/// (so it works inside a `GROOT_ROOT` and if the home directory is moved).
#[cfg_attr(not(unix), allow(dead_code))] // the link is made on Unix (macOS) only
fn relative_link_target(link: &Path, target: &Path) -> PathBuf {
    let Some(dir) = link.parent() else {
        return target.to_owned();
    };
    if !dir.is_absolute() || !target.is_absolute() {
        return target.to_owned();
    }
    let a: Vec<_> = dir.components().collect();
    let b: Vec<_> = target.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out
}

/// The layout below one home directory. Paths are as given (logical for a [`Host`], real for
/// the installer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// The layout below `root`.
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        Layout { root: root.into() }
    }

    /// The layout of `host`'s groot home ([`groot_home`]).
    pub fn of(host: &Host) -> Option<Layout> {
        groot_home(host).map(Layout::new)
    }

    /// The home directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<home>/toolchains`.
    pub fn toolchains(&self) -> PathBuf {
        self.root.join(TOOLCHAINS_DIR)
    }

    /// `<home>/toolchains/<name>`: where a managed toolchain of this name lives.
    pub fn toolchain(&self, name: &str) -> PathBuf {
        self.toolchains().join(name)
    }

    /// `<home>/toolchains/<name>.link`: the link record of this name.
    pub fn link_record(&self, name: &str) -> PathBuf {
        self.toolchains().join(format!("{name}{LINK_SUFFIX}"))
    }

    /// `<home>/shims`.
    pub fn shims(&self) -> PathBuf {
        self.root.join(SHIMS_DIR)
    }

    /// `<home>/default`.
    pub fn default_file(&self) -> PathBuf {
        self.root.join(DEFAULT_FILE)
    }

    /// `<home>/current`.
    pub fn current(&self) -> PathBuf {
        self.root.join(CURRENT_LINK)
    }

    /// `<home>/tmp`.
    pub fn tmp(&self) -> PathBuf {
        self.root.join(TMP_DIR)
    }

    /// `<home>/locks`.
    pub fn locks(&self) -> PathBuf {
        self.root.join(LOCKS_DIR)
    }

    /// `<home>/locks/<name>.lock`.
    pub fn lock(&self, name: &str) -> PathBuf {
        self.locks().join(format!("{name}.lock"))
    }

    /// `<home>/backups`.
    pub fn backups(&self) -> PathBuf {
        self.root.join(BACKUPS_DIR)
    }
}

/// An entry of `toolchains/` by file name: a managed directory or a link record, with its
/// toolchain name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    /// `toolchains/<name>/`.
    Managed(&'a str),
    /// `toolchains/<name>.link`.
    Link(&'a str),
}

impl<'a> Entry<'a> {
    /// What the file name `file_name` in `toolchains/` stands for; `None` for hidden names.
    pub fn parse(file_name: &'a str) -> Option<Entry<'a>> {
        if file_name.starts_with('.') {
            return None;
        }
        Some(match file_name.strip_suffix(LINK_SUFFIX) {
            Some(name) => Entry::Link(name),
            None => Entry::Managed(file_name),
        })
    }

    /// The toolchain name.
    pub fn name(self) -> &'a str {
        match self {
            Entry::Managed(n) | Entry::Link(n) => n,
        }
    }
}

/// `bin/go` (with the OS's executable suffix) below a GOROOT.
pub fn go_binary(root: &Path, os: Os) -> PathBuf {
    root.join("bin").join(format!("go{}", os.exe_suffix()))
}

/// **The** test of an installed managed toolchain: `root` carries the completion marker as a
/// regular file (an install writes it last). A directory failing it is what an interrupted
/// install (or a hand-made copy) left.
pub fn is_complete(fs: &Fs, root: &Path) -> bool {
    fs.symlink_metadata(&root.join(COMPLETE_MARKER))
        .is_ok_and(|m| m.is_file())
}

/// An installed toolchain the shims can run on `os`: [`is_complete`], with `bin/go` for that
/// OS and `pkg/tool/`.
pub fn is_runnable(fs: &Fs, root: &Path, os: Os) -> bool {
    runnable_go(fs, root, os).is_some()
}

/// [`is_runnable`], keeping the metadata of `bin/go` it read (symlinks followed), so that a
/// caller about to run it need not `stat` it again. `None` when the toolchain is not runnable.
pub fn runnable_go(fs: &Fs, root: &Path, os: Os) -> Option<std::fs::Metadata> {
    if !is_complete(fs, root) {
        return None;
    }
    let go = regular_file(fs, &go_binary(root, os))?;
    fs.is_dir(&root.join("pkg").join("tool")).then_some(go)
}

/// The metadata of a regular file (symlinks followed); `None` for anything else.
fn regular_file(fs: &Fs, path: &Path) -> Option<std::fs::Metadata> {
    fs.metadata(path).ok().filter(|m| m.is_file())
}

/// The GOROOT a link record names, as written (`None` when it cannot be read).
///
/// A record is one JSON object, `{"goroot": "<path>"}`, so any path round-trips, one ending in
/// a newline included. Records written before that hold the path and a newline; they are still
/// read (a GOROOT path is absolute, so it never starts with `{`).
pub fn read_link_record(fs: &Fs, record: &Path) -> Option<PathBuf> {
    let data = fs.read_capped(record, crate::fs::cap::TOOL_VERSIONS).ok()?;
    if data.first() == Some(&b'{') {
        let value: serde_json::Value = serde_json::from_slice(&data).ok()?;
        return value.get("goroot")?.as_str().map(PathBuf::from);
    }
    let text = String::from_utf8_lossy(&data);
    Some(PathBuf::from(text.trim_end_matches(['\n', '\r'])))
}

/// The text a link record to `root` holds (see [`read_link_record`]).
pub fn link_record_text(root: &Path) -> String {
    format!(
        "{}\n",
        serde_json::json!({ "goroot": root.to_string_lossy() })
    )
}

/// The GOROOT a link record names when the link is usable: absolute, with `bin/go` a file.
pub fn link_target(fs: &Fs, record: &Path, os: Os) -> Option<PathBuf> {
    link_target_go(fs, record, os).map(|(root, _)| root)
}

/// [`link_target`], with the metadata of its `bin/go` (see [`runnable_go`]).
pub fn link_target_go(fs: &Fs, record: &Path, os: Os) -> Option<(PathBuf, std::fs::Metadata)> {
    let root = read_link_record(fs, record)?;
    if !root.is_absolute() {
        return None;
    }
    let go = regular_file(fs, &go_binary(&root, os))?;
    Some((root, go))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, "x").expect("write");
    }

    #[test]
    fn layout_names_every_place() {
        let l = Layout::new("/h");
        assert_eq!(l.toolchains(), Path::new("/h/toolchains"));
        assert_eq!(l.toolchain("go1.22.1"), Path::new("/h/toolchains/go1.22.1"));
        assert_eq!(l.link_record("my"), Path::new("/h/toolchains/my.link"));
        assert_eq!(l.shims(), Path::new("/h/shims"));
        assert_eq!(l.default_file(), Path::new("/h/default"));
        assert_eq!(l.current(), Path::new("/h/current"));
        assert_eq!(l.tmp(), Path::new("/h/tmp"));
        assert_eq!(l.lock("go1.22.1"), Path::new("/h/locks/go1.22.1.lock"));
    }

    #[test]
    fn entries() {
        assert_eq!(Entry::parse("go1.2"), Some(Entry::Managed("go1.2")));
        assert_eq!(Entry::parse("my.link"), Some(Entry::Link("my")));
        assert_eq!(Entry::parse(".x"), None);
    }

    #[test]
    fn complete_needs_marker_go_and_tools() {
        let t = tempfile::tempdir().expect("tmp");
        let root = t.path().join("go1.22.1");
        let fs = Fs::real();
        touch(&go_binary(&root, Os::Linux));
        std::fs::create_dir_all(root.join("pkg/tool")).expect("mkdir");
        assert!(!is_complete(&fs, &root), "no marker");
        std::fs::create_dir(root.join(COMPLETE_MARKER)).expect("mkdir");
        assert!(!is_complete(&fs, &root), "a directory is no marker");
        std::fs::remove_dir(root.join(COMPLETE_MARKER)).expect("rm");
        touch(&root.join(COMPLETE_MARKER));
        assert!(is_complete(&fs, &root));
        assert!(is_runnable(&fs, &root, Os::Linux));
        assert!(!is_runnable(&fs, &root, Os::Windows), "no go.exe");
        std::fs::remove_dir(root.join("pkg/tool")).expect("rm");
        assert!(is_complete(&fs, &root));
        assert!(!is_runnable(&fs, &root, Os::Linux), "no pkg/tool");
    }

    #[test]
    fn link_records() {
        let t = tempfile::tempdir().expect("tmp");
        let fs = Fs::real();
        let goroot = t.path().join("goroot");
        let rec = t.path().join("my.link");
        std::fs::write(&rec, link_record_text(&goroot)).expect("write");
        assert_eq!(read_link_record(&fs, &rec), Some(goroot.clone()));
        assert_eq!(link_target(&fs, &rec, Os::Linux), None, "no bin/go");
        touch(&go_binary(&goroot, Os::Linux));
        assert_eq!(link_target(&fs, &rec, Os::Linux), Some(goroot));
        std::fs::write(&rec, "relative/go\n").expect("write");
        assert_eq!(link_target(&fs, &rec, Os::Linux), None, "relative");
    }

    /// Issue 12, item 6: the record was `path\n`, trimmed on read, so a GOROOT whose name
    /// ends in a newline resolved to its sibling without one.
    #[test]
    fn link_records_keep_every_byte_of_the_path() {
        let t = tempfile::tempdir().expect("tmp");
        let fs = Fs::real();
        let rec = t.path().join("my.link");
        for name in ["go\n", "go\r\n", "go ", "{go}", "go\"\\x"] {
            let root = t.path().join(name);
            std::fs::write(&rec, link_record_text(&root)).expect("write");
            assert_eq!(read_link_record(&fs, &rec), Some(root), "{name:?}");
        }
        // A record an older groot wrote.
        std::fs::write(&rec, "/usr/local/go\n").expect("write");
        assert_eq!(
            read_link_record(&fs, &rec),
            Some(PathBuf::from("/usr/local/go"))
        );
        std::fs::write(&rec, "{broken").expect("write");
        assert_eq!(read_link_record(&fs, &rec), None);
    }

    #[test]
    fn only_a_directory_of_groots_own_is_claimed() {
        let t = tempfile::tempdir().expect("tmp");
        let user = t.path().join("user");
        std::fs::create_dir(&user).expect("mkdir");
        assert!(matches!(
            check_home(Path::new("/"), None),
            Err(HomeError::Root(_))
        ));
        assert!(matches!(
            check_home(&user, Some(&user)),
            Err(HomeError::UserHome(_))
        ));
        assert!(matches!(
            claim_home(&user.join("."), Some(&user)),
            Err(HomeError::UserHome(_))
        ));
        // Missing or empty: becomes groot's.
        let fresh = t.path().join("a/b/groot");
        claim_home(&fresh, Some(&user)).expect("claim");
        assert!(fresh.join(HOME_MARKER).is_file());
        // A home of an older groot (only groot's names): adopted.
        let legacy = t.path().join("legacy");
        std::fs::create_dir_all(legacy.join("toolchains")).expect("mkdir");
        std::fs::write(legacy.join("default"), "go1.22.10\n").expect("write");
        claim_home(&legacy, None).expect("legacy");
        assert!(legacy.join(HOME_MARKER).is_file());
        // Someone else's directory: refused, nothing written.
        let foreign = t.path().join("foreign");
        std::fs::create_dir_all(foreign.join("tmp")).expect("mkdir");
        std::fs::write(foreign.join("notes\u{1b}[31m.txt"), "x").expect("write");
        let err = claim_home(&foreign, None).expect_err("foreign");
        assert!(err.to_string().contains("notes?[31m.txt"), "{err}");
        assert!(!foreign.join(HOME_MARKER).exists());
        // …unless it carries the marker.
        std::fs::write(foreign.join(HOME_MARKER), "").expect("write");
        claim_home(&foreign, None).expect("marked");
        // A file is no home.
        assert!(matches!(
            check_home(&foreign.join("notes\u{1b}[31m.txt"), None),
            Err(HomeError::NotADirectory(_))
        ));
    }

    #[test]
    fn relative_link_targets() {
        let t = |a: &str, b: &str| relative_link_target(Path::new(a), Path::new(b));
        assert_eq!(
            t(
                "/Users/me/Library/Application Support/groot",
                "/Users/me/.local/share/groot"
            ),
            Path::new("../../.local/share/groot")
        );
        assert_eq!(t("/a/b", "/x/y"), Path::new("../x/y"));
        assert_eq!(t("rel/b", "/x/y"), Path::new("/x/y"));
    }

    /// Issue 14 item 8: an older groot's macOS store is used until it is moved, moved once,
    /// with a link left behind; nothing moves off macOS or with GROOT_HOME.
    #[test]
    fn macos_store_moves_once() {
        let t = tempfile::tempdir().expect("tmp");
        let root = t.path();
        let old = root.join("Users/me/Library/Application Support/groot");
        touch(&old.join("default"));
        touch(&old.join("toolchains/go1.22.10/.groot-complete"));
        let mac = Host::fake(root, Os::MacOs).with_var("HOME", "/Users/me");
        let new = PathBuf::from("/Users/me/.local/share/groot");
        let legacy = PathBuf::from("/Users/me/Library/Application Support/groot");
        // Off macOS and with GROOT_HOME: not looked at.
        let linux = Host::fake(root, Os::Linux).with_var("HOME", "/Users/me");
        assert_eq!(groot_home(&linux), Some(new.clone()));
        assert_eq!(migrate_legacy_macos_home(&linux).expect("io"), None);
        let own = mac.clone().with_var("GROOT_HOME", "/g");
        assert_eq!(migrate_legacy_macos_home(&own).expect("io"), None);
        assert!(old.join("default").is_file());
        // Before the move the old store is the home.
        assert_eq!(groot_home(&mac), Some(legacy.clone()));
        let moved = migrate_legacy_macos_home(&mac).expect("io").expect("moved");
        assert_eq!(
            moved,
            Migrated {
                from: legacy.clone(),
                to: new.clone()
            }
        );
        assert_eq!(groot_home(&mac), Some(new.clone()));
        assert!(root
            .join("Users/me/.local/share/groot/toolchains/go1.22.10/.groot-complete")
            .is_file());
        #[cfg(unix)]
        {
            assert!(old.is_symlink());
            assert!(
                old.join("default").is_file(),
                "the link leads to the new store"
            );
        }
        // Once: the second call finds the link (or the new store) and does nothing.
        assert_eq!(migrate_legacy_macos_home(&mac).expect("io"), None);
        // A new store next to an old one: the new one wins, nothing moves.
        let t2 = tempfile::tempdir().expect("tmp");
        touch(
            &t2.path()
                .join("Users/me/Library/Application Support/groot/default"),
        );
        touch(&t2.path().join("Users/me/.local/share/groot/default"));
        let both = Host::fake(t2.path(), Os::MacOs).with_var("HOME", "/Users/me");
        assert_eq!(groot_home(&both), Some(new));
        assert_eq!(migrate_legacy_macos_home(&both).expect("io"), None);
    }

    #[test]
    fn cache_home_of_a_host() {
        let h = Host::fake("/r", Os::Linux).with_var("HOME", "/h");
        assert_eq!(cache_home(&h), Some(PathBuf::from("/h/.cache/groot")));
        let h = h.with_var("XDG_CACHE_HOME", "/xc");
        assert_eq!(cache_home(&h), Some(PathBuf::from("/xc/groot")));
        let h = h.with_var("GROOT_CACHE_DIR", "/c");
        assert_eq!(cache_home(&h), Some(PathBuf::from("/c")));
    }
}
