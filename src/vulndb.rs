//! Known vulnerabilities of Go toolchains, from the Go vulnerability database.
//!
//! The database is read in its published layout (the v1 layout of <https://vuln.go.dev>):
//! `index/db.json` (`{"modified": …}`), `index/modules.json` (each module path with its entry
//! IDs and their `modified` stamps), `index/vulns.json` and `ID/<id>.json` (one OSV entry).
//! groot only needs the entries of the `stdlib` and `toolchain` modules, so it reads
//! `db.json`, then `modules.json`, then the entries of those two modules that are new or
//! changed since its cached copy (a few at a time). `vulns.json` is not needed.
//!
//! The location comes from `GOVULNDB` (as for govulncheck; default [`DEFAULT_URL`]): `https://`,
//! plain `http://` only to this machine (the release index's trust rule,
//! [`crate::dist::index::plain_http_off_this_machine`]), or `file://` for mirrors. Requests go
//! through the dist layer's [`Client`], with its timeouts and its vetting of redirects.
//!
//! What is kept is a compact cache, one line per entry (`vulndb-<hash>.txt` under groot's cache
//! directory), stamped with the database's own `modified` and the time it was fetched: reading
//! it costs a fraction of a millisecond, so `groot doctor` and `groot list` can use it on every
//! run. It is refreshed when older than [`TTL`] (or on request); a `file://` database is
//! revalidated on every run by its `db.json` alone. Offline or unreachable, the cache is used
//! and its age said; with no cache the caller gets [`VulnDbError::Unavailable`] and makes it a
//! note. A malformed entry is skipped and reported once, when it is fetched.

pub mod osv;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::dist::download::{self, Client, DownloadError};
use crate::dist::index::plain_http_off_this_machine;
use crate::version::{Semver, Version};

pub use osv::{Record, GO_MODULES};

/// The public database.
pub const DEFAULT_URL: &str = "https://vuln.go.dev";

/// How long a cached copy is used without asking the server.
pub const TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// The first line of the compact cache.
const CACHE_MAGIC: &str = "groot-vulndb 1";

/// Size limits of the documents read.
const MAX_DB_JSON: u64 = 64 * 1024;
const MAX_MODULES_JSON: u64 = 64 * 1024 * 1024;
const MAX_ENTRY: u64 = 4 * 1024 * 1024;

/// Entries fetched at the same time.
const PARALLEL: usize = 4;

/// Where the database is and how to treat the cache; built by the caller.
#[derive(Clone, Debug)]
pub struct Options {
    /// The database's base URL (`GOVULNDB`).
    pub url: String,
    /// Where the compact cache lives (a real path), if anywhere.
    pub cache_dir: Option<PathBuf>,
    /// Never use the network (`GROOT_OFFLINE`).
    pub offline: bool,
    /// Ask the database even when the cache is fresh (`--refresh`).
    pub refresh: bool,
    /// How long a cache is fresh.
    pub ttl: Duration,
}

impl Options {
    /// Options for `url` (trailing slashes dropped) with the default TTL.
    pub fn new(url: &str, cache_dir: Option<PathBuf>) -> Options {
        Options {
            url: url.trim_end_matches('/').to_owned(),
            cache_dir,
            offline: false,
            refresh: false,
            ttl: TTL,
        }
    }

    /// The location `GOVULNDB` names on this host, groot's cache directory and `GROOT_OFFLINE`.
    pub fn from_host(host: &crate::host::Host) -> Options {
        let url = host
            .var_nonempty(crate::env_vars::GOVULNDB)
            .unwrap_or(DEFAULT_URL);
        let cache_dir = crate::home::cache_home(host).map(|c| host.fs().to_real(&c));
        let mut o = Options::new(url, cache_dir);
        o.offline = host
            .var_nonempty(crate::dist::env::GROOT_OFFLINE)
            .is_some_and(|v| matches!(v, "1" | "true" | "yes"));
        o
    }
}

/// The Go entries of the database, as cached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Db {
    /// The URL it came from.
    pub url: String,
    /// The database's `modified` stamp (`index/db.json`).
    pub modified: String,
    /// When it was fetched or last confirmed unchanged (Unix seconds).
    pub fetched_unix: u64,
    /// The entries of `stdlib` and `toolchain`.
    pub records: Vec<Record>,
    /// Entries that could not be read: (id, modified, why). Kept so that they are not fetched
    /// (and reported) again until they change.
    pub skipped: Vec<(String, String, String)>,
}

