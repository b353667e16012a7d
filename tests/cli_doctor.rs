//! `groot doctor` as a user runs it: the real binary, a scrubbed environment, layouts built under
//! a simulated root (`GROOT_ROOT`) with real Go toolchains from the cache, and every finding
//! code of the catalog produced by a real on-disk layout. Also: exit codes, `--list-checks`,
//! `--check`, a hung package tool, and `promtool` over the Prometheus output and the example
//! alerting rules.
#![cfg(unix)]

mod support;

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;

struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    os: &'static str,
    arch: &'static str,
    path: String,
    env: Vec<(String, String)>,
    dir: Option<String>,
    /// Run groot in a working directory deleted just before it starts.
    cwd_gone: bool,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().to_path_buf();
        std::fs::create_dir_all(root.join("home/u")).expect("home");
        Fixture {
            _tmp: tmp,
            root,
            os: "linux",
            arch: "amd64",
            path: "/usr/local/go/bin:/usr/bin:/bin".to_owned(),
            env: Vec::new(),
            dir: None,
            cwd_gone: false,
        }
    }

    fn p(&self, logical: &str) -> PathBuf {
        self.root.join(logical.trim_start_matches('/'))
    }

    fn write(&self, logical: &str, text: &str) {
        let p = self.p(logical);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn script(&self, logical: &str, text: &str) {
        self.write(logical, text);
        std::fs::set_permissions(self.p(logical), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }

    fn go(&self, real: &Path, logical_root: &str) {
        support::mini_tree(real, &self.p(logical_root));
    }

    fn env(&mut self, k: &str, v: &str) -> &mut Fixture {
        self.env.push((k.to_owned(), v.to_owned()));
        self
    }

    fn groot(&self) -> Command {
        let mut c = if self.cwd_gone {
            let mut c = Command::new("/bin/sh");
            c.arg("-c")
                .arg(r#"mkdir gone && cd gone && rmdir ../gone && exec "$0" "$@""#)
                .arg(Command::cargo_bin("groot").expect("binary").get_program());
            c
        } else {
            Command::cargo_bin("groot").expect("binary")
        };
        c.env_clear()
            .env("GROOT_ROOT", &self.root)
            .env("GROOT_OS", self.os)
            .env("GROOT_ARCH", self.arch)
            .env("HOME", "/home/u")
            .env("PATH", &self.path)
            .current_dir(&self.root)
            .arg("doctor");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        if let Some(d) = &self.dir {
            c.arg(d);
        }
        c
    }

    fn json(&self, extra: &[&str]) -> (i32, serde_json::Value) {
        let (code, out, err) = run(self.groot().args(["--json"]).args(extra));
        let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
        (code, v)
    }
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect()
}

/// Real trees: (newest, oldest).
fn gos() -> Option<((String, PathBuf), (String, PathBuf))> {
    let g = support::real_gos(2);
    Some((g.last()?.clone(), g.first()?.clone()))
}

/// Builds the layout for one code on a fresh fixture.
fn layout(code: &str, new: &(String, PathBuf), old: &(String, PathBuf)) -> Fixture {
    let mut f = Fixture::new();
    let (nv, nreal) = new;
    let (ov, oreal) = old;
    let old_root = format!("/usr/lib/go-{ov}");
    match code {
        "go-not-on-path" => {
            f.go(nreal, "/usr/local/go");
            f.path = "/usr/bin:/bin".into();
        }
        "path-shadowed-go" | "goroot-version-mismatch" => {
            f.go(nreal, "/usr/local/go");
            f.go(oreal, &old_root);
            std::fs::create_dir_all(f.p("/usr/bin")).expect("mkdir");
            symlink(format!("../lib/go-{ov}/bin/go"), f.p("/usr/bin/go")).expect("link");
            if code == "goroot-version-mismatch" {
                f.env("GOROOT", &old_root);
            }
        }
        "path-unsafe-entry" => {
            f.go(nreal, "/usr/local/go");
            f.path = ".:/usr/local/go/bin".into();
        }
        "gobin-not-on-path" => {
            f.go(nreal, "/usr/local/go");
            f.script("/home/u/go/bin/gopls", "#!/bin/sh\n");
        }
        "goroot-env-missing" | "homebrew-cellar-pinned" => {
            f.go(nreal, "/usr/local/go");
            f.env("GOROOT", "/opt/homebrew/Cellar/go/1.21.0/libexec");
        }
        "goroot-env-not-a-goroot" => {
            f.go(nreal, "/usr/local/go");
            f.env("GOROOT", "/usr/local/go/bin");
        }
        "goroot-goenv-file" => {
            f.go(nreal, "/usr/local/go");
            f.write("/home/u/.config/go/env", "GOROOT=/usr/local/go\n");
        }
        "goroot-incomplete" => {
            f.go(nreal, "/usr/local/go");
            std::fs::remove_dir_all(f.p("/usr/local/go/src")).expect("rm");
        }
        "goroot-unsafe-permissions" => {
            use std::os::unix::fs::PermissionsExt;
            f.go(nreal, "/usr/local/go");
            // Directories only: bin/go may be a hard link into the shared Go cache.
            std::fs::set_permissions(f.p("/usr/local/go"), std::fs::Permissions::from_mode(0o777))
                .expect("chmod");
        }
        "go-binary-detached" => {
            f.go(nreal, "/usr/local/go");
            std::fs::create_dir_all(f.p("/home/u/bin")).expect("mkdir");
            std::fs::copy(nreal.join("bin/go"), f.p("/home/u/bin/go")).expect("copy");
            f.path = "/home/u/bin:/usr/bin".into();
        }
        "toolchain-switch" | "toolchain-too-old" => {
            f.go(nreal, "/usr/local/go");
            f.write("/home/u/proj/go.mod", "module m\n\ngo 1.99.0\n");
            f.dir = Some("/home/u/proj".into());
            if code == "toolchain-too-old" {
                f.env("GOTOOLCHAIN", "local");
            }
        }
        "arch-mismatch" => {
            f.go(nreal, "/usr/local/go");
            f.arch = "arm64";
        }
        "go-unsupported-version" => {
            f.go(oreal, "/usr/local/go");
        }
        "go-update-available" => {
            f.go(nreal, "/usr/local/go");
            let v = nv.trim_start_matches("go");
            let mut parts: Vec<u32> = v.split('.').map(|p| p.parse().unwrap_or(0)).collect();
            if let Some(last) = parts.last_mut() {
                *last += 1;
            }
            let newer = format!(
                "go{}",
                parts
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".")
            );
            let (json, _) = groot::dist::index::cache_paths(
                Path::new("/home/u/.cache/groot"),
                groot::dist::OFFICIAL_INDEX_URL,
            );
            f.write(
                &json.display().to_string(),
                &format!(r#"[{{"version":"{newer}","stable":true,"files":[]}}]"#),
            );
        }
        "goenv-config-invalid" => {
            f.go(nreal, "/usr/local/go");
            f.env("XDG_CONFIG_HOME", "relative/config");
        }
        "cwd-deleted" => {
            f.go(nreal, "/usr/local/go");
            f.cwd_gone = true;
        }
        "gopath-is-goroot" => {
            f.go(nreal, "/usr/local/go");
            f.env("GOPATH", "/usr/local/go");
        }
        "insecure-go-env" => {
            f.go(nreal, "/usr/local/go");
            f.env("GOSUMDB", "off");
        }
        "modcache-not-writable" => {
            f.go(nreal, "/usr/local/go");
            std::fs::create_dir_all(f.p("/home/u/go/pkg/mod/cache/download")).expect("mkdir");
            std::fs::set_permissions(
                f.p("/home/u/go/pkg/mod"),
                std::fs::Permissions::from_mode(0o755),
            )
            .expect("chmod");
            f.env("GROOT_UID", "4242");
        }
        "cgo-toolchain-missing" => {
            f.go(nreal, "/usr/local/go");
            f.env("CGO_ENABLED", "1");
        }
        "startup-context-gap" => {
            f.go(nreal, "/usr/local/go");
            f.write("/home/u/.bashrc", "export PATH=/usr/local/go/bin:$PATH\n");
            f.env("SHELL", "/bin/bash");
        }
        "paths-d-stale" => {
            f.os = "darwin";
            f.go(nreal, "/opt/homebrew/Cellar/go/1.99.0/libexec");
            f.write("/etc/paths", "/usr/bin\n/bin\n");
            f.write("/etc/paths.d/go", "/usr/local/go/bin\n");
            f.path = "/opt/homebrew/Cellar/go/1.99.0/libexec/bin:/usr/bin".into();
        }
        "multiple-managers" => {
            f.go(nreal, "/usr/local/go");
            f.write(
                "/home/u/.bashrc",
                "eval \"$(goenv init -)\"\nsource ~/.gvm/scripts/gvm\n",
            );
            f.write("/home/u/.gvm/scripts/gvm", "# gvm\n");
            f.env("SHELL", "/bin/bash");
        }
        "envrc-blocked" => {
            // direnv's hook in ~/.bashrc; the project's .envrc sets GOFLAGS and was never
            // allowed (no allow file under ~/.local/share/direnv/allow).
            f.go(nreal, "/usr/local/go");
            f.write("/home/u/.bashrc", "eval \"$(direnv hook bash)\"\n");
            f.script("/usr/bin/direnv", "#!/bin/sh\n");
            f.write("/home/u/proj/.envrc", "export GOFLAGS=-mod=vendor\n");
            f.env("SHELL", "/bin/bash");
            f.dir = Some("/home/u/proj".into());
        }
        "install-half-finished" => {
            f.go(nreal, "/usr/local/go");
            std::fs::create_dir_all(f.p("/home/u/.goenv/versions/1.22.0/go")).expect("mkdir");
        }
        "default-current-mismatch" => {
            f.go(nreal, "/usr/local/go");
            let gh = "/home/u/.local/share/groot";
            let (n, o) = (
                format!("go{}", nv.trim_start_matches("go")),
                format!("go{}", ov.trim_start_matches("go")),
            );
            for (name, real) in [(&n, nreal), (&o, oreal)] {
                let root = format!("{gh}/toolchains/{name}");
                f.go(real, &root);
                f.write(&format!("{root}/.groot-complete"), "{}");
            }
            f.write(&format!("{gh}/default"), &format!("{n}\n"));
            symlink(format!("toolchains/{o}"), f.p(&format!("{gh}/current"))).expect("link");
        }
        "install-unverified" => {
            f.go(nreal, "/usr/local/go");
            let root = format!("/home/u/.local/share/groot/toolchains/{nv}");
            f.go(nreal, &root);
            f.write(
                &format!("{root}/.groot-complete"),
                &format!(
                    r#"{{"name":"{nv}","version":"{nv}","os":"linux","arch":"amd64","source":"x","archive_sha256":null,"verified":false,"installed_unix":0,"files":1}}"#
                ),
            );
        }
        "install-modified" => {
            f.go(oreal, &old_root);
            std::fs::create_dir_all(f.p("/usr/bin")).expect("mkdir");
            symlink(format!("../lib/go-{ov}/bin/go"), f.p("/usr/bin/go")).expect("link");
            f.path = "/usr/bin:/bin".into();
            f.script(
                "/usr/bin/dpkg",
                &format!(
                    "#!/bin/sh\ncase \"$1\" in\n-S) echo \"golang-go:amd64: $2\" ;;\n--verify) echo '??5??????   {old_root}/VERSION' ;;\nesac\n"
                ),
            );
        }
        "install-signature-invalid" => {
            f.os = "darwin";
            f.go(nreal, "/usr/local/go");
            f.script(
                "/usr/bin/codesign",
                "#!/bin/sh\necho \"$2: invalid signature (code or signature have been modified)\" >&2\nexit 1\n",
            );
        }
        "toolchain-vulnerable" => {
            // The oldest real Go has entries in the real-entry fixture (tests/vulns.rs checks
            // exactly which).
            f.go(oreal, "/usr/local/go");
            f.env(
                "GOVULNDB",
                &format!("file://{}/tests/data/vulndb", env!("CARGO_MANIFEST_DIR")),
            );
        }
        other => panic!("no layout for {other}"),
    }
    f
}

#[test]
fn every_catalog_code_is_found_on_a_real_layout() {
    let Some((new, old)) = gos() else { return };
    let list = Command::cargo_bin("groot")
        .expect("binary")
        .args(["doctor", "--list-checks", "--json"])
        .output()
        .expect("runs");
    let checks: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(checks["schema_version"], 1);
    let all: Vec<String> = checks["checks"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_owned())
        .collect();
    assert!(all.len() >= 24);
    let mut missing = Vec::new();
    for code in &all {
        let f = layout(code, &new, &old);
        let (exit, v) = f.json(&["--fail-on", "never"]);
        assert_eq!(exit, 0, "{code}: --fail-on never always exits 0");
        let found = codes(&v);
        if !found.contains(code) {
            missing.push(format!("{code}: found {found:?}"));
        }
        // The same report through --check CODE holds only that code.
        let (_, only) = f.json(&["--check", code, "--fail-on", "never"]);
        assert!(codes(&only).iter().all(|c| c == code), "{code}: {only}");
        assert_eq!(only["checks"].as_array().map(Vec::len), Some(1));
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn text_report_exit_codes_and_usage_errors() {
    let Some((new, old)) = gos() else { return };
    let f = layout("goroot-env-missing", &new, &old);
    let (code, out, _) = run(&mut f.groot());
    assert_eq!(code, 1, "an error finding with the default --fail-on error");
    assert!(out.contains("[✗] GOROOT"), "{out}");
    assert!(out.contains("[goroot-env-missing]"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
    assert!(out.contains("Run `groot doctor -v`"));
    let (_, verbose, _) = run(f.groot().arg("-v"));
    assert!(verbose.contains("$ unset GOROOT"), "{verbose}");
    assert!(
        verbose.contains("cannot find GOROOT directory"),
        "{verbose}"
    );
    let (code, _, _) = run(f.groot().args(["--fail-on", "never"]));
    assert_eq!(code, 0);

    let w = layout("insecure-go-env", &new, &old);
    assert_eq!(run(&mut w.groot()).0, 0, "warnings pass --fail-on error");
    assert_eq!(run(w.groot().args(["--fail-on", "warning"])).0, 1);

    let (code, _, err) = run(f.groot().args(["--check", "no-such-code"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid value 'no-such-code'"), "{err}");
    // A typo gets the nearest code (clap's suggestion).
    let (code, _, err) = run(f.groot().args(["--check", "goroot-env-mising"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("goroot-env-missing"), "{err}");
    let (code, _, _) = run(f.groot().args(["--fail-on", "sometimes"]));
    assert_eq!(code, 2);
    let (code, out, _) = run(f.groot().arg("--list-checks"));
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.starts_with("goroot-env-missing")));

    let (_, v) = f.json(&[]);
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["summary"]["worst"], "error");
    assert_eq!(v["host"]["os"], "linux");
    assert!(v["installs"].as_array().is_some_and(|i| !i.is_empty()));
    let finding = &v["findings"][0];
    for key in [
        "code",
        "severity",
        "title",
        "evidence",
        "consequence",
        "fix",
        "area",
    ] {
        assert!(!finding[key].is_null(), "{key} in {finding}");
    }
}

#[test]
fn a_hung_package_tool_is_killed_and_reported() {
    let Some((_, old)) = gos() else { return };
    let mut f = Fixture::new();
    let root = format!("/usr/lib/go-{}", old.0);
    f.go(&old.1, &root);
    std::fs::create_dir_all(f.p("/usr/bin")).expect("mkdir");
    symlink(format!("../lib/go-{}/bin/go", old.0), f.p("/usr/bin/go")).expect("link");
    f.path = "/usr/bin:/bin".into();
    f.script("/usr/bin/dpkg", "#!/bin/sh\nexec sleep 30\n");
    f.env("GROOT_TOOL_TIMEOUT_MS", "300");
    let start = Instant::now();
    let (code, v) = f.json(&["--fail-on", "never"]);
    assert_eq!(code, 0);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    let notes = v["notes"].to_string();
    assert!(notes.contains("did not finish"), "{v}");
    assert!(v["findings"].is_array(), "the rest of the run goes on");
}

#[test]
fn real_dpkg_names_the_owner_of_a_system_file() {
    if !Path::new("/usr/bin/dpkg").exists() || !Path::new("/usr/bin/bash").exists() {
        return;
    }
    let host = groot::host::Host::real();
    let facts = groot::doctor::packages::query_all(
        &host,
        &[groot::doctor::packages::Target {
            root: "/usr/bin".into(),
            paths: vec!["/usr/bin/bash".into()],
            binary: None,
        }],
        Duration::from_secs(10),
    );
    assert_eq!(facts[0].manager.as_deref(), Some("dpkg"), "{facts:?}");
    assert_eq!(facts[0].package.as_deref(), Some("bash"));
    assert_ne!(
        facts[0].integrity,
        groot::doctor::packages::Integrity::Unchecked
    );
}

fn promtool() -> Option<PathBuf> {
    let found = ["/usr/bin/promtool", "/usr/local/bin/promtool"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() != Ok("1"),
            "GROOT_REQUIRE_REAL_GO=1 but promtool is missing (apt-get install prometheus)"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: skipping: promtool not installed");
        }
    }
    found
}

#[test]
fn prometheus_output_and_alert_rules_pass_promtool() {
    let Some(promtool) = promtool() else { return };
    let Some((new, old)) = gos() else { return };
    let f = layout("path-shadowed-go", &new, &old);
    let (code, out, err) = run(f.groot().args(["--format", "prometheus"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("groot_findings{code=\"path-shadowed-go\",severity=\"warning\"} 1"),
        "{out}"
    );
    assert!(out.contains("groot_toolchain_info{"));
    assert!(out.contains("groot_doctor_last_run_timestamp_seconds "));
    // The severity label is the catalog's for every code, whatever this run found: a label
    // that flips (gobin-not-on-path: info or warning) would start a new series each time.
    let list = Command::cargo_bin("groot")
        .expect("binary")
        .args(["doctor", "--list-checks", "--json"])
        .output()
        .expect("runs");
    let checks: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    let catalog: std::collections::BTreeMap<String, String> = checks["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["code"].as_str().expect("code").to_owned(),
                c["severity"].as_str().expect("severity").to_owned(),
            )
        })
        .collect();
    let mut series = 0;
    for line in out
        .lines()
        .filter(|l| l.starts_with("groot_findings{code="))
    {
        let code = line.split('"').nth(1).expect("code");
        let sev = line.split('"').nth(3).expect("severity");
        assert_eq!(Some(sev), catalog.get(code).map(String::as_str), "{line}");
        series += 1;
    }
    assert_eq!(series, catalog.len(), "one series per code: {out}");
    for layout_code in ["gobin-not-on-path", "goroot-env-missing"] {
        let g = layout(layout_code, &new, &old);
        let (_, out, _) = run(g
            .groot()
            .args(["--format", "prometheus", "--fail-on", "never"]));
        for line in out
            .lines()
            .filter(|l| l.starts_with("groot_findings{code="))
        {
            let code = line.split('"').nth(1).expect("code");
            let sev = line.split('"').nth(3).expect("severity");
            assert_eq!(Some(sev), catalog.get(code).map(String::as_str), "{line}");
        }
    }
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
    let res = child.wait_with_output().expect("promtool runs");
    assert!(
        res.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/alerts.yml");
    let res = Command::new(&promtool)
        .args(["check", "rules"])
        .arg(&rules)
        .output()
        .expect("promtool runs");
    assert!(
        res.status.success(),
        "promtool check rules: {}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
}

/// In a deleted directory the report names the directory the shell thinks it is in.
#[test]
fn a_deleted_directory_is_named_in_the_header() {
    let Some((new, old)) = gos() else { return };
    let f = layout("cwd-deleted", &new, &old);
    let (code, out, err) = run(&mut f.groot());
    assert_eq!(code, 1, "{out}{err}");
    // The shell that entered and removed `gone` set PWD to it.
    assert!(out.contains("/gone (deleted)"), "{out}");
    assert!(out.contains("[cwd-deleted]"), "{out}");
}
