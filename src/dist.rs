//! Official Go toolchains: where they are listed, how they are fetched, and how one becomes
//! installed.
//!
//! The pieces, bottom up:
//!
//! * [`index`]: the release index in go.dev's JSON format (`?mode=json&include=all`), loaded
//!   from a URL or `file://` path, cached with a TTL and ETag, with a snapshot built into the
//!   binary for offline use. Every archive hash comes from an index.
//! * [`download`]: blocking HTTP to a `.partial` file on the same filesystem as the store, the
//!   sha256 computed while the bytes stream in, resume with `Range`, retries with backoff.
//! * [`extract`]: tar.gz and zip extraction into a staging directory that refuses every entry
//!   that could write outside it, hashing each file into a [`store::Manifest`].
//! * [`install`]: the transaction that ties them together under a [`lock`], and renames a
//!   finished tree into place with its completion marker already inside.
//! * [`store`]: groot's own directory layout: list, uninstall, verify, link.
//!
//! Nothing here reads the process environment or prints: the caller passes a [`Settings`]
//! value (see [`Settings::from_env`] for the usual way to build one) and a [`Reporter`] that
//! draws progress if it wants to.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod arch;
pub mod download;
pub mod extract;
pub mod index;
pub mod install;
pub mod lock;
pub mod store;

pub use arch::{detect_native, native_arch, ArchFacts, Platform};
pub use index::{Index, IndexOrigin, LoadedIndex, Release, ReleaseFile, Request};
pub use install::{InstallError, InstallOptions, Installed, SourceBuild};
pub use store::{Store, Toolchain, ToolchainKind, VerifyReport};

/// The official release index, with every release ever published.
pub const OFFICIAL_INDEX_URL: &str = "https://go.dev/dl/?mode=json&include=all";

/// Where the official archives are served from; file names are appended to it.
pub const OFFICIAL_DOWNLOAD_BASE: &str = "https://dl.google.com/go/";

/// The environment variables [`Settings::from_env`] reads. The CLI's env var list should adopt
/// these names.
pub mod env {
    /// groot's data directory (toolchains, staging, cache), overriding the platform default.
    pub const GROOT_HOME: &str = "GROOT_HOME";
    /// Release index URL (`https://…` or `file://…`), default [`super::OFFICIAL_INDEX_URL`].
    pub const GROOT_INDEX_URL: &str = "GROOT_INDEX_URL";
    /// Base URL archives are fetched from (`https://…/` or `file:///…/`), default
    /// [`super::OFFICIAL_DOWNLOAD_BASE`]. Hashes still come from the index.
    pub const GROOT_MIRROR: &str = "GROOT_MIRROR";
    /// When set to `1`/`true`, never touch the network: use the cached or built-in index.
    pub const GROOT_OFFLINE: &str = "GROOT_OFFLINE";
    /// Base of the XDG data directory on Unix (macOS included).
    pub const XDG_DATA_HOME: &str = "XDG_DATA_HOME";
    /// Base of the XDG cache directory (the index cache goes to `$XDG_CACHE_HOME/groot`).
    pub const XDG_CACHE_HOME: &str = crate::env_vars::XDG_CACHE_HOME;
    /// groot's cache directory, overriding every default.
    pub const GROOT_CACHE_DIR: &str = crate::env_vars::GROOT_CACHE_DIR;
    /// The user's home directory on Unix.
    pub const HOME: &str = "HOME";
    /// `%LOCALAPPDATA%` on Windows.
    pub const LOCALAPPDATA: &str = "LOCALAPPDATA";
    /// `%USERPROFILE%` on Windows, used when `LOCALAPPDATA` is unset.
    pub const USERPROFILE: &str = "USERPROFILE";
    /// Proxy variables, first one set wins.
    pub const PROXY: &[&str] = &[
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ];
    /// Hosts that bypass the proxy, comma-separated.
    pub const NO_PROXY: &[&str] = &["NO_PROXY", "no_proxy"];
    /// The transfer-rate floor, bytes per second (default 1024), as curl's `--speed-limit`.
    pub const GROOT_SPEED_LIMIT: &str = crate::env_vars::GROOT_SPEED_LIMIT;
    /// Seconds a transfer may stay under the floor before it is abandoned (default 30), as
    /// curl's `--speed-time`.
    pub const GROOT_SPEED_TIME: &str = crate::env_vars::GROOT_SPEED_TIME;
}

