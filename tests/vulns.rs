//! Known vulnerabilities of real Go toolchains, from real entries of the Go vulnerability
//! database (`tests/data/vulndb`, a snapshot of golang/vulndb in the vuln.go.dev layout),
//! served from `file://` and from a loopback HTTP server.
//!
//! The expected IDs are computed here, independently of groot's matcher, by a small reference
//! reading of the OSV files (`reference`), and a few are checked by hand.
#![cfg(unix)]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;
use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vulndb")
}

fn file_url(dir: &Path) -> String {
    format!("file://{}", dir.display())
}

// ---- the reference: OSV SEMVER ranges read the simple way ----

/// `1.22.0-rc.1` → (1, 22, 0, prerelease identifiers); `None` prerelease = a release.
type Key = (u64, u64, u64, Option<Vec<(u8, u64, String)>>);

fn key(v: &str) -> Key {
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    };
    let n: Vec<u64> = core.split('.').map(|x| x.parse().expect(v)).collect();
    let pre = pre.map(|p| {
        p.split('.')
            .map(|id| match id.parse::<u64>() {
                Ok(n) => (0, n, String::new()),
                Err(_) => (1, 0, id.to_owned()),
            })
            .collect()
    });
    (n[0], n[1], n[2], pre)
}

fn less(a: &Key, b: &Key) -> bool {
    let core = (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2));
    if core != std::cmp::Ordering::Equal {
        return core.is_lt();
    }
    match (&a.3, &b.3) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(x), Some(y)) => x < y,
    }
}

/// The IDs of every fixture entry whose stdlib/toolchain SEMVER ranges contain `semver`
/// (introduced ≤ v < fixed, events in the order the database writes them).
fn reference(semver: &str) -> BTreeSet<String> {
    let v = key(semver);
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(fixture().join("ID")).expect("fixture") {
        let entry: Value =
            serde_json::from_slice(&std::fs::read(e.expect("entry").path()).expect("read"))
                .expect("json");
        let hit = entry["affected"].as_array().into_iter().flatten().any(|a| {
            let name = a["package"]["name"].as_str().unwrap_or_default();
            (name == "stdlib" || name == "toolchain")
                && a["ranges"].as_array().into_iter().flatten().any(|r| {
                    let mut inside = false;
                    for ev in r["events"].as_array().into_iter().flatten() {
                        if let Some(i) = ev["introduced"].as_str() {
                            if i == "0" || !less(&v, &key(i)) {
                                inside = true;
                            }
                        } else if let Some(f) = ev["fixed"].as_str() {
                            if inside && less(&v, &key(f)) {
                                return true;
                            }
                            inside = false;
                        }
                    }
                    inside
                })
        });
        if hit {
            out.insert(entry["id"].as_str().expect("id").to_owned());
        }
    }
    out
}

/// go1.27rc2 → 1.27.0-rc.2, go1.22.10 → 1.22.10.
fn semver_of(go: &str) -> String {
    let v = go.trim_start_matches("go");
    match v.split_once("rc") {
        Some((line, n)) => format!("{line}.0-rc.{n}"),
        None => v.to_owned(),
    }
}

#[test]
fn the_reference_agrees_with_hand_checked_entries() {
    let r21 = reference("1.21.13");
    let r22 = reference("1.22.10");
    let r24 = reference("1.24.11");
    let rc = reference(&semver_of("go1.27rc2"));
    // Fixed in 1.22.7: go1.21.13 has it, go1.22.10 does not.
    assert!(r21.contains("GO-2024-3106") && !r22.contains("GO-2024-3106"));
    // Fixed in 1.22.11 / 1.23.5 / 1.24.0-rc.2.
    assert!(r22.contains("GO-2025-3373") && !r24.contains("GO-2025-3373"));
    // A toolchain (cmd/go) entry fixed in 1.24.12.
    assert!(r24.contains("GO-2026-4339") && r22.contains("GO-2026-4339"));
    // Introduced in 1.26.0-0, fixed in 1.27.0-rc.3: only the prerelease.
    assert!(rc.contains("GO-2026-5942") && !r24.contains("GO-2026-5942"));
    assert!(reference("1.27.3").is_empty());
    // The x/net-only entry never counts.
    assert!(!r21.contains("GO-2020-0001"));
}

