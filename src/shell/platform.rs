//! The small seams through which the shell layer sees the machine: the operating system and
//! distribution family ([`Platform`]), the filesystem as a set of logical absolute paths
//! ([`StartupFs`], with [`RootedFs`] mapping them under a root prefix so tests can lay out
//! `/etc/paths.d` in a temp dir), and the environment as a plain map ([`Env`]). Nothing here
//! reads the process environment; callers hand everything in.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Environment variables as the shell layer sees them: name → value.
pub type Env = BTreeMap<String, String>;

pub use crate::host::Os;

/// How the distribution built its shells, where that changes which files they read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Distro {
    /// Debian and Ubuntu: bash reads `/etc/bash.bashrc` (SYS_BASHRC) and `~/.bashrc` for ssh
    /// commands (SSH_SOURCE_BASHRC); zsh keeps its global files in `/etc/zsh`.
    Debian,
    /// Upstream defaults (Fedora, Arch, Homebrew, macOS): zsh global files in `/etc`, no
    /// compiled-in system bashrc.
    Upstream,
}

/// Everything about the machine that selects startup rules, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// The OS whose startup rules apply: the [`Host`](crate::host::Host)'s, where the BSDs and
    /// other Unixes count as Linux (see [`Platform::from_host`]).
    pub os: Os,
    pub distro: Distro,
    /// The user id, the answer to `$(id -u)` in system profiles (Debian's `/etc/profile` picks
    /// root's PATH with it). `None` when unknown.
    pub uid: Option<u32>,
    /// fish's data dir (`$__fish_data_dir`), whose `vendor_conf.d` fish reads.
    pub fish_data_dir: PathBuf,
    /// fish's system config dir (`$__fish_sysconf_dir`).
    pub fish_sysconf_dir: PathBuf,
}

impl Platform {
    /// A Linux machine with the given distribution family and distro-packaged fish.
    pub fn linux(distro: Distro) -> Self {
        Platform {
            os: Os::Linux,
            distro,
            uid: None,
            fish_data_dir: PathBuf::from("/usr/share/fish"),
            fish_sysconf_dir: PathBuf::from("/etc/fish"),
        }
    }

    /// A Mac with Apple's shells; fish as Homebrew on Apple Silicon installs it.
    pub fn macos() -> Self {
        Platform {
            os: Os::MacOs,
            distro: Distro::Upstream,
            uid: None,
            fish_data_dir: PathBuf::from("/opt/homebrew/share/fish"),
            fish_sysconf_dir: PathBuf::from("/opt/homebrew/etc/fish"),
        }
    }

    /// A Windows machine (only PowerShell profiles apply).
    pub fn windows() -> Self {
        Platform {
            os: Os::Windows,
            distro: Distro::Upstream,
            uid: None,
            fish_data_dir: PathBuf::new(),
            fish_sysconf_dir: PathBuf::new(),
        }
    }

    /// The same platform with a known user id.
    pub fn with_uid(mut self, uid: u32) -> Self {
        self.uid = Some(uid);
        self
    }

    /// The directory holding zsh's global startup files.
    pub fn zsh_global_dir(&self) -> &'static str {
        match self.distro {
            Distro::Debian => "/etc/zsh",
            Distro::Upstream => "/etc",
        }
    }
}

impl Platform {
    /// The platform of a [`Host`](crate::host::Host): the OS it models, Debian-ness from
    /// `/etc/debian_version` (under the host's root), the user id as the owner of `$HOME`
    /// (which is the user in every normal setup, and lets a `GROOT_ROOT` fixture choose it),
    /// and fish's directories (Homebrew's on macOS when present).
    pub fn from_host(host: &crate::host::Host) -> Platform {
        let fs = host.fs();
        let mut p = match host.os() {
            Os::MacOs => {
                let mut p = Platform::macos();
                if !fs.is_dir(Path::new("/opt/homebrew/share/fish"))
                    && fs.is_dir(Path::new("/usr/local/share/fish"))
                {
                    p.fish_data_dir = PathBuf::from("/usr/local/share/fish");
                    p.fish_sysconf_dir = PathBuf::from("/usr/local/etc/fish");
                }
                p
            }
            Os::Windows => Platform::windows(),
            // The BSDs and the rest follow Linux's startup rules.
            _ => {
                let distro = if fs.is_file(Path::new("/etc/debian_version")) {
                    Distro::Debian
                } else {
                    Distro::Upstream
                };
                Platform::linux(distro)
            }
        };
        // `GROOT_UID` (a test knob, like `GROOT_OS`), else the owner of HOME: the user whose
        // startup files these are.
        p.uid = host
            .var_nonempty(crate::env_vars::GROOT_UID)
            .and_then(|v| v.parse().ok())
            .or_else(|| host.home().and_then(|h| owner_uid(fs, &h)));
        p
    }
}

#[cfg(unix)]
fn owner_uid(fs: &crate::fs::Fs, path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    fs.metadata(path).ok().map(|m| m.uid())
}

#[cfg(not(unix))]
fn owner_uid(_fs: &crate::fs::Fs, _path: &Path) -> Option<u32> {
    None
}

/// The core filesystem view is a startup-file view too: analysis over a [`Host`]'s `fs()` sees
/// the real machine or its `GROOT_ROOT`.
///
/// [`Host`]: crate::host::Host
impl StartupFs for crate::fs::Fs {
    fn read(&self, logical: &Path) -> io::Result<Vec<u8>> {
        crate::fs::Fs::read(self, logical)
    }

