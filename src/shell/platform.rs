//! What the shell layer knows of the machine beyond the [`Host`]: the facts that select
//! startup rules ([`Platform`]: the host's OS, the distribution family, the host's user id,
//! fish's directories) and the session's environment as a plain text map ([`Env`]), both
//! built from the Host in one place, [`of_host`]. Files are read through [`crate::fs::View`]
//! (the host's [`Fs`](crate::fs::Fs), or a [`MemFs`](crate::fs::MemFs) in unit tests).
//! Nothing here reads the process environment; callers hand everything in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::host::Host;

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
    /// other Unixes count as Linux (see [`of_host`]).
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

/// The shell layer's view of a [`Host`]: its [`Platform`] and the environment of the user's
/// session. Everything that simulates shells over a host starts here, so doctor, contexts,
/// fix and init model the same machine.
pub fn of_host(host: &Host) -> (Platform, Env) {
    (Platform::from_host(host), session_env(host))
}

/// The environment of the user's session as the shell layer takes it: every variable of the
/// host whose name and value are text. Contexts keep what they inherit from it (identity
/// variables, or everything for CI-like contexts); see
/// [`Origin`](crate::shell::contexts::Origin).
pub fn session_env(host: &Host) -> Env {
    host.vars()
        .filter_map(|(k, v)| Some((k.to_str()?.to_owned(), v.to_str()?.to_owned())))
        .collect()
}

impl Platform {
    /// The platform of a [`Host`]: the OS it models, Debian-ness from
    /// `/etc/debian_version` (under the host's root), the host's user id
    /// ([`Host::uid`](crate::host::Host::uid), the same user doctor reasons as), and fish's
    /// directories (Homebrew's on macOS when present).
    fn from_host(host: &Host) -> Platform {
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
        p.uid = host.uid();
        p
    }
}