/// One known vulnerability of a Go version, as `groot list --json` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Vuln {
    /// `GO-2024-3106`.
    pub id: String,
    /// CVE / GHSA names.
    pub aliases: Vec<String>,
    pub summary: String,
    /// The lowest release that fixes it for this version (`go1.22.11`), or null when none is
    /// published.
    pub fixed: Option<String>,
}

/// What fixes every known vulnerability of a version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixAll {
    /// Nothing to fix.
    Clean,
    /// The lowest release above the version that none of its entries affects.
    Release(Version),
    /// Some entries have no published fix.
    NoFix,
}

impl Db {
    /// The entries whose ranges contain `v`, newest first (by ID: `GO-YEAR-NUMBER`).
    pub fn affecting(&self, v: &Version) -> Vec<Vuln> {
        let s = v.semver();
        let mut out: Vec<(&Record, Option<Semver>)> = self
            .records
            .iter()
            .filter_map(|r| r.affects(&s).map(|fix| (r, fix)))
            .collect();
        out.sort_by(|(a, _), (b, _)| id_key(&b.id).cmp(&id_key(&a.id)));
        out.into_iter()
            .map(|(r, fix)| Vuln {
                id: r.id.clone(),
                aliases: r.aliases.clone(),
                summary: r.summary.clone(),
                fixed: fix.map(|f| match f.go_version() {
                    Some(g) => g.toolchain_name(),
                    None => f.to_string(),
                }),
            })
            .collect()
    }

    /// The lowest release above `v` that fixes every entry affecting `v`: the candidates are
    /// the `fixed` versions of those entries (every boundary where one stops applying).
    pub fn fix_all(&self, v: &Version) -> FixAll {
        let s = v.semver();
        let hits: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| r.affects(&s).is_some())
            .collect();
        if hits.is_empty() {
            return FixAll::Clean;
        }
        let mut candidates: Vec<Semver> = hits
            .iter()
            .flat_map(|r| &r.ranges)
            .flat_map(|r| &r.events)
            .filter_map(|e| match e {
                osv::Event::Fixed(f) if !f.is_prerelease() && *f > s => Some(f.clone()),
                _ => None,
            })
            .collect();
        candidates.sort();
        candidates.dedup();
        candidates
            .into_iter()
            .find(|c| hits.iter().all(|r| r.affects(c).is_none()))
            .and_then(|c| c.go_version())
            .map_or(FixAll::NoFix, FixAll::Release)
    }

    /// The compact cache text.
    pub fn to_cache(&self) -> String {
        let mut s = String::with_capacity(self.records.len() * 256);
        let _ = writeln!(s, "{CACHE_MAGIC}");
        let _ = writeln!(s, "url\t{}", osv::one_line(&self.url, 4096));
        let _ = writeln!(s, "modified\t{}", osv::one_line(&self.modified, 64));
        let _ = writeln!(s, "fetched\t{}", self.fetched_unix);
        for r in &self.records {
            let ranges: Vec<String> = r
                .ranges
                .iter()
                .map(|g| {
                    let evs: Vec<String> = g.events.iter().map(osv::Event::encode).collect();
                    format!("{}:{}", g.module, evs.join(" "))
                })
                .collect();
            let _ = writeln!(
                s,
                "E\t{}\t{}\t{}\t{}\t{}\t{}",
                r.id,
                r.modified,
                r.published,
                r.aliases.join(","),
                ranges.join(";"),
                r.summary
            );
        }
        for (id, modified, why) in &self.skipped {
            let _ = writeln!(s, "X\t{id}\t{modified}\t{}", osv::one_line(why, 300));
        }
        s
    }

    /// Reads the compact cache; `None` when it is not one (a partial or foreign file is
    /// ignored: it only costs a refetch).
    pub fn from_cache(text: &str) -> Option<Db> {
        let mut lines = text.lines();
        if lines.next()? != CACHE_MAGIC {
            return None;
        }
        let mut field = |name: &str| {
            let (k, v) = lines.next()?.split_once('\t')?;
            (k == name).then(|| v.to_owned())
        };
        let url = field("url")?;
        let modified = field("modified")?;
        let fetched_unix = field("fetched")?.parse().ok()?;
        let mut db = Db {
            url,
            modified,
            fetched_unix,
            ..Db::default()
        };
        for line in lines {
            let mut f = line.split('\t');
            match f.next()? {
                "E" => {
                    let (id, modified, published, aliases, ranges, summary) = (
                        f.next()?,
                        f.next()?,
                        f.next()?,
                        f.next()?,
                        f.next()?,
                        f.next()?,
                    );
                    let ranges = ranges
                        .split(';')
                        .filter(|g| !g.is_empty())
                        .map(|g| {
                            let (module, evs) = g.split_once(':')?;
                            let events = evs
                                .split(' ')
                                .filter(|e| !e.is_empty())
                                .map(osv::Event::decode)
                                .collect::<Option<Vec<_>>>()?;
                            Some(osv::Range::new(module, events))
                        })
                        .collect::<Option<Vec<_>>>()?;
                    db.records.push(Record {
                        id: id.to_owned(),
                        modified: modified.to_owned(),
                        published: published.to_owned(),
                        aliases: aliases
                            .split(',')
                            .filter(|a| !a.is_empty())
                            .map(str::to_owned)
                            .collect(),
                        summary: summary.to_owned(),
                        ranges,
                    });
                }
                "X" => db.skipped.push((
                    f.next()?.to_owned(),
                    f.next()?.to_owned(),
                    f.next().unwrap_or_default().to_owned(),
                )),
                _ => return None,
            }
        }
        Some(db)
    }
}

