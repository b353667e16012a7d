//! Build-info reading checked against real Go toolchains (see `support::real_go` for where
//! they come from): the official `go`, `gofmt` and `compile` binaries, cross-compiled Mach-O,
//! PE and ELF programs, a universal Mach-O assembled here, and truncated copies. Every parse
//! is compared with what `go version -m` prints for the same file.

mod support;

use std::fs;
use std::path::Path;

use groot::toolchain::buildinfo::{
    self, BinaryFormat, BuildInfo, BuildInfoError, InfoLayout, StampedGoroot,
};
use support::real_go::{build_hello, go_string_lines, GoTree, RealGo};
use support::synth;

/// Parses `file` and checks it line by line against `go version -m` run by `tree`.
fn read_and_cross_check(tree: &GoTree, file: &Path) -> BuildInfo {
    let info =
        buildinfo::read_file(file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
    let (version, lines) = tree.version_m(file);
    assert_eq!(info.go_version, version, "{}", file.display());
    assert_eq!(go_string_lines(&info), lines, "{}", file.display());
    info
}

#[test]
fn official_binaries_match_their_tree_and_go_version_m() {
    let Some(real) = RealGo::find("official_binaries_match_their_tree_and_go_version_m") else {
        return;
    };
    assert!(
        real.trees.len() >= 2,
        "expected several Go trees in {}",
        real.cache.display()
    );
    for tree in &real.trees {
        for rel in ["bin/go", "bin/gofmt", "pkg/tool/linux_amd64/compile"] {
            let file = tree.root.join(rel);
            let info = read_and_cross_check(tree, &file);
            let what = file.display();
            assert_eq!(info.go_version, tree.version, "{what}");
            assert_eq!(info.format, BinaryFormat::Elf, "{what}");
            assert_eq!(info.layout, InfoLayout::Inline, "{what}");
            assert_eq!(info.goos.as_deref(), Some("linux"), "{what}");
            assert_eq!(info.goarch.as_deref(), Some("amd64"), "{what}");
            assert_eq!(info.setting("GOOS"), Some("linux"), "{what}");
            assert_eq!(info.setting("-trimpath"), Some("true"), "{what}");
            assert!(info.trimpath(), "{what}");
            assert_eq!(info.archs, ["amd64"], "{what}");
            assert_eq!(
                info.stamped_goroot,
                StampedGoroot::Known(String::new()),
                "{what}"
            );
            let expected_path =
                format!("cmd/{}", file.file_name().expect("name").to_string_lossy());
            assert_eq!(
                info.main_path.as_deref(),
                Some(expected_path.as_str()),
                "{what}"
            );

            let header = buildinfo::container_arch(&file).expect("container");
            assert_eq!(header.format, BinaryFormat::Elf);
            assert_eq!(header.goos.as_deref(), Some("linux"));
            assert_eq!(header.archs, ["amd64"]);
        }
    }
}

#[test]
fn cross_compiled_programs_in_every_format() {
    let Some(real) = RealGo::find("cross_compiled_programs_in_every_format") else {
        return;
    };
    let tree = real.newest();
    let goroot = tree.env_goroot();
    // (goos, goarch, format, also build with -trimpath); the trimmed set is the one the
    // other tests reuse, to keep the number of builds down.
    let targets = [
        ("darwin", "arm64", BinaryFormat::MachO, false),
        ("darwin", "amd64", BinaryFormat::MachO, true),
        ("windows", "amd64", BinaryFormat::Pe, false),
        ("windows", "386", BinaryFormat::Pe, true),
        ("linux", "386", BinaryFormat::Elf, false),
        ("linux", "arm64", BinaryFormat::Elf, true),
    ];
    for (goos, goarch, format, also_trimmed) in targets {
        let variants: &[bool] = if also_trimmed {
            &[false, true]
        } else {
            &[false]
        };
        for &trimpath in variants {
            let file = build_hello(tree, goos, goarch, trimpath);
            let info = read_and_cross_check(tree, &file);
            let what = format!("{goos}/{goarch} trimpath={trimpath}");
            assert_eq!(info.go_version, tree.version, "{what}");
            assert_eq!(info.format, format, "{what}");
            assert_eq!(info.goos.as_deref(), Some(goos), "{what}");
            assert_eq!(info.goarch.as_deref(), Some(goarch), "{what}");
            assert_eq!(info.archs, [goarch], "{what}");
            assert_eq!(info.main_path.as_deref(), Some("hello"), "{what}");
            assert_eq!(info.trimpath(), trimpath, "{what}");
            let expected_root = if trimpath {
                String::new()
            } else {
                goroot.clone()
            };
            assert_eq!(
                info.stamped_goroot,
                StampedGoroot::Known(expected_root),
                "{what}"
            );

            // The header-only read agrees, from the machine type alone.
            let header = buildinfo::container_arch(&file).expect("container");
            assert_eq!(header.format, format, "{what}");
            assert_eq!(header.goos.as_deref(), Some(goos), "{what}");
            assert_eq!(header.archs, [goarch], "{what}");
        }
    }
}

/// Rewrites every `\t-trimpath=true\n` (the build info, and the copy the runtime keeps for
/// `debug.ReadBuildInfo`) to `\t-trimpath=TRUE\n`, which no longer counts as the flag.
fn untrim(data: &mut [u8]) {
    const NEEDLE: &[u8; 16] = b"\t-trimpath=true\n";
    let hits: Vec<usize> = data
        .windows(NEEDLE.len())
        .enumerate()
        .filter(|(_, w)| w == NEEDLE)
        .map(|(i, _)| i)
        .collect();
    assert!(!hits.is_empty(), "no -trimpath setting in the binary");
    for at in hits {
        data[at + 11..at + 15].copy_from_slice(b"TRUE");
    }
}

#[test]
fn the_oldest_toolchain_stamps_its_root_too() {
    // Go 1.19–1.22 stamped through GOROOT_FINAL, 1.23+ through GOROOT: check both eras.
    let Some(real) = RealGo::find("the_oldest_toolchain_stamps_its_root_too") else {
        return;
    };
    let oldest = &real.trees[0];
    let file = build_hello(oldest, "linux", "amd64", false);
    let info = read_and_cross_check(oldest, &file);
    assert_eq!(info.go_version, oldest.version);
    assert_eq!(
        info.stamped_goroot,
        StampedGoroot::Known(oldest.env_goroot())
    );
}

#[test]
fn stamped_goroot_follows_the_symbol_even_for_trimmed_binaries() {
    // The shortcut for -trimpath must agree with what the symbol holds: strip the
    // `-trimpath` setting from a trimmed binary so the reader has to look the symbol up.
    let Some(real) = RealGo::find("stamped_goroot_follows_the_symbol_even_for_trimmed_binaries")
    else {
        return;
    };
    let tree = real.newest();
    for (goos, goarch) in [("linux", "arm64"), ("windows", "386"), ("darwin", "amd64")] {
        let mut data = fs::read(build_hello(tree, goos, goarch, true)).expect("read hello");
        untrim(&mut data);
        let info = buildinfo::read_bytes(&data).expect("read");
        assert!(!info.trimpath());
        assert_eq!(
            info.stamped_goroot,
            StampedGoroot::Known(String::new()),
            "{goos}/{goarch}"
        );
    }
    // The official go binary keeps its symbol table; the variable is in .bss.
    let mut go = fs::read(tree.go()).expect("read go");
    untrim(&mut go);
    let info = buildinfo::read_bytes(&go).expect("read go");
    assert_eq!(info.stamped_goroot, StampedGoroot::Known(String::new()));
}

#[test]
fn a_program_that_never_asks_for_goroot_has_no_stamped_goroot() {
    let Some(real) = RealGo::find("a_program_that_never_asks_for_goroot_has_no_stamped_goroot")
    else {
        return;
    };
    let tree = real.newest();
    let dir = support::real_go::scratch().join("nogoroot");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("go.mod"), "module nogoroot\n\ngo 1.21\n").expect("go.mod");
    fs::write(
        dir.join("main.go"),
        "package main\n\nfunc main() { println(\"hi\") }\n",
    )
    .expect("main.go");
    let out = dir.join("nogoroot");
    let status = tree
        .command()
        .current_dir(&dir)
        .env("GOFLAGS", "-mod=mod")
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .status()
        .expect("go build");
    assert!(status.success());
    let info = read_and_cross_check(tree, &out);
    assert_eq!(info.stamped_goroot, StampedGoroot::NotLinked);

    // Stripped: no symbol table at all.
    let stripped = dir.join("stripped");
    let status = tree
        .command()
        .current_dir(&dir)
        .env("GOFLAGS", "-mod=mod")
        .args(["build", "-ldflags=-s -w", "-o"])
        .arg(&stripped)
        .arg(".")
        .status()
        .expect("go build -s");
    assert!(status.success());
    let info = read_and_cross_check(tree, &stripped);
    assert_eq!(info.stamped_goroot, StampedGoroot::Unknown);
}

