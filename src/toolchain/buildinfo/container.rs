//! The object-file side of build-info reading: recognising ELF, Mach-O (thin or universal) and
//! PE files, and turning their headers into what the build-info reader needs: the region to
//! search for the build-info header, the map from virtual addresses to file bytes, the
//! location of the symbol table, and the target OS and architecture.
//!
//! Parsing goes through `object`'s low-level header types over any [`ReadRef`], so a file is
//! read lazily (the caller's `BlockFile`) and only the ranges needed are ever loaded. Every
//! offset and length that comes from the file is checked against the file size before it is
//! read, so a damaged file can neither make us allocate more than it holds nor read past it.

use std::io;
use std::marker::PhantomData;
use std::mem::size_of;

use object::read::elf::{FileHeader, ProgramHeader, SectionHeader};
use object::read::macho::{FatArch, MachHeader, MachOFatFile32, MachOFatFile64, Section, Segment};
use object::read::pe::{ImageNtHeaders, ImageOptionalHeader};
use object::{elf, macho, pe, Endian, Endianness, ReadRef};

use super::{BinaryFormat, BuildInfoError, ContainerInfo};

type Result<T> = std::result::Result<T, BuildInfoError>;

/// A file (or byte slice) of known length behind a [`ReadRef`], with bounds-checked reads.
#[derive(Debug)]
pub(super) struct Input<'a, R: ReadRef<'a>> {
    data: R,
    len: u64,
    _data: PhantomData<&'a [u8]>,
}

impl<'a, R: ReadRef<'a>> Clone for Input<'a, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<'a, R: ReadRef<'a>> Copy for Input<'a, R> {}

impl<'a, R: ReadRef<'a>> Input<'a, R> {
    pub(super) fn new(data: R) -> Result<Self> {
        let len = data
            .len()
            .map_err(|()| io_error("cannot determine the file size"))?;
        Ok(Input {
            data,
            len,
            _data: PhantomData,
        })
    }

    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// Checks that `offset..offset + size` lies inside the file.
    pub(super) fn check_extent(&self, offset: u64, size: u64) -> Result<()> {
        match offset.checked_add(size) {
            Some(end) if end <= self.len => Ok(()),
            end => Err(BuildInfoError::Truncated {
                path: None,
                needed: end.unwrap_or(u64::MAX),
                len: self.len,
            }),
        }
    }

    /// Reads `size` bytes at `offset`; the range must lie inside the file.
    pub(super) fn bytes(&self, offset: u64, size: u64) -> Result<&'a [u8]> {
        self.check_extent(offset, size)?;
        self.data
            .read_bytes_at(offset, size)
            .map_err(|()| io_error(&format!("reading {size} bytes at offset {offset} failed")))
    }

    /// Reads as much of `offset..offset + size` as the file holds.
    fn bytes_upto(&self, offset: u64, size: u64) -> Result<&'a [u8]> {
        let size = size.min(self.len.saturating_sub(offset));
        self.bytes(offset, size)
    }
}

fn io_error(message: &str) -> BuildInfoError {
    BuildInfoError::Io {
        path: None,
        source: io::Error::other(message.to_owned()),
    }
}

/// A range of the file that an object maps at a virtual address. Bytes past `file_size` (up to
/// `mem_size`) are zero when loaded, like `.bss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mapping {
    pub addr: u64,
    pub mem_size: u64,
    pub offset: u64,
    pub file_size: u64,
}

/// A file-backed range to search for the build-info header. `addr` is its virtual address,
/// used for the 16-byte alignment rule; `offset` is absolute in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Region {
    pub addr: u64,
    pub offset: u64,
    pub size: u64,
}

/// Where a symbol table and its strings live. Offsets are absolute in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Symtab {
    Elf {
        offset: u64,
        size: u64,
        strings_offset: u64,
        strings_size: u64,
    },
    MachO {
        offset: u64,
        count: u64,
        strings_offset: u64,
        strings_size: u64,
    },
    /// A COFF symbol table; values are section-relative, so the section addresses
    /// (image base included, in section-number order) come along.
    Pe {
        offset: u64,
        count: u64,
        section_addrs: Vec<u64>,
    },
}

/// One object (for a universal Mach-O: its first slice) as the build-info reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Image {
    pub format: BinaryFormat,
    pub goos: Option<&'static str>,
    pub goarch: Option<&'static str>,
    /// The Go names of every architecture in a universal file; empty otherwise.
    pub universal_archs: Vec<String>,
    pub ptr_size: u8,
    pub big_endian: bool,
    pub buildinfo: Option<Region>,
    pub mappings: Vec<Mapping>,
    pub symtab: Option<Symtab>,
}

