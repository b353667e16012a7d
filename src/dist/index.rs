//! The release index: which Go releases exist, their archives, sizes and sha256 hashes.
//!
//! The format is go.dev's (`https://go.dev/dl/?mode=json&include=all`): a JSON array of
//! releases, each `{version, stable, files: [{filename, os, arch, version, sha256, size,
//! kind}]}`. Any server or `file://` path that serves that format can stand in for go.dev.
//!
//! Loading ([`load`]) prefers, in order: a cached copy younger than the TTL; the server
//! (with `If-None-Match`, so an unchanged index costs a 304); a stale cached copy when the
//! server cannot be reached; the snapshot built into groot (official index only). `file://`
//! indexes are read directly and never cached.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::download::{self, Client};
use super::{Event, Platform, Reporter, Settings, OFFICIAL_INDEX_URL};
use crate::version::Version;

/// The official index as of the snapshot date, archives only, gzipped (see docs/dist.md for how
/// it is refreshed).
const SNAPSHOT: &[u8] = include_bytes!("index-snapshot.json.gz");

/// The largest index we accept (the full official one is a few MiB).
const MAX_INDEX_BYTES: u64 = 64 << 20;

/// One release.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct Release {
    /// Toolchain name: `go1.22.10`, `go1.23rc1`, `go1.20`.
    pub version: String,
    /// False for betas and release candidates.
    #[serde(default)]
    pub stable: bool,
    /// Archives, installers and the source tarball.
    #[serde(default)]
    pub files: Vec<ReleaseFile>,
}

/// One downloadable file of a release.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct ReleaseFile {
    /// `go1.22.10.linux-amd64.tar.gz`.
    pub filename: String,
    /// GOOS; empty for the source tarball.
    #[serde(default)]
    pub os: String,
    /// The index's arch (`amd64`, `armv6l`); empty for the source tarball.
    #[serde(default)]
    pub arch: String,
    /// The toolchain name, same as the release's.
    #[serde(default)]
    pub version: String,
    /// Lowercase hex sha256; empty for a few very old releases.
    #[serde(default)]
    pub sha256: String,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// `archive`, `installer` or `source`.
    #[serde(default)]
    pub kind: String,
}

/// A parsed index.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Releases in the order the index lists them (newest first for go.dev).
    pub releases: Vec<Release>,
}

/// What the user asked to install.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// The newest stable release.
    Latest,
    /// The newest stable release of a line: `1.22` means the newest `1.22.x`.
    Line(Version),
    /// Exactly this release (`1.22.10`, `1.23rc1`, `1.20`).
    Exact(Version),
}

impl Request {
    /// Parses `latest`, `1.22` / `go1.22` (a line), or `1.22.10` / `go1.22.10` / `1.23rc1`.
    pub fn parse(text: &str) -> Result<Request, IndexError> {
        let text = text.trim();
        if text == "latest" || text == "stable" {
            return Ok(Request::Latest);
        }
        let bare = text.strip_prefix("go").unwrap_or(text);
        let version =
            Version::parse(bare).ok_or_else(|| IndexError::BadRequest(text.to_owned()))?;
        let mut parts = bare.split('.');
        let is_line =
            parts.clone().count() == 2 && parts.all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        Ok(if is_line {
            Request::Line(version)
        } else {
            Request::Exact(version)
        })
    }

    /// Whether `version` (a release's) answers this request, ignoring stability.
    pub fn matches(&self, version: &Version) -> bool {
        match self {
            Request::Latest => true,
            Request::Line(line) => version.lang().to_string() == line.lang().to_string(),
            Request::Exact(want) => version == want,
        }
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Request::Latest => f.write_str("latest"),
            Request::Line(v) => write!(f, "go{v} (newest patch release)"),
            Request::Exact(v) => write!(f, "go{v}"),
        }
    }
}

/// A release file chosen for a request.
#[derive(Clone, Debug)]
pub struct Selected {
    /// The release's version.
    pub version: Version,
    /// Whether the release is stable.
    pub stable: bool,
    /// The file.
    pub file: ReleaseFile,
}