#[test]
fn a_universal_macho_lists_every_arch_and_reads_the_first() {
    let Some(real) = RealGo::find("a_universal_macho_lists_every_arch_and_reads_the_first") else {
        return;
    };
    let tree = real.newest();
    let goroot = tree.env_goroot();
    let arm64 = fs::read(build_hello(tree, "darwin", "arm64", false)).expect("arm64");
    let amd64 = fs::read(build_hello(tree, "darwin", "amd64", true)).expect("amd64");
    const CPU_TYPE_ARM64: u32 = 0x0100_000c;
    const CPU_TYPE_X86_64: u32 = 0x0100_0007;
    let fat = synth::universal(&[(CPU_TYPE_ARM64, 0, &arm64), (CPU_TYPE_X86_64, 3, &amd64)]);
    let path = support::real_go::scratch().join("hello-universal");
    fs::write(&path, &fat).expect("write fat");

    let info = read_and_cross_check(tree, &path);
    assert_eq!(info.format, BinaryFormat::MachOUniversal);
    assert_eq!(info.archs, ["arm64", "amd64"]);
    // The first slice: the arm64 one, built without -trimpath.
    assert_eq!(info.goarch.as_deref(), Some("arm64"));
    assert!(!info.trimpath());
    assert_eq!(info.stamped_goroot, StampedGoroot::Known(goroot));

    let header = buildinfo::container_arch(&path).expect("container");
    assert_eq!(header.format, BinaryFormat::MachOUniversal);
    assert_eq!(header.goos.as_deref(), Some("darwin"));
    assert_eq!(header.archs, ["arm64", "amd64"]);

    // Swapped order: now the trimmed amd64 slice is read.
    let fat = synth::universal(&[(CPU_TYPE_X86_64, 3, &amd64), (CPU_TYPE_ARM64, 0, &arm64)]);
    let info = buildinfo::read_bytes(&fat).expect("read swapped");
    assert_eq!(info.archs, ["amd64", "arm64"]);
    assert_eq!(info.goarch.as_deref(), Some("amd64"));
    assert!(info.trimpath());
    assert_eq!(info.stamped_goroot, StampedGoroot::Known(String::new()));
}

#[test]
fn truncated_real_binaries_are_reported_as_truncated() {
    let Some(real) = RealGo::find("truncated_real_binaries_are_reported_as_truncated") else {
        return;
    };
    let tree = real.newest();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = vec![("go", fs::read(tree.go()).expect("read go"))];
    for (goos, goarch) in [("darwin", "arm64"), ("windows", "amd64")] {
        let bytes = fs::read(build_hello(tree, goos, goarch, false)).expect("read hello");
        files.push((goarch, bytes));
    }
    for (name, full) in files {
        for len in [4096, full.len() / 2] {
            let path = dir.path().join(format!("{name}-{len}"));
            fs::write(&path, &full[..len]).expect("write");
            let err = buildinfo::read_file(&path).expect_err("truncated");
            assert!(
                matches!(&err, BuildInfoError::Truncated { len: got, .. } if *got == len as u64),
                "{name} cut to {len}: {err:?}"
            );
            assert_eq!(err.path(), Some(path.as_path()));
            assert!(err.to_string().contains("truncated"), "{err}");
        }
    }
}
