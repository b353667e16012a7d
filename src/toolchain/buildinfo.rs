//! The build info of a Go binary (the Go version that built it, its module info and its build
//! settings), read from the ELF, Mach-O (thin or universal) or PE file without running it,
//! plus the GOROOT that the linker stamped into it.
//!
//! Every Go binary since Go 1.13 carries a 32-byte header starting with `"\xff Go buildinf:"`
//! in its data, followed (Go 1.18+, the "inline" layout) by the version and module strings,
//! or (Go 1.13–1.17, the "pointer" layout) by pointers to Go string headers that hold them.
//! This module finds that header the way Go 1.22+'s `debug/buildinfo` does: in the section
//! `.go.buildinfo` (ELF) or `__go_buildinfo` (Mach-O), or the first read-write initialised
//! data section (PE), falling back to the first writable, non-executable segment (ELF and
//! Mach-O, as Go did up to 1.26); the whole region is scanned in 1 MiB chunks for a 16-byte
//! aligned header whose 32 bytes fit inside it. See `docs/buildinfo.md` for the byte layout.
//!
//! Files are read lazily, in blocks ([`BlockFile`]): a 20 MB `go` binary costs a few
//! kilobytes of reads (headers, section table, the build-info section), which keeps
//! `groot explain` far cheaper than running `go env GOROOT`.

mod container;
mod modinfo;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use object::{Endianness, ReadRef};

use container::{Image, Input, Region};

/// The object-file format a binary was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryFormat {
    /// ELF (Linux and the BSDs).
    Elf,
    /// A single-architecture Mach-O file (macOS).
    MachO,
    /// A universal ("fat") Mach-O file holding several architectures.
    MachOUniversal,
    /// A PE file (Windows).
    Pe,
}

impl fmt::Display for BinaryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BinaryFormat::Elf => "ELF",
            BinaryFormat::MachO => "Mach-O",
            BinaryFormat::MachOUniversal => "universal Mach-O",
            BinaryFormat::Pe => "PE",
        })
    }
}

/// How the version and module strings follow the build-info header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InfoLayout {
    /// Go 1.18+: length-prefixed strings right after the header.
    Inline,
    /// Go 1.13–1.17: two pointers to Go string headers elsewhere in the data.
    Pointer,
}

/// The default GOROOT the linker stamped into the binary (`runtime.defaultGOROOT`, or
/// `runtime/internal/sys.DefaultGoroot` in Go 1.16). `runtime.GOROOT()` returns it when the
/// `GOROOT` environment variable is unset, and Go before 1.21 (and distribution builds)
/// fall back to it to find their tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StampedGoroot {
    /// The stamped value. Empty when nothing was stamped: a `-trimpath` build by Go 1.19+,
    /// which includes every official `go` release from 1.21 on. Go 1.18 and older stamp
    /// `"go"` into `-trimpath` builds.
    Known(String),
    /// The symbol table is present but has no such symbol: nothing in the program calls
    /// `runtime.GOROOT`, so the linker dropped the variable and no default can apply.
    NotLinked,
    /// The binary has no symbol table (stripped with `-s`), or it could not be read.
    Unknown,
}

/// One module line of the build info.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Module {
    /// Module path, e.g. `golang.org/x/mod`.
    pub path: String,
    /// Module version, e.g. `v0.14.0` or `(devel)`; empty for a directory replacement.
    pub version: String,
    /// The `h1:` checksum, if recorded.
    pub sum: Option<String>,
    /// The module that replaced this one (a `=>` line).
    pub replace: Option<Box<Module>>,
}

/// What a Go binary says about how it was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// The runtime version as Go prints it: `go1.22.10`, `go1.26.0-X:foo`,
    /// `devel go1.24-abc123 Tue …`, `go1.25-devel_abc123 …`.
    pub go_version: String,
    /// The main package path (the `path` line).
    pub main_path: Option<String>,
    /// The main module (the `mod` line).
    pub main_module: Option<Module>,
    /// Dependencies (the `dep` lines), in order.
    pub deps: Vec<Module>,
    /// Build settings (the `build` lines, Go 1.18+), unquoted, in order.
    pub settings: Vec<(String, String)>,
    /// The container format.
    pub format: BinaryFormat,
    /// Target OS: the `GOOS` setting, else inferred from the container (Mach-O: darwin,
    /// PE: windows, ELF: the BSD named by the OS ABI byte, else linux).
    pub goos: Option<String>,
    /// Target architecture: the `GOARCH` setting, else from the machine type.
    pub goarch: Option<String>,
    /// Every architecture in a universal Mach-O (Go names); else just `goarch`.
    pub archs: Vec<String>,
    /// Which build-info layout the binary uses.
    pub layout: InfoLayout,
    /// The linker-stamped default GOROOT.
    pub stamped_goroot: StampedGoroot,
}