impl Index {
    /// Parses go.dev's JSON format.
    pub fn from_json(bytes: &[u8]) -> Result<Index, IndexError> {
        let releases: Vec<Release> = serde_json::from_slice(bytes).map_err(IndexError::Parse)?;
        Ok(Index { releases })
    }

    /// The snapshot of the official index built into groot.
    pub fn embedded() -> Index {
        let mut json = Vec::new();
        let parsed = flate2::read::GzDecoder::new(SNAPSHOT)
            .read_to_end(&mut json)
            .ok()
            .and_then(|_| Index::from_json(&json).ok());
        // The snapshot is checked by a unit test; an empty index is the safe answer otherwise.
        parsed.unwrap_or_default()
    }

    /// Every release with an archive for `platform`, newest first.
    pub fn available(&self, platform: &Platform) -> Vec<Selected> {
        let mut out: Vec<Selected> = self
            .releases
            .iter()
            .filter_map(|r| {
                let version = Version::from_toolchain(&r.version)?;
                let file = archive_for(r, platform)?;
                Some(Selected {
                    version,
                    stable: r.stable,
                    file: file.clone(),
                })
            })
            .collect();
        out.sort_by(|a, b| b.version.cmp(&a.version));
        out
    }

    /// The archive for `platform` that answers `request`: for `latest` and a line, the newest
    /// stable release; for an exact version, that release whether stable or not.
    pub fn find(&self, request: &Request, platform: &Platform) -> Result<Selected, IndexError> {
        self.find_kind(request, platform, "archive")
    }

    /// The source tarball of the release that answers `request`.
    pub fn find_source(&self, request: &Request) -> Result<Selected, IndexError> {
        self.find_kind(request, &Platform::new("", ""), "source")
    }

    fn find_kind(
        &self,
        request: &Request,
        platform: &Platform,
        kind: &str,
    ) -> Result<Selected, IndexError> {
        let mut best: Option<(Version, &Release)> = None;
        let mut other_platforms = false;
        for release in &self.releases {
            let Some(version) = Version::from_toolchain(&release.version) else {
                continue;
            };
            let exact = matches!(request, Request::Exact(_));
            if !request.matches(&version) || (!exact && !release.stable) {
                continue;
            }
            if !release.files.iter().any(|f| {
                f.kind == kind
                    && (kind == "source" || (f.os == platform.os && f.arch == platform.arch))
            }) {
                other_platforms = true;
                continue;
            }
            if best.as_ref().is_none_or(|(v, _)| version > *v) {
                best = Some((version, release));
            }
        }
        let Some((version, release)) = best else {
            return Err(if other_platforms {
                IndexError::NoArchive {
                    request: request.to_string(),
                    platform: platform.to_string(),
                }
            } else {
                IndexError::NoRelease(request.to_string())
            });
        };
        let file = release
            .files
            .iter()
            .find(|f| {
                f.kind == kind
                    && (kind == "source" || (f.os == platform.os && f.arch == platform.arch))
            })
            .cloned()
            .ok_or_else(|| IndexError::NoRelease(request.to_string()))?;
        Ok(Selected {
            version,
            stable: release.stable,
            file,
        })
    }

    /// The file with this exact name, if the index lists it (used to find the official hash of
    /// an archive given with `--from-archive`).
    pub fn file_named(&self, filename: &str) -> Option<&ReleaseFile> {
        self.releases
            .iter()
            .flat_map(|r| &r.files)
            .find(|f| f.filename == filename)
    }
}

fn archive_for<'a>(release: &'a Release, platform: &Platform) -> Option<&'a ReleaseFile> {
    release
        .files
        .iter()
        .find(|f| f.kind == "archive" && f.os == platform.os && f.arch == platform.arch)
}

/// Where a loaded index came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexOrigin {
    /// Fetched from the server just now (or confirmed unchanged by a 304).
    Network,
    /// A cached copy within its TTL.
    Cache {
        /// How old it is.
        age: Duration,
    },
    /// A cached copy past its TTL, because the server could not be asked.
    StaleCache {
        /// How old it is.
        age: Duration,
        /// Why the server was not asked or did not answer.
        reason: String,
    },
    /// The snapshot built into groot.
    Embedded {
        /// Why it was used.
        reason: String,
    },
    /// A local file named by a `file://` URL.
    File(PathBuf),
}

