//! Object files written byte by byte: small ELF executables carrying a Go build-info blob in
//! either layout, for any pointer size and byte order, and universal Mach-O wrappers.
//!
//! The ELF files are what Go's linker would lay out, shrunk: a read-only segment with the
//! headers, a read-write segment holding `.go.buildinfo` then `.data` (plus some `.bss`), and
//! optionally a symbol table naming `runtime.defaultGOROOT`.

/// Start marker of the module info (`cmd/go/internal/modload`).
pub const START_SENTINEL: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];
/// End marker of the module info.
pub const END_SENTINEL: [u8; 16] = [
    0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
];

/// Wraps module-info text in the sentinels, as `cmd/go` embeds it.
pub fn framed(modinfo: &str) -> Vec<u8> {
    let mut out = START_SENTINEL.to_vec();
    out.extend_from_slice(modinfo.as_bytes());
    out.extend_from_slice(&END_SENTINEL);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Inline,
    Pointer,
}

/// What `runtime.defaultGOROOT` looks like in the synthetic binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goroot {
    /// No symbol table at all (a stripped binary).
    NoSymtab,
    /// A symbol table without the symbol.
    NotLinked,
    /// The variable lives in `.bss`: never stamped.
    Bss,
    /// The variable is a string header in `.data` pointing at this text.
    Stamped(String),
}

#[derive(Debug, Clone)]
pub struct ElfSpec {
    pub ptr_size: u8,
    pub big_endian: bool,
    /// `e_machine`.
    pub machine: u16,
    /// `EI_OSABI`.
    pub os_abi: u8,
    pub layout: Layout,
    pub version: String,
    /// The raw module string (usually [`framed`] text).
    pub modinfo: Vec<u8>,
    pub goroot: Goroot,
    /// Write section headers; without them only the segment fallback can find the blob.
    pub sections: bool,
    /// Flags byte override for the build-info header (default: derived from layout/endian).
    pub flags: Option<u8>,
    /// Pointer-size byte override for the build-info header.
    pub header_ptr_size: Option<u8>,
}

impl ElfSpec {
    pub fn new(ptr_size: u8, big_endian: bool, layout: Layout) -> ElfSpec {
        ElfSpec {
            ptr_size,
            big_endian,
            machine: if ptr_size == 8 { 62 } else { 3 },
            os_abi: 0,
            layout,
            version: "go1.17.13".to_owned(),
            modinfo: framed("path\texample.com/hello\nmod\texample.com/hello\t(devel)\t\n"),
            goroot: Goroot::NoSymtab,
            sections: true,
            flags: None,
            header_ptr_size: None,
        }
    }
}

/// Endian- and class-aware byte writer.
struct W {
    buf: Vec<u8>,
    be: bool,
    wide: bool,
}

impl W {
    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    fn u16(&mut self, v: u16) {
        let b = if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.buf.extend_from_slice(&b);
    }
    fn u32(&mut self, v: u32) {
        let b = if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.buf.extend_from_slice(&b);
    }
    fn u64(&mut self, v: u64) {
        let b = if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.buf.extend_from_slice(&b);
    }
    /// A target word: 4 or 8 bytes.
    fn word(&mut self, v: u64) {
        if self.wide {
            self.u64(v);
        } else {
            self.u32(u32::try_from(v).expect("fits a 32-bit word"));
        }
    }
    fn pad_to(&mut self, len: usize) {
        assert!(self.buf.len() <= len, "layout overflow");
        self.buf.resize(len, 0);
    }
    fn align(&mut self, to: usize) {
        let len = self.buf.len().div_ceil(to) * to;
        self.buf.resize(len, 0);
    }
}

fn uvarint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Virtual address of file offset 0.
pub const BASE: u64 = 0x10000;
/// File offset of `.go.buildinfo`.
const BUILDINFO_OFF: usize = 0x200;
/// Size of `.bss` after `.data`.
const BSS_SIZE: u64 = 0x100;

/// A section header: name, type, flags, addr, offset, size, link, entsize.
type Shdr = (u32, u32, u64, u64, u64, u64, u32, u64);

