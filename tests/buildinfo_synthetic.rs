//! Build-info reading on object files written byte by byte: both header layouts in every
//! pointer size and byte order, the stamped-GOROOT cases, inputs that are not Go binaries, and
//! a fuzz-style property that no input makes the reader panic.

mod support;

use std::fs;

use groot::toolchain::buildinfo::{self, BinaryFormat, BuildInfoError, InfoLayout, StampedGoroot};
use proptest::prelude::*;
use support::synth::{self, ElfSpec, Goroot, Layout};

fn modinfo_text() -> &'static str {
    concat!(
        "path\texample.com/tool\n",
        "mod\texample.com/tool\tv1.2.3\th1:main=\n",
        "dep\tgolang.org/x/mod\tv0.14.0\th1:dep=\n",
        "dep\texample.com/old\tv1.0.0\n",
        "=>\texample.com/new\tv1.1.0\th1:new=\n",
        "build\t-ldflags=\"-X main.version=1.2 -s\"\n",
        "build\tGOARCH=mips\n",
        "build\tGOOS=linux\n",
    )
}

#[test]
fn pointer_layout_in_every_pointer_size_and_byte_order() {
    for (ptr_size, big_endian) in [(4, false), (4, true), (8, false), (8, true)] {
        let mut spec = ElfSpec::new(ptr_size, big_endian, Layout::Pointer);
        spec.machine = 8; // EM_MIPS
        spec.version = "go1.16.15".to_owned();
        spec.modinfo =
            synth::framed("path\texample.com/tool\nmod\texample.com/tool\tv1.2.3\th1:main=\n");
        let case = format!("ptr_size={ptr_size} big_endian={big_endian}");
        let info = buildinfo::read_bytes(&synth::elf(&spec)).expect(&case);
        assert_eq!(info.layout, InfoLayout::Pointer, "{case}");
        assert_eq!(info.go_version, "go1.16.15", "{case}");
        assert_eq!(info.format, BinaryFormat::Elf, "{case}");
        assert_eq!(
            info.main_path.as_deref(),
            Some("example.com/tool"),
            "{case}"
        );
        let main = info.main_module.as_ref().expect("main module");
        assert_eq!(main.version, "v1.2.3", "{case}");
        assert_eq!(main.sum.as_deref(), Some("h1:main="), "{case}");
        assert!(info.settings.is_empty(), "{case}");
        // No GOOS/GOARCH settings before 1.18: both come from the ELF header.
        let expected_arch = match (ptr_size, big_endian) {
            (4, false) => "mipsle",
            (4, true) => "mips",
            (8, false) => "mips64le",
            _ => "mips64",
        };
        assert_eq!(info.goos.as_deref(), Some("linux"), "{case}");
        assert_eq!(info.goarch.as_deref(), Some(expected_arch), "{case}");
        assert_eq!(info.archs, [expected_arch], "{case}");
    }
}

#[test]
fn inline_layout_in_every_pointer_size_and_byte_order() {
    for (ptr_size, big_endian) in [(4, false), (4, true), (8, false), (8, true)] {
        let mut spec = ElfSpec::new(ptr_size, big_endian, Layout::Inline);
        spec.version = "go1.22.10".to_owned();
        spec.modinfo = synth::framed(modinfo_text());
        let case = format!("ptr_size={ptr_size} big_endian={big_endian}");
        let info = buildinfo::read_bytes(&synth::elf(&spec)).expect(&case);
        assert_eq!(info.layout, InfoLayout::Inline, "{case}");
        assert_eq!(info.go_version, "go1.22.10", "{case}");
        assert_eq!(info.deps.len(), 2, "{case}");
        assert_eq!(info.deps[0].path, "golang.org/x/mod", "{case}");
        let replaced = info.deps[1].replace.as_deref().expect("replacement");
        assert_eq!(replaced.path, "example.com/new", "{case}");
        assert_eq!(
            info.setting("-ldflags"),
            Some("-X main.version=1.2 -s"),
            "{case}"
        );
        // Settings win over the (x86) machine type in the header.
        assert_eq!(info.goarch.as_deref(), Some("mips"), "{case}");
        assert!(!info.trimpath(), "{case}");
    }
}