/// The library matcher gives exactly the reference IDs for every version the fixture is
/// complete for, prereleases included.
#[test]
fn matcher_gives_exactly_the_reference_ids() {
    let opts = groot::vulndb::Options::new(&file_url(&fixture()), None);
    let client = || {
        groot::dist::download::Client::new(&groot::dist::Settings::new(
            PathBuf::from("/nonexistent"),
            groot::dist::Platform::new("linux", "amd64"),
        ))
    };
    let loaded = groot::vulndb::load(&opts, &client).expect("fixture loads");
    assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
    for go in [
        "go1.21.13",
        "go1.22.10",
        "go1.24.11",
        "go1.27.3",
        "go1.26.0",
        "go1.27rc2",
    ] {
        let v = groot::version::Version::from_toolchain(go).expect("version");
        let got: BTreeSet<String> = loaded.db.affecting(&v).into_iter().map(|x| x.id).collect();
        assert_eq!(got, reference(&semver_of(go)), "{go}");
    }
    let v = groot::version::Version::from_toolchain("go1.24.11").expect("v");
    let fix = loaded
        .db
        .affecting(&v)
        .into_iter()
        .find(|x| x.id == "GO-2026-4339")
        .and_then(|x| x.fixed);
    assert_eq!(fix.as_deref(), Some("go1.24.12"));
}

// ---- the real binary on real toolchains ----

struct Machine {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// (version, logical bin dir)
    gos: Vec<(String, String)>,
}