/// The kinds of file we understand, from the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Elf32,
    Elf64,
    MachO32,
    MachO64,
    Fat32,
    Fat64,
    Pe,
}

fn sniff<'a, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<Kind> {
    let head = input.bytes_upto(0, 16)?;
    let not_object = |found: String| BuildInfoError::NotAnObjectFile { path: None, found };
    let unsupported = |format: &str| BuildInfoError::UnsupportedFormat {
        path: None,
        format: format.to_owned(),
    };
    if head.is_empty() {
        return Err(not_object("the file is empty".to_owned()));
    }
    if head.starts_with(b"#!") {
        return Err(not_object("it is a script (starts with #!)".to_owned()));
    }
    match head {
        [0x7f, b'E', b'L', b'F', 1, ..] => Ok(Kind::Elf32),
        [0x7f, b'E', b'L', b'F', 2, ..] => Ok(Kind::Elf64),
        [0x7f, b'E', b'L', b'F', class, ..] => Err(BuildInfoError::Malformed {
            path: None,
            format: BinaryFormat::Elf,
            reason: format!("unknown ELF class {class}"),
        }),
        [0x7f, b'E', b'L', b'F'] => Err(BuildInfoError::Truncated {
            path: None,
            needed: 16,
            len: input.len(),
        }),
        [0xfe, 0xed, 0xfa, 0xce, ..] | [0xce, 0xfa, 0xed, 0xfe, ..] => Ok(Kind::MachO32),
        [0xfe, 0xed, 0xfa, 0xcf, ..] | [0xcf, 0xfa, 0xed, 0xfe, ..] => Ok(Kind::MachO64),
        [0xca, 0xfe, 0xba, 0xbe, ..] => Ok(Kind::Fat32),
        [0xca, 0xfe, 0xba, 0xbf, ..] => Ok(Kind::Fat64),
        [b'M', b'Z', ..] => Ok(Kind::Pe),
        [0x00, b'a', b's', b'm', ..] => Err(unsupported("WebAssembly")),
        [b'!', b'<', b'a', b'r', b'c', b'h', b'>', b'\n', ..] => Err(unsupported("ar archive")),
        [0x01, 0xdf, ..] | [0x01, 0xf7, ..] => Err(unsupported("XCOFF")),
        _ => Err(not_object(describe_unknown(head))),
    }
}

fn describe_unknown(head: &[u8]) -> String {
    let texty = head
        .iter()
        .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace() || b >= 0x80);
    if texty && std::str::from_utf8(head).is_ok() {
        "it looks like a text file".to_owned()
    } else {
        let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("unrecognised leading bytes {}", hex.join(" "))
    }
}

fn malformed(format: BinaryFormat) -> impl Fn(object::Error) -> BuildInfoError {
    move |e| BuildInfoError::Malformed {
        path: None,
        format,
        reason: e.to_string(),
    }
}

/// Parses the object headers into an [`Image`].
pub(super) fn parse<'a, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<Image> {
    match sniff(input)? {
        Kind::Elf32 => elf_image::<elf::FileHeader32<Endianness>, R>(input),
        Kind::Elf64 => elf_image::<elf::FileHeader64<Endianness>, R>(input),
        Kind::MachO32 => macho_image::<macho::MachHeader32<Endianness>, R>(input, 0),
        Kind::MachO64 => macho_image::<macho::MachHeader64<Endianness>, R>(input, 0),
        kind @ (Kind::Fat32 | Kind::Fat64) => {
            let slices = fat_slices(input, kind)?;
            // Go's reader (1.21+) takes the first slice.
            let Some(&(cputype, offset, _)) = slices.first() else {
                return Err(BuildInfoError::Malformed {
                    path: None,
                    format: BinaryFormat::MachOUniversal,
                    reason: "no architectures in the universal header".to_owned(),
                });
            };
            let mut image = if macho_is_64(input, offset)? {
                macho_image::<macho::MachHeader64<Endianness>, R>(input, offset)?
            } else {
                macho_image::<macho::MachHeader32<Endianness>, R>(input, offset)?
            };
            if image.goarch.is_none() {
                image.goarch = macho_goarch(cputype);
            }
            image.format = BinaryFormat::MachOUniversal;
            image.universal_archs = slices
                .iter()
                .map(|&(cputype, _, _)| macho_arch_name(cputype))
                .collect();
            Ok(image)
        }
        Kind::Pe => pe_image(input),
    }
}