impl BuildInfo {
    /// The value of build setting `key` (e.g. `GOOS`, `-trimpath`, `vcs.revision`).
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the binary was built with `-trimpath` (recorded since Go 1.18).
    pub fn trimpath(&self) -> bool {
        self.setting("-trimpath") == Some("true")
    }
}

/// What the headers of any executable say, Go or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerInfo {
    /// The container format.
    pub format: BinaryFormat,
    /// The OS the format implies (see [`BuildInfo::goos`]).
    pub goos: Option<String>,
    /// Go names of the architectures it holds: one, or several for a universal Mach-O. A
    /// machine Go has no name for is left out (a Mach-O slice is listed as `cputype-0x…`).
    pub archs: Vec<String>,
}

/// Why the build info could not be read. Every variant carries the file's path when the
/// input came from [`read_file`] or [`container_arch`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildInfoError {
    /// The file could not be opened or read.
    #[error("{}cannot read the file", At(path))]
    Io {
        path: Option<PathBuf>,
        #[source]
        source: io::Error,
    },
    /// The path is a directory or a special file.
    #[error("{}not a regular file but a {kind}", At(path))]
    NotAFile {
        path: Option<PathBuf>,
        kind: &'static str,
    },
    /// Not an executable object file at all (a script, text, empty, unknown bytes).
    #[error("{}not an ELF, Mach-O or PE file: {found}", At(path))]
    NotAnObjectFile {
        path: Option<PathBuf>,
        found: String,
    },
    /// An object format that Go can produce but this reader does not handle.
    #[error(
        "{}unsupported file format {format}: expected ELF, Mach-O or PE",
        At(path)
    )]
    UnsupportedFormat {
        path: Option<PathBuf>,
        format: String,
    },
    /// The headers are inconsistent.
    #[error("{}malformed {format} file: {reason}", At(path))]
    Malformed {
        path: Option<PathBuf>,
        format: BinaryFormat,
        reason: String,
    },
    /// The file ends before a range its headers point at.
    #[error(
        "{}file is truncated: {needed} bytes needed, only {len} present",
        At(path)
    )]
    Truncated {
        path: Option<PathBuf>,
        needed: u64,
        len: u64,
    },
    /// A well-formed executable without Go build info.
    #[error("{}not a Go binary: {reason}", At(path))]
    NotGoBinary {
        path: Option<PathBuf>,
        format: BinaryFormat,
        reason: String,
    },
    /// The pointer-layout header names a pointer size other than 4 or 8.
    #[error(
        "{}bad pointer size in the build info header: expected 4 or 8, found {size}",
        At(path)
    )]
    BadPointerSize { path: Option<PathBuf>, size: u8 },
    /// A pointer in the build info leads outside every mapped segment.
    #[error(
        "{}the {what} at address {addr:#x} is not mapped by any segment",
        At(path)
    )]
    UnmappedAddress {
        path: Option<PathBuf>,
        what: &'static str,
        addr: u64,
    },
}

/// Formats an optional path as a `path: ` message prefix.
struct At<'a>(&'a Option<PathBuf>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(path) => write!(f, "{}: ", path.display()),
            None => Ok(()),
        }
    }
}

impl BuildInfoError {
    /// The file the error is about, if the input was a file.
    pub fn path(&self) -> Option<&Path> {
        self.path_slot().as_deref()
    }

    fn path_slot(&self) -> &Option<PathBuf> {
        match self {
            BuildInfoError::Io { path, .. }
            | BuildInfoError::NotAFile { path, .. }
            | BuildInfoError::NotAnObjectFile { path, .. }
            | BuildInfoError::UnsupportedFormat { path, .. }
            | BuildInfoError::Malformed { path, .. }
            | BuildInfoError::Truncated { path, .. }
            | BuildInfoError::NotGoBinary { path, .. }
            | BuildInfoError::BadPointerSize { path, .. }
            | BuildInfoError::UnmappedAddress { path, .. } => path,
        }
    }