/// Sort key of an entry ID: `GO-2024-3106` → (2024, 3106); others after, by text.
fn id_key(id: &str) -> (u32, u64, &str) {
    let mut parts = id.split('-').skip(1);
    let year = parts.next().and_then(|y| y.parse().ok()).unwrap_or(0);
    let n = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    (year, n, id)
}

/// Where a loaded database came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Read from the database just now (or confirmed unchanged by its `db.json`).
    Fetched,
    /// The cached copy, within its TTL.
    Cache {
        /// Seconds since it was fetched.
        age_secs: u64,
    },
    /// The cached copy past its TTL, because the database could not be asked.
    StaleCache {
        /// Seconds since it was fetched.
        age_secs: u64,
        /// Why it was not asked or did not answer.
        reason: String,
    },
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Fetched => f.write_str("fetched just now"),
            Origin::Cache { age_secs } => write!(f, "cached {} ago", age(*age_secs)),
            Origin::StaleCache { age_secs, reason } => {
                write!(f, "cached {} ago, not refreshed: {reason}", age(*age_secs))
            }
        }
    }
}

/// A duration in the largest whole unit: `42 min`, `5 h`, `3 days`.
pub fn age(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86400),
    }
}

/// A database ready to match against, where it came from, and what is worth telling the user.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub db: Db,
    pub origin: Origin,
    /// Skipped entries (reported once, when fetched).
    pub notes: Vec<String>,
}

/// Why no database could be used.
#[derive(Debug, thiserror::Error)]
pub enum VulnDbError {
    /// Plain http to another machine.
    #[error(
        "refusing the vulnerability database at {0}: plain http to another machine is not \
         authenticated; use https:// or file://"
    )]
    Insecure(String),
    /// Not an http(s) or file URL.
    #[error("GOVULNDB={0} is not an https://, http:// or file:// URL")]
    BadUrl(String),
    /// The server or directory answered, but not in the v1 layout.
    #[error("{url} is not a Go vulnerability database in the vuln.go.dev v1 layout: {why}")]
    Layout {
        /// The document that was wrong.
        url: String,
        /// What was wrong.
        why: String,
    },
    /// Unreachable (or offline) and nothing cached.
    #[error("the vulnerability database {url} cannot be read and nothing is cached: {reason}")]
    Unavailable {
        /// The base URL.
        url: String,
        /// Why.
        reason: String,
    },
}

/// Reading a document failed.
enum GetError {
    /// 404 / missing file: a layout problem when it is an index.
    NotFound(String),
    /// Transport: try the cache.
    Transport(String),
}