#[test]
fn the_segment_fallback_finds_the_blob_without_section_headers() {
    let mut spec = ElfSpec::new(8, false, Layout::Inline);
    spec.version = "go1.20.14".to_owned();
    spec.sections = false;
    let info = buildinfo::read_bytes(&synth::elf(&spec)).expect("segment fallback");
    assert_eq!(info.go_version, "go1.20.14");
    assert_eq!(info.goarch.as_deref(), Some("amd64"));
    assert_eq!(info.stamped_goroot, StampedGoroot::Unknown);
}

#[test]
fn os_abi_names_the_bsds() {
    for (os_abi, goos) in [(9, "freebsd"), (12, "openbsd"), (2, "netbsd"), (0, "linux")] {
        let mut spec = ElfSpec::new(8, false, Layout::Pointer);
        spec.os_abi = os_abi;
        let info = buildinfo::read_bytes(&synth::elf(&spec)).expect("read");
        assert_eq!(info.goos.as_deref(), Some(goos));
    }
}

#[test]
fn stamped_goroot_is_read_from_the_symbol_table() {
    let cases = [
        (
            "go1.17.13",
            Goroot::Stamped("/usr/local/go".into()),
            StampedGoroot::Known("/usr/local/go".into()),
        ),
        (
            "go1.16.15",
            Goroot::Stamped("/usr/lib/go-1.16".into()),
            StampedGoroot::Known("/usr/lib/go-1.16".into()),
        ),
        (
            "go1.17.13",
            Goroot::Bss,
            StampedGoroot::Known(String::new()),
        ),
        ("go1.17.13", Goroot::NotLinked, StampedGoroot::NotLinked),
        ("go1.17.13", Goroot::NoSymtab, StampedGoroot::Unknown),
    ];
    for (ptr_size, big_endian) in [(4, true), (8, false)] {
        for (version, goroot, expected) in &cases {
            let mut spec = ElfSpec::new(ptr_size, big_endian, Layout::Pointer);
            spec.version = (*version).to_owned();
            spec.goroot = goroot.clone();
            let info = buildinfo::read_bytes(&synth::elf(&spec)).expect("read");
            assert_eq!(
                &info.stamped_goroot, expected,
                "{version} {goroot:?} ptr_size={ptr_size} big_endian={big_endian}"
            );
        }
    }
}

#[test]
fn trimpath_skips_the_symbol_table_only_when_the_linker_could_not_have_stamped() {
    let trimmed = synth::framed("path\tx\nbuild\t-trimpath=true\n");
    // 1.19+: `-trimpath` means nothing was stamped; the (lying) symbol is not even read.
    let mut spec = ElfSpec::new(8, false, Layout::Inline);
    spec.version = "go1.21.13".to_owned();
    spec.modinfo = trimmed.clone();
    spec.goroot = Goroot::Stamped("/should/not/be/read".into());
    let info = buildinfo::read_bytes(&synth::elf(&spec)).expect("read");
    assert!(info.trimpath());
    assert_eq!(info.stamped_goroot, StampedGoroot::Known(String::new()));
    // 1.18 stamped "go" into -trimpath builds, so it is looked up.
    spec.version = "go1.18.10".to_owned();
    spec.goroot = Goroot::Stamped("go".into());
    let info = buildinfo::read_bytes(&synth::elf(&spec)).expect("read");
    assert_eq!(info.stamped_goroot, StampedGoroot::Known("go".into()));
}

#[test]
fn modinfo_without_sentinel_framing_is_empty() {
    let mut spec = ElfSpec::new(8, false, Layout::Inline);
    spec.version = "go1.22.10".to_owned();
    spec.modinfo = b"path\tx\n".to_vec();
    let info = buildinfo::read_bytes(&synth::elf(&spec)).expect("read");
    assert_eq!(info.main_path, None);
    assert!(info.settings.is_empty());
}