    fn with_path(mut self, file: &Path) -> Self {
        let slot = match &mut self {
            BuildInfoError::Io { path, .. }
            | BuildInfoError::NotAFile { path, .. }
            | BuildInfoError::NotAnObjectFile { path, .. }
            | BuildInfoError::UnsupportedFormat { path, .. }
            | BuildInfoError::Malformed { path, .. }
            | BuildInfoError::Truncated { path, .. }
            | BuildInfoError::NotGoBinary { path, .. }
            | BuildInfoError::BadPointerSize { path, .. }
            | BuildInfoError::UnmappedAddress { path, .. } => path,
        };
        slot.get_or_insert_with(|| file.to_path_buf());
        self
    }
}

type Result<T> = std::result::Result<T, BuildInfoError>;

/// Reads the build info of the Go binary at `path` (symlinks followed), loading only the
/// parts of the file it needs: one open, one `fstat` and, for a Go ELF file, three reads
/// (the first 4 KiB with the ELF, program and section headers; the section names; the
/// build-info section with its strings). See [`BlockFile`].
pub fn read_file(path: &Path) -> std::result::Result<BuildInfo, BuildInfoError> {
    let file = BlockFile::open(path)?;
    Input::new(&file)
        .and_then(read_input)
        .map_err(|e| e.with_path(path))
}

/// What [`read_file_or_script`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// The file starts with `#!`: a script run by this interpreter line.
    Script { interpreter: String },
    /// A Go binary.
    Go(Box<BuildInfo>),
}

/// [`read_file`], but a script (`#!…`) is an answer rather than an error, told from the same
/// first read: the file is opened and stat'ed once either way.
pub fn read_file_or_script(path: &Path) -> std::result::Result<Contents, BuildInfoError> {
    read_file_or_script_head(path, 0).map(|(contents, _)| contents)
}

/// [`read_file_or_script`], with a script's first `cap` bytes (all of it when shorter) read
/// from the same open file: `None` beside a binary, or when reading them failed.
pub fn read_file_or_script_head(
    path: &Path,
    cap: u64,
) -> std::result::Result<(Contents, Option<Vec<u8>>), BuildInfoError> {
    let file = BlockFile::open(path)?;
    if let Some(interpreter) = script_interpreter(file.head()) {
        let head = (cap > 0).then(|| file.start(cap).ok()).flatten();
        return Ok((Contents::Script { interpreter }, head));
    }
    Input::new(&file)
        .and_then(read_input)
        .map(|info| (Contents::Go(Box::new(info)), None))
        .map_err(|e| e.with_path(path))
}

/// The `#!interpreter` line of a script, from the file's first bytes (at most 128 read).
pub fn script_interpreter(head: &[u8]) -> Option<String> {
    let head = &head[..head.len().min(128)];
    let rest = head.strip_prefix(b"#!")?;
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
    Some(String::from_utf8_lossy(line).trim().to_owned())
}

/// Reads the build info from a whole binary held in memory.
pub fn read_bytes(data: &[u8]) -> std::result::Result<BuildInfo, BuildInfoError> {
    read_input(Input::new(data)?)
}

/// Reads only the object headers of the executable at `path`: its format, the OS it implies
/// and its architectures. Cheap, and works for binaries that Go did not build.
pub fn container_arch(path: &Path) -> std::result::Result<ContainerInfo, BuildInfoError> {
    let file = BlockFile::open(path)?;
    Input::new(&file)
        .and_then(container::container_info)
        .map_err(|e| e.with_path(path))
}

/// A file read in a few large positioned reads instead of a seek and a read per header: the
/// object parser asks for many small ranges (ELF header, program headers, each section
/// header, a string table, the build-info header, its strings), and nearly all of them fall
/// in the first 4 KiB or in a block read for an earlier range. The first [`HEAD`] bytes are
/// read when the file is opened; a range outside every block held reads a block of at least
/// [`BLOCK`] bytes around it. The length comes from the `fstat` made at open, so nothing else
/// asks the kernel.
///
/// `&BlockFile` is the parser's [`ReadRef`]: a range is handed out as a slice of the block
/// that holds it. Blocks are only ever added (an append-only [`elsa::FrozenVec`]), so those
/// slices stay valid while the file lives; object's `ReadCache` would instead copy every
/// range into an allocation of its own, keyed in a hash map (a go binary asks for ~11).
pub struct BlockFile {
    file: fs::File,
    len: u64,
    /// The blocks read, in order; the first is the head of the file.
    blocks: elsa::FrozenVec<Box<Block>>,
}

