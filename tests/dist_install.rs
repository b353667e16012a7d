//! The install transaction end to end: a real Go archive served from 127.0.0.1, with faults.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use groot::dist::download::DownloadError;
use groot::dist::index::{self, IndexOrigin};
use groot::dist::install::{self, InstallError, InstallOptions, SourceBuild};
use groot::dist::store::{Problem, Removed, ToolchainKind};
use groot::dist::{Event, Index, Reporter, Request, Silent, Store};
use support::*;

const FILE: &str = ARCHIVE_FILE;

fn request() -> Request {
    Request::parse(GO_VERSION).unwrap()
}

/// A server with the trimmed real archive and an index pointing at it.
fn serve_real(fault: Fault) -> Option<(Server, std::path::PathBuf)> {
    serve_release(fault)
}

/// Installs 1.22.10 into `home` from `server`'s index and archive, with default options.
fn install_from(server: &Server, home: &Path) -> Result<install::Installed, InstallError> {
    let settings = settings(home, &server.url("index.json"), Some(&server.base()));
    install::install(
        &settings,
        &load(&settings),
        &request(),
        &InstallOptions::default(),
        &Silent,
    )
}

fn load(settings: &groot::dist::Settings) -> Index {
    let client = groot::dist::download::Client::new(settings);
    index::load(settings, &client, &Silent).unwrap().index
}

#[derive(Default)]
struct Events(std::sync::Mutex<Vec<String>>);

impl Reporter for Events {
    fn event(&self, event: Event<'_>) {
        let name = match event {
            Event::WaitingForLock { .. } => "wait",
            Event::DownloadStarted { resumed_from, .. } if resumed_from > 0 => "resume",
            Event::DownloadStarted { .. } => "start",
            Event::DownloadRetry { .. } => "retry",
            Event::Verified { .. } => "verified",
            Event::VerificationSkipped { .. } => "UNVERIFIED",
            Event::Extracting { .. } => "extract",
            Event::Building { .. } => "build",
            _ => return,
        };
        self.0.lock().unwrap().push(name.to_owned());
    }
}

impl Events {
    fn list(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

#[test]
fn installs_a_real_go_from_loopback_and_it_runs() {
    let Some((server, _)) = serve_real(Fault::None) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let settings = settings(home.path(), &server.url("index.json"), Some(&server.base()));
    let index = load(&settings);
    let events = Events::default();
    let done = install::install(
        &settings,
        &index,
        &request(),
        &InstallOptions::default(),
        &events,
    )
    .unwrap();
    assert!(!done.already_installed);
    assert_eq!(events.list(), ["start", "verified", "extract"]);
    let root = home.path().join("toolchains/go1.22.10");
    assert_eq!(done.toolchain.root, root);
    let ToolchainKind::Managed(Some(marker)) = &done.toolchain.kind else {
        panic!("not managed")
    };
    assert!(marker.verified);
    assert_eq!(marker.source, server.url(FILE));

    // The real go binary runs from its new GOROOT.
    let out = Command::new(root.join("bin/go"))
        .arg("version")
        .env_clear()
        .env("HOME", home.path())
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "go version go1.22.10 linux/amd64"
    );

    // Listed, verified intact, and a second install is a no-op that downloads nothing.
    let store = Store::new(home.path().to_owned());
    let names: Vec<String> = store.list().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["go1.22.10"]);
    let report = store.verify("go1.22.10").unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert!(report.checked > 30, "{}", report.checked);
    let again = install::install(
        &settings,
        &index,
        &request(),
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap();
    assert!(again.already_installed);
    assert_eq!(server.requests_for(FILE).len(), 1);
    // The download and the staging dir are gone.
    let tmp: Vec<_> = std::fs::read_dir(home.path().join("tmp"))
        .unwrap()
        .collect();
    assert!(tmp.is_empty(), "{tmp:?}");

    // verify notices a changed file, a removed one and an extra one.
    std::fs::write(root.join("go.env"), "GOTOOLCHAIN=local\n").unwrap();
    std::fs::remove_file(root.join("bin/gofmt")).unwrap();
    std::fs::write(root.join("extra.txt"), "x").unwrap();
    let report = store.verify("go1.22.10").unwrap();
    assert!(!report.is_intact());
    assert!(report
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Modified { path, .. } if path == "go.env")));
    assert!(report
        .problems
        .contains(&Problem::Missing("bin/gofmt".into())));
    assert!(report
        .problems
        .contains(&Problem::Extra("extra.txt".into())));

    assert_eq!(
        store.uninstall("go1.22.10", &Silent).unwrap(),
        Removed::Managed(root.clone())
    );
    assert!(!root.exists());
    assert_nothing_installed(home.path());
}

