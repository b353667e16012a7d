//! Fetching bytes: small documents (the index) into memory, archives into a `.partial` file
//! whose sha256 is computed while the bytes arrive.
//!
//! A download resumes where an earlier attempt stopped (`Range: bytes=N-`; the bytes already
//! on disk are hashed again first), is retried with exponential backoff after transient
//! failures (connection lost, stall, 5xx), and is abandoned at once on a 404 or when the
//! server sends more bytes than the index announced. The hash is compared with the expected one
//! before the caller can use the file; on a mismatch the file is deleted.

use std::fs::OpenOptions;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::{Event, Reporter, Settings, SpeedFloor};

/// Read and write buffer size for streaming.
const CHUNK: usize = 256 * 1024;

/// A blocking HTTP client with groot's timeouts and retry policy.
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
    /// The agent for proxied hosts, when a proxy is set.
    proxied: Option<ureq::Agent>,
    no_proxy: Vec<String>,
    retries: u32,
    backoff: Duration,
    stall: Duration,
    min_rate: SpeedFloor,
}

/// A small document's body, or "unchanged" for a conditional request.
#[derive(Debug)]
pub enum Fetched {
    /// 304 Not Modified.
    NotModified,
    /// 200 with this body and ETag.
    Body {
        /// The body.
        bytes: Vec<u8>,
        /// The `ETag` header, if any.
        etag: Option<String>,
    },
}

/// What a downloaded file must be.
#[derive(Clone, Debug, Default)]
pub struct Expected {
    /// Lowercase hex sha256; `None` skips the check (the caller decided that loudly).
    pub sha256: Option<String>,
    /// Size in bytes, when known; more bytes than this abort the download.
    pub size: Option<u64>,
}

/// A finished download.
#[derive(Clone, Debug)]
pub struct Downloaded {
    /// The file.
    pub path: PathBuf,
    /// Its sha256, lowercase hex.
    pub sha256: String,
    /// Its size.
    pub size: u64,
}

impl Client {
    /// A client with the timeouts and retry policy of `settings`.
    pub fn new(settings: &Settings) -> Client {
        let config = |proxy: Option<ureq::Proxy>| {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .user_agent(concat!("groot/", env!("CARGO_PKG_VERSION")))
                .proxy(proxy)
                .timeout_connect(Some(Duration::from_secs(30)))
                .timeout_recv_response(Some(settings.stall_timeout.max(Duration::from_secs(1))))
                .timeout_per_read(Some(settings.stall_timeout))
                .timeout_recv_body(None)
                .tls_config(tls_config())
                .build()
                .new_agent()
        };
        let proxy = settings
            .proxy
            .as_deref()
            .and_then(|p| ureq::Proxy::new(p).ok());
        Client {
            // The proxy is explicit: ureq would otherwise read the process environment.
            agent: config(None),
            proxied: proxy.map(|p| config(Some(p))),
            no_proxy: settings.no_proxy.clone(),
            retries: settings.retries,
            backoff: settings.retry_backoff,
            stall: settings.stall_timeout,
            min_rate: settings.min_rate,
        }
    }

    fn agent_for(&self, url: &str) -> &ureq::Agent {
        match &self.proxied {
            Some(proxied) if !bypasses_proxy(url_host(url), &self.no_proxy) => proxied,
            _ => &self.agent,
        }
    }