impl fmt::Debug for BlockFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockFile")
            .field("file", &self.file)
            .field("len", &self.len)
            .field("blocks", &self.blocks.len())
            .finish()
    }
}

/// `bytes` as read from the file at `offset`.
struct Block {
    offset: u64,
    bytes: Vec<u8>,
}

/// How much of the file's start is read at open: the ELF header, program and section
/// headers of a Go binary, or a Mach-O's load commands, or a PE's headers.
const HEAD: u64 = 4096;
/// The least a read past the head loads: a Go binary's section names and its build-info
/// section (with the version and module strings) are each a few hundred bytes.
const BLOCK: u64 = 4096;

impl BlockFile {
    /// Opens a regular file (symlinks followed) with one `open` and one `fstat`, and reads
    /// its head. A FIFO is not waited on (opened non-blocking) but refused, as are directories
    /// and other special files.
    pub fn open(path: &Path) -> Result<BlockFile> {
        let io_err = |source| BuildInfoError::Io {
            path: Some(path.to_path_buf()),
            source,
        };
        let mut options = fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
        }
        let file = options.open(path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if !meta.is_file() {
            return Err(BuildInfoError::NotAFile {
                path: Some(path.to_path_buf()),
                kind: if meta.is_dir() {
                    "directory"
                } else {
                    "special file"
                },
            });
        }
        let f = BlockFile {
            file,
            len: meta.len(),
            blocks: elsa::FrozenVec::new(),
        };
        let head = f.read_block(0, HEAD.min(f.len)).map_err(io_err)?;
        f.blocks.push(Box::new(Block {
            offset: 0,
            bytes: head,
        }));
        Ok(f)
    }

    /// The first bytes of the file (up to 4 KiB).
    pub fn head(&self) -> &[u8] {
        self.blocks.get(0).map_or(&[], |b| b.bytes.as_slice())
    }

    /// The first `cap` bytes of the file (all of it when shorter): the head already read
    /// and, past it, one more read.
    fn start(&self, cap: u64) -> io::Result<Vec<u8>> {
        let want = cap.min(self.len);
        let head = self.head();
        let held = head.len() as u64;
        if want <= held {
            return Ok(head[..want as usize].to_vec());
        }
        let mut out = Vec::with_capacity(usize::try_from(want).unwrap_or(0));
        out.extend_from_slice(head);
        out.extend_from_slice(&self.read_block(held, want - held)?);
        Ok(out)
    }

    fn read_block(&self, offset: u64, size: u64) -> io::Result<Vec<u8>> {
        let size = usize::try_from(size).map_err(|_| io::Error::other("read too large"))?;
        let mut buf = vec![0u8; size];
        read_exact_at(&self.file, &mut buf, offset)?;
        Ok(buf)
    }
}

impl<'a> ReadRef<'a> for &'a BlockFile {
    fn len(self) -> std::result::Result<u64, ()> {
        Ok(self.len)
    }

    /// The bytes `offset..offset + size`, from a block held or from a new block read (from
    /// the 4 KiB boundary below, at least [`BLOCK`] long, within the file).
    fn read_bytes_at(self, offset: u64, size: u64) -> std::result::Result<&'a [u8], ()> {
        if size == 0 {
            return Ok(&[]);
        }
        let end = offset
            .checked_add(size)
            .filter(|e| *e <= self.len)
            .ok_or(())?;
        let slice = |b: &'a Block| {
            let from = (offset - b.offset) as usize;
            &b.bytes[from..from + size as usize]
        };
        if let Some(b) = self
            .blocks
            .iter()
            .find(|b| b.offset <= offset && end <= b.offset + b.bytes.len() as u64)
        {
            return Ok(slice(b));
        }
        let start = offset - offset % HEAD;
        let bytes = self
            .read_block(start, (end - start).max(BLOCK).min(self.len - start))
            .map_err(|_| ())?;
        Ok(slice(self.blocks.push_get(Box::new(Block {
            offset: start,
            bytes,
        }))))
    }

    /// The bytes from `range.start` up to (not including) the first `delimiter`, which must
    /// come before `range.end`: read in growing steps, so a short name in a large string
    /// table costs one block.
    fn read_bytes_at_until(
        self,
        range: std::ops::Range<u64>,
        delimiter: u8,
    ) -> std::result::Result<&'a [u8], ()> {
        let mut step = 256u64;
        loop {
            let upto = range.start.saturating_add(step).min(range.end);
            let bytes =
                self.read_bytes_at(range.start, upto.checked_sub(range.start).ok_or(())?)?;
            if let Some(at) = bytes.iter().position(|&b| b == delimiter) {
                return Ok(&bytes[..at]);
            }
            if upto >= range.end {
                return Err(());
            }
            step = step.saturating_mul(16);
        }
    }
}