impl std::fmt::Display for IndexOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ago = |d: &Duration| {
            let m = d.as_secs() / 60;
            if m < 120 {
                format!("{m} min")
            } else {
                format!("{} h", m / 60)
            }
        };
        match self {
            IndexOrigin::Network => f.write_str("the server"),
            IndexOrigin::Cache { age } => write!(f, "the cache ({} old)", ago(age)),
            IndexOrigin::StaleCache { age, reason } => {
                write!(f, "a cached copy {} old ({reason})", ago(age))
            }
            IndexOrigin::Embedded { reason } => {
                write!(f, "the snapshot built into groot ({reason})")
            }
            IndexOrigin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// An index and where it came from.
#[derive(Clone, Debug)]
pub struct LoadedIndex {
    /// The index.
    pub index: Index,
    /// Its origin.
    pub origin: IndexOrigin,
    /// The URL it stands for.
    pub url: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct CacheMeta {
    url: String,
    etag: Option<String>,
    fetched_unix: u64,
}

/// Loads the index named by `settings.index_url` (see the module doc for the order).
pub fn load(
    settings: &Settings,
    client: &Client,
    reporter: &dyn Reporter,
) -> Result<LoadedIndex, IndexError> {
    let url = settings.index_url.clone();
    if !trusted_index_url(&url) {
        return Err(IndexError::Insecure(url));
    }
    if let Some(path) = download::file_url_path(&url) {
        let bytes = std::fs::read(&path).map_err(|source| IndexError::Read {
            path: path.clone(),
            source,
        })?;
        return Ok(LoadedIndex {
            index: Index::from_json(&bytes)?,
            origin: IndexOrigin::File(path),
            url,
        });
    }
    let (json_path, meta_path) = cache_paths(&settings.cache_dir, &url);
    let cached = read_cache(&json_path, &meta_path, &url);
    let now = unix_now();
    let age_of = |meta: &CacheMeta| Duration::from_secs(now.saturating_sub(meta.fetched_unix));

    if let Some((index, meta)) = &cached {
        if age_of(meta) < settings.index_ttl {
            return Ok(LoadedIndex {
                index: index.clone(),
                origin: IndexOrigin::Cache { age: age_of(meta) },
                url,
            });
        }
    }
    let failure = if settings.offline {
        "offline".to_owned()
    } else {
        let etag = cached.as_ref().and_then(|(_, m)| m.etag.clone());
        match client.get(&url, etag.as_deref(), MAX_INDEX_BYTES, &trusted_index_url) {
            Ok(download::Fetched::NotModified) if cached.is_some() => {
                let (index, mut meta) = cached.unwrap_or_default();
                meta.fetched_unix = now;
                // A failed write only costs a request next time.
                let _ =
                    super::write_atomic(&meta_path, &serde_json::to_vec(&meta).unwrap_or_default());
                return Ok(LoadedIndex {
                    index,
                    origin: IndexOrigin::Network,
                    url,
                });
            }
            Ok(download::Fetched::NotModified) => "server said 304 without a cached copy".into(),
            Ok(download::Fetched::Body { bytes, etag }) => {
                let index = Index::from_json(&bytes)?;
                let meta = CacheMeta {
                    url: url.clone(),
                    etag,
                    fetched_unix: now,
                };
                // Cached in groot's home only when it is groot's (never `/` or `$HOME`).
                let writable = !settings.cache_dir.starts_with(&settings.home)
                    || crate::home::claim_home(&settings.home, settings.user_home.as_deref())
                        .is_ok();
                if writable {
                    let _ = super::create_dirs(&settings.cache_dir);
                    let _ = super::write_atomic(&json_path, &bytes).and_then(|()| {
                        super::write_atomic(
                            &meta_path,
                            &serde_json::to_vec(&meta).unwrap_or_default(),
                        )
                    });
                }
                return Ok(LoadedIndex {
                    index,
                    origin: IndexOrigin::Network,
                    url,
                });
            }
            Err(e) => e.to_string(),
        }
    };
    let loaded = if let Some((index, meta)) = cached {
        LoadedIndex {
            index,
            origin: IndexOrigin::StaleCache {
                age: age_of(&meta),
                reason: failure,
            },
            url,
        }
    } else if url == OFFICIAL_INDEX_URL {
        LoadedIndex {
            index: Index::embedded(),
            origin: IndexOrigin::Embedded { reason: failure },
            url,
        }
    } else {
        return Err(IndexError::Unavailable {
            url,
            reason: failure,
        });
    };
    reporter.event(Event::IndexFallback {
        origin: &loaded.origin,
    });
    Ok(loaded)
}

/// Whether the index may come from `url`. The index holds the hashes every download is checked
/// against, so it must come over an authenticated channel: `https://`, a local `file://`, or
/// plain `http://` only to this machine (loopback test servers and local mirrors). Archives
/// may come from a plain-http mirror: their hashes do not.
fn trusted_index_url(url: &str) -> bool {
    !plain_http_off_this_machine(url)
}

/// Whether `url` is plain `http://` (in any letter case) to a host other than this machine's
/// loopback (`localhost`, `127.0.0.0/8`, `::1`): traffic anyone on the path can read and
/// change. Also used by the doctor for `GOPROXY`.
pub fn plain_http_off_this_machine(url: &str) -> bool {
    let Some(rest) = download::after_scheme(url, "http") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split_once(']').map_or(v6, |(h, _)| h)
    } else {
        host.split_once(':').map_or(host, |(h, _)| h)
    };
    let host = host.to_ascii_lowercase();
    let loopback = host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    !loopback
}

/// Where the index from `url` is cached under `cache_dir`: the JSON and its metadata. Shared
/// with `groot doctor`, which reads the cached official index for its support check.
pub fn cache_paths(cache_dir: &Path, url: &str) -> (PathBuf, PathBuf) {
    // FNV-1a: a stable file name per URL, no crypto needed.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (
        cache_dir.join(format!("index-{h:016x}.json")),
        cache_dir.join(format!("index-{h:016x}.meta.json")),
    )
}