    /// GETs a small document (at most `limit` bytes), conditionally on `etag`.
    ///
    /// Redirects are followed here, not inside the HTTP client, so that every hop is vetted
    /// before it is requested: `allow` must accept the next URL, and a hop from `https` to
    /// plain `http` is refused outright (the index carries the hashes every download is checked
    /// against; a downgrade would hand it to anyone on the path).
    pub fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        limit: u64,
        allow: &dyn Fn(&str) -> bool,
    ) -> Result<Fetched, DownloadError> {
        let mut at = url.to_owned();
        let mut hops = 0;
        let resp = loop {
            let mut req = self
                .agent_for(&at)
                .get(&at)
                .config()
                .max_redirects(0)
                .build();
            if let Some(etag) = etag {
                req = req.header("If-None-Match", etag);
            }
            let resp = req.call().map_err(|e| self.http_error(&at, e))?;
            if !matches!(resp.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
                break resp;
            }
            let location = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let next = redirect_target(&at, location).ok_or_else(|| DownloadError::Redirect {
                url: at.clone(),
                to: location.to_owned(),
                why: "not an http(s) URL",
            })?;
            let https = |u: &str| after_scheme(u, "https").is_some();
            let why = if https(&at) && !https(&next) {
                Some("a downgrade from https to plain http")
            } else if !allow(&next) {
                Some("plain http to another machine is not authenticated")
            } else if hops == MAX_REDIRECTS {
                Some("too many redirects")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(DownloadError::Redirect {
                    url: at,
                    to: next,
                    why,
                });
            }
            hops += 1;
            at = next;
        };
        let url = at.as_str();
        let status = resp.status().as_u16();
        if status == 304 {
            return Ok(Fetched::NotModified);
        }
        check_status(url, status)?;
        let etag = resp
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        let mut floor = RateFloor::new(self.min_rate);
        let mut body = resp.into_body().into_reader().take(limit + 1);
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.read_error(url, e)),
            };
            bytes.extend_from_slice(&buf[..n]);
            floor.check(url, n as u64)?;
        }
        if bytes.len() as u64 > limit {
            return Err(DownloadError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        Ok(Fetched::Body { bytes, etag })
    }

    /// Downloads `url` into `partial` (resuming what is there), retrying transient failures,
    /// then checks the hash. On success the file at `partial` holds exactly the expected bytes.
    pub fn download(
        &self,
        url: &str,
        partial: &Path,
        expected: &Expected,
        reporter: &dyn Reporter,
    ) -> Result<Downloaded, DownloadError> {
        let mut attempt = 0;
        let done = loop {
            match self.attempt(url, partial, expected, reporter) {
                Ok(done) => break done,
                Err(e) if e.is_transient() && attempt < self.retries => {
                    attempt += 1;
                    let wait = self.backoff.saturating_mul(1 << (attempt - 1).min(16));
                    reporter.event(Event::DownloadRetry {
                        attempt,
                        error: e.to_string(),
                        wait,
                    });
                    std::thread::sleep(wait);
                }
                Err(e) if attempt > 0 => {
                    return Err(DownloadError::GaveUp {
                        url: url.to_owned(),
                        attempts: attempt + 1,
                        last: Box::new(e),
                    })
                }
                Err(e) => return Err(e),
            }
        };
        check_hash(url, done, expected)
    }

    fn attempt(
        &self,
        url: &str,
        partial: &Path,
        expected: &Expected,
        reporter: &dyn Reporter,
    ) -> Result<Downloaded, DownloadError> {
        let io_err = |source| DownloadError::Io {
            path: partial.to_owned(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        // 0644 whatever the umask: the archive is hashed here and extracted later, and no
        // other user may change it in between.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o644);
        }
        let mut file = options.open(partial).map_err(io_err)?;
        let mut have = file.metadata().map_err(io_err)?.len();
        if expected.size.is_some_and(|size| have > size) {
            file.set_len(0).map_err(io_err)?;
            have = 0;
        }
        let mut hasher = Sha256::new();
        if have > 0 {
            // Hash what an earlier attempt left, then continue after it.
            let copied = io::copy(&mut (&mut file).take(have), &mut HashWriter(&mut hasher))
                .map_err(io_err)?;
            if copied != have {
                file.set_len(0).map_err(io_err)?;
                have = 0;
                hasher = Sha256::new();
            }
        }
        if have > 0 && expected.size == Some(have) {
            return Ok(Downloaded {
                path: partial.to_owned(),
                sha256: hex(&hasher.finalize()),
                size: have,
            });
        }
        let mut req = self.agent_for(url).get(url);
        if have > 0 {
            req = req.header("Range", &format!("bytes={have}-"));
        }
        let resp = req.call().map_err(|e| self.http_error(url, e))?;
        let status = resp.status().as_u16();
        match status {
            206 if have > 0 => {
                let start = resp
                    .headers()
                    .get("content-range")
                    .and_then(|v| v.to_str().ok())
                    .and_then(content_range_start);
                if start != Some(have) {
                    file.set_len(0).map_err(io_err)?;
                    return Err(DownloadError::BadRange {
                        url: url.to_owned(),
                    });
                }
            }
            200 => {
                if have > 0 {
                    file.set_len(0).map_err(io_err)?;
                    have = 0;
                    hasher = Sha256::new();
                }
            }
            416 if have > 0 => {
                // Our partial file is not a prefix the server knows; start over.
                file.set_len(0).map_err(io_err)?;
                return Err(DownloadError::BadRange {
                    url: url.to_owned(),
                });
            }
            _ => check_status(url, status)?,
        }
        file.seek(SeekFrom::Start(have)).map_err(io_err)?;
        let announced = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(|len| len + have);
        let total = expected.size.or(announced);
        reporter.event(Event::DownloadStarted {
            url,
            total,
            resumed_from: have,
        });
        let mut body = resp.into_body().into_reader();
        let mut buf = vec![0u8; CHUNK];
        let mut size = have;
        let mut last_report = have;
        let mut floor = RateFloor::new(self.min_rate);
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    file.flush().map_err(io_err)?;
                    return Err(self.read_error(url, e));
                }
            };
            size += n as u64;
            if let Err(e) = floor.check(url, n as u64) {
                // What arrived is kept: a later run (perhaps with --mirror) resumes from it.
                hasher.update(&buf[..n]);
                file.write_all(&buf[..n]).map_err(io_err)?;
                file.flush().map_err(io_err)?;
                return Err(e);
            }
            if let Some(limit) = expected.size {
                if size > limit {
                    drop(file);
                    let _ = std::fs::remove_file(partial);
                    return Err(DownloadError::TooLarge {
                        url: url.to_owned(),
                        limit,
                    });
                }
            }
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n]).map_err(io_err)?;
            if size - last_report >= 1 << 20 {
                reporter.event(Event::DownloadProgress { bytes: size });
                last_report = size;
            }
        }
        reporter.event(Event::DownloadProgress { bytes: size });
        if let Some(want) = total {
            if size < want {
                return Err(DownloadError::Truncated {
                    url: url.to_owned(),
                    got: size,
                    expected: want,
                });
            }
        }
        file.sync_data().map_err(io_err)?;
        Ok(Downloaded {
            path: partial.to_owned(),
            sha256: hex(&hasher.finalize()),
            size,
        })
    }

    fn http_error(&self, url: &str, e: ureq::Error) -> DownloadError {
        match e {
            ureq::Error::Timeout(_) => DownloadError::Stalled {
                url: url.to_owned(),
                after: self.stall,
            },
            ureq::Error::HostNotFound => DownloadError::Resolve {
                url: url.to_owned(),
                detail: "no address found".to_owned(),
            },
            ureq::Error::Io(source) if is_dns_failure(&source) => DownloadError::Resolve {
                url: url.to_owned(),
                detail: source.to_string(),
            },
            ureq::Error::Io(source) if is_connect_failure(&source) => DownloadError::Connect {
                url: url.to_owned(),
                source,
            },
            ureq::Error::ConnectionFailed => DownloadError::Connect {
                url: url.to_owned(),
                source: io::Error::from(io::ErrorKind::ConnectionRefused),
            },
            ureq::Error::Io(source) => self.read_error(url, source),
            other => DownloadError::Http {
                url: url.to_owned(),
                source: Box::new(other),
            },
        }
    }

    fn read_error(&self, url: &str, e: io::Error) -> DownloadError {
        if e.kind() == io::ErrorKind::TimedOut || e.kind() == io::ErrorKind::WouldBlock {
            return DownloadError::Stalled {
                url: url.to_owned(),
                after: self.stall,
            };
        }
        // ureq wraps its own errors (timeouts among them) in io::Error while reading bodies.
        if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>()) {
            if matches!(inner, ureq::Error::Timeout(_)) {
                return DownloadError::Stalled {
                    url: url.to_owned(),
                    after: self.stall,
                };
            }
        }
        DownloadError::Connection {
            url: url.to_owned(),
            source: e,
        }
    }
}