#[cfg(unix)]
fn read_exact_at(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &fs::File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(file: &fs::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

/// The build-info header magic.
const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
/// Header size; the strings (inline layout) start right after it.
const HEADER_SIZE: u64 = 32;
/// The header is aligned to this many bytes (virtual address).
const HEADER_ALIGN: u64 = 16;
/// How much of the search region is read at once.
const SEARCH_CHUNK: u64 = 1 << 20;
/// Header flag: pointers are big-endian (pointer layout).
const FLAG_BIG_ENDIAN: u8 = 0x01;
/// Header flag: the strings are inline (Go 1.18+).
const FLAG_INLINE: u8 = 0x02;

fn read_input<'a, R: ReadRef<'a>>(input: Input<'a, R>) -> Result<BuildInfo> {
    let image = container::parse(input)?;
    let not_go = |reason: &str| BuildInfoError::NotGoBinary {
        path: None,
        format: image.format,
        reason: reason.to_owned(),
    };
    let region = image
        .buildinfo
        .ok_or_else(|| not_go("no build info section and no writable data to search"))?;
    let header_at =
        find_header(input, region)?.ok_or_else(|| not_go("no build info header in its data"))?;
    let header = input.bytes(region.offset + header_at, HEADER_SIZE)?;
    let flags = header[15];

    let (layout, version, raw_modinfo) = if flags & FLAG_INLINE != 0 {
        let mut at = header_at + HEADER_SIZE;
        let version = inline_string(input, image.format, region, &mut at)?;
        let modinfo = inline_string(input, image.format, region, &mut at)?;
        (InfoLayout::Inline, version, modinfo)
    } else {
        let ptr_size = header[14];
        if ptr_size != 4 && ptr_size != 8 {
            return Err(BuildInfoError::BadPointerSize {
                path: None,
                size: ptr_size,
            });
        }
        let endian = if flags & FLAG_BIG_ENDIAN != 0 {
            Endianness::Big
        } else {
            Endianness::Little
        };
        let ptrs = &header[16..];
        let version_addr = read_ptr(ptrs, 0, ptr_size, endian);
        let modinfo_addr = read_ptr(ptrs, usize::from(ptr_size), ptr_size, endian);
        let version = go_string_at(
            input,
            &image,
            version_addr,
            ptr_size,
            endian,
            &VERSION_STRING,
        )?;
        let modinfo = go_string_at(
            input,
            &image,
            modinfo_addr,
            ptr_size,
            endian,
            &MODINFO_STRING,
        )?;
        (InfoLayout::Pointer, version, modinfo)
    };
    if version.is_empty() {
        return Err(not_go("empty Go version in the build info"));
    }
    let go_version = String::from_utf8_lossy(&version).into_owned();
    let mod_text = String::from_utf8_lossy(modinfo::strip_sentinels(&raw_modinfo)).into_owned();
    let modinfo = modinfo::parse(&mod_text);

    let mut info = BuildInfo {
        go_version,
        main_path: modinfo.main_path,
        main_module: modinfo.main_module,
        deps: modinfo.deps,
        settings: modinfo.settings,
        format: image.format,
        goos: None,
        goarch: None,
        archs: Vec::new(),
        layout,
        stamped_goroot: StampedGoroot::Unknown,
    };
    info.goos = info.setting("GOOS").or(image.goos).map(str::to_owned);
    info.goarch = info.setting("GOARCH").or(image.goarch).map(str::to_owned);
    info.archs = if image.universal_archs.is_empty() {
        info.goarch.iter().cloned().collect()
    } else {
        image.universal_archs.clone()
    };
    info.stamped_goroot = stamped_goroot(input, &image, &info);
    Ok(info)
}

/// Finds the header the way Go 1.22+ does: the whole region, in chunks, only at 16-byte
/// aligned virtual addresses, and only where all 32 header bytes fit. Returns its offset
/// from the start of the region.
///
/// Only aligned offsets can match, so it compares there and nowhere else: one byte per 16
/// in the common miss, and no substring searcher (memchr's would ask the CPU for its
/// features first, eight `cpuid`s that trap to the hypervisor on a VM, ~20 µs per run).
fn find_header<'a, R: ReadRef<'a>>(input: Input<'a, R>, region: Region) -> Result<Option<u64>> {
    const { assert!(SEARCH_CHUNK % HEADER_ALIGN == 0) };
    let mut pos = region.addr.wrapping_neg() % HEADER_ALIGN;
    while pos.saturating_add(HEADER_SIZE) <= region.size {
        // Overlap chunks by a header so one starting near the end of a chunk is whole.
        let len = (SEARCH_CHUNK + HEADER_SIZE).min(region.size - pos);
        let chunk = input.bytes(region.offset + pos, len)?;
        // `pos` is aligned, so the aligned offsets in the chunk are its multiples of 16.
        let whole = (len - HEADER_SIZE).min(SEARCH_CHUNK - 1);
        let hit = (0..=whole)
            .step_by(HEADER_ALIGN as usize)
            .find(|&at| chunk[at as usize..].starts_with(MAGIC));
        if let Some(at) = hit {
            return Ok(Some(pos + at));
        }
        pos += SEARCH_CHUNK;
    }
    Ok(None)
}

/// Reads one `uvarint length, bytes` string of the inline layout at region offset `*at`,
/// which must lie inside the region, and advances `*at`.
fn inline_string<'a, R: ReadRef<'a>>(
    input: Input<'a, R>,
    format: BinaryFormat,
    region: Region,
    at: &mut u64,
) -> Result<Vec<u8>> {
    let malformed = |reason: String| BuildInfoError::Malformed {
        path: None,
        format,
        reason,
    };
    let left = region.size.saturating_sub(*at);
    let prefix = input.bytes(region.offset + *at, left.min(10))?;
    let (len, used) = uvarint(prefix)
        .ok_or_else(|| malformed(format!("bad string length at build info offset {at}")))?;
    *at += used;
    if len > region.size - *at {
        return Err(malformed(format!(
            "build info string of {len} bytes runs past the end of its {} byte region",
            region.size
        )));
    }
    let bytes = input.bytes(region.offset + *at, len)?;
    *at += len;
    Ok(bytes.to_vec())
}

/// Decodes an unsigned LEB128 varint (Go's `binary.Uvarint`): value and bytes used.
fn uvarint(bytes: &[u8]) -> Option<(u64, u64)> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        if i == 9 && b > 1 {
            return None;
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((value, i as u64 + 1));
        }
    }
    None
}