/// The transfer-rate floor: fewer than `bytes_per_sec × window` bytes in any `window` of a
/// transfer abandons it (curl's `--speed-limit` / `--speed-time`). Default 1 KiB/s for 30 s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpeedFloor {
    pub bytes_per_sec: u64,
    pub window: Duration,
}

impl Default for SpeedFloor {
    fn default() -> SpeedFloor {
        SpeedFloor {
            bytes_per_sec: 1024,
            window: Duration::from_secs(30),
        }
    }
}

/// Everything the dist layer needs to know about its surroundings, decided by the caller.
#[derive(Clone, Debug)]
pub struct Settings {
    /// groot's data directory: `toolchains/`, `tmp/`, `locks/` live under it.
    pub home: PathBuf,
    /// Where the release index is cached.
    pub cache_dir: PathBuf,
    /// The release index URL (`https://`, `http://` or `file://`).
    pub index_url: String,
    /// Base URL for archives; `None` means [`OFFICIAL_DOWNLOAD_BASE`].
    pub mirror: Option<String>,
    /// The platform toolchains are installed for (GOOS/GOARCH as the index spells them).
    pub target: Platform,
    /// The platform of this machine; toolchains for another one get a suffixed name.
    pub native: Platform,
    /// Never use the network; the cached or built-in index is used as is.
    pub offline: bool,
    /// How long a cached index is used without asking the server.
    pub index_ttl: Duration,
    /// How many times a failed download is retried (resuming where it stopped).
    pub retries: u32,
    /// First wait between retries; doubled on each retry.
    pub retry_backoff: Duration,
    /// A download that receives nothing for this long is abandoned (and retried).
    pub stall_timeout: Duration,
    /// A transfer (index or archive) slower than `min_rate` for a whole `min_rate_window` is
    /// abandoned, not retried: a server trickling a byte every 20 s never stalls, and would
    /// otherwise hold the install lock forever.
    pub min_rate: SpeedFloor,
    /// HTTP(S) proxy URL, if any. Loopback hosts and [`Settings::no_proxy`] bypass it.
    pub proxy: Option<String>,
    /// Hosts that bypass the proxy (`NO_PROXY` syntax: `example.com`, `.example.com`, `*`).
    pub no_proxy: Vec<String>,
    /// The user's home directory (`$HOME`), which groot refuses as its own data directory.
    pub user_home: Option<PathBuf>,
}

pub use crate::home::{default_cache, default_home, HomeFacts};

impl Settings {
    /// Settings with the official index and download location, for `native` as the target.
    pub fn new(home: PathBuf, native: Platform) -> Settings {
        Settings {
            cache_dir: home.join("cache"),
            home,
            index_url: OFFICIAL_INDEX_URL.to_owned(),
            mirror: None,
            target: native.clone(),
            native,
            offline: false,
            index_ttl: Duration::from_secs(60 * 60),
            retries: 3,
            retry_backoff: Duration::from_millis(500),
            stall_timeout: Duration::from_secs(30),
            min_rate: SpeedFloor::default(),
            proxy: None,
            no_proxy: Vec::new(),
            user_home: None,
        }
    }

    /// Settings for the machine a [`Host`](crate::host::Host) describes: its environment
    /// (the names in [`mod@env`]), this machine's native platform, and groot's data directory
    /// as [`crate::home::groot_home`] finds it, so that installing, listing and selecting
    /// always agree on where toolchains live.
    pub fn from_host(host: &crate::host::Host) -> Result<Settings, SettingsError> {
        let os = match host.os() {
            crate::host::Os::MacOs => "macos",
            other => other.goos(),
        };
        let mut settings =
            Settings::from_env(|k| host.var_os(k).map(OsString::from), os, detect_native())?;
        if let Some(home) = crate::home::groot_home(host) {
            settings.cache_dir = home.join(crate::home::CACHE_DIR);
            settings.home = home;
        }
        if let Some(cache) = crate::home::cache_home(host) {
            settings.cache_dir = cache;
        }
        settings.user_home = host.home();
        Ok(settings)
    }