/// Whether an I/O error is a failed name lookup (the resolver's messages on glibc, musl, macOS
/// and Windows), not a broken connection.
fn is_dns_failure(e: &io::Error) -> bool {
    let text = e.to_string();
    [
        "failed to lookup address",
        "Name or service not known",
        "Temporary failure in name resolution",
        "nodename nor servname",
        "No such host is known",
        "No address associated",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// Whether an I/O error means the connection was never made.
fn is_connect_failure(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::AddrNotAvailable
    )
}

/// curl's `--speed-limit` / `--speed-time`: counts the bytes of each `window` of a transfer and
/// fails it when one whole window brought fewer than `bytes_per_sec × window`. A server that
/// drips a byte every few seconds never trips the per-read stall timeout, and would otherwise
/// hold the install lock for as long as it likes.
struct RateFloor {
    floor: SpeedFloor,
    started: Instant,
    bytes: u64,
}

impl RateFloor {
    fn new(floor: SpeedFloor) -> RateFloor {
        RateFloor {
            floor,
            started: Instant::now(),
            bytes: 0,
        }
    }

    /// Counts `n` more bytes; fails once a whole window has passed under the floor.
    fn check(&mut self, url: &str, n: u64) -> Result<(), DownloadError> {
        self.bytes += n;
        let elapsed = self.started.elapsed();
        if self.floor.bytes_per_sec == 0 || elapsed < self.floor.window {
            return Ok(());
        }
        let wanted = self.floor.bytes_per_sec as f64 * elapsed.as_secs_f64();
        if (self.bytes as f64) < wanted {
            return Err(DownloadError::TooSlow {
                url: url.to_owned(),
                rate: self.bytes as f64 / elapsed.as_secs_f64(),
                floor: self.floor,
            });
        }
        self.started = Instant::now();
        self.bytes = 0;
        Ok(())
    }
}

#[cfg(not(any(target_os = "macos", windows)))]
fn tls_config() -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .build()
}