/// Writes the ELF file described by `spec`.
pub fn elf(spec: &ElfSpec) -> Vec<u8> {
    let wide = spec.ptr_size == 8;
    let ps = usize::from(spec.ptr_size);
    let mut w = W {
        buf: Vec::new(),
        be: spec.big_endian,
        wide,
    };

    // --- .go.buildinfo contents (built first, to know its size)
    let mut bi = W {
        buf: Vec::new(),
        be: spec.big_endian,
        wide,
    };
    bi.buf.extend_from_slice(b"\xff Go buildinf:");
    bi.u8(spec.header_ptr_size.unwrap_or(spec.ptr_size));
    let default_flags = match spec.layout {
        Layout::Inline => 0x02 | u8::from(spec.big_endian),
        Layout::Pointer => u8::from(spec.big_endian),
    };
    bi.u8(spec.flags.unwrap_or(default_flags));
    // .data layout (pointer layout): [version hdr][modinfo hdr][goroot hdr][strings...]
    let data_off =
        (BUILDINFO_OFF + 32 + 2 * 10 + spec.version.len() + spec.modinfo.len()).div_ceil(16) * 16
            + 16;
    let data_addr = BASE + data_off as u64;
    let hdr_size = 2 * ps;
    let strings_addr = data_addr + 3 * hdr_size as u64;
    let version_str_addr = strings_addr;
    let modinfo_str_addr = version_str_addr + spec.version.len() as u64;
    let goroot_text = match &spec.goroot {
        Goroot::Stamped(s) => s.clone(),
        _ => String::new(),
    };
    let goroot_str_addr = modinfo_str_addr + spec.modinfo.len() as u64;
    match spec.layout {
        Layout::Pointer => {
            bi.word(data_addr);
            bi.word(data_addr + hdr_size as u64);
            bi.pad_to(32);
        }
        Layout::Inline => {
            bi.pad_to(32);
            uvarint(spec.version.len() as u64, &mut bi.buf);
            bi.buf.extend_from_slice(spec.version.as_bytes());
            uvarint(spec.modinfo.len() as u64, &mut bi.buf);
            bi.buf.extend_from_slice(&spec.modinfo);
        }
    }
    bi.align(16);
    let buildinfo = bi.buf;

    // --- .data
    let mut data = W {
        buf: Vec::new(),
        be: spec.big_endian,
        wide,
    };
    data.word(version_str_addr);
    data.word(spec.version.len() as u64);
    data.word(modinfo_str_addr);
    data.word(spec.modinfo.len() as u64);
    data.word(goroot_str_addr);
    data.word(goroot_text.len() as u64);
    data.buf.extend_from_slice(spec.version.as_bytes());
    data.buf.extend_from_slice(&spec.modinfo);
    data.buf.extend_from_slice(goroot_text.as_bytes());
    data.align(16);
    let data = data.buf;
    let bss_addr = data_addr + data.len() as u64;

    // --- symbol table
    let (symtab, strtab) = symbols(spec, data_addr + 2 * hdr_size as u64, bss_addr);

    // --- file header and program headers
    let (ehsize, phentsize, shentsize) = if wide { (64, 56, 64) } else { (52, 32, 40) };
    let phnum = 2u16;
    let seg_rw_off = BUILDINFO_OFF as u64;
    let seg_rw_filesz = (data_off + data.len() - BUILDINFO_OFF) as u64;

    // Section contents after the segments.
    let shstrtab = b"\0.go.buildinfo\0.data\0.bss\0.symtab\0.strtab\0.shstrtab\0".to_vec();
    let after = data_off + data.len();
    let symtab_off = after.div_ceil(8) * 8;
    let strtab_off = symtab_off + symtab.len();
    let shstrtab_off = strtab_off + strtab.len();
    let shoff = (shstrtab_off + shstrtab.len()).div_ceil(8) * 8;
    let has_symtab = !matches!(spec.goroot, Goroot::NoSymtab);
    let shnum: u16 = if spec.sections {
        if has_symtab {
            7
        } else {
            5
        }
    } else {
        0
    };
    let shstrndx = if has_symtab { 6 } else { 4 };

    // e_ident
    w.buf.extend_from_slice(&[0x7f, b'E', b'L', b'F']);
    w.u8(if wide { 2 } else { 1 });
    w.u8(if spec.big_endian { 2 } else { 1 });
    w.u8(1);
    w.u8(spec.os_abi);
    w.pad_to(16);
    w.u16(2); // ET_EXEC
    w.u16(spec.machine);
    w.u32(1);
    w.word(BASE + 0x1000); // entry
    w.word(ehsize as u64); // phoff
    w.word(if spec.sections { shoff as u64 } else { 0 });
    w.u32(0); // flags
    w.u16(ehsize);
    w.u16(phentsize);
    w.u16(phnum);
    w.u16(shentsize);
    w.u16(shnum);
    w.u16(if spec.sections { shstrndx } else { 0 });
    // PT_LOAD r-x: headers; PT_LOAD rw-: buildinfo, data, bss.
    let segments = [
        (5u32, 0u64, BASE, BUILDINFO_OFF as u64, BUILDINFO_OFF as u64),
        (
            6u32,
            seg_rw_off,
            BASE + seg_rw_off,
            seg_rw_filesz,
            seg_rw_filesz + BSS_SIZE,
        ),
    ];
    for (flags, off, vaddr, filesz, memsz) in segments {
        w.u32(1); // PT_LOAD
        if wide {
            w.u32(flags);
        }
        w.word(off);
        w.word(vaddr);
        w.word(vaddr);
        w.word(filesz);
        w.word(memsz);
        if !wide {
            w.u32(flags);
        }
        w.word(0x1000);
    }
    w.pad_to(BUILDINFO_OFF);
    w.buf.extend_from_slice(&buildinfo);
    w.pad_to(data_off);
    w.buf.extend_from_slice(&data);
    if spec.sections {
        w.pad_to(symtab_off);
        w.buf.extend_from_slice(&symtab);
        w.buf.extend_from_slice(&strtab);
        w.buf.extend_from_slice(&shstrtab);
        w.pad_to(shoff);
        // name, type, flags, addr, offset, size, link, info, align, entsize
        let sym_entsize = if wide { 24 } else { 16 };
        let mut shdrs: Vec<Shdr> = vec![
            (0, 0, 0, 0, 0, 0, 0, 0),
            (
                1,
                1,
                3,
                BASE + BUILDINFO_OFF as u64,
                BUILDINFO_OFF as u64,
                buildinfo.len() as u64,
                0,
                0,
            ),
            (
                15,
                1,
                3,
                data_addr,
                data_off as u64,
                data.len() as u64,
                0,
                0,
            ),
            (
                21,
                8,
                3,
                bss_addr,
                (data_off + data.len()) as u64,
                BSS_SIZE,
                0,
                0,
            ),
        ];
        if has_symtab {
            shdrs.push((
                26,
                2,
                0,
                0,
                symtab_off as u64,
                symtab.len() as u64,
                5,
                sym_entsize,
            ));
            shdrs.push((34, 3, 0, 0, strtab_off as u64, strtab.len() as u64, 0, 0));
        }
        shdrs.push((
            42,
            3,
            0,
            0,
            shstrtab_off as u64,
            shstrtab.len() as u64,
            0,
            0,
        ));
        for (name, kind, flags, addr, off, size, link, entsize) in shdrs {
            w.u32(name);
            w.u32(kind);
            w.word(flags);
            w.word(addr);
            w.word(off);
            w.word(size);
            w.u32(link);
            w.u32(0);
            w.word(1);
            w.word(entsize);
        }
    }
    w.buf
}