/// The database location.
enum Source<'a> {
    Dir(PathBuf),
    Http { base: &'a str, client: Client },
}

impl Source<'_> {
    fn get(&self, rel: &str, limit: u64) -> Result<Vec<u8>, GetError> {
        match self {
            Source::Dir(dir) => {
                let path = dir.join(rel);
                if std::fs::metadata(&path).is_ok_and(|m| m.len() > limit) {
                    return Err(GetError::Transport(format!(
                        "{} is larger than {limit} bytes",
                        path.display()
                    )));
                }
                std::fs::read(&path).map_err(|e| {
                    if e.kind() == std::io::ErrorKind::NotFound {
                        GetError::NotFound(format!("{} does not exist", path.display()))
                    } else {
                        GetError::Transport(format!("cannot read {}: {e}", path.display()))
                    }
                })
            }
            Source::Http { base, client } => {
                let url = format!("{base}/{rel}");
                let allow = |u: &str| !plain_http_off_this_machine(u);
                match client.get(&url, None, limit, &allow) {
                    Ok(download::Fetched::Body { bytes, .. }) => Ok(bytes),
                    Ok(download::Fetched::NotModified) => {
                        Err(GetError::Transport(format!("{url}: unexpected 304")))
                    }
                    Err(DownloadError::NotFound { url }) => Err(GetError::NotFound(format!(
                        "{url} does not exist (HTTP 404)"
                    ))),
                    Err(e) => Err(GetError::Transport(error_chain(&e))),
                }
            }
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let _ = write!(s, ": {inner}");
        src = inner.source();
    }
    s
}