fn read_ptr(bytes: &[u8], at: usize, ptr_size: u8, endian: Endianness) -> u64 {
    if ptr_size == 8 {
        container::read_u64(bytes, at, endian)
    } else {
        u64::from(container::read_u32(bytes, at, endian))
    }
}

/// Names for the two reads of a Go string, used in `UnmappedAddress` errors.
struct StringNames {
    header: &'static str,
    data: &'static str,
}

const VERSION_STRING: StringNames = StringNames {
    header: "version string header",
    data: "version string",
};
const MODINFO_STRING: StringNames = StringNames {
    header: "module info string header",
    data: "module info string",
};
const GOROOT_STRING: StringNames = StringNames {
    header: "default GOROOT string header",
    data: "default GOROOT string",
};

/// Reads the Go string whose header (`{data, len}`) is at virtual address `addr`.
fn go_string_at<'a, R: ReadRef<'a>>(
    input: Input<'a, R>,
    image: &Image,
    addr: u64,
    ptr_size: u8,
    endian: Endianness,
    names: &StringNames,
) -> Result<Vec<u8>> {
    let unmapped = |what, addr| BuildInfoError::UnmappedAddress {
        path: None,
        what,
        addr,
    };
    let header = container::read_addr(input, image, addr, 2 * u64::from(ptr_size))?
        .ok_or_else(|| unmapped(names.header, addr))?;
    let data = read_ptr(&header, 0, ptr_size, endian);
    let len = read_ptr(&header, usize::from(ptr_size), ptr_size, endian);
    if len == 0 {
        return Ok(Vec::new());
    }
    container::read_addr(input, image, data, len)?.ok_or_else(|| unmapped(names.data, data))
}