#[test]
fn a_dropped_connection_resumes_with_range() {
    let Some((server, archive)) = serve_real(Fault::DropAfter {
        bytes: 1_000_000,
        times: 1,
    }) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let settings = settings(home.path(), &server.url("index.json"), Some(&server.base()));
    let events = Events::default();
    let done = install::install(
        &settings,
        &load(&settings),
        &request(),
        &InstallOptions::default(),
        &events,
    )
    .unwrap();
    assert!(done.toolchain.root.join("bin/go").is_file());
    let ranges: Vec<Option<String>> = server
        .requests_for(FILE)
        .into_iter()
        .map(|s| s.range)
        .collect();
    assert_eq!(ranges, [None, Some("bytes=1000000-".to_owned())]);
    assert_eq!(
        events.list(),
        ["start", "retry", "resume", "verified", "extract"]
    );
    let ToolchainKind::Managed(Some(marker)) = &done.toolchain.kind else {
        panic!()
    };
    assert_eq!(
        marker.archive_sha256.as_deref(),
        Some(sha256_of(&archive).as_str())
    );
}

#[test]
fn a_connection_that_always_drops_fails_cleanly() {
    let Some((server, _)) = serve_real(Fault::DropAfter {
        bytes: 100_000,
        times: usize::MAX,
    }) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let err = install_from(&server, home.path()).unwrap_err();
    assert!(
        matches!(
            &err,
            InstallError::Download(DownloadError::GaveUp { attempts: 3, .. })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("giving up on http://127.0.0.1:"),
        "{err}"
    );
    assert_nothing_installed(home.path());
}

#[test]
fn wrong_bytes_are_never_installed() {
    let Some((server, archive)) = serve_real(Fault::None) else {
        return;
    };
    let mut bytes = std::fs::read(&archive).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    server.route(FILE, bytes, Fault::None);
    let home = tempfile::tempdir().unwrap();
    let err = install_from(&server, home.path()).unwrap_err();
    assert!(
        matches!(
            &err,
            InstallError::Download(DownloadError::ChecksumMismatch { .. })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("checksum mismatch"), "{err}");
    assert!(err.hint().is_some());
    // The bad download is deleted too, so the next attempt starts clean.
    assert!(!home.path().join(format!("tmp/{FILE}.partial")).exists());
    assert_nothing_installed(home.path());
}

#[test]
fn a_404_fails_at_once() {
    let Some((server, _)) = serve_real(Fault::Status(404)) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let err = install_from(&server, home.path()).unwrap_err();
    assert!(
        matches!(&err, InstallError::Download(DownloadError::NotFound { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().ends_with("does not exist (HTTP 404)"),
        "{err}"
    );
    assert_eq!(server.requests_for(FILE).len(), 1, "no retries for a 404");
    assert_nothing_installed(home.path());
}

#[test]
fn a_stalled_download_times_out() {
    let Some((server, _)) = serve_real(Fault::Stall { bytes: 50_000 }) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut settings = settings(home.path(), &server.url("index.json"), Some(&server.base()));
    settings.retries = 1;
    let index = load(&settings);
    let started = Instant::now();
    let err = install::install(
        &settings,
        &index,
        &request(),
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    let InstallError::Download(DownloadError::GaveUp { last, .. }) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(**last, DownloadError::Stalled { .. }), "{last:?}");
    assert!(last.to_string().contains("stalled"), "{last}");
    assert_nothing_installed(home.path());
}

#[test]
fn a_missing_hash_refuses_unless_told_loudly() {
    let Some(archive) = real_archive(GO_VERSION, Subset::Trimmed) else {
        return;
    };
    let server = Server::start();
    server.route(
        "index.json",
        index_json(GO_VERSION, &[(FILE, &archive, "archive", "")]),
        Fault::None,
    );
    server.route(FILE, std::fs::read(&archive).unwrap(), Fault::None);
    let home = tempfile::tempdir().unwrap();
    let settings = settings(home.path(), &server.url("index.json"), Some(&server.base()));
    let index = load(&settings);
    let err = install::install(
        &settings,
        &index,
        &request(),
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap_err();
    assert!(matches!(err, InstallError::MissingChecksum(_)), "{err:?}");
    assert!(
        server.requests_for(FILE).is_empty(),
        "refused before downloading"
    );
    assert_nothing_installed(home.path());

    let events = Events::default();
    let options = InstallOptions {
        insecure_skip_verify: true,
        ..InstallOptions::default()
    };
    let done = install::install(&settings, &index, &request(), &options, &events).unwrap();
    assert!(events.list().contains(&"UNVERIFIED".to_owned()));
    let ToolchainKind::Managed(Some(marker)) = &done.toolchain.kind else {
        panic!()
    };
    assert!(!marker.verified);
}

#[test]
fn air_gapped_file_urls_for_index_and_mirror() {
    let Some(archive) = real_archive(GO_VERSION, Subset::Trimmed) else {
        return;
    };
    let mirror = tempfile::tempdir().unwrap();
    std::fs::copy(&archive, mirror.path().join(FILE)).unwrap();
    let index_path = mirror.path().join("index.json");
    std::fs::write(
        &index_path,
        index_json(
            GO_VERSION,
            &[(FILE, &archive, "archive", &sha256_of(&archive))],
        ),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let settings = settings(
        home.path(),
        &format!("file://{}", index_path.display()),
        Some(&format!("file://{}", mirror.path().display())),
    );
    let client = groot::dist::download::Client::new(&settings);
    let loaded = index::load(&settings, &client, &Silent).unwrap();
    assert_eq!(loaded.origin, IndexOrigin::File(index_path.clone()));
    let done = install::install(
        &settings,
        &loaded.index,
        &Request::Line(groot::version::Version::parse("1.22").unwrap()),
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap();
    assert_eq!(done.toolchain.name, "go1.22.10");
    assert!(
        mirror.path().join(FILE).is_file(),
        "a mirror's file is never deleted"
    );

    // A mirror file that differs from the index's hash is refused.
    let home2 = tempfile::tempdir().unwrap();
    let settings2 = groot::dist::Settings {
        home: home2.path().to_owned(),
        ..settings.clone()
    };
    std::fs::write(mirror.path().join(FILE), b"not go").unwrap();
    let err = install::install(
        &settings2,
        &loaded.index,
        &request(),
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap_err();
    assert!(
        matches!(err, InstallError::ChecksumMismatch { .. }),
        "{err:?}"
    );
    assert_nothing_installed(home2.path());
}

#[test]
fn the_index_is_cached_with_ttl_and_etag_and_falls_back_when_offline() {
    let server = Server::start();
    let body = index_json("1.22.10", &[]);
    server.route_with_etag("index.json", body.clone(), "\"v1\"");
    let home = tempfile::tempdir().unwrap();
    let mut settings = settings(home.path(), &server.url("index.json"), None);
    let client = groot::dist::download::Client::new(&settings);
    let first = index::load(&settings, &client, &Silent).unwrap();
    assert_eq!(first.origin, IndexOrigin::Network);
    let second = index::load(&settings, &client, &Silent).unwrap();
    assert!(
        matches!(second.origin, IndexOrigin::Cache { .. }),
        "{:?}",
        second.origin
    );
    assert_eq!(server.requests_for("index.json").len(), 1);

    // Past the TTL: a conditional request, answered 304.
    settings.index_ttl = Duration::ZERO;
    let third = index::load(&settings, &client, &Silent).unwrap();
    assert_eq!(third.origin, IndexOrigin::Network);
    let seen = server.requests_for("index.json");
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].if_none_match.as_deref(), Some("\"v1\""));
    assert_eq!(third.index.releases, first.index.releases);

    // Offline: the stale cache, never the network.
    settings.offline = true;
    let offline = index::load(&settings, &client, &Silent).unwrap();
    assert!(
        matches!(offline.origin, IndexOrigin::StaleCache { .. }),
        "{:?}",
        offline.origin
    );
    assert_eq!(server.requests_for("index.json").len(), 2);

    // The official URL with no cache and no network: the built-in snapshot.
    let empty = tempfile::tempdir().unwrap();
    let mut official = groot::dist::Settings::new(
        empty.path().to_owned(),
        groot::dist::Platform::new("linux", "amd64"),
    );
    official.offline = true;
    let snap = index::load(&official, &client, &Silent).unwrap();
    assert!(matches!(snap.origin, IndexOrigin::Embedded { .. }));
    assert!(!snap.index.available(&official.target).is_empty());

    // A custom index that cannot be loaded is an error, not the official snapshot.
    let dead = Server::start();
    let mut custom = settings.clone();
    custom.offline = false;
    custom.cache_dir = empty.path().join("cache2");
    custom.index_url = dead.url("missing.json");
    let err = index::load(&custom, &client, &Silent).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot load the release index from"),
        "{err}"
    );
}

/// The index follows redirects on this machine (absolute, origin-relative and path-relative
/// `Location`s), and refuses one to plain http on another machine without contacting it.
#[test]
fn index_redirects_are_vetted_hop_by_hop() {
    let server = Server::start();
    let body = index_json("1.22.10", &[]);
    server.route("real/index.json", body, Fault::None);
    server.route("a", Vec::new(), Fault::Redirect("/b/c".into()));
    server.route(
        "b/c",
        Vec::new(),
        Fault::Redirect("../real/index.json".into()),
    );
    server.route("abs", Vec::new(), Fault::Redirect(server.url("a")));
    // 192.0.2.1 (TEST-NET-1) is never routed: a request there would hang or fail.
    server.route(
        "away",
        Vec::new(),
        Fault::Redirect("http://192.0.2.1/index.json".into()),
    );
    server.route(
        "shouting",
        Vec::new(),
        Fault::Redirect("HTTP://192.0.2.1/index.json".into()),
    );
    server.route(
        "scheme",
        Vec::new(),
        Fault::Redirect("file:///etc/passwd".into()),
    );
    server.route("loop", Vec::new(), Fault::Redirect("loop".into()));
    let tmp = tempfile::tempdir().unwrap();
    let load = |path: &str| {
        let mut s = settings(tmp.path(), &server.url(path), None);
        s.cache_dir = tmp.path().join(format!("cache-{path}"));
        let client = groot::dist::download::Client::new(&s);
        index::load(&s, &client, &Silent)
    };
    let loaded = load("abs").unwrap();
    assert!(matches!(loaded.origin, IndexOrigin::Network));
    assert_eq!(loaded.index.releases.len(), 1);
    assert_eq!(server.requests_for("real/index.json").len(), 1);

    let began = std::time::Instant::now();
    let err = format!("{:#}", anyhow::Error::from(load("away").unwrap_err()));
    assert!(
        err.contains("refusing the redirect from")
            && err.contains("http://192.0.2.1/index.json: plain http to another machine"),
        "{err}"
    );
    assert!(
        began.elapsed() < std::time::Duration::from_secs(5),
        "it was contacted"
    );
    let err = format!("{:#}", anyhow::Error::from(load("shouting").unwrap_err()));
    assert!(err.contains("plain http to another machine"), "{err}");
    let err = format!("{:#}", anyhow::Error::from(load("scheme").unwrap_err()));
    assert!(err.contains("not an http(s) URL"), "{err}");
    let err = format!("{:#}", anyhow::Error::from(load("loop").unwrap_err()));
    assert!(err.contains("too many redirects"), "{err}");
    assert_eq!(server.requests_for("loop").len(), 11);
}

#[test]
fn parallel_installs_of_one_version_cooperate() {
    let Some((server, _)) = serve_real(Fault::None) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let settings = settings(home.path(), &server.url("index.json"), Some(&server.base()));
    let index = load(&settings);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    install::install(
                        &settings,
                        &index,
                        &request(),
                        &InstallOptions::default(),
                        &Silent,
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect()
    });
    let fresh = results.iter().filter(|r| !r.already_installed).count();
    assert_eq!(fresh, 1, "exactly one install does the work");
    assert_eq!(server.requests_for(FILE).len(), 1, "downloaded once");
    assert!(Store::new(home.path().to_owned())
        .verify("go1.22.10")
        .unwrap()
        .is_intact());
}

#[test]
fn from_archive_checks_the_index_hash_for_that_file_name() {
    let Some(archive) = real_archive(GO_VERSION, Subset::Trimmed) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let settings = settings(home.path(), "file:///nonexistent", None);
    let good = Index::from_json(&index_json(
        GO_VERSION,
        &[(FILE, &archive, "archive", &sha256_of(&archive))],
    ))
    .unwrap();
    let bad = Index::from_json(&index_json(
        GO_VERSION,
        &[(FILE, &archive, "archive", &"0".repeat(64))],
    ))
    .unwrap();
    let err = install::install_archive(
        &settings,
        &archive,
        Some(&bad),
        None,
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap_err();
    assert!(
        matches!(err, InstallError::ChecksumMismatch { .. }),
        "{err:?}"
    );
    assert_nothing_installed(home.path());
    // Unknown to every index and no --sha256: refused.
    let err = install::install_archive(
        &settings,
        &archive,
        None,
        None,
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap_err();
    assert!(matches!(err, InstallError::MissingChecksum(_)), "{err:?}");
    let done = install::install_archive(
        &settings,
        &archive,
        Some(&good),
        None,
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap();
    assert_eq!(done.toolchain.name, "go1.22.10");
    assert!(Path::new(&archive).is_file(), "the user's archive stays");
}

#[test]
fn from_source_runs_make_bash_with_the_bootstrap_and_experiments() {
    // A stand-in source tarball whose make.bash records what it was given and builds bin/go.
    let make = "#!/usr/bin/env bash\nset -e\ncd ..\nmkdir -p bin pkg/tool\n\
                printf '%s\\n' \"$GOROOT_BOOTSTRAP\" \"$GOEXPERIMENT\" \"${GOROOT:-unset}\" > built-with.txt\n\
                printf '#!/bin/sh\\necho go\\n' > bin/go\nchmod +x bin/go\n";
    let mut entries = vec![
        RawEntry::dir("go/"),
        RawEntry::file("go/VERSION", b"go1.22.10\n"),
        RawEntry::exe("go/src/make.bash", make.as_bytes()),
    ];
    entries.push(RawEntry::file("go/src/runtime/x.go", b"package runtime\n"));
    let tarball = gzip(&raw_tar(&entries));
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("go1.22.10.src.tar.gz");
    std::fs::write(&src, &tarball).unwrap();
    let server = Server::start();
    server.route(
        "index.json",
        index_json(
            "1.22.10",
            &[("go1.22.10.src.tar.gz", &src, "source", &sha256_of(&src))],
        ),
        Fault::None,
    );
    server.route("go1.22.10.src.tar.gz", tarball, Fault::None);
    let home = tempfile::tempdir().unwrap();
    let settings = settings(home.path(), &server.url("index.json"), Some(&server.base()));
    let build = SourceBuild {
        bootstrap: dir.path().join("bootstrap-go"),
        env: vec![
            ("PATH".into(), "/usr/bin:/bin".into()),
            ("GOEXPERIMENT".into(), "rangefunc".into()),
            ("GOROOT".into(), "/wrong".into()),
        ],
        name: Some("go1.22.10-rangefunc".into()),
    };
    let events = Events::default();
    let done = install::install_from_source(
        &settings,
        &load(&settings),
        &request(),
        &build,
        &InstallOptions::default(),
        &events,
    )
    .unwrap();
    assert_eq!(events.list(), ["start", "verified", "extract", "build"]);
    let root = &done.toolchain.root;
    assert_eq!(root, &home.path().join("toolchains/go1.22.10-rangefunc"));
    let seen = std::fs::read_to_string(root.join("built-with.txt")).unwrap();
    assert_eq!(
        seen,
        format!(
            "{}\nrangefunc\nunset\n",
            dir.path().join("bootstrap-go").display()
        )
    );
    let report = Store::new(home.path().to_owned())
        .verify("go1.22.10-rangefunc")
        .unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert!(report.checked >= 5);

    // A failing build installs nothing and points at its log.
    let failing = gzip(&raw_tar(&[
        RawEntry::dir("go/"),
        RawEntry::file("go/VERSION", b"go1.22.10\n"),
        RawEntry::exe("go/src/make.bash", b"echo boom >&2; exit 3\n"),
    ]));
    std::fs::write(&src, &failing).unwrap();
    server.route(
        "index.json",
        index_json(
            "1.22.10",
            &[("go1.22.10.src.tar.gz", &src, "source", &sha256_of(&src))],
        ),
        Fault::None,
    );
    server.route("go1.22.10.src.tar.gz", failing, Fault::None);
    let home2 = tempfile::tempdir().unwrap();
    let settings2 = groot::dist::Settings {
        home: home2.path().to_owned(),
        cache_dir: home2.path().join("cache"),
        ..settings
    };
    let err = install::install_from_source(
        &settings2,
        &load(&settings2),
        &request(),
        &build,
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap_err();
    let InstallError::BuildFailed { log, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(std::fs::read_to_string(log).unwrap(), "boom\n");
    assert_nothing_installed(home2.path());
}

/// Item 11 of issue 12: a server dripping a byte every 50 ms never stalls, so only the rate
/// floor (curl's `--speed-limit` / `--speed-time`) stops it; it is not retried.
#[test]
fn a_dripping_archive_download_is_abandoned_under_the_rate_floor() {
    let Some((server, _)) = serve_real(Fault::Drip {
        every: Duration::from_millis(50),
    }) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut settings = settings(home.path(), &server.url("index.json"), Some(&server.base()));
    settings.min_rate = groot::dist::SpeedFloor {
        bytes_per_sec: 1024,
        window: Duration::from_secs(1),
    };
    let index = load(&settings);
    let started = Instant::now();
    let err = install::install(
        &settings,
        &index,
        &request(),
        &InstallOptions::default(),
        &Silent,
    )
    .unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(10),
        "{took:?}"
    );
    let InstallError::Download(DownloadError::TooSlow { url, .. }) = &err else {
        panic!("{err:?}")
    };
    assert!(url.ends_with(FILE), "{url}");
    let msg = err.to_string();
    assert!(
        msg.contains("too slow") && msg.contains("--mirror"),
        "{msg}"
    );
    assert!(msg.contains(FILE), "{msg}");
    assert_eq!(server.requests_for(FILE).len(), 1, "not retried");
    assert_nothing_installed(home.path());
}

#[test]
fn a_dripping_index_is_abandoned_under_the_rate_floor() {
    let Some(archive) = real_archive(GO_VERSION, Subset::Trimmed) else {
        return;
    };
    let server = Server::start();
    server.route(
        "index.json",
        index_json(GO_VERSION, &[(FILE, &archive, "archive", "")]),
        Fault::Drip {
            every: Duration::from_millis(50),
        },
    );
    let home = tempfile::tempdir().unwrap();
    let mut settings = settings(home.path(), &server.url("index.json"), Some(&server.base()));
    settings.min_rate = groot::dist::SpeedFloor {
        bytes_per_sec: 1024,
        window: Duration::from_secs(1),
    };
    let client = groot::dist::download::Client::new(&settings);
    let started = Instant::now();
    let err = index::load(&settings, &client, &Silent).unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "{took:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("too slow") && msg.contains("index.json") && msg.contains("--mirror"),
        "{msg}"
    );
}