fn read_cache(json: &Path, meta: &Path, url: &str) -> Option<(Index, CacheMeta)> {
    let meta: CacheMeta = serde_json::from_slice(&std::fs::read(meta).ok()?).ok()?;
    if meta.url != url {
        return None;
    }
    let index = Index::from_json(&std::fs::read(json).ok()?).ok()?;
    Some((index, meta))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Errors of the release index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The request is not `latest`, a line or a version.
    #[error("`{0}` is not a Go version (try `1.22.10`, `1.22` or `latest`)")]
    BadRequest(String),
    /// The index is not in go.dev's JSON format.
    #[error("the release index is not valid JSON in go.dev's format")]
    Parse(#[source] serde_json::Error),
    /// A `file://` index could not be read.
    #[error("cannot read the release index {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A custom index could not be fetched and none is cached.
    #[error("cannot load the release index from {url}: {reason}")]
    Unavailable {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// A plain-http index on another machine: anyone on the path could change the hashes.
    #[error(
        "refusing the release index at {0}: plain http to another machine is not authenticated, \
         and the index holds the hashes of every download; use https:// or file://"
    )]
    Insecure(String),
    /// No release answers the request.
    #[error("no release matches {0}")]
    NoRelease(String),
    /// Releases answer the request, but none has an archive for the platform.
    #[error("no archive of {request} for {platform}")]
    NoArchive {
        /// The request.
        request: String,
        /// The platform.
        platform: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_index_only_from_this_machine() {
        for ok in [
            "https://go.dev/dl/?mode=json&include=all",
            "file:///srv/index.json",
            "http://127.0.0.1:8080/index.json",
            "http://localhost/index.json",
            "http://[::1]:80/x",
            "http://user@127.0.0.2/x",
        ] {
            assert!(trusted_index_url(ok), "{ok}");
        }
        for bad in [
            "http://go.dev/dl/?mode=json",
            "http://127.0.0.1.evil.example/x",
            "http://localhost@evil.example/x",
            "http://10.0.0.1/index.json",
            "http://[::2]/x",
            "HTTP://go.dev/dl/?mode=json",
            "Http://evil.example/x",
        ] {
            assert!(!trusted_index_url(bad), "{bad}");
        }
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn file(version: &str, os: &str, arch: &str) -> ReleaseFile {
        ReleaseFile {
            filename: format!("{version}.{os}-{arch}.tar.gz"),
            os: os.into(),
            arch: arch.into(),
            version: version.into(),
            sha256: "00".repeat(32),
            size: 1,
            kind: "archive".into(),
        }
    }

    fn index() -> Index {
        let rel = |version: &str, stable: bool, arches: &[&str]| Release {
            version: version.into(),
            stable,
            files: arches.iter().map(|a| file(version, "linux", a)).collect(),
        };
        Index {
            releases: vec![
                rel("go1.23rc1", false, &["amd64"]),
                rel("go1.22.10", true, &["amd64"]),
                rel("go1.22.9", true, &["amd64", "arm64"]),
                rel("go1.21.13", true, &["amd64"]),
                rel("go1.20", true, &["amd64"]),
                rel("go1.20.1", true, &["amd64"]),
            ],
        }
    }

    #[test]
    fn parses_requests() {
        assert_eq!(Request::parse("latest").ok(), Some(Request::Latest));
        assert_eq!(Request::parse("1.22").ok(), Some(Request::Line(v("1.22"))));
        assert_eq!(
            Request::parse("go1.22").ok(),
            Some(Request::Line(v("1.22")))
        );
        assert_eq!(Request::parse("1.20").ok(), Some(Request::Line(v("1.20"))));
        assert_eq!(
            Request::parse("go1.22.10").ok(),
            Some(Request::Exact(v("1.22.10")))
        );
        assert_eq!(
            Request::parse("1.23rc1").ok(),
            Some(Request::Exact(v("1.23rc1")))
        );
        assert!(Request::parse("1.x").is_err());
        assert!(Request::parse("").is_err());
    }

    #[test]
    fn finds_newest_stable_of_a_line_and_exact_prereleases() {
        let idx = index();
        let amd64 = Platform::new("linux", "amd64");
        let name = |r: &str| {
            idx.find(&Request::parse(r).unwrap_or(Request::Latest), &amd64)
                .map(|s| s.file.version)
                .unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(name("latest"), "go1.22.10");
        assert_eq!(name("1.22"), "go1.22.10");
        assert_eq!(name("1.20"), "go1.20.1");
        assert_eq!(name("1.20.0"), "go1.20");
        assert_eq!(name("1.23rc1"), "go1.23rc1");
        assert_eq!(
            name("1.23"),
            "no release matches go1.23 (newest patch release)"
        );
        let arm = Platform::new("linux", "arm64");
        assert_eq!(
            idx.find(&Request::Latest, &arm)
                .map(|s| s.file.version)
                .ok(),
            Some("go1.22.9".into())
        );
        assert_eq!(
            idx.find(&Request::Exact(v("1.22.10")), &arm)
                .map_err(|e| e.to_string())
                .err(),
            Some("no archive of go1.22.10 for linux/arm64".into())
        );
    }

    #[test]
    fn available_is_newest_first_for_the_platform() {
        let got: Vec<String> = index()
            .available(&Platform::new("linux", "arm64"))
            .into_iter()
            .map(|s| s.version.to_string())
            .collect();
        assert_eq!(got, ["1.22.9"]);
    }

    #[test]
    fn embedded_snapshot_parses_and_holds_official_hashes() {
        let idx = Index::embedded();
        assert!(idx.releases.len() > 300, "{}", idx.releases.len());
        let f = idx
            .file_named("go1.22.10.linux-amd64.tar.gz")
            .map(|f| f.sha256.clone());
        assert_eq!(
            f.as_deref(),
            Some("736ce492a19d756a92719a6121226087ccd91b652ed5caec40ad6dbfb2252092")
        );
        let latest = idx.find(&Request::Latest, &Platform::new("darwin", "arm64"));
        assert!(latest.is_ok_and(|s| s.stable && s.version >= v("1.25.0")));
    }
}
