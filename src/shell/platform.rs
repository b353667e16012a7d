//! What the shell layer knows of the machine beyond the [`Host`](crate::host::Host): the
//! facts that select startup rules ([`Platform`]: the host's OS, the distribution family, the
//! user id, fish's directories), and the environment as a plain map ([`Env`]). Files are read
//! through [`crate::fs::View`] (the host's [`Fs`](crate::fs::Fs), or a
//! [`MemFs`](crate::fs::MemFs) in unit tests). Nothing here reads the process environment;
//! callers hand everything in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
