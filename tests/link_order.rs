//! The link order (assets/link-order.txt, build/link_order.rs): when build.rs hands it to the
//! linker, and that the groot this build made really has those functions first. (Whether the
//! linker takes the option at all, build.rs asks the linker itself: `linker_takes_order`.)

#![allow(clippy::unwrap_used, clippy::print_stderr)]

#[path = "../build/link_order.rs"]
mod link_order;

use link_order::{applies, rustc_minor, Build};

const ORDER: &str = include_str!("../assets/link-order.txt");

fn linux_gnu<'a>() -> Build<'a> {
    Build {
        arch: "x86_64",
        os: "linux",
        env: "gnu",
        rustc_version: Some("rustc 1.95.0 (59807616e 2026-04-14)"),
        ..Build::default()
    }
}

#[test]
fn used_only_where_the_default_linker_is_lld() {
    assert_eq!(applies(&linux_gnu()), Ok(()));
    let cases: &[(&str, Build)] = &[
        (
            "off",
            Build {
                opt_out: Some("off"),
                ..linux_gnu()
            },
        ),
        (
            "macOS",
            Build {
                arch: "aarch64",
                os: "macos",
                env: "",
                ..linux_gnu()
            },
        ),
        (
            "Windows",
            Build {
                os: "windows",
                ..linux_gnu()
            },
        ),
        (
            "musl",
            Build {
                env: "musl",
                ..linux_gnu()
            },
        ),
        (
            "arm64 Linux",
            Build {
                arch: "aarch64",
                ..linux_gnu()
            },
        ),
        (
            "rustc 1.89 links with cc",
            Build {
                rustc_version: Some("rustc 1.89.0 (29483883e 2025-08-04)"),
                ..linux_gnu()
            },
        ),
        (
            "rustc unknown",
            Build {
                rustc_version: None,
                ..linux_gnu()
            },
        ),
    ];
    for (what, build) in cases {
        assert!(applies(build).is_err(), "{what}: {build:?}");
    }
    assert_eq!(
        applies(&Build {
            opt_out: Some("on"),
            ..linux_gnu()
        }),
        Ok(())
    );
}

#[test]
fn rustc_versions() {
    assert_eq!(rustc_minor("rustc 1.95.0 (59807616e 2026-04-14)"), Some(95));
    assert_eq!(
        rustc_minor("rustc 1.97.0-nightly (0123456789 2026-05-01)"),
        Some(97)
    );
    assert_eq!(rustc_minor("rustc 1.90.0"), Some(90));
    assert_eq!(rustc_minor("rustc 2.0.0"), Some(1000));
    assert_eq!(rustc_minor("cargo 1.95.0"), None);
    assert_eq!(rustc_minor("rustc x.y"), None);
}

/// The names, without the header.
fn names() -> Vec<&'static str> {
    ORDER
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn the_file_is_one_linker_name_per_line() {
    let names = names();
    assert!(names.len() > 500, "{} names", names.len());
    let mut seen = std::collections::HashSet::new();
    for name in &names {
        assert!(!name.contains(char::is_whitespace), "{name:?}");
        assert!(seen.insert(name), "{name} twice");
    }
    // It says which rustc made it (its Rust names belong to that release).
    assert!(
        ORDER.lines().take(6).any(|l| l.starts_with("# rustc 1.")),
        "{ORDER:.400}"
    );
    // The shim and explain are in it, and the libc start-up and allocator.
    for wanted in ["5groot4shim", "5groot3cli7explain", "malloc"] {
        assert!(names.iter().any(|n| n.contains(wanted)), "{wanted}");
    }
}

/// The groot this build linked has the file's C functions (their names do not depend on the
/// rustc release or the profile, unlike Rust's) at the start of its code, where LLD puts
/// ordered functions; unordered, glibc sits at the end of the text.
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
#[test]
fn the_built_groot_starts_with_the_listed_functions() {
    use object::{Object, ObjectSection, ObjectSymbol};
    let used = env!("GROOT_LINK_ORDER_USED");
    if used != "yes" {
        eprintln!("link order not used for this build ({used}); nothing to check");
        return;
    }
    let data = std::fs::read(env!("CARGO_BIN_EXE_groot")).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let text = file.section_by_name(".text").unwrap();
    let (start, size) = (text.address(), text.size());
    let c_names: Vec<&str> = names()
        .into_iter()
        .filter(|n| !n.starts_with("_ZN") && !n.starts_with("_R"))
        .collect();
    assert!(c_names.len() > 50, "{} C names", c_names.len());
    let mut placed = 0;
    for symbol in file.symbols() {
        let Ok(name) = symbol.name() else { continue };
        if symbol.address() == 0 || !c_names.contains(&name) {
            continue;
        }
        let offset = symbol.address().wrapping_sub(start);
        if offset >= size {
            continue; // an IFUNC's resolver can live outside .text (.iplt)
        }
        placed += 1;
        assert!(
            offset < size / 8,
            "{name} at +{offset:#x} of a {size:#x}-byte .text: not laid out first"
        );
    }
    assert!(placed > 50, "only {placed} of the listed C functions found");
}

/// The Rust names in the file carry hashes of the crate and its dependency graph, so any
/// change to Cargo.lock renames every groot function and the order silently stops covering
/// them (adding one dependency once took it from 96 % to 57 % of its names, and explain's
/// code page faults from 16 to 31). The file records the Cargo.lock it was made from.
#[test]
fn the_file_was_made_from_this_cargo_lock() {
    use sha2::{Digest, Sha256};
    let lock = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let hex: String = Sha256::digest(&lock)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let recorded = ORDER
        .lines()
        .take(8)
        .find_map(|l| l.strip_prefix("# Cargo.lock sha256 "))
        .expect("a `# Cargo.lock sha256 <hex>` header line");
    assert_eq!(
        recorded.trim(),
        hex,
        "assets/link-order.txt was made from another Cargo.lock: run scripts/link-order \
         (its Rust names no longer match the functions this lock builds)"
    );
}