#[cfg(any(target_os = "macos", windows))]
fn tls_config() -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::NativeTls)
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build()
}

/// What follows `scheme://` in `url`, when `url` has that scheme (in any letter case, as URL
/// schemes are case-insensitive).
pub fn after_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    let (s, rest) = url.split_once("://")?;
    s.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// Redirects followed for one small document.
const MAX_REDIRECTS: u32 = 10;

/// The absolute URL a `Location` header names, relative to the URL that answered it. Only
/// `http` and `https` targets are followed.
fn redirect_target(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.is_empty() || location.chars().any(char::is_control) {
        return None;
    }
    let (scheme, rest) = base.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &base[..scheme.len() + 3 + authority_end];
    let has_scheme = location.split_once(':').is_some_and(|(s, _)| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let next = if has_scheme {
        location.to_owned()
    } else if let Some(net) = location.strip_prefix("//") {
        format!("{scheme}://{net}")
    } else if location.starts_with('/') {
        format!("{origin}{}", without_dot_segments(location))
    } else {
        // A relative path: beside the last segment of the base path (query dropped).
        let path = &rest[authority_end..];
        let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        let dir = if dir.is_empty() { "/" } else { dir };
        format!(
            "{origin}{}",
            without_dot_segments(&format!("{dir}{location}"))
        )
    };
    (after_scheme(&next, "http").is_some() || after_scheme(&next, "https").is_some())
        .then_some(next)
}

/// An absolute path (with any query) with its `.` and `..` segments resolved (RFC 3986,
/// 5.2.4); `..` never climbs above the root.
fn without_dot_segments(path_and_query: &str) -> String {
    let split = path_and_query
        .find(['?', '#'])
        .unwrap_or(path_and_query.len());
    let (path, tail) = path_and_query.split_at(split);
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." | ".." => {
                if *seg == ".." {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}{tail}", out.join("/"))
}

fn check_status(url: &str, status: u16) -> Result<(), DownloadError> {
    match status {
        200..=299 => Ok(()),
        404 | 410 => Err(DownloadError::NotFound {
            url: url.to_owned(),
        }),
        _ => Err(DownloadError::Status {
            url: url.to_owned(),
            status,
        }),
    }
}

fn check_hash(
    url: &str,
    done: Downloaded,
    expected: &Expected,
) -> Result<Downloaded, DownloadError> {
    if let Some(want) = &expected.sha256 {
        if !want.eq_ignore_ascii_case(&done.sha256) {
            let _ = std::fs::remove_file(&done.path);
            return Err(DownloadError::ChecksumMismatch {
                url: url.to_owned(),
                expected: want.to_ascii_lowercase(),
                actual: done.sha256,
            });
        }
    }
    Ok(done)
}

/// The host of a URL, without userinfo, port or IPv6 brackets.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host_port.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    host_port.split(':').next().unwrap_or("")
}