/// The cache file for `url` under `cache_dir`.
pub fn cache_path(cache_dir: &Path, url: &str) -> PathBuf {
    // FNV-1a, as the release index cache: a stable name per URL.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    cache_dir.join(format!("vulndb-{h:016x}.txt"))
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Reads the cached copy for `opts.url`, if any.
pub fn read_cache(opts: &Options) -> Option<Db> {
    let path = cache_path(opts.cache_dir.as_ref()?, &opts.url);
    let db = Db::from_cache(&std::fs::read_to_string(path).ok()?)?;
    (db.url == opts.url).then_some(db)
}

fn write_cache(opts: &Options, db: &Db) {
    let Some(dir) = &opts.cache_dir else { return };
    // A failed write only costs a fetch next time.
    let _ = crate::dist::create_dirs(dir).and_then(|()| {
        crate::dist::write_atomic(&cache_path(dir, &opts.url), db.to_cache().as_bytes())
    });
}

/// Loads the database `host` names (see [`Options::from_host`]) with the dist layer's HTTP
/// client and deadlines; `refresh` asks the database even when the cache is fresh, `offline`
/// (or `GROOT_OFFLINE`) never does.
pub fn load_for_host(
    host: &crate::host::Host,
    refresh: bool,
    offline: bool,
) -> (Options, Result<Loaded, VulnDbError>) {
    let mut opts = Options::from_host(host);
    opts.refresh = refresh;
    opts.offline |= offline;
    // The client (TLS roots, proxy) is only built when the network is really used.
    let client = || {
        let settings = crate::dist::Settings::from_host(host).unwrap_or_else(|_| {
            crate::dist::Settings::new(PathBuf::new(), crate::dist::Platform::new("", ""))
        });
        Client::new(&settings)
    };
    let loaded = load(&opts, &client);
    (opts, loaded)
}

/// Loads the database: the cache when fresh, else the database (only what changed), else the
/// stale cache with the reason. `client` makes the HTTP client, for `http(s)://` URLs only.
pub fn load(opts: &Options, client: &dyn Fn() -> Client) -> Result<Loaded, VulnDbError> {
    let url = opts.url.as_str();
    let dir = download::file_url_path(url);
    let local = dir.is_some();
    if !local {
        if download::after_scheme(url, "https").is_none()
            && download::after_scheme(url, "http").is_none()
        {
            return Err(VulnDbError::BadUrl(url.to_owned()));
        }
        if plain_http_off_this_machine(url) {
            return Err(VulnDbError::Insecure(url.to_owned()));
        }
    }
    let cached = read_cache(opts);
    let now = now_unix();
    let age_of = |db: &Db| now.saturating_sub(db.fetched_unix);
    // A local mirror is cheap to revalidate (one small file); a server is asked once a TTL.
    let within_ttl = |db: &Db| Duration::from_secs(age_of(db)) < opts.ttl;
    let cached = match cached {
        Some(db) if !opts.refresh && !local && within_ttl(&db) => {
            return Ok(Loaded {
                origin: Origin::Cache {
                    age_secs: age_of(&db),
                },
                db,
                notes: Vec::new(),
            });
        }
        other => other,
    };
    let failure = if opts.offline && !local {
        "offline (GROOT_OFFLINE)".to_owned()
    } else {
        let source = match dir {
            Some(dir) => Source::Dir(dir),
            None => Source::Http {
                base: url,
                client: client(),
            },
        };
        match fetch(&source, url, cached.as_ref(), now) {
            Ok(Fresh::New(db, notes)) => {
                write_cache(opts, &db);
                return Ok(Loaded {
                    db,
                    origin: Origin::Fetched,
                    notes,
                });
            }
            // The database has not changed since the cache was written: the cache is current.
            // A server's answer restarts the TTL (so the cache is rewritten with the new
            // stamp); a local mirror is revalidated on every run, so its cache stays as it is.
            Ok(Fresh::Same) if cached.is_some() => {
                let mut db = cached.unwrap_or_default();
                db.fetched_unix = now;
                if !local {
                    write_cache(opts, &db);
                }
                return Ok(Loaded {
                    db,
                    origin: Origin::Fetched,
                    notes: Vec::new(),
                });
            }
            Ok(Fresh::Same) => "the database answered \"unchanged\" without a cache".to_owned(),
            Err(FetchError::Layout(e)) => return Err(e),
            Err(FetchError::Transport(reason)) => reason,
        }
    };
    match cached {
        Some(db) => Ok(Loaded {
            origin: Origin::StaleCache {
                age_secs: age_of(&db),
                reason: failure,
            },
            db,
            notes: Vec::new(),
        }),
        None => Err(VulnDbError::Unavailable {
            url: url.to_owned(),
            reason: failure,
        }),
    }
}

/// One entry as fetched: id, modified, bytes or why not.
type Fetched = (String, String, Result<Vec<u8>, GetError>);

/// What revalidating against the database gave.
enum Fresh {
    /// Its `modified` stamp is the cache's: nothing to fetch.
    Same,
    /// The database with what changed fetched, and notes on skipped entries.
    New(Db, Vec<String>),
}

enum FetchError {
    Layout(VulnDbError),
    Transport(String),
}

#[derive(Deserialize)]
struct DbJson {
    modified: String,
}

#[derive(Deserialize)]
struct ModuleJson {
    path: String,
    #[serde(default)]
    vulns: Vec<ModuleVuln>,
}

#[derive(Deserialize)]
struct ModuleVuln {
    id: String,
    #[serde(default)]
    modified: String,
}

fn fetch(
    source: &Source<'_>,
    base: &str,
    cached: Option<&Db>,
    now: u64,
) -> Result<Fresh, FetchError> {
    let layout = |rel: &str, why: String| {
        FetchError::Layout(VulnDbError::Layout {
            url: format!("{base}/{rel}"),
            why,
        })
    };
    let get = |rel: &str, limit: u64| match source.get(rel, limit) {
        Ok(b) => Ok(b),
        Err(GetError::NotFound(m)) => Err(layout(rel, m)),
        Err(GetError::Transport(m)) => Err(FetchError::Transport(m)),
    };
    let db_json: DbJson =
        serde_json::from_slice(&get("index/db.json", MAX_DB_JSON)?).map_err(|e| {
            layout(
                "index/db.json",
                format!("expected {{\"modified\": …}}: {e}"),
            )
        })?;
    if cached.is_some_and(|c| c.modified == db_json.modified) {
        return Ok(Fresh::Same);
    }
    let modules: Vec<ModuleJson> =
        serde_json::from_slice(&get("index/modules.json", MAX_MODULES_JSON)?).map_err(|e| {
            layout(
                "index/modules.json",
                format!("expected a list of {{\"path\", \"vulns\"}}: {e}"),
            )
        })?;
    let mut wanted: Vec<(String, String)> = modules
        .iter()
        .filter(|m| GO_MODULES.contains(&m.path.as_str()))
        .flat_map(|m| &m.vulns)
        .map(|v| (v.id.clone(), v.modified.clone()))
        .collect();
    wanted.sort();
    wanted.dedup_by(|a, b| a.0 == b.0);
    let mut db = Db {
        url: base.to_owned(),
        modified: osv::one_line(&db_json.modified, 64),
        fetched_unix: now,
        ..Db::default()
    };
    let mut notes = Vec::new();
    let mut todo: Vec<(String, String)> = Vec::new();
    for (id, modified) in wanted {
        if !osv::valid_id(&id) {
            notes.push(format!(
                "skipped vulnerability entry {id:?} of {base}/index/modules.json: not a valid ID"
            ));
            continue;
        }
        let old = cached.and_then(|c| c.records.iter().find(|r| r.id == id));
        if let Some(r) = old.filter(|r| r.modified == modified) {
            db.records.push(r.clone());
            continue;
        }
        let bad = cached.and_then(|c| c.skipped.iter().find(|s| s.0 == id));
        if let Some(s) = bad.filter(|s| s.1 == modified) {
            db.skipped.push(s.clone());
            continue;
        }
        todo.push((id, modified));
    }
    // Fetch what changed, a few at a time.
    let queue = Mutex::new(todo.into_iter());
    let results: Mutex<Vec<Fetched>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some((id, modified)) = next else { break };
                let got = source.get(&format!("ID/{id}.json"), MAX_ENTRY);
                let transport = matches!(got, Err(GetError::Transport(_)));
                if let Ok(mut r) = results.lock() {
                    r.push((id, modified, got));
                }
                if transport {
                    break;
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    for (id, modified, got) in results {
        let bytes = match got {
            Ok(b) => b,
            Err(GetError::Transport(m)) => return Err(FetchError::Transport(m)),
            Err(GetError::NotFound(m)) => {
                notes.push(format!("skipped vulnerability entry {id}: {m}"));
                db.skipped.push((id, modified, m));
                continue;
            }
        };
        match osv::parse(&bytes) {
            Ok(Some(r)) if r.id == id => db.records.push(Record { modified, ..r }),
            Ok(Some(r)) => {
                let why = format!("its id is {}", r.id);
                notes.push(format!(
                    "skipped vulnerability entry {base}/ID/{id}.json: {why}"
                ));
                db.skipped.push((id, modified, why));
            }
            Ok(None) => {}
            Err(e) => {
                notes.push(format!(
                    "skipped malformed vulnerability entry {base}/ID/{id}.json: {e}"
                ));
                db.skipped.push((id, modified, e.to_string()));
            }
        }
    }
    db.records.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Fresh::New(db, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn record(id: &str, events: &[&str]) -> Record {
        Record {
            id: id.into(),
            modified: "m".into(),
            published: "p".into(),
            aliases: vec!["CVE-1".into(), "GHSA-x".into()],
            summary: format!("summary of {id}"),
            ranges: vec![osv::Range::new(
                "stdlib",
                events
                    .iter()
                    .map(|e| osv::Event::decode(e).unwrap_or_else(|| panic!("{e}")))
                    .collect(),
            )],
        }
    }

    fn db() -> Db {
        Db {
            url: "https://vuln.example".into(),
            modified: "2026-08-21T00:00:00Z".into(),
            fetched_unix: 7,
            records: vec![
                record("GO-2024-3106", &["i0", "f1.22.7", "i1.23.0-0", "f1.23.1"]),
                record("GO-2025-3563", &["i0", "f1.22.12", "i1.23.0-0", "f1.23.6"]),
                record("GO-2025-3447", &["i0", "f1.22.11", "i1.23.0-0", "f1.23.5"]),
                record("GO-2026-9999", &["i1.22.0-0", "f1.23.8"]),
            ],
            skipped: vec![("GO-2020-0001".into(), "m".into(), "bad json".into())],
        }
    }

    #[test]
    fn matches_newest_first_with_the_fix_for_the_line() {
        let got = db().affecting(&v("1.22.10"));
        let ids: Vec<&str> = got.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["GO-2026-9999", "GO-2025-3563", "GO-2025-3447"]);
        let fixed: Vec<Option<&str>> = got.iter().map(|x| x.fixed.as_deref()).collect();
        assert_eq!(
            fixed,
            [Some("go1.23.8"), Some("go1.22.12"), Some("go1.22.11")]
        );
        assert_eq!(db().fix_all(&v("1.22.10")), FixAll::Release(v("1.23.8")));
        assert_eq!(db().fix_all(&v("1.23.5")), FixAll::Release(v("1.23.8")));
        assert_eq!(db().fix_all(&v("1.23.8")), FixAll::Clean);
        assert!(db().affecting(&v("1.24.0")).is_empty());
        let mut d = db();
        d.records.pop();
        assert_eq!(d.fix_all(&v("1.22.10")), FixAll::Release(v("1.22.12")));
        d.records.push(record("GO-2026-1", &["i1.22.0"]));
        assert_eq!(d.fix_all(&v("1.22.10")), FixAll::NoFix);
    }

    #[test]
    fn compact_cache_round_trips_and_rejects_garbage() {
        let d = db();
        assert_eq!(Db::from_cache(&d.to_cache()), Some(d.clone()));
        let text = d.to_cache();
        assert_eq!(Db::from_cache(&text[..text.len() / 2]), None);
        assert_eq!(Db::from_cache(""), None);
        assert_eq!(Db::from_cache("groot-vulndb 2\n"), None);
    }

    #[test]
    fn insecure_and_foreign_urls_are_refused() {
        let client = || {
            Client::new(&crate::dist::Settings::new(
                PathBuf::from("/nonexistent"),
                crate::dist::Platform::new("linux", "amd64"),
            ))
        };
        let load_url = |u: &str| {
            load(&Options::new(u, None), &client)
                .err()
                .map(|e| e.to_string())
        };
        let e = load_url("http://vuln.example.com").unwrap_or_default();
        assert!(e.contains("plain http"), "{e}");
        let e = load_url("ftp://vuln.example.com").unwrap_or_default();
        assert!(e.contains("GOVULNDB=ftp://"), "{e}");
        let e = load_url("file:///nonexistent/vulndb").unwrap_or_default();
        assert!(
            e.contains("file:///nonexistent/vulndb/index/db.json") && e.contains("v1 layout"),
            "{e}"
        );
    }

    /// An unchanged local mirror is answered from the cache without rewriting it; a changed
    /// one is fetched again.
    #[cfg(unix)]
    #[test]
    fn unchanged_mirror_keeps_its_cache() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vulndb");
        let mirror = tempfile::tempdir().expect("tmp");
        for sub in ["index", "ID"] {
            let to = mirror.path().join(sub);
            std::fs::create_dir_all(&to).expect("mkdir");
            for e in std::fs::read_dir(fixture.join(sub)).expect("fixture") {
                let e = e.expect("entry");
                std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
            }
        }
        let cache = tempfile::tempdir().expect("tmp");
        let url = format!("file://{}", mirror.path().display());
        let opts = Options::new(&url, Some(cache.path().to_path_buf()));
        let no_client = || -> Client { unreachable!("a file:// mirror needs no client") };
        let first = load(&opts, &no_client).expect("first load");
        let path = cache_path(cache.path(), &opts.url);
        // The cache is written atomically (a new file renamed in): a rewrite changes the inode.
        let inode =
            || std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).expect("cache"));
        let before = inode();
        let second = load(&opts, &no_client).expect("second load");
        assert!(matches!(second.origin, Origin::Fetched));
        assert_eq!(second.db.records, first.db.records);
        assert_eq!(inode(), before, "an unchanged mirror rewrote the cache");
        // The mirror changes: fetched again, and the cache rewritten.
        let db_json = mirror.path().join("index/db.json");
        std::fs::write(&db_json, r#"{"modified":"2099-01-01T00:00:00Z"}"#).expect("db.json");
        let third = load(&opts, &no_client).expect("third load");
        assert_eq!(third.db.modified, "2099-01-01T00:00:00Z");
        assert_ne!(
            inode(),
            before,
            "a changed mirror did not rewrite the cache"
        );
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(5), "5 s");
        assert_eq!(age(600), "10 min");
        assert_eq!(age(5 * 3600), "5 h");
        assert_eq!(age(3 * 86400), "3 days");
    }
}