/// Reads only the headers: format, target OS and architectures. Works for any binary, Go or
/// not.
pub(super) fn container_info<'a, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<ContainerInfo> {
    let info = |format, goos: Option<&str>, archs: Vec<String>| ContainerInfo {
        format,
        goos: goos.map(str::to_owned),
        archs,
    };
    match sniff(input)? {
        kind @ (Kind::Elf32 | Kind::Elf64) => {
            let (goos, goarch) = if kind == Kind::Elf32 {
                elf_target::<elf::FileHeader32<Endianness>, R>(input)?
            } else {
                elf_target::<elf::FileHeader64<Endianness>, R>(input)?
            };
            Ok(info(
                BinaryFormat::Elf,
                goos,
                goarch.map(str::to_owned).into_iter().collect(),
            ))
        }
        kind @ (Kind::MachO32 | Kind::MachO64) => {
            let cputype = if kind == Kind::MachO32 {
                macho_cputype::<macho::MachHeader32<Endianness>, R>(input, 0)?
            } else {
                macho_cputype::<macho::MachHeader64<Endianness>, R>(input, 0)?
            };
            Ok(info(
                BinaryFormat::MachO,
                Some("darwin"),
                vec![macho_arch_name(cputype)],
            ))
        }
        kind @ (Kind::Fat32 | Kind::Fat64) => {
            let archs = fat_slices(input, kind)?
                .iter()
                .map(|&(cputype, _, _)| macho_arch_name(cputype))
                .collect();
            Ok(info(BinaryFormat::MachOUniversal, Some("darwin"), archs))
        }
        Kind::Pe => {
            let (_, machine) = pe_headers(input)?;
            Ok(info(
                BinaryFormat::Pe,
                Some("windows"),
                pe_goarch(machine).map(str::to_owned).into_iter().collect(),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ELF

fn elf_header<'a, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'a>>(
    input: Input<'a, R>,
) -> Result<(&'a Elf, Endianness)> {
    input.check_extent(0, size_of::<Elf>() as u64)?;
    let header = Elf::parse(input.data).map_err(malformed(BinaryFormat::Elf))?;
    let endian = header.endian().map_err(malformed(BinaryFormat::Elf))?;
    Ok((header, endian))
}

fn elf_target<'a, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'a>>(
    input: Input<'a, R>,
) -> Result<(Option<&'static str>, Option<&'static str>)> {
    let (header, endian) = elf_header::<Elf, R>(input)?;
    Ok((
        Some(elf_goos(header.e_ident().os_abi)),
        elf_goarch(
            header.e_machine(endian),
            header.is_class_64(),
            endian.is_big_endian(),
        ),
    ))
}

fn elf_image<'a, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'a>>(
    input: Input<'a, R>,
) -> Result<Image> {
    let bad = malformed(BinaryFormat::Elf);
    let (header, endian) = elf_header::<Elf, R>(input)?;

    // Check that the header tables are inside the file before `object` reports a cut-off
    // table as a generic parse error. (Counts of 0 with a non-zero offset mean "extended
    // numbering"; at least the first entry must then be present.)
    let phoff: u64 = header.e_phoff(endian).into();
    let shoff: u64 = header.e_shoff(endian).into();
    let phnum = u64::from(header.e_phnum(endian));
    let shnum = u64::from(header.e_shnum(endian)).max(u64::from(shoff != 0));
    input.check_extent(phoff, phnum * u64::from(header.e_phentsize(endian)))?;
    input.check_extent(shoff, shnum * u64::from(header.e_shentsize(endian)))?;

    let segments = header.program_headers(endian, input.data).map_err(&bad)?;
    let sections = header.sections(endian, input.data).map_err(&bad)?;

    let mut mappings = Vec::new();
    let mut writable_data = None;
    for segment in segments {
        if segment.p_type(endian) != elf::PT_LOAD {
            continue;
        }
        let mapping = Mapping {
            addr: segment.p_vaddr(endian).into(),
            mem_size: segment.p_memsz(endian).into(),
            offset: segment.p_offset(endian).into(),
            file_size: segment.p_filesz(endian).into(),
        };
        input.check_extent(mapping.offset, mapping.file_size)?;
        let flags = segment.p_flags(endian).0;
        if writable_data.is_none() && flags & (elf::PF_W.0 | elf::PF_X.0) == elf::PF_W.0 {
            writable_data = Some(Region {
                addr: mapping.addr,
                offset: mapping.offset,
                size: mapping.file_size.min(mapping.mem_size),
            });
        }
        mappings.push(mapping);
    }

    let names = elf_section_names::<Elf, R>(input, header, endian, &sections);
    let mut buildinfo = None;
    let mut symtab = None;
    for section in sections.iter() {
        let kind = section.sh_type(endian);
        let addr: u64 = section.sh_addr(endian).into();
        let offset: u64 = section.sh_offset(endian).into();
        let size: u64 = section.sh_size(endian).into();
        let file_size = if kind == elf::SHT_NOBITS { 0 } else { size };
        if kind != elf::SHT_NOBITS {
            input.check_extent(offset, size)?;
        }
        if buildinfo.is_none() && is_named(names, &sections, endian, section, b".go.buildinfo") {
            buildinfo = Some(Region {
                addr,
                offset,
                size: file_size,
            });
        }
        if symtab.is_none() && kind == elf::SHT_SYMTAB {
            let strings = sections.section(section.link(endian)).map_err(&bad)?;
            if strings.sh_type(endian) != elf::SHT_NOBITS {
                symtab = Some(Symtab::Elf {
                    offset,
                    size,
                    strings_offset: strings.sh_offset(endian).into(),
                    strings_size: strings.sh_size(endian).into(),
                });
            }
        }
    }
    // An object without program headers (not something Go's linker writes, but cheap to
    // support) maps its allocated sections instead.
    if mappings.is_empty() {
        for section in sections.iter() {
            if section.sh_flags(endian).0 & elf::SHF_ALLOC.0 == 0 {
                continue;
            }
            let size: u64 = section.sh_size(endian).into();
            mappings.push(Mapping {
                addr: section.sh_addr(endian).into(),
                mem_size: size,
                offset: section.sh_offset(endian).into(),
                file_size: if section.sh_type(endian) == elf::SHT_NOBITS {
                    0
                } else {
                    size
                },
            });
        }
    }

    Ok(Image {
        format: BinaryFormat::Elf,
        goos: Some(elf_goos(header.e_ident().os_abi)),
        goarch: elf_goarch(
            header.e_machine(endian),
            header.is_class_64(),
            endian.is_big_endian(),
        ),
        universal_archs: Vec::new(),
        ptr_size: if header.is_class_64() { 8 } else { 4 },
        big_endian: endian.is_big_endian(),
        // Go up to 1.26 fell back to the first writable, non-executable segment when the
        // section is missing (section headers stripped by other tools).
        buildinfo: buildinfo.or(writable_data),
        mappings,
        symtab,
    })
}

/// The largest section-name table read whole (a Go binary's is under 256 bytes).
const MAX_SECTION_NAMES: u64 = 64 * 1024;

/// The section-name string table in one read, rather than one cached read per name looked at;
/// `None` when it is missing, unreadable or larger than [`MAX_SECTION_NAMES`].
fn elf_section_names<'a, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'a>>(
    input: Input<'a, R>,
    header: &Elf,
    endian: Endianness,
    sections: &object::read::elf::SectionTable<'a, Elf, R>,
) -> Option<&'a [u8]> {
    let index = header.shstrndx(endian, input.data).ok()?;
    let table = sections
        .section(object::SectionIndex(index as usize))
        .ok()?;
    if table.sh_type(endian) == elf::SHT_NOBITS {
        return None;
    }
    let size: u64 = table.sh_size(endian).into();
    if size > MAX_SECTION_NAMES {
        return None;
    }
    input.bytes(table.sh_offset(endian).into(), size).ok()
}

/// Whether `section` is called `name`: from the name table read whole when there is one,
/// else through `object`'s lookup (the same answer).
fn is_named<'a, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'a>>(
    names: Option<&[u8]>,
    sections: &object::read::elf::SectionTable<'a, Elf, R>,
    endian: Endianness,
    section: &Elf::SectionHeader,
    name: &[u8],
) -> bool {
    let Some(names) = names else {
        return sections.section_name(endian, section) == Ok(name);
    };
    let Some(rest) = usize::try_from(section.sh_name(endian))
        .ok()
        .and_then(|at| names.get(at..))
    else {
        return false;
    };
    rest.strip_prefix(name)
        .is_some_and(|after| after.first() == Some(&0))
}

/// Go marks only the BSDs in the ELF identification; everything else reads as Linux here.
fn elf_goos(os_abi: elf::OsAbi) -> &'static str {
    match os_abi {
        elf::ELFOSABI_NETBSD => "netbsd",
        elf::ELFOSABI_SOLARIS => "solaris",
        elf::ELFOSABI_FREEBSD => "freebsd",
        elf::ELFOSABI_OPENBSD => "openbsd",
        _ => "linux",
    }
}

fn elf_goarch(machine: elf::Machine, is_64: bool, big_endian: bool) -> Option<&'static str> {
    Some(match machine {
        elf::EM_X86_64 => "amd64",
        elf::EM_386 => "386",
        elf::EM_AARCH64 => "arm64",
        elf::EM_ARM => "arm",
        elf::EM_PPC64 if big_endian => "ppc64",
        elf::EM_PPC64 => "ppc64le",
        elf::EM_S390 if is_64 => "s390x",
        elf::EM_RISCV if is_64 => "riscv64",
        elf::EM_LOONGARCH if is_64 => "loong64",
        elf::EM_MIPS => match (is_64, big_endian) {
            (false, true) => "mips",
            (false, false) => "mipsle",
            (true, true) => "mips64",
            (true, false) => "mips64le",
        },
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Mach-O

/// `(cputype, offset, size)` of every slice of a universal file, each checked to lie inside
/// the file.
fn fat_slices<'a, R: ReadRef<'a>>(input: Input<'a, R>, kind: Kind) -> Result<Vec<(u32, u64, u64)>> {
    fn collect<'a, A: FatArch, R: ReadRef<'a>>(
        input: Input<'a, R>,
        arches: &[A],
    ) -> Result<Vec<(u32, u64, u64)>> {
        arches
            .iter()
            .map(|arch| {
                let (offset, size) = (arch.offset().into(), arch.size().into());
                input.check_extent(offset, size)?;
                Ok((arch.cputype().0, offset, size))
            })
            .collect()
    }
    let bad = malformed(BinaryFormat::MachOUniversal);
    input.check_extent(0, 8)?;
    if kind == Kind::Fat32 {
        let fat = MachOFatFile32::parse(input.data).map_err(bad)?;
        collect(input, fat.arches())
    } else {
        let fat = MachOFatFile64::parse(input.data).map_err(bad)?;
        collect(input, fat.arches())
    }
}

fn macho_is_64<'a, R: ReadRef<'a>>(input: Input<'a, R>, offset: u64) -> Result<bool> {
    match input.bytes(offset, 4)? {
        [0xfe, 0xed, 0xfa, 0xcf] | [0xcf, 0xfa, 0xed, 0xfe] => Ok(true),
        [0xfe, 0xed, 0xfa, 0xce] | [0xce, 0xfa, 0xed, 0xfe] => Ok(false),
        _ => Err(BuildInfoError::Malformed {
            path: None,
            format: BinaryFormat::MachOUniversal,
            reason: format!("the slice at offset {offset} is not a Mach-O file"),
        }),
    }
}

fn macho_header<'a, Mach: MachHeader<Endian = Endianness>, R: ReadRef<'a>>(
    input: Input<'a, R>,
    base: u64,
) -> Result<(&'a Mach, Endianness)> {
    let bad = malformed(BinaryFormat::MachO);
    input.check_extent(base, size_of::<Mach>() as u64)?;
    let header = Mach::parse(input.data, base).map_err(&bad)?;
    let endian = header.endian().map_err(&bad)?;
    Ok((header, endian))
}

fn macho_cputype<'a, Mach: MachHeader<Endian = Endianness>, R: ReadRef<'a>>(
    input: Input<'a, R>,
    base: u64,
) -> Result<u32> {
    let (header, endian) = macho_header::<Mach, R>(input, base)?;
    Ok(header.cputype(endian).0)
}

/// Parses the Mach-O object at `base` (0, or the offset of a universal slice).
fn macho_image<'a, Mach: MachHeader<Endian = Endianness>, R: ReadRef<'a>>(
    input: Input<'a, R>,
    base: u64,
) -> Result<Image> {
    const VM_PROT_RW: u32 = macho::VM_PROT_READ.0 | macho::VM_PROT_WRITE.0;
    let bad = malformed(BinaryFormat::MachO);
    let (header, endian) = macho_header::<Mach, R>(input, base)?;
    input.check_extent(
        base + size_of::<Mach>() as u64,
        u64::from(header.sizeofcmds(endian)),
    )?;

    let mut mappings = Vec::new();
    let mut section_region = None;
    let mut rw_segment = None;
    let mut symtab = None;
    let mut commands = header
        .load_commands(endian, input.data, base)
        .map_err(&bad)?;
    while let Some(command) = commands.next().map_err(&bad)? {
        if let Some((segment, section_data)) = Mach::Segment::from_command(command).map_err(&bad)? {
            let mapping = Mapping {
                addr: segment.vmaddr(endian).into(),
                mem_size: segment.vmsize(endian).into(),
                offset: base.saturating_add(segment.fileoff(endian).into()),
                file_size: segment.filesize(endian).into(),
            };
            input.check_extent(mapping.offset, mapping.file_size)?;
            if rw_segment.is_none()
                && mapping.addr != 0
                && mapping.file_size != 0
                && segment.initprot(endian).0 == VM_PROT_RW
                && segment.maxprot(endian).0 == VM_PROT_RW
            {
                rw_segment = Some(Region {
                    addr: mapping.addr,
                    offset: mapping.offset,
                    size: mapping.file_size.min(mapping.mem_size),
                });
            }
            mappings.push(mapping);
            for section in segment.sections(endian, section_data).map_err(&bad)? {
                if section_region.is_none() && section.name() == b"__go_buildinfo" {
                    let zerofill = section.flags(endian).0 & macho::SECTION_TYPE
                        == u32::from(macho::S_ZEROFILL.0);
                    let size: u64 = section.size(endian).into();
                    let region = Region {
                        addr: section.addr(endian).into(),
                        offset: base.saturating_add(section.offset(endian).into()),
                        size: if zerofill { 0 } else { size },
                    };
                    input.check_extent(region.offset, region.size)?;
                    section_region = Some(region);
                }
            }
        } else if let Some(command) = command.symtab().map_err(&bad)? {
            symtab = Some(Symtab::MachO {
                offset: base.saturating_add(command.symoff.get(endian).into()),
                count: command.nsyms.get(endian).into(),
                strings_offset: base.saturating_add(command.stroff.get(endian).into()),
                strings_size: command.strsize.get(endian).into(),
            });
        }
    }

    Ok(Image {
        format: BinaryFormat::MachO,
        goos: Some("darwin"),
        goarch: macho_goarch(header.cputype(endian).0),
        universal_archs: Vec::new(),
        ptr_size: if header.is_type_64() { 8 } else { 4 },
        big_endian: endian.is_big_endian(),
        // Go up to 1.26 fell back to the first segment mapped read-write (and no more).
        buildinfo: section_region.or(rw_segment),
        mappings,
        symtab,
    })
}

fn macho_goarch(cputype: u32) -> Option<&'static str> {
    Some(match macho::CpuType(cputype) {
        macho::CPU_TYPE_X86_64 => "amd64",
        macho::CPU_TYPE_ARM64 => "arm64",
        macho::CPU_TYPE_X86 => "386",
        macho::CPU_TYPE_ARM => "arm",
        _ => return None,
    })
}

/// The Go name, or `cputype-0x…` for a CPU Go has no name for (a universal file can carry
/// slices that no Go toolchain built).
fn macho_arch_name(cputype: u32) -> String {
    macho_goarch(cputype).map_or_else(|| format!("cputype-{cputype:#x}"), str::to_owned)
}

// ---------------------------------------------------------------------------------------------
// PE

/// `(is_64, machine)` from the NT headers.
fn pe_headers<'a, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<(bool, pe::Machine)> {
    let bad = malformed(BinaryFormat::Pe);
    input.check_extent(0, size_of::<pe::ImageDosHeader>() as u64)?;
    let dos = pe::ImageDosHeader::parse(input.data).map_err(&bad)?;
    let nt_offset = u64::from(dos.nt_headers_offset());
    input.check_extent(nt_offset, size_of::<pe::ImageNtHeaders32>() as u64)?;
    let magic = object::read::pe::optional_header_magic(input.data).map_err(&bad)?;
    let is_64 = magic == pe::IMAGE_NT_OPTIONAL_HDR64_MAGIC;
    let machine = if is_64 {
        pe_nt::<pe::ImageNtHeaders64, R>(input)?
            .0
            .file_header()
            .machine
            .get(object::LittleEndian)
    } else {
        pe_nt::<pe::ImageNtHeaders32, R>(input)?
            .0
            .file_header()
            .machine
            .get(object::LittleEndian)
    };
    Ok((is_64, machine))
}

/// The NT headers and the offset of the section table after them.
fn pe_nt<'a, Pe: ImageNtHeaders, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<(&'a Pe, u64)> {
    let bad = malformed(BinaryFormat::Pe);
    let dos = pe::ImageDosHeader::parse(input.data).map_err(&bad)?;
    let mut offset = u64::from(dos.nt_headers_offset());
    input.check_extent(offset, size_of::<Pe>() as u64)?;
    let (nt, _) = Pe::parse(input.data, &mut offset).map_err(&bad)?;
    Ok((nt, offset))
}

fn pe_image<'a, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<Image> {
    if pe_headers(input)?.0 {
        pe_image_of::<pe::ImageNtHeaders64, R>(input)
    } else {
        pe_image_of::<pe::ImageNtHeaders32, R>(input)
    }
}

