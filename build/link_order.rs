//! When the build hands LLD groot's link order (`assets/link-order.txt`, made by
//! `scripts/link-order`): the functions a start-up runs laid out first and together, so the
//! shim and `explain` fault in 10 and 12 windows of code instead of 23 and 37 (BENCHMARKS.md).
//!
//! Only on Linux x86_64 with glibc and rustc 1.90 or newer (whose default linker there is the
//! bundled rust-lld), and only if the linker this build really uses takes the option: build.rs
//! links an empty program with it first (GNU ld has no such option, and a distribution's rustc
//! or a `linker` setting may bring GNU ld). `GROOT_LINK_ORDER=off` turns it off. A file made
//! with another rustc is still passed: its Rust names match nothing and are skipped
//! (`--no-warn-symbol-ordering`), glibc's still apply. Shared by build.rs and its test
//! (tests/link_order.rs).

/// What the build script knows about the build (from cargo's environment).
#[derive(Debug, Default)]
pub struct Build<'a> {
    /// `CARGO_CFG_TARGET_ARCH`, `_OS`, `_ENV`.
    pub arch: &'a str,
    pub os: &'a str,
    pub env: &'a str,
    /// First line of `$RUSTC -V`, if it ran.
    pub rustc_version: Option<&'a str>,
    /// `GROOT_LINK_ORDER`.
    pub opt_out: Option<&'a str>,
}

/// Why the link order cannot be used, or `Ok(())` when it can, if the linker takes it.
pub fn applies(build: &Build) -> Result<(), String> {
    if matches!(build.opt_out, Some("off" | "0" | "false" | "no")) {
        return Err("GROOT_LINK_ORDER turns it off".into());
    }
    if (build.arch, build.os, build.env) != ("x86_64", "linux", "gnu") {
        return Err(format!(
            "target {}-{}-{}: its default linker is not known to be LLD",
            build.arch, build.os, build.env
        ));
    }
    let minor = build.rustc_version.and_then(rustc_minor);
    match minor {
        Some(minor) if minor >= 90 => {}
        Some(minor) => return Err(format!("rustc 1.{minor} links with the system cc/ld")),
        None => return Err("rustc's version is unknown".into()),
    }
    Ok(())
}

/// `rustc 1.95.0 (59807616e 2026-04-14)` → 95; `rustc 2.0.0` would be 1000.
pub fn rustc_minor(version: &str) -> Option<u32> {
    let number = version.strip_prefix("rustc ")?.split([' ', '-']).next()?;
    let mut parts = number.split('.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next()?.parse().ok()?;
    match major {
        1 => Some(minor),
        0 => None,
        _ => Some(1000),
    }
}
