//! Build step: the names of every release in groot's one built-in release list
//! (`assets/index-snapshot.json.gz`, go.dev's index format) into `$OUT_DIR/release-names.txt`,
//! newest first, space-separated. The doctor's support check reads that text
//! (`doctor::support::ReleaseList::embedded`) instead of inflating ~900 KiB of JSON on every
//! run; the installer reads the index itself. Same file, so the two lists cannot disagree (a
//! unit test compares them).
//!
//! And on Linux x86_64 it hands LLD `assets/link-order.txt`, the order to lay out groot's
//! start-up functions in (see build/link_order.rs, which decides when).

use std::io::Read;

#[path = "build/link_order.rs"]
mod link_order;

fn main() {
    release_names();
    link_order();
}

fn release_names() {
    let asset = "assets/index-snapshot.json.gz";
    println!("cargo:rerun-if-changed={asset}");
    let gz = std::fs::read(asset).unwrap_or_else(|e| panic!("cannot read {asset}: {e}"));
    let mut json = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut json)
        .unwrap_or_else(|e| panic!("cannot inflate {asset}: {e}"));
    // Every `"version":"…"` value (releases and their files say the same name), first
    // appearance kept: go.dev lists releases newest first.
    let mut names: Vec<&str> = Vec::new();
    let key = "\"version\":\"";
    let mut rest = json.as_str();
    while let Some(at) = rest.find(key) {
        rest = &rest[at + key.len()..];
        let Some(end) = rest.find('"') else { break };
        let name = &rest[..end];
        if name.starts_with("go") && !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[end..];
    }
    assert!(!names.is_empty(), "{asset} lists no release");
    let out =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("release-names.txt");
    std::fs::write(&out, names.join(" ")).expect("write release-names.txt");
}

fn link_order() {
    let order = "assets/link-order.txt";
    println!("cargo:rerun-if-changed={order}");
    println!("cargo:rerun-if-changed=build/link_order.rs");
    println!("cargo:rerun-if-env-changed=GROOT_LINK_ORDER");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = std::process::Command::new(&rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .unwrap_or_default();
    let (arch, os, env) = (
        var("CARGO_CFG_TARGET_ARCH"),
        var("CARGO_CFG_TARGET_OS"),
        var("CARGO_CFG_TARGET_ENV"),
    );
    let opt_out = std::env::var("GROOT_LINK_ORDER").ok();
    let build = link_order::Build {
        arch: &arch,
        os: &os,
        env: &env,
        rustc_version: version.lines().next(),
        opt_out: opt_out.as_deref(),
    };
    let path = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join(order);
    let verdict = link_order::applies(&build)
        .and_then(|()| {
            path.is_file()
                .then_some(())
                .ok_or_else(|| format!("{order} is missing"))
        })
        .and_then(|()| {
            linker_takes_order(&rustc)
                .then_some(())
                .ok_or_else(|| "the linker does not take --symbol-ordering-file".to_owned())
        });
    // For tests/link_order.rs: whether this build's groot was linked in that order, or why not.
    match &verdict {
        Ok(()) => println!("cargo:rustc-env=GROOT_LINK_ORDER_USED=yes"),
        Err(why) => println!("cargo:rustc-env=GROOT_LINK_ORDER_USED=no: {why}"),
    }
    if verdict.is_ok() {
        // -Xlinker: the path reaches LLD as one argument (-Wl, would split it at commas).
        for arg in [
            "-Xlinker".to_string(),
            format!("--symbol-ordering-file={}", path.display()),
            "-Xlinker".to_string(),
            "--no-warn-symbol-ordering".to_string(),
        ] {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}

/// Whether the linker this build uses takes `--symbol-ordering-file`: links an empty program
/// for the target with the build's flags and linker and an empty ordering file (~0.3 s, once
/// per build-script run). GNU ld refuses the option, so its users get an ordinary link.
fn linker_takes_order(rustc: &std::ffi::OsStr) -> bool {
    let Some(dir) =
        std::env::var_os("OUT_DIR").map(|out| std::path::Path::new(&out).join("link-probe"))
    else {
        return false;
    };
    let (src, list, exe) = (
        dir.join("probe.rs"),
        dir.join("probe.order"),
        dir.join("probe"),
    );
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&src, "fn main() {}\n"))
        .and_then(|()| std::fs::write(&list, ""));
    if written.is_err() {
        return false;
    }
    let mut cmd = std::process::Command::new(rustc);
    cmd.arg("--edition=2021").arg("-o").arg(&exe).arg(&src);
    if let Ok(target) = std::env::var("TARGET") {
        cmd.arg("--target").arg(target);
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    cmd.args(flags.split('\x1f').filter(|f| !f.is_empty()));
    if let Some(linker) = std::env::var_os("RUSTC_LINKER") {
        let mut arg = std::ffi::OsString::from("linker=");
        arg.push(linker);
        cmd.arg("-C").arg(arg);
    }
    let mut order = std::ffi::OsString::from("link-arg=--symbol-ordering-file=");
    order.push(&list);
    cmd.args(["-C", "link-arg=-Xlinker", "-C"])
        .arg(order)
        .args([
            "-C",
            "link-arg=-Xlinker",
            "-C",
            "link-arg=--no-warn-symbol-ordering",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let linked = cmd.status().is_ok_and(|status| status.success());
    // The probe, and the object files rustc leaves when a link fails.
    let _ = std::fs::remove_dir_all(&dir);
    linked
}