    fn is_file(&self, logical: &Path) -> bool {
        crate::fs::Fs::is_file(self, logical)
    }

    fn is_dir(&self, logical: &Path) -> bool {
        crate::fs::Fs::is_dir(self, logical)
    }

    fn read_dir(&self, logical: &Path) -> io::Result<Vec<PathBuf>> {
        Ok(crate::fs::Fs::read_dir(self, logical)?
            .into_iter()
            .map(|e| e.path)
            .collect())
    }
}

/// Read-only access to startup files by their logical absolute path (`/etc/profile`,
/// `/home/me/.zshrc`), so analysis can run over a fake root.
pub trait StartupFs: std::fmt::Debug {
    /// The bytes of a regular file (following symlinks).
    fn read(&self, logical: &Path) -> io::Result<Vec<u8>>;
    /// Whether the path names a regular file (following symlinks).
    fn is_file(&self, logical: &Path) -> bool;
    /// Whether the path names a directory (following symlinks).
    fn is_dir(&self, logical: &Path) -> bool;
    /// The logical paths of a directory's entries, sorted by name.
    fn read_dir(&self, logical: &Path) -> io::Result<Vec<PathBuf>>;
}

/// A [`StartupFs`] over the real filesystem, with every logical path placed under `root`
/// (`/` for the real machine).
#[derive(Debug, Clone)]
pub struct RootedFs {
    root: PathBuf,
}

impl RootedFs {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        RootedFs { root: root.into() }
    }

    /// The physical path of a logical one. `..` components are resolved lexically and never
    /// climb above the root.
    pub fn physical(&self, logical: &Path) -> PathBuf {
        let mut out = self.root.clone();
        let mut depth = 0usize;
        for comp in logical.components() {
            match comp {
                Component::Normal(c) => {
                    out.push(c);
                    depth += 1;
                }
                Component::ParentDir if depth > 0 => {
                    out.pop();
                    depth -= 1;
                }
                _ => {}
            }
        }
        out
    }
}

impl StartupFs for RootedFs {
    fn read(&self, logical: &Path) -> io::Result<Vec<u8>> {
        crate::fs::read_regular(&self.physical(logical), crate::fs::cap::TEXT)
    }

    fn is_file(&self, logical: &Path) -> bool {
        self.physical(logical).is_file()
    }

    fn is_dir(&self, logical: &Path) -> bool {
        self.physical(logical).is_dir()
    }

    fn read_dir(&self, logical: &Path) -> io::Result<Vec<PathBuf>> {
        let mut names: Vec<_> = std::fs::read_dir(self.physical(logical))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        names.sort();
        Ok(names.into_iter().map(|n| logical.join(n)).collect())
    }
}

/// An in-memory [`StartupFs`] for unit tests: files by logical path; directories are implied.
#[derive(Debug, Clone, Default)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: std::collections::BTreeSet<PathBuf>,
}

impl MemFs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file (and its parent directories).
    pub fn file(mut self, path: impl Into<PathBuf>, text: impl AsRef<[u8]>) -> Self {
        let path = path.into();
        let mut p = path.parent();
        while let Some(d) = p {
            self.dirs.insert(d.to_path_buf());
            p = d.parent();
        }
        self.files.insert(path, text.as_ref().to_vec());
        self
    }

    /// Adds an empty directory (and its parents).
    pub fn dir(mut self, path: impl Into<PathBuf>) -> Self {
        let path: PathBuf = path.into();
        let mut p = Some(path.as_path());
        while let Some(d) = p {
            self.dirs.insert(d.to_path_buf());
            p = d.parent();
        }
        self
    }
}

impl StartupFs for MemFs {
    fn read(&self, logical: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(logical)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn is_file(&self, logical: &Path) -> bool {
        self.files.contains_key(logical)
    }

    fn is_dir(&self, logical: &Path) -> bool {
        self.dirs.contains(logical)
    }

    fn read_dir(&self, logical: &Path) -> io::Result<Vec<PathBuf>> {
        if !self.dirs.contains(logical) {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        let mut out: Vec<PathBuf> = self
            .files
            .keys()
            .chain(self.dirs.iter())
            .filter(|p| p.parent() == Some(logical))
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooted_paths_stay_under_the_root() {
        let fs = RootedFs::new("/tmp/r");
        assert_eq!(
            fs.physical(Path::new("/etc/paths")),
            PathBuf::from("/tmp/r/etc/paths")
        );
        assert_eq!(
            fs.physical(Path::new("/../../etc")),
            PathBuf::from("/tmp/r/etc")
        );
    }

    #[test]
    fn memfs_lists_children() {
        let fs = MemFs::new()
            .file("/etc/paths.d/b", "x")
            .file("/etc/paths.d/a", "y");
        let list = fs.read_dir(Path::new("/etc/paths.d")).unwrap_or_default();
        assert_eq!(
            list,
            vec![
                PathBuf::from("/etc/paths.d/a"),
                PathBuf::from("/etc/paths.d/b")
            ]
        );
        assert!(fs.is_dir(Path::new("/etc")));
        assert!(!fs.is_file(Path::new("/etc")));
    }
}