    /// Builds settings from environment values given by `lookup` (the caller's view of the
    /// environment; see [`mod@env`] for the names), for a machine of platform `native` whose Rust
    /// OS name is `os` (`linux`, `macos`, `windows`, …).
    pub fn from_env(
        lookup: impl Fn(&str) -> Option<OsString>,
        os: &str,
        native: Platform,
    ) -> Result<Settings, SettingsError> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let facts = HomeFacts {
            os,
            groot_home: get(env::GROOT_HOME).map(PathBuf::from),
            xdg_data_home: get(env::XDG_DATA_HOME).map(PathBuf::from),
            home: get(env::HOME).map(PathBuf::from),
            local_app_data: get(env::LOCALAPPDATA).map(PathBuf::from),
            user_profile: get(env::USERPROFILE).map(PathBuf::from),
            xdg_cache_home: get(env::XDG_CACHE_HOME).map(PathBuf::from),
            groot_cache_dir: get(env::GROOT_CACHE_DIR).map(PathBuf::from),
        };
        let home = default_home(&facts).ok_or(SettingsError::NoHome)?;
        let cache = default_cache(&facts);
        let mut settings = Settings::new(home, native);
        if let Some(cache) = cache {
            settings.cache_dir = cache;
        }
        settings.user_home = facts.home.clone();
        if let Some(url) = get(env::GROOT_INDEX_URL) {
            settings.index_url = url
                .into_string()
                .map_err(|_| SettingsError::NotUnicode(env::GROOT_INDEX_URL))?;
        }
        if let Some(url) = get(env::GROOT_MIRROR) {
            settings.mirror = Some(
                url.into_string()
                    .map_err(|_| SettingsError::NotUnicode(env::GROOT_MIRROR))?,
            );
        }
        settings.proxy = env::PROXY
            .iter()
            .find_map(|name| get(name))
            .and_then(|v| v.into_string().ok());
        settings.no_proxy = env::NO_PROXY
            .iter()
            .find_map(|name| get(name))
            .and_then(|v| v.into_string().ok())
            .map(|v| {
                v.split(',')
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(v) = get(env::GROOT_SPEED_LIMIT) {
            settings.min_rate.bytes_per_sec = v
                .to_str()
                .and_then(|v| v.trim().parse().ok())
                .ok_or(SettingsError::NotANumber(env::GROOT_SPEED_LIMIT))?;
        }
        if let Some(v) = get(env::GROOT_SPEED_TIME) {
            let secs: f64 = v
                .to_str()
                .and_then(|v| v.trim().parse().ok())
                .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s < 1e9)
                .ok_or(SettingsError::NotANumber(env::GROOT_SPEED_TIME))?;
            settings.min_rate.window = Duration::from_secs_f64(secs);
        }
        settings.offline = get(env::GROOT_OFFLINE)
            .is_some_and(|v| matches!(v.to_str(), Some("1" | "true" | "yes")));
        Ok(settings)
    }

    /// The base URL archives are fetched from, ending in `/`.
    pub fn download_base(&self) -> String {
        let base = self.mirror.as_deref().unwrap_or(OFFICIAL_DOWNLOAD_BASE);
        if base.ends_with('/') {
            base.to_owned()
        } else {
            format!("{base}/")
        }
    }

    /// The store for [`Settings::home`].
    pub fn store(&self) -> Store {
        Store::new(self.home.clone()).with_user_home(self.user_home.clone())
    }
}

/// Errors while building [`Settings`].
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// No variable said where the data directory is.
    #[error("cannot tell where groot's data directory is: set GROOT_HOME or HOME")]
    NoHome,
    /// A URL variable holds bytes that are not UTF-8.
    #[error("{0} is not valid unicode")]
    NotUnicode(&'static str),
    /// A numeric variable holds something else (or a value out of range).
    #[error("{0} is not a positive number")]
    NotANumber(&'static str),
}

/// What the dist layer tells its caller while it works. The CLI draws these (a progress bar on
/// a TTY, nothing in JSON mode); the library never prints.
pub trait Reporter {
    /// One event; the default implementation ignores it.
    fn event(&self, event: Event<'_>) {
        let _ = event;
    }
}

/// A [`Reporter`] that ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Reporter for Silent {}

/// Progress and notices from the dist layer.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// Another process holds the lock for this toolchain; we wait for it.
    WaitingForLock {
        /// The toolchain name.
        name: &'a str,
    },
    /// The index could not be refreshed and an older copy is used.
    IndexFallback {
        /// What was used instead.
        origin: &'a IndexOrigin,
    },
    /// A download starts (or resumes at `resumed_from`).
    DownloadStarted {
        /// The URL.
        url: &'a str,
        /// Total size, when known.
        total: Option<u64>,
        /// Bytes already on disk from an earlier attempt.
        resumed_from: u64,
    },
    /// Bytes received so far, including resumed ones.
    DownloadProgress {
        /// Bytes on disk.
        bytes: u64,
    },
    /// A download attempt failed and will be retried.
    DownloadRetry {
        /// The attempt that failed, from 1.
        attempt: u32,
        /// The error, rendered.
        error: String,
        /// How long we wait first.
        wait: Duration,
    },
    /// The download finished and its sha256 matched the index.
    Verified {
        /// The file name.
        file: &'a str,
        /// Its sha256.
        sha256: &'a str,
    },
    /// The archive is used WITHOUT checking its hash (`--insecure-skip-verify`).
    VerificationSkipped {
        /// The file name.
        file: &'a str,
    },
    /// Extraction into staging starts.
    Extracting {
        /// The archive.
        archive: &'a Path,
    },
    /// Files read from the archive so far (about every MiB of content).
    ExtractProgress {
        /// Files so far.
        files: u64,
    },
    /// A directory without a completion marker (or a link) stood where the toolchain goes: it
    /// was moved aside, not deleted.
    MovedAside {
        /// Where it was.
        from: &'a Path,
        /// Where it is now.
        to: &'a Path,
    },
    /// `src/make.bash` (or `make.bat`) runs.
    Building {
        /// The tree being built.
        root: &'a Path,
        /// Where its output goes.
        log: &'a Path,
    },
}