/// Loopback hosts never use the proxy; nor do hosts matching a `NO_PROXY` entry.
fn bypasses_proxy(host: &str, no_proxy: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host == "::1" || host.starts_with("127.") {
        return true;
    }
    no_proxy.iter().any(|entry| {
        let entry = entry.to_ascii_lowercase();
        let domain = entry.trim_start_matches("*.").trim_start_matches('.');
        entry == "*" || host == domain || host.ends_with(&format!(".{domain}"))
    })
}

/// `bytes 100-199/200` → 100.
fn content_range_start(v: &str) -> Option<u64> {
    v.strip_prefix("bytes ")?
        .split('-')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// The sha256 of a file, lowercase hex, and its size. Only a regular file: a FIFO or
/// `/dev/zero` given to `install --from-archive` is refused, not read forever.
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let (file, _) = crate::fs::open_regular(path)?;
    let size = io::copy(
        &mut io::BufReader::with_capacity(CHUNK, file),
        &mut HashWriter(&mut hasher),
    )?;
    Ok((hex(&hasher.finalize()), size))
}

/// Lowercase hex of a byte string.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The local path named by a `file://` URL (`file:///srv/go/x` → `/srv/go/x`; on Windows
/// `file:///C:/go/x` → `C:/go/x`), with `%XX` escapes decoded; `None` for other URLs.
pub fn file_url_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("file://")?;
    // Only the empty host and `localhost` name this machine.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let pair = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = pair.and_then(|p| u8::from_str_radix(p, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let text = String::from_utf8(out).ok()?;
    // `/C:/x` is a drive path on Windows.
    let b = text.as_bytes();
    if cfg!(windows) && b.len() >= 3 && b[2] == b':' && b[1].is_ascii_alphabetic() {
        return Some(PathBuf::from(&text[1..]));
    }
    Some(PathBuf::from(text))
}

/// Errors while fetching.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The request failed before a response (DNS, TLS, refused connection, bad URL).
    #[error("cannot fetch {url}")]
    Http {
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: Box<ureq::Error>,
    },
    /// The server's name could not be resolved (DNS): nothing was sent.
    #[error("cannot resolve the host of {url} ({detail}): no network, or a DNS problem")]
    Resolve {
        /// The URL.
        url: String,
        /// What the resolver said.
        detail: String,
    },
    /// The connection could not be made (refused, unreachable): nothing was sent.
    #[error("cannot connect to the server of {url}")]
    Connect {
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The connection broke while receiving.
    #[error("connection lost while fetching {url}")]
    Connection {
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Nothing arrived for the stall timeout.
    #[error("download of {url} stalled: nothing received for {}s", after.as_secs_f32())]
    Stalled {
        /// The URL.
        url: String,
        /// The stall timeout.
        after: Duration,
    },
    /// The transfer stayed under the rate floor ([`Settings::min_rate`]) for a whole window.
    #[error(
        "download of {url} too slow: {rate:.0} bytes/s, under {} bytes/s for {}s; try another server with --mirror (or set GROOT_SPEED_LIMIT / GROOT_SPEED_TIME)",
        floor.bytes_per_sec,
        floor.window.as_secs_f32()
    )]
    TooSlow {
        /// The URL.
        url: String,
        /// The average rate over the window, bytes per second.
        rate: f64,
        /// The floor it fell under.
        floor: SpeedFloor,
    },
    /// 404 or 410.
    #[error("{url} does not exist (HTTP 404)")]
    NotFound {
        /// The URL.
        url: String,
    },
    /// Another unsuccessful status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
    },
    /// The server ignored or garbled our `Range` request; the next attempt starts over.
    #[error("{url} answered a resumed request with the wrong range")]
    BadRange {
        /// The URL.
        url: String,
    },
    /// The body ended early.
    #[error("{url} ended after {got} of {expected} bytes")]
    Truncated {
        /// The URL.
        url: String,
        /// Bytes received.
        got: u64,
        /// Bytes expected.
        expected: u64,
    },
    /// More bytes than the index announced.
    #[error("{url} sent more than the {limit} bytes expected")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// A redirect groot does not follow.
    #[error("refusing the redirect from {url} to {to}: {why}")]
    Redirect {
        /// The URL that answered with the redirect.
        url: String,
        /// Where it pointed.
        to: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// The bytes are not the ones the index describes.
    #[error("checksum mismatch for {url}: expected sha256 {expected}, got {actual}")]
    ChecksumMismatch {
        /// The URL.
        url: String,
        /// From the index.
        expected: String,
        /// Of what arrived.
        actual: String,
    },
    /// Writing the partial file failed.
    #[error("cannot write {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Every retry failed.
    #[error("giving up on {url} after {attempts} attempts")]
    GaveUp {
        /// The URL.
        url: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        #[source]
        last: Box<DownloadError>,
    },
}