/// `.symtab` and `.strtab` for the goroot variant of `spec`.
fn symbols(spec: &ElfSpec, data_goroot_addr: u64, bss_addr: u64) -> (Vec<u8>, Vec<u8>) {
    let mut strtab = b"\0runtime.main\0".to_vec();
    let target = match &spec.goroot {
        Goroot::NoSymtab => return (Vec::new(), Vec::new()),
        Goroot::NotLinked => None,
        Goroot::Bss => Some((bss_addr, 3u16)),
        Goroot::Stamped(_) => Some((data_goroot_addr, 2u16)),
    };
    let name_off = strtab.len() as u32;
    // 1.16 used a different name; pick by version to exercise both.
    let name = if spec.version.starts_with("go1.16") {
        "runtime/internal/sys.DefaultGoroot"
    } else {
        "runtime.defaultGOROOT"
    };
    strtab.extend_from_slice(name.as_bytes());
    strtab.push(0);
    let mut w = W {
        buf: Vec::new(),
        be: spec.big_endian,
        wide: spec.ptr_size == 8,
    };
    let sym = |w: &mut W, name: u32, value: u64, shndx: u16| {
        if w.wide {
            w.u32(name);
            w.u8(0x11); // GLOBAL OBJECT
            w.u8(0);
            w.u16(shndx);
            w.u64(value);
            w.u64(16);
        } else {
            w.u32(name);
            w.u32(u32::try_from(value).expect("32-bit address"));
            w.u32(8);
            w.u8(0x11);
            w.u8(0);
            w.u16(shndx);
        }
    };
    sym(&mut w, 0, 0, 0);
    sym(&mut w, 1, BASE + 0x1000, 1);
    // An undefined symbol with the same name must be ignored.
    sym(&mut w, name_off, 0xdead_0000, 0);
    if let Some((addr, shndx)) = target {
        sym(&mut w, name_off, addr, shndx);
    }
    (w.buf, strtab)
}

/// A universal Mach-O file around `slices` of `(cputype, cpusubtype, bytes)`, each aligned to
/// 2^14 as `lipo` does for arm64.
pub fn universal(slices: &[(u32, u32, &[u8])]) -> Vec<u8> {
    const ALIGN_LOG2: u32 = 14;
    let align = 1usize << ALIGN_LOG2;
    let mut out = Vec::new();
    out.extend_from_slice(&0xcafe_babe_u32.to_be_bytes());
    out.extend_from_slice(&(slices.len() as u32).to_be_bytes());
    let mut offset = (8 + 20 * slices.len()).div_ceil(align) * align;
    let mut placed = Vec::new();
    for &(cputype, subtype, bytes) in slices {
        for v in [
            cputype,
            subtype,
            offset as u32,
            bytes.len() as u32,
            ALIGN_LOG2,
        ] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        placed.push((offset, bytes));
        offset = (offset + bytes.len()).div_ceil(align) * align;
    }
    for (at, bytes) in placed {
        out.resize(at, 0);
        out.extend_from_slice(bytes);
    }
    out
}