/// Creates `path` and its missing parents with mode 0755 on Unix, whatever the umask: a
/// toolchain or groot's data directory must never be writable by other users (a umask of 000
/// would otherwise make every directory world-writable, and anyone could plant tools in
/// `pkg/tool`).
pub(crate) fn create_dirs(path: &Path) -> std::io::Result<()> {
    crate::fs::create_dir_with_mode(path, 0o755, true)
}

/// Writes `bytes` to `path` (mode 0644 on Unix) through a temporary file in the same directory,
/// fsync and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GROOT_SPEED_LIMIT (bytes/s, a whole number, 0 turns the floor off) and
    /// GROOT_SPEED_TIME (seconds, may be fractional, positive and finite) as curl's
    /// `--speed-limit` / `--speed-time`; an empty value is unset; anything else is an error
    /// naming the variable.
    #[test]
    fn speed_floor_from_the_environment() {
        let floor = |vars: &[(&str, &str)]| {
            let mut all = vec![("GROOT_HOME", "/g")];
            all.extend_from_slice(vars);
            settings(&all, "linux").map(|s| s.min_rate)
        };
        assert_eq!(
            floor(&[]).ok(),
            Some(SpeedFloor {
                bytes_per_sec: 1024,
                window: Duration::from_secs(30)
            })
        );
        let got =
            floor(&[("GROOT_SPEED_LIMIT", " 2048 "), ("GROOT_SPEED_TIME", "1.5")]).expect("valid");
        assert_eq!(got.bytes_per_sec, 2048);
        assert_eq!(got.window, Duration::from_millis(1500));
        assert_eq!(
            floor(&[("GROOT_SPEED_LIMIT", "0")])
                .map(|f| f.bytes_per_sec)
                .ok(),
            Some(0)
        );
        assert_eq!(
            floor(&[("GROOT_SPEED_LIMIT", ""), ("GROOT_SPEED_TIME", "")]).ok(),
            Some(SpeedFloor::default())
        );
        for bad in ["fast", "-1", "1.5", "1e3", "99999999999999999999999"] {
            let e = floor(&[("GROOT_SPEED_LIMIT", bad)]).expect_err(bad);
            assert!(e.to_string().contains("GROOT_SPEED_LIMIT"), "{bad}: {e}");
        }
        for bad in ["0", "-3", "inf", "NaN", "1e10", "30s", "soon"] {
            let e = floor(&[("GROOT_SPEED_TIME", bad)]).expect_err(bad);
            assert!(e.to_string().contains("GROOT_SPEED_TIME"), "{bad}: {e}");
        }
    }

    fn settings(vars: &[(&str, &str)], os: &str) -> Result<Settings, SettingsError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_env(
            |name| {
                vars.iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| OsString::from(v))
            },
            os,
            Platform::new("linux", "amd64"),
        )
    }

    #[test]
    fn home_per_platform() {
        let home = |vars: &[(&str, &str)], os: &str| settings(vars, os).map(|s| s.home).ok();
        assert_eq!(
            home(&[("GROOT_HOME", "/g"), ("HOME", "/h")], "linux"),
            Some(PathBuf::from("/g"))
        );
        assert_eq!(
            home(&[("HOME", "/h")], "linux"),
            Some(PathBuf::from("/h/.local/share/groot"))
        );
        assert_eq!(
            home(&[("HOME", "/h"), ("XDG_DATA_HOME", "/x")], "linux"),
            Some(PathBuf::from("/x/groot"))
        );
        // A relative XDG path is ignored, as the spec says.
        assert_eq!(
            home(&[("HOME", "/h"), ("XDG_DATA_HOME", "rel")], "freebsd"),
            Some(PathBuf::from("/h/.local/share/groot"))
        );
        assert_eq!(
            home(&[("HOME", "/Users/me")], "macos"),
            Some(PathBuf::from("/Users/me/.local/share/groot")),
            "no space in the path on macOS (issue 14 item 8)"
        );
        assert_eq!(
            home(&[("HOME", "/Users/me"), ("XDG_DATA_HOME", "/x")], "macos"),
            Some(PathBuf::from("/x/groot"))
        );
        assert_eq!(
            home(&[("LOCALAPPDATA", "C:/Users/me/AppData/Local")], "windows"),
            Some(PathBuf::from("C:/Users/me/AppData/Local").join("groot"))
        );
        assert_eq!(home(&[("GROOT_HOME", "")], "linux"), None);
    }

    #[test]
    fn urls_offline_and_proxy_from_the_environment() -> Result<(), SettingsError> {
        let s = settings(&[("HOME", "/h")], "linux")?;
        assert_eq!(s.index_url, OFFICIAL_INDEX_URL);
        assert_eq!(s.download_base(), OFFICIAL_DOWNLOAD_BASE);
        assert!(!s.offline && s.proxy.is_none());
        let s = settings(
            &[
                ("HOME", "/h"),
                ("GROOT_INDEX_URL", "file:///srv/index.json"),
                ("GROOT_MIRROR", "https://mirror.example/go"),
                ("GROOT_OFFLINE", "1"),
                ("https_proxy", "http://proxy:3128"),
                ("NO_PROXY", "mirror.example, .corp"),
            ],
            "linux",
        )?;
        assert_eq!(s.index_url, "file:///srv/index.json");
        assert_eq!(s.download_base(), "https://mirror.example/go/");
        assert!(s.offline);
        assert_eq!(s.proxy.as_deref(), Some("http://proxy:3128"));
        assert_eq!(s.no_proxy, ["mirror.example", ".corp"]);
        assert_eq!(s.cache_dir, PathBuf::from("/h/.cache/groot"));
        Ok(())
    }

    /// Issue 14 item 8: the cache is the platform's cache directory, not inside the data.
    #[test]
    fn cache_per_platform() {
        let cache = |vars: &[(&str, &str)], os: &str| settings(vars, os).map(|s| s.cache_dir).ok();
        let p = PathBuf::from;
        assert_eq!(
            cache(&[("HOME", "/h")], "linux"),
            Some(p("/h/.cache/groot"))
        );
        assert_eq!(
            cache(&[("HOME", "/h"), ("XDG_CACHE_HOME", "/xc")], "linux"),
            Some(p("/xc/groot"))
        );
        assert_eq!(
            cache(&[("HOME", "/h"), ("XDG_CACHE_HOME", "rel")], "linux"),
            Some(p("/h/.cache/groot")),
            "a relative XDG path is ignored"
        );
        assert_eq!(
            cache(&[("HOME", "/Users/me")], "macos"),
            Some(p("/Users/me/Library/Caches/groot"))
        );
        assert_eq!(
            cache(&[("HOME", "/Users/me"), ("XDG_CACHE_HOME", "/xc")], "macos"),
            Some(p("/xc/groot"))
        );
        assert_eq!(
            cache(&[("LOCALAPPDATA", "C:/L")], "windows"),
            Some(p("C:/L").join("groot").join("cache"))
        );
        // A home of its own keeps its cache; GROOT_CACHE_DIR beats everything.
        assert_eq!(
            cache(
                &[
                    ("HOME", "/h"),
                    ("XDG_CACHE_HOME", "/xc"),
                    ("GROOT_HOME", "/g")
                ],
                "linux"
            ),
            Some(p("/g/cache"))
        );
        assert_eq!(
            cache(&[("GROOT_HOME", "/g"), ("GROOT_CACHE_DIR", "/c")], "linux"),
            Some(p("/c"))
        );
    }
}