#[test]
fn bad_headers_give_typed_errors() {
    let mut spec = ElfSpec::new(8, false, Layout::Pointer);
    spec.header_ptr_size = Some(3);
    let err = buildinfo::read_bytes(&synth::elf(&spec)).expect_err("bad pointer size");
    assert!(
        matches!(err, BuildInfoError::BadPointerSize { size: 3, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "bad pointer size in the build info header: expected 4 or 8, found 3"
    );

    // Pointers read with the wrong byte order lead nowhere.
    let mut spec = ElfSpec::new(8, false, Layout::Pointer);
    spec.flags = Some(0x01);
    let err = buildinfo::read_bytes(&synth::elf(&spec)).expect_err("unmapped");
    assert!(
        matches!(
            err,
            BuildInfoError::UnmappedAddress {
                what: "version string header",
                ..
            }
        ),
        "{err:?}"
    );

    let mut spec = ElfSpec::new(8, false, Layout::Inline);
    spec.version = String::new();
    let err = buildinfo::read_bytes(&synth::elf(&spec)).expect_err("empty version");
    assert!(matches!(err, BuildInfoError::NotGoBinary { .. }), "{err:?}");
}

#[test]
fn a_header_must_be_aligned_and_whole() {
    let spec = ElfSpec::new(8, false, Layout::Inline);
    let good = synth::elf(&spec);
    let at = good
        .windows(14)
        .position(|w| w == b"\xff Go buildinf:")
        .expect("magic present");
    // Shift the header by 8 bytes: still inside the section, no longer 16-aligned.
    let mut shifted = good.clone();
    shifted.copy_within(at..at + 64, at + 8);
    shifted[at..at + 8].fill(0);
    let err = buildinfo::read_bytes(&shifted).expect_err("misaligned");
    assert!(matches!(err, BuildInfoError::NotGoBinary { .. }), "{err:?}");
}

#[test]
fn a_universal_wrapper_of_non_macho_slices_is_malformed_not_a_panic() {
    let elf = synth::elf(&ElfSpec::new(8, false, Layout::Inline));
    let fat = synth::universal(&[(0x0100_000c, 0, &elf)]);
    let err = buildinfo::read_bytes(&fat).expect_err("ELF inside a fat file");
    assert!(matches!(err, BuildInfoError::Malformed { .. }), "{err:?}");
}

#[test]
fn non_go_inputs_give_the_right_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("go");
    fs::write(&script, "#!/bin/sh\nexec /usr/lib/go/bin/go \"$@\"\n").expect("write");
    let err = buildinfo::read_file(&script).expect_err("script");
    assert!(
        matches!(err, BuildInfoError::NotAnObjectFile { .. }),
        "{err:?}"
    );
    assert_eq!(err.path(), Some(script.as_path()));
    assert!(err
        .to_string()
        .ends_with("go: not an ELF, Mach-O or PE file: it is a script (starts with #!)"));
    let err = buildinfo::container_arch(&script).expect_err("script header");
    assert!(
        matches!(err, BuildInfoError::NotAnObjectFile { .. }),
        "{err:?}"
    );

    let empty = dir.path().join("empty");
    fs::write(&empty, "").expect("write");
    let err = buildinfo::read_file(&empty).expect_err("empty");
    assert!(
        matches!(&err, BuildInfoError::NotAnObjectFile { found, .. } if found.contains("empty")),
        "{err:?}"
    );

    let text = dir.path().join("notes.txt");
    fs::write(&text, "just some words\n").expect("write");
    let err = buildinfo::read_file(&text).expect_err("text");
    assert!(
        matches!(&err, BuildInfoError::NotAnObjectFile { found, .. } if found.contains("text")),
        "{err:?}"
    );

    let garbage = dir.path().join("garbage");
    fs::write(&garbage, [0x13, 0x37, 0x00, 0xfe, 0x99, 0x01, 0x02, 0x03]).expect("write");
    let err = buildinfo::read_file(&garbage).expect_err("garbage");
    assert!(
        matches!(&err, BuildInfoError::NotAnObjectFile { found, .. } if found.contains("13 37 00 fe")),
        "{err:?}"
    );

    let err = buildinfo::read_file(dir.path()).expect_err("directory");
    assert!(
        matches!(
            err,
            BuildInfoError::NotAFile {
                kind: "directory",
                ..
            }
        ),
        "{err:?}"
    );

    let missing = dir.path().join("missing");
    let err = buildinfo::read_file(&missing).expect_err("missing");
    assert!(
        matches!(&err, BuildInfoError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{err:?}"
    );

    let wasm = dir.path().join("x.wasm");
    fs::write(&wasm, b"\0asm\x01\0\0\0").expect("write");
    let err = buildinfo::read_file(&wasm).expect_err("wasm");
    assert!(
        matches!(err, BuildInfoError::UnsupportedFormat { .. }),
        "{err:?}"
    );
}

#[test]
fn truncated_synthetic_files_say_so() {
    let full = synth::elf(&ElfSpec::new(8, false, Layout::Inline));
    for cut in [5, 40, 100, 0x1f0, full.len() / 2, full.len() - 1] {
        let err = buildinfo::read_bytes(&full[..cut]).expect_err("truncated");
        assert!(
            matches!(err, BuildInfoError::Truncated { len, .. } if len == cut as u64),
            "cut at {cut}: {err:?}"
        );
    }
}

#[test]
fn a_non_go_elf_is_not_a_go_binary() {
    // Whatever /bin/true is on this machine, it is an ELF file without Go build info.
    let err = buildinfo::read_file(std::path::Path::new("/bin/true")).expect_err("not Go");
    assert!(
        matches!(
            err,
            BuildInfoError::NotGoBinary {
                format: BinaryFormat::Elf,
                ..
            }
        ),
        "{err:?}"
    );
    let info = buildinfo::container_arch(std::path::Path::new("/bin/true")).expect("header");
    assert_eq!(info.format, BinaryFormat::Elf);
    assert_eq!(info.goos.as_deref(), Some("linux"));
    assert_eq!(info.archs.len(), 1);
}

fn base_files() -> Vec<Vec<u8>> {
    let mut inline = ElfSpec::new(8, false, Layout::Inline);
    inline.modinfo = synth::framed(modinfo_text());
    inline.goroot = Goroot::Stamped("/opt/go".into());
    let mut pointer = ElfSpec::new(4, true, Layout::Pointer);
    pointer.goroot = Goroot::Stamped("/opt/go".into());
    let elf = synth::elf(&inline);
    vec![
        elf.clone(),
        synth::elf(&pointer),
        synth::universal(&[(0x0100_0007, 3, &elf)]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = buildinfo::read_bytes(&data);
    }

    #[test]
    fn random_bytes_behind_real_magic_never_panic(
        magic in prop_oneof![
            Just(b"\x7fELF\x02\x01\x01\x00".to_vec()),
            Just(b"\x7fELF\x01\x02\x01\x00".to_vec()),
            Just(vec![0xcf, 0xfa, 0xed, 0xfe]),
            Just(vec![0xce, 0xfa, 0xed, 0xfe]),
            Just(vec![0xca, 0xfe, 0xba, 0xbe]),
            Just(b"MZ".to_vec()),
        ],
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut data = magic;
        data.extend_from_slice(&tail);
        let _ = buildinfo::read_bytes(&data);
    }

    #[test]
    fn mutated_binaries_never_panic(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut data = base_files().swap_remove(which);
        for (at, byte) in edits {
            let i = at.index(data.len());
            data[i] = byte;
        }
        if let Some(cut) = cut {
            data.truncate(cut.index(data.len()));
        }
        let _ = buildinfo::read_bytes(&data);
    }
}
