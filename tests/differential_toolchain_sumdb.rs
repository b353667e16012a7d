//! Go's checksum rule for toolchain switches, groot's prediction against real go (every cached
//! version from 1.21): a downloaded toolchain must be verified against the checksum database
//! even with `GOSUMDB=off`, which then refuses it with go's own text once a proxy (here a
//! loopback one serving a zip) delivered it; and a proxy that cannot be reached (a closed
//! loopback port) fails with the `Get "<proxy>/golang.org/toolchain/@v/<v>.zip": …` text
//! groot names. No network beyond loopback.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use support::*;

const WANT: &str = "go1.99.1";

fn env(
    cmd: &mut Command,
    home: &Path,
    go_bin: &Path,
    proxy: &str,
    sumdb: Option<&str>,
    extra: &[(&str, &str)],
) {
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", format!("{}:/usr/bin:/bin", go_bin.display()))
        .env("GOPATH", home.join("gopath"))
        .env("GOTOOLCHAIN", WANT)
        .env("GOPROXY", proxy)
        .current_dir(home);
    if let Some(s) = sumdb {
        cmd.env("GOSUMDB", s);
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_owned()
}

/// (`go version`'s stderr last line, groot's explanation).
fn both(
    home: &Path,
    root: &Path,
    proxy: &str,
    sumdb: Option<&str>,
    extra: &[(&str, &str)],
) -> (String, serde_json::Value) {
    let bin = root.join("bin");
    let mut go = Command::new(bin.join("go"));
    go.arg("version");
    env(&mut go, home, &bin, proxy, sumdb, extra);
    let out = go.output().unwrap();
    assert!(!out.status.success(), "go version succeeded");
    let actual = last_line(&String::from_utf8_lossy(&out.stderr));
    let mut groot = Command::new(env!("CARGO_BIN_EXE_groot"));
    groot.args(["explain", "--json"]);
    env(&mut groot, home, &bin, proxy, sumdb, extra);
    let out = groot.output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (actual, v)
}

/// The module zip a proxy serves for `WANT` on linux/amd64 (any valid zip whose files carry
/// the module prefix: go hashes it and asks the checksum database before unpacking).
fn toolchain_zip(module: &str) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file(
            format!("{module}/VERSION"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(format!("{WANT}\n").as_bytes()).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// `http://127.0.0.1:PORT` with nobody listening on PORT.
fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

#[test]
fn gosumdb_off_refuses_a_downloaded_toolchain() {
    let gos: Vec<_> = real_gos(1)
        .into_iter()
        .filter(|(v, _)| real_go::version_key(v) >= vec![1, 21])
        .collect();
    let server = Server::start();
    let version = format!("v0.0.1-{WANT}.linux-amd64");
    let module = format!("golang.org/toolchain@{version}");
    server.route(
        &format!("golang.org/toolchain/@v/{version}.zip"),
        toolchain_zip(&module),
        Fault::None,
    );
    let proxy = server.base().trim_end_matches('/').to_owned();
    for (v, root) in &gos {
        let home = tempfile::tempdir().unwrap();
        let (actual, ex) = both(home.path(), root, &proxy, Some("off"), &[]);
        let predicted = ex["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(predicted, actual, "go{v}: {ex:#}");
        assert_eq!(ex["error"]["code"], "toolchain-sumdb-off", "go{v}");
        assert!(
            ex["steps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["rule"] == "checksum-database" && s["outcome"] == "failed"),
            "go{v}: {ex:#}"
        );
        // GONOSUMDB and GOPRIVATE do not exempt toolchains: the same refusal.
        let home = tempfile::tempdir().unwrap();
        let extra = [("GONOSUMDB", "golang.org"), ("GOPRIVATE", "example.com")];
        let (actual, ex) = both(home.path(), root, &proxy, Some("off"), &extra);
        assert_eq!(ex["error"]["message"], actual.as_str(), "go{v}");
        // With the checksum database on, the zip is not refused for GOSUMDB: go goes on to
        // ask the database (here unreachable, so it fails differently).
        let home = tempfile::tempdir().unwrap();
        let closed = format!("sum.golang.org {}", closed_port_url());
        let (actual, ex) = both(home.path(), root, &proxy, Some(&closed), &[]);
        assert_eq!(ex["switch"]["target"]["kind"], "download", "go{v}: {ex:#}");
        assert!(!actual.contains("GOSUMDB=off"), "go{v}: {actual}");
        assert!(actual.contains("verifying module"), "go{v}: {actual}");
    }
}

#[test]
fn an_unreachable_proxy_fails_with_gos_own_text() {
    let gos: Vec<_> = real_gos(1)
        .into_iter()
        .filter(|(v, _)| real_go::version_key(v) >= vec![1, 21])
        .collect();
    let proxy = closed_port_url();
    for (v, root) in &gos {
        for sumdb in [None, Some("sum.golang.org")] {
            let home = tempfile::tempdir().unwrap();
            let (actual, ex) = both(home.path(), root, &proxy, sumdb, &[]);
            let target = &ex["switch"]["target"];
            assert_eq!(target["kind"], "download", "go{v}: {ex:#}");
            assert_eq!(target["sumdb"], "sum.golang.org", "go{v}");
            let prefix = groot::resolve::unreachable_proxy_prefix(
                WANT,
                target["module"].as_str().unwrap(),
                &proxy,
            )
            .unwrap();
            assert!(
                actual.starts_with(&prefix),
                "go{v}: real go said {actual:?}, groot predicts {prefix:?}…"
            );
            assert!(actual.ends_with("connect: connection refused"), "{actual}");
            // explain names that text.
            assert!(ex["steps"]
                .to_string()
                .contains(&prefix.replace('"', "\\\"")));
        }
    }
}