/// The Go minor version (`22` for `go1.22.10` or `devel go1.22-abc …`), if recognisable.
fn go_minor(version: &str) -> Option<u32> {
    let rest = &version[version.find("go1.")? + 4..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

/// Reads `runtime.defaultGOROOT` (Go 1.17+) or `runtime/internal/sys.DefaultGoroot` (1.16).
///
/// Go 1.19+ linkers do not stamp anything into a `-trimpath` build (1.19–1.22 through the
/// `GOROOT_FINAL=$GOROOT` marker, 1.23+ by passing an empty `GOROOT`), so for those the answer
/// is known to be empty without touching the symbol table. That covers every official `go`
/// and `gofmt` from 1.21 on (built `-trimpath` by `cmd/dist`), keeping the common case to a few
/// kilobytes of reads. Go 1.18 and older stamp `"go"` into `-trimpath` builds and record no
/// `-trimpath` setting before 1.18, so those are always looked up.
fn stamped_goroot<'a, R: ReadRef<'a>>(
    input: Input<'a, R>,
    image: &Image,
    info: &BuildInfo,
) -> StampedGoroot {
    if info.trimpath() && go_minor(&info.go_version).is_some_and(|minor| minor >= 19) {
        return StampedGoroot::Known(String::new());
    }
    if image.symtab.is_none() {
        return StampedGoroot::Unknown;
    }
    let names = [
        "runtime.defaultGOROOT",
        "runtime/internal/sys.DefaultGoroot",
    ];
    let addr = match container::find_symbol(input, image, &names) {
        Ok(Some(addr)) => addr,
        Ok(None) => return StampedGoroot::NotLinked,
        Err(_) => return StampedGoroot::Unknown,
    };
    let endian = if image.big_endian {
        Endianness::Big
    } else {
        Endianness::Little
    };
    match go_string_at(input, image, addr, image.ptr_size, endian, &GOROOT_STRING) {
        Ok(bytes) => StampedGoroot::Known(String::from_utf8_lossy(&bytes).into_owned()),
        Err(_) => StampedGoroot::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_minor_reads_every_version_form() {
        assert_eq!(go_minor("go1.22.10"), Some(22));
        assert_eq!(go_minor("go1.26.0-X:foo"), Some(26));
        assert_eq!(go_minor("go1.21rc2"), Some(21));
        assert_eq!(
            go_minor("devel go1.24-abc123 Tue Jan 1 00:00:00 2025 +0000"),
            Some(24)
        );
        assert_eq!(go_minor("go1.25-devel_abc123 Tue Jan 1"), Some(25));
        assert_eq!(go_minor("devel +abc123"), None);
        assert_eq!(go_minor("go1."), None);
    }

    /// The aligned scan against the plain rule it implements: the first offset `o` with
    /// `(addr + o) % 16 == 0`, all 32 header bytes inside the region, and the magic there.
    #[test]
    fn find_header_takes_the_first_aligned_whole_header() {
        fn reference(data: &[u8], addr: u64) -> Option<u64> {
            memchr::memmem::find_iter(data, MAGIC)
                .map(|o| o as u64)
                .find(|&o| (addr + o) % HEADER_ALIGN == 0 && o + HEADER_SIZE <= data.len() as u64)
        }
        let chunk = SEARCH_CHUNK as usize;
        let mut places: Vec<usize> =
            vec![0, 1, 7, 16, 48, chunk - 16, chunk - 8, chunk, chunk + 32];
        places.extend([2 * chunk - 32, 2 * chunk - 31]);
        for addr in [0x40_0000u64, 0x40_0003, 0x40_000f] {
            for &at in &places {
                for second in [None, Some(at + 5), Some(at + 64)] {
                    let mut data = vec![0u8; 2 * chunk];
                    for p in [Some(at), second].into_iter().flatten() {
                        if p + MAGIC.len() <= data.len() {
                            data[p..p + MAGIC.len()].copy_from_slice(MAGIC);
                        }
                    }
                    let input = Input::new(&data[..]).expect("input");
                    let region = Region {
                        addr,
                        offset: 0,
                        size: data.len() as u64,
                    };
                    assert_eq!(
                        find_header(input, region).expect("search"),
                        reference(&data, addr),
                        "addr {addr:#x}, magic at {at} and {second:?}"
                    );
                }
            }
        }
    }

    /// `&BlockFile` answers every range as the bytes themselves would, wherever the range
    /// falls against the blocks it has read, and refuses ranges past the end.
    #[test]
    fn block_file_reads_like_the_bytes() {
        let t = tempfile::tempdir().expect("tmp");
        let path = t.path().join("data");
        let data: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
        fs::write(&path, &data).expect("write");
        let file = BlockFile::open(&path).expect("open");
        let r = &file;
        assert_eq!(r.len(), Ok(20_000));
        let len = data.len() as u64;
        for (offset, size) in [
            (0, 0),
            (0, 10),
            (4090, 12),
            (4096, 4096),
            (8000, 300),
            (12_000, 8000),
            (19_990, 10),
            (5, 19_995),
            (100, 50),
        ] {
            let got = r.read_bytes_at(offset, size).expect("in range");
            assert_eq!(
                got,
                &data[offset as usize..(offset + size) as usize],
                "{offset}+{size}"
            );
        }
        assert_eq!(r.read_bytes_at(19_995, 6), Err(()));
        assert_eq!(r.read_bytes_at(len, 1), Err(()));
        assert_eq!(r.read_bytes_at(u64::MAX, 2), Err(()));
        // Up to a delimiter: found near, found far (past several steps), or not in the range.
        let at = |from: u64, to: u64, d: u8| r.read_bytes_at_until(from..to, d);
        let want = |from: usize, d: u8| {
            let end = data[from..].iter().position(|&b| b == d).map(|i| from + i);
            end.map(|e| &data[from..e])
        };
        for (from, d) in [(0u64, 14u8), (300, 0), (4000, 250), (17_000, 3)] {
            assert_eq!(at(from, len, d).ok(), want(from as usize, d), "{from} {d}");
        }
        assert_eq!(at(0, 2, 14), Err(()));
        assert_eq!(at(10, 5, 0), Err(()));
        assert_eq!(at(0, len, 255), Err(()), "255 is not in the data");
        // A delimiter 10 000 bytes on: found after the steps grow past it.
        let far = t.path().join("far");
        let mut bytes = vec![b'a'; 10_000];
        bytes.extend_from_slice(b"\nrest");
        fs::write(&far, &bytes).expect("write");
        let far = BlockFile::open(&far).expect("open");
        assert_eq!(
            (&far).read_bytes_at_until(3..10_005, b'\n'),
            Ok(&bytes[3..10_000])
        );
        assert_eq!((&far).read_bytes_at_until(3..10_000, b'\n'), Err(()));
    }

    #[test]
    fn uvarint_matches_go() {
        assert_eq!(uvarint(&[0x00]), Some((0, 1)));
        assert_eq!(uvarint(&[0x7f]), Some((127, 1)));
        assert_eq!(uvarint(&[0x80, 0x01]), Some((128, 2)));
        assert_eq!(uvarint(&[0xac, 0x02, 0xff]), Some((300, 2)));
        assert_eq!(
            uvarint(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
            Some((u64::MAX, 10))
        );
        assert_eq!(uvarint(&[0xff; 9]), None);
        assert_eq!(
            uvarint(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]),
            None
        );
        assert_eq!(uvarint(&[]), None);
    }

    #[test]
    fn a_scripts_head_comes_from_the_same_open() {
        let t = tempfile::tempdir().expect("tmp");
        let long: Vec<u8> = b"#!/bin/bash\n"
            .iter()
            .copied()
            .chain((0..10_000u32).map(|i| b'a' + (i % 26) as u8))
            .collect();
        let short = b"#!/bin/sh\nexec go \"$@\"\n".to_vec();
        for (name, data, cap) in [
            ("short", &short, 64 << 10),
            ("cut-in-head", &long, 100),
            ("past-head", &long, 6000),
            ("whole", &long, 64 << 10),
        ] {
            let p = t.path().join(name);
            std::fs::write(&p, data).expect("write");
            let (contents, head) = read_file_or_script_head(&p, cap).expect(name);
            assert!(matches!(contents, Contents::Script { .. }), "{name}");
            let n = data.len().min(cap as usize);
            assert_eq!(head.as_deref(), Some(&data[..n]), "{name}");
            assert_eq!(read_file_or_script(&p).expect(name), contents, "{name}");
        }
        let p = t.path().join("text");
        std::fs::write(&p, b"hello").expect("write");
        assert!(read_file_or_script_head(&p, 64).is_err());
    }

    #[test]
    fn errors_name_the_file_once_it_is_known() {
        let err = read_bytes(b"#!/bin/sh\nexec go \"$@\"\n").expect_err("a script");
        assert_eq!(
            err.to_string(),
            "not an ELF, Mach-O or PE file: it is a script (starts with #!)"
        );
        let err = err.with_path(Path::new("/usr/local/bin/go"));
        assert_eq!(err.path(), Some(Path::new("/usr/local/bin/go")));
        assert_eq!(
            err.to_string(),
            "/usr/local/bin/go: not an ELF, Mach-O or PE file: it is a script (starts with #!)"
        );
    }
}