fn pe_image_of<'a, Pe: ImageNtHeaders, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<Image> {
    use object::LittleEndian as LE;
    /// `IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE`.
    const DATA_RW: u32 = 0xC000_0040;
    /// `IMAGE_SCN_ALIGN_32BYTES`: alignment bits Go's linker may set on the data section.
    const ALIGN_BITS: u32 = 0x0060_0000;

    let bad = malformed(BinaryFormat::Pe);
    let (nt, table_offset) = pe_nt::<Pe, R>(input)?;
    let file_header = nt.file_header();
    let count = u64::from(file_header.number_of_sections.get(LE));
    input.check_extent(
        table_offset,
        count * size_of::<pe::ImageSectionHeader>() as u64,
    )?;
    let sections = nt.sections(input.data, table_offset).map_err(&bad)?;
    let image_base = nt.optional_header().image_base();

    let mut mappings = Vec::new();
    let mut buildinfo = None;
    let mut section_addrs = Vec::new();
    for section in sections.iter() {
        let rva = u64::from(section.virtual_address.get(LE));
        let virtual_size = u64::from(section.virtual_size.get(LE));
        let raw_size = u64::from(section.size_of_raw_data.get(LE));
        let addr = image_base.wrapping_add(rva);
        section_addrs.push(addr);
        let mem_size = if virtual_size == 0 {
            raw_size
        } else {
            virtual_size
        };
        let file_size = raw_size.min(mem_size);
        let offset = u64::from(section.pointer_to_raw_data.get(LE));
        if file_size != 0 {
            input.check_extent(offset, file_size)?;
        }
        mappings.push(Mapping {
            addr,
            mem_size,
            offset,
            file_size,
        });
        let characteristics = section.characteristics.get(LE).0;
        if buildinfo.is_none()
            && rva != 0
            && raw_size != 0
            && characteristics & !ALIGN_BITS == DATA_RW
        {
            buildinfo = Some(Region {
                addr,
                offset,
                size: virtual_size.min(raw_size),
            });
        }
    }

    let symbols_offset = u64::from(file_header.pointer_to_symbol_table.get(LE));
    let symbol_count = u64::from(file_header.number_of_symbols.get(LE));
    let symtab = (symbols_offset != 0 && symbol_count != 0).then_some(Symtab::Pe {
        offset: symbols_offset,
        count: symbol_count,
        section_addrs,
    });

    Ok(Image {
        format: BinaryFormat::Pe,
        goos: Some("windows"),
        goarch: pe_goarch(file_header.machine.get(LE)),
        universal_archs: Vec::new(),
        ptr_size: if nt.is_type_64() { 8 } else { 4 },
        big_endian: false,
        buildinfo,
        mappings,
        symtab,
    })
}