impl DownloadError {
    /// Whether another attempt may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            DownloadError::Connection { .. }
            | DownloadError::Connect { .. }
            | DownloadError::Stalled { .. }
            | DownloadError::BadRange { .. }
            | DownloadError::Truncated { .. } => true,
            DownloadError::Status { status, .. } => {
                *status >= 500 || *status == 429 || *status == 408
            }
            DownloadError::Http { source, .. } => matches!(
                **source,
                ureq::Error::Io(_)
                    | ureq::Error::ConnectionFailed
                    | ureq::Error::HostNotFound
                    | ureq::Error::Timeout(_)
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redirect_targets_resolve_like_a_browser() {
        let base = "https://go.dev/dl/x/index.json?mode=json";
        let t = |loc: &str| super::redirect_target(base, loc);
        assert_eq!(
            t("https://dl.google.com/a").as_deref(),
            Some("https://dl.google.com/a")
        );
        assert_eq!(t("HTTP://h/a").as_deref(), Some("HTTP://h/a"));
        assert_eq!(
            t("//mirror.example/a").as_deref(),
            Some("https://mirror.example/a")
        );
        assert_eq!(
            t("/a/./b/../c?q=1").as_deref(),
            Some("https://go.dev/a/c?q=1")
        );
        assert_eq!(
            t("other.json").as_deref(),
            Some("https://go.dev/dl/x/other.json")
        );
        assert_eq!(t("../../../../up").as_deref(), Some("https://go.dev/up"));
        assert_eq!(t("..").as_deref(), Some("https://go.dev/dl/"));
        assert_eq!(
            super::redirect_target("http://h:8080", "i").as_deref(),
            Some("http://h:8080/i")
        );
        for refused in ["", "file:///etc/passwd", "ftp://h/x", "data:,x", "a\nb"] {
            assert_eq!(t(refused), None, "{refused:?}");
        }
    }

    use super::*;

    #[test]
    fn file_urls() {
        assert_eq!(
            file_url_path("file:///srv/go%20mirror/x.json"),
            Some(PathBuf::from("/srv/go mirror/x.json"))
        );
        assert_eq!(
            file_url_path("file://localhost/a"),
            Some(PathBuf::from("/a"))
        );
        assert_eq!(file_url_path("file://host/a"), None);
        assert_eq!(file_url_path("https://go.dev/"), None);
        assert_eq!(file_url_path("file:///a%2"), Some(PathBuf::from("/a%2")));
    }

    #[test]
    fn proxy_bypass() {
        assert_eq!(url_host("https://user@go.dev:443/dl/?x"), "go.dev");
        assert_eq!(url_host("http://[::1]:8080/a"), "::1");
        assert_eq!(url_host("http://127.0.0.1:9/a"), "127.0.0.1");
        let np = vec![".corp.example".to_owned(), "mirror.local".to_owned()];
        assert!(bypasses_proxy("127.0.0.1", &[]));
        assert!(bypasses_proxy("localhost", &[]));
        assert!(bypasses_proxy("dl.corp.example", &np));
        assert!(bypasses_proxy("mirror.local", &np));
        assert!(!bypasses_proxy("go.dev", &np));
        assert!(bypasses_proxy("go.dev", &["*".to_owned()]));
    }

    #[test]
    fn ranges_and_hex() {
        assert_eq!(content_range_start("bytes 100-199/200"), Some(100));
        assert_eq!(content_range_start("bytes */200"), None);
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