/// A fake root holding a small tree of every real Go (`/opt/go<version>`).
fn machine() -> Option<Machine> {
    let gos = support::real_gos(4);
    if gos.is_empty() {
        return None;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().to_path_buf();
    let mut out = Vec::new();
    for (v, real) in &gos {
        support::mini_tree(real, &root.join(format!("opt/go{v}")));
        out.push((v.clone(), format!("/opt/go{v}/bin")));
    }
    std::fs::create_dir_all(root.join("home/u")).expect("home");
    Some(Machine {
        _tmp: tmp,
        root,
        gos: out,
    })
}

impl Machine {
    fn groot(&self, path: &str, vulndb: &str) -> Command {
        let mut c = Command::cargo_bin("groot").expect("bin");
        c.env_clear()
            .env("GROOT_ROOT", &self.root)
            .env("GROOT_OS", "linux")
            .env("HOME", "/home/u")
            .env("PATH", path)
            .env("GOVULNDB", vulndb)
            .current_dir(&self.root);
        c
    }

    fn all_path(&self) -> String {
        self.gos
            .iter()
            .map(|(_, b)| b.as_str())
            .collect::<Vec<_>>()
            .join(":")
    }

    fn cache_dir(&self) -> PathBuf {
        self.root.join("home/u/.cache/groot")
    }
}

fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn list_json(m: &Machine, vulndb: &str, extra: &[&str]) -> Value {
    let (code, out, err) = run(m
        .groot(&m.all_path(), vulndb)
        .arg("list")
        .arg("--json")
        .args(extra));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("json")
}

/// Every install's `vulns` IDs, by version.
fn ids_by_version(v: &Value) -> Vec<(String, Option<BTreeSet<String>>)> {
    v["installs"]
        .as_array()
        .expect("installs")
        .iter()
        .map(|i| {
            (
                i["version"].as_str().unwrap_or_default().to_owned(),
                i["vulns"].as_array().map(|a| {
                    a.iter()
                        .map(|x| x["id"].as_str().unwrap_or_default().to_owned())
                        .collect()
                }),
            )
        })
        .collect()
}

fn assert_exact(v: &Value, m: &Machine) {
    let got = ids_by_version(v);
    assert_eq!(got.len(), m.gos.len(), "{v}");
    for (version, ids) in got {
        let want = reference(&semver_of(&version));
        assert_eq!(ids.as_ref(), Some(&want), "{version}");
    }
}

#[test]
fn list_reports_exactly_the_ids_of_the_ranges_for_real_toolchains() {
    let Some(m) = machine() else { return };
    let v = list_json(&m, &file_url(&fixture()), &[]);
    assert_exact(&v, &m);
    // go1.22.10 has many, the current release none.
    let by: Vec<(String, usize)> = ids_by_version(&v)
        .into_iter()
        .map(|(k, ids)| (k, ids.map_or(0, |i| i.len())))
        .collect();
    assert!(
        by.iter().any(|(k, n)| k == "go1.22.10" && *n > 20),
        "{by:?}"
    );
    assert!(by.iter().any(|(k, n)| k == "go1.27.3" && *n == 0), "{by:?}");
    let one = v["installs"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["version"] == "go1.24.11"))
        .and_then(|i| i["vulns"].as_array())
        .and_then(|a| a.iter().find(|x| x["id"] == "GO-2026-4339"))
        .cloned()
        .expect("GO-2026-4339 for go1.24.11");
    assert_eq!(one["fixed"], "go1.24.12");
    assert!(one["aliases"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(one["summary"].as_str().is_some_and(|s| s.contains("cgo")));
    assert_eq!(v["vulndb"]["url"], file_url(&fixture()));
    assert!(v["notes"].as_array().is_some_and(Vec::is_empty), "{v}");

    // Text: a count per install, and with --vulns the entries.
    let (code, out, err) = run(m.groot(&m.all_path(), &file_url(&fixture())).arg("list"));
    assert_eq!(code, 0, "{err}");
    let n22 = reference("1.22.10").len();
    assert!(out.contains(&format!("{n22} known vulns")), "{out}");
    assert!(out.contains("no known vulns"), "{out}");
    let (code, out, _) = run(m
        .groot(&m.all_path(), &file_url(&fixture()))
        .args(["list", "--vulns"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("GO-2026-4339") && out.contains("fixed in go1.24.12"),
        "{out}"
    );
}

#[test]
fn http_database_is_cached_and_used_offline_with_its_age() {
    let Some(m) = machine() else { return };
    let server = support::Server::start();
    let mut files = Vec::new();
    for rel in ["index/db.json", "index/modules.json", "index/vulns.json"] {
        files.push(rel.to_owned());
    }
    for e in std::fs::read_dir(fixture().join("ID")).expect("ids") {
        files.push(format!(
            "ID/{}",
            e.expect("e").file_name().to_string_lossy()
        ));
    }
    for rel in &files {
        server.route(
            rel,
            std::fs::read(fixture().join(rel)).expect("read"),
            support::Fault::None,
        );
    }
    let base = server.url("");
    let v = list_json(&m, &base, &[]);
    assert_exact(&v, &m);
    assert_eq!(v["vulndb"]["origin"]["kind"], "fetched");
    assert_eq!(server.requests_for("index/db.json").len(), 1);
    assert_eq!(server.requests_for("index/modules.json").len(), 1);
    // Only Go's own entries are fetched, and vulns.json is not needed.
    assert!(server.requests_for("ID/GO-2020-0001.json").is_empty());
    assert!(server.requests_for("index/vulns.json").is_empty());
    assert_eq!(server.requests_for("ID/GO-2025-3373.json").len(), 1);
    let cache: Vec<_> = std::fs::read_dir(m.cache_dir())
        .expect("cache dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        cache
            .iter()
            .any(|n| n.starts_with("vulndb-") && n.ends_with(".txt")),
        "{cache:?}"
    );

    // Within a day: the cache, no request.
    let before = server.seen().len();
    let v = list_json(&m, &base, &[]);
    assert_exact(&v, &m);
    assert_eq!(v["vulndb"]["origin"]["kind"], "cache");
    assert_eq!(server.seen().len(), before);

    // --refresh asks db.json; unchanged, nothing else is fetched.
    let v = list_json(&m, &base, &["--refresh"]);
    assert_eq!(v["vulndb"]["origin"]["kind"], "fetched");
    assert_eq!(server.requests_for("index/db.json").len(), 2);
    assert_eq!(server.requests_for("index/modules.json").len(), 1);

    // The server gone: --refresh falls back to the cache and says how old it is.
    drop(server);
    let (code, out, err) = run(m
        .groot(&m.all_path(), &base)
        .args(["list", "--json", "--refresh"]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_exact(&v, &m);
    assert_eq!(v["vulndb"]["origin"]["kind"], "stale_cache");
    assert!(v["vulndb"]["origin"]["age_secs"].is_u64(), "{v}");
    let (code, _, err) = run(m.groot(&m.all_path(), &base).args(["list", "--refresh"]));
    assert_eq!(code, 0);
    assert!(err.is_empty(), "{err}");
}

#[test]
fn unreachable_database_without_cache_is_a_note_not_a_failure() {
    let Some(m) = machine() else { return };
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let (code, out, err) = run(m.groot(&m.all_path(), &url).arg("list"));
    assert_eq!(code, 0, "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(out.contains("go1.22.10"), "{out}");
    assert!(!out.contains("known vuln"), "{out}");
    assert!(
        err.contains("note:") && err.contains(&url) && err.contains("nothing is cached"),
        "{err}"
    );
    let v = list_json(&m, &url, &[]);
    assert!(v["installs"][0]["vulns"].is_null(), "{v}");
    assert!(v["vulndb"]["error"]
        .as_str()
        .is_some_and(|e| e.contains(&url)));
    // Doctor too: a note, no failure, no vulnerability finding.
    let (code, out, err) =
        run(m
            .groot("/opt/go1.22.10/bin", &url)
            .args(["doctor", "--json", "--fail-on", "never"]));
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(&out).expect("json");
    assert!(d["notes"].to_string().contains(&url), "{d}");
    assert!(
        !d["findings"].to_string().contains("toolchain-vulnerable"),
        "{d}"
    );
    assert!(d["installs"][0]["known_vulnerabilities"].is_null(), "{d}");
}

#[test]
fn wrong_layout_names_the_url_and_malformed_entries_are_skipped_once() {
    let Some(m) = machine() else { return };
    let empty = tempfile::tempdir().expect("tmp");
    let url = file_url(empty.path());
    let (code, _, err) = run(m.groot(&m.all_path(), &url).arg("list"));
    assert_eq!(code, 0, "{err}");
    let doc = format!("{url}/index/db.json");
    assert!(err.contains(&doc) && err.contains("v1 layout"), "{err}");
    // Asked for explicitly, it is an error.
    let (code, _, err) = run(m.groot(&m.all_path(), &url).args(["list", "--vulns"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&doc), "{err}");
    std::fs::create_dir_all(empty.path().join("index")).expect("mkdir");
    std::fs::write(empty.path().join("index/db.json"), "[1, 2]").expect("w");
    let (code, _, err) = run(m.groot(&m.all_path(), &url).args(["list", "--vulns"]));
    assert_eq!(code, 1);
    assert!(err.contains(&doc) && err.contains("modified"), "{err}");

    // A mirror with one broken entry: skipped, reported once, the rest exact.
    let mirror = tempfile::tempdir().expect("tmp");
    for sub in ["index", "ID"] {
        std::fs::create_dir_all(mirror.path().join(sub)).expect("mkdir");
        for e in std::fs::read_dir(fixture().join(sub))
            .expect("dir")
            .flatten()
        {
            std::fs::copy(e.path(), mirror.path().join(sub).join(e.file_name())).expect("cp");
        }
    }
    std::fs::write(mirror.path().join("ID/GO-2025-3373.json"), "{\"id\": \"GO-2025-3373\", \"affected\": [{\"package\": {\"name\": \"stdlib\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"go1.22\"}]}]}]}").expect("w");
    let url = file_url(mirror.path());
    let v = list_json(&m, &url, &[]);
    let notes = v["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0]
        .as_str()
        .is_some_and(|n| n.contains("GO-2025-3373")));
    for (version, ids) in ids_by_version(&v) {
        let mut want = reference(&semver_of(&version));
        want.remove("GO-2025-3373");
        assert_eq!(ids, Some(want), "{version}");
    }
    let again = list_json(&m, &url, &[]);
    assert!(
        again["notes"].as_array().is_some_and(Vec::is_empty),
        "reported once: {again}"
    );
}

#[test]
fn doctor_flags_a_vulnerable_go_and_not_a_clean_one() {
    let Some(m) = machine() else { return };
    let url = file_url(&fixture());
    let doctor = |path: &str| {
        let (code, out, err) =
            run(m
                .groot(path, &url)
                .args(["doctor", "--json", "--fail-on", "never"]));
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).expect("json")
    };
    let d = doctor("/opt/go1.22.10/bin");
    let f: Vec<&Value> = d["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "toolchain-vulnerable")
        .collect();
    assert_eq!(f.len(), 1, "{d}");
    assert_eq!(f[0]["severity"], "warning");
    let n = reference("1.22.10").len();
    let text = f[0].to_string();
    assert!(
        f[0]["title"]
            .as_str()
            .or(f[0]["message"].as_str())
            .is_some_and(|t| t.contains(&format!("has {n} known"))),
        "{text}"
    );
    // The newest entries with summaries, the release that fixes all, the command.
    let newest = reference("1.22.10")
        .into_iter()
        .max_by_key(|id| {
            let mut p = id.split('-').skip(1).map(|x| x.parse::<u64>().unwrap_or(0));
            (p.next(), p.next())
        })
        .expect("one");
    assert!(text.contains(&newest), "{text}");
    assert!(
        text.contains("groot install 1.25.13 && groot use 1.25.13"),
        "{text}"
    );
    let install = d["installs"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["version"] == "go1.22.10"))
        .expect("install");
    assert_eq!(install["known_vulnerabilities"], n);

    let d = doctor("/opt/go1.27.3/bin");
    assert!(
        !d["findings"].to_string().contains("toolchain-vulnerable"),
        "{d}"
    );
    let (code, out, _) = run(m
        .groot("/opt/go1.27.3/bin", &url)
        .args(["doctor", "--list-checks"]));
    assert_eq!(code, 0);
    assert!(out.contains("toolchain-vulnerable"));
    // Prometheus: one gauge per install.
    let (code, out, _) = run(m.groot("/opt/go1.22.10/bin", &url).args([
        "doctor",
        "--format",
        "prometheus",
        "--fail-on",
        "never",
    ]));
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "groot_toolchain_known_vulnerabilities{{goroot=\"/opt/go1.22.10\",version=\"go1.22.10\"}} {n}"
        )),
        "{out}"
    );
}

fn promtool() -> Option<PathBuf> {
    let found = ["/usr/bin/promtool", "/usr/local/bin/promtool"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    assert!(
        found.is_some() || std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() != Ok("1"),
        "GROOT_REQUIRE_REAL_GO=1 but promtool is missing (apt-get install prometheus)"
    );
    found
}

/// The metric passes `promtool check metrics`, and the alert rule of docs/alerts.yml fires on
/// it (and only on it) under `promtool test rules`.
#[test]
fn vulnerability_metric_and_alert_pass_promtool() {
    let Some(promtool) = promtool() else { return };
    let Some(m) = machine() else { return };
    let (code, out, err) = run(m.groot(&m.all_path(), &file_url(&fixture())).args([
        "doctor",
        "--format",
        "prometheus",
        "--fail-on",
        "never",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("groot_toolchain_known_vulnerabilities{goroot=\"/opt/go1.27.3\",version=\"go1.27.3\"} 0"), "{out}");
    let mut child = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(out.as_bytes())
        .expect("write");
    let res = child.wait_with_output().expect("promtool");
    assert!(
        res.status.success(),
        "{}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
    let dir = tempfile::tempdir().expect("tmp");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/alerts.yml");
    let test = format!(
        r#"rule_files: ["{}"]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'groot_toolchain_known_vulnerabilities{{instance="h",goroot="/usr/local/go",version="go1.22.10"}}'
        values: '66x120'
      - series: 'groot_toolchain_known_vulnerabilities{{instance="h",goroot="/opt/go",version="go1.27.3"}}'
        values: '0x120'
    alert_rule_test:
      - eval_time: 30m
        alertname: GoToolchainKnownVulnerabilities
        exp_alerts: []
      - eval_time: 90m
        alertname: GoToolchainKnownVulnerabilities
        exp_alerts:
          - exp_labels:
              severity: ticket
              instance: h
              goroot: /usr/local/go
              version: go1.22.10
            exp_annotations:
              summary: "go1.22.10 in /usr/local/go on h has known vulnerabilities"
              description: "66 entries of the Go vulnerability database affect it; `groot list --vulns` names them, `groot doctor -v` the release that fixes them all."
"#,
        rules.display()
    );
    std::fs::write(dir.path().join("t.yml"), test).expect("w");
    let res = Command::new(&promtool)
        .args(["test", "rules"])
        .arg(dir.path().join("t.yml"))
        .output()
        .expect("promtool");
    assert!(
        res.status.success(),
        "{}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
}