fn pe_goarch(machine: pe::Machine) -> Option<&'static str> {
    Some(match machine {
        pe::IMAGE_FILE_MACHINE_AMD64 => "amd64",
        pe::IMAGE_FILE_MACHINE_I386 => "386",
        pe::IMAGE_FILE_MACHINE_ARM64 => "arm64",
        pe::IMAGE_FILE_MACHINE_ARMNT => "arm",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Addresses and symbols

/// Reads `size` bytes at virtual address `addr`, zero-filling the part of a mapping that has
/// no file bytes. `None` if no single mapping covers the whole range.
pub(super) fn read_addr<'a, R: ReadRef<'a>>(
    input: Input<'a, R>,
    image: &Image,
    addr: u64,
    size: u64,
) -> Result<Option<Vec<u8>>> {
    // A request larger than the file cannot be real data, and must not drive an allocation.
    if size > input.len() {
        return Ok(None);
    }
    let Some(mapping) = image.mappings.iter().find(|m| {
        addr.checked_sub(m.addr)
            .and_then(|rel| rel.checked_add(size))
            .is_some_and(|end| end <= m.mem_size)
    }) else {
        return Ok(None);
    };
    let rel = addr - mapping.addr;
    let from_file = mapping.file_size.saturating_sub(rel).min(size);
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    if from_file > 0 {
        out.extend_from_slice(input.bytes(mapping.offset.saturating_add(rel), from_file)?);
    }
    out.resize(usize::try_from(size).unwrap_or(0), 0);
    Ok(Some(out))
}

/// Looks up the first defined symbol with one of `names` (with or without a leading `_`) and
/// returns its virtual address.
pub(super) fn find_symbol<'a, R: ReadRef<'a>>(
    input: Input<'a, R>,
    image: &Image,
    names: &[&str],
) -> Result<Option<u64>> {
    let Some(symtab) = &image.symtab else {
        return Ok(None);
    };
    let endian = if image.big_endian {
        Endianness::Big
    } else {
        Endianness::Little
    };
    match symtab {
        Symtab::Elf {
            offset,
            size,
            strings_offset,
            strings_size,
        } => {
            let strings = input.bytes(*strings_offset, *strings_size)?;
            let wanted = name_offsets(strings, names, 0);
            if wanted.is_empty() {
                return Ok(None);
            }
            let entry = if image.ptr_size == 8 { 24 } else { 16 };
            let table = input.bytes(*offset, *size)?;
            for sym in table.chunks_exact(entry) {
                let name = u64::from(read_u32(sym, 0, endian));
                let (shndx, value) = if entry == 24 {
                    (read_u16(sym, 6, endian), read_u64(sym, 8, endian))
                } else {
                    (
                        read_u16(sym, 14, endian),
                        u64::from(read_u32(sym, 4, endian)),
                    )
                };
                if shndx != elf::SHN_UNDEF.0 && wanted.contains(&name) {
                    return Ok(Some(value));
                }
            }
            Ok(None)
        }
        Symtab::MachO {
            offset,
            count,
            strings_offset,
            strings_size,
        } => {
            let strings = input.bytes(*strings_offset, *strings_size)?;
            let wanted = name_offsets(strings, names, 0);
            if wanted.is_empty() {
                return Ok(None);
            }
            let entry: u64 = if image.ptr_size == 8 { 16 } else { 12 };
            let table = input.bytes(*offset, count.saturating_mul(entry))?;
            for sym in table.chunks_exact(entry as usize) {
                let name = u64::from(read_u32(sym, 0, endian));
                let kind = sym[4];
                let value = if entry == 16 {
                    read_u64(sym, 8, endian)
                } else {
                    u64::from(read_u32(sym, 8, endian))
                };
                // Not a debugging entry, and defined in a section.
                let defined = kind & macho::N_STAB == 0 && kind & macho::N_TYPE == macho::N_SECT.0;
                if defined && wanted.contains(&name) {
                    return Ok(Some(value));
                }
            }
            Ok(None)
        }
        Symtab::Pe {
            offset,
            count,
            section_addrs,
        } => {
            const ENTRY: u64 = 18;
            let table_size = count.saturating_mul(ENTRY);
            let strings_offset = offset.saturating_add(table_size);
            let strings_size = u64::from(u32::from_le_bytes(
                input
                    .bytes(strings_offset, 4)?
                    .try_into()
                    .map_err(|_| io_error("short read"))?,
            ));
            let strings = input.bytes(strings_offset, strings_size.max(4))?;
            let wanted = name_offsets(strings, names, 4);
            if wanted.is_empty() {
                return Ok(None);
            }
            let table = input.bytes(*offset, table_size)?;
            let mut entries = table.chunks_exact(ENTRY as usize);
            while let Some(sym) = entries.next() {
                // Long names are `0u32` then a string-table offset; short ones are inline.
                let long_name = read_u32(sym, 0, Endianness::Little) == 0;
                let name = u64::from(read_u32(sym, 4, Endianness::Little));
                let value = u64::from(read_u32(sym, 8, Endianness::Little));
                let section = read_u16(sym, 12, Endianness::Little);
                let aux = sym[17];
                if long_name && wanted.contains(&name) && section >= 1 {
                    if let Some(base) = section_addrs.get(usize::from(section) - 1) {
                        return Ok(Some(base.wrapping_add(value)));
                    }
                }
                for _ in 0..aux {
                    entries.next();
                }
            }
            // Short (inline) names are at most 8 bytes; ours are longer, so no second pass.
            Ok(None)
        }
    }
}

/// Offsets in `strings` at which one of `names` (optionally `_`-prefixed) starts as a whole,
/// NUL-terminated string. `min` is the first offset that can hold a name.
fn name_offsets(strings: &[u8], names: &[&str], min: usize) -> Vec<u64> {
    let mut found = Vec::new();
    for name in names {
        let mut needle = name.as_bytes().to_vec();
        needle.push(0);
        for at in memchr::memmem::find_iter(strings, &needle) {
            if at >= min {
                found.push(at as u64);
            }
            if at > min && strings[at - 1] == b'_' {
                found.push(at as u64 - 1);
            }
        }
    }
    found
}

pub(super) fn read_u16(b: &[u8], at: usize, endian: Endianness) -> u16 {
    let raw = [b[at], b[at + 1]];
    if endian.is_big_endian() {
        u16::from_be_bytes(raw)
    } else {
        u16::from_le_bytes(raw)
    }
}

pub(super) fn read_u32(b: &[u8], at: usize, endian: Endianness) -> u32 {
    let mut raw = [0u8; 4];
    raw.copy_from_slice(&b[at..at + 4]);
    if endian.is_big_endian() {
        u32::from_be_bytes(raw)
    } else {
        u32::from_le_bytes(raw)
    }
}

pub(super) fn read_u64(b: &[u8], at: usize, endian: Endianness) -> u64 {
    let mut raw = [0u8; 8];
    raw.copy_from_slice(&b[at..at + 8]);
    if endian.is_big_endian() {
        u64::from_be_bytes(raw)
    } else {
        u64::from_le_bytes(raw)
    }
}
