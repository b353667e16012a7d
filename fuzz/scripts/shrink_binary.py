#!/usr/bin/env python3
"""Shrinks a Go binary to a small seed for the `buildinfo` fuzz target.

Keeps the object headers (ELF header and program headers, Mach-O load commands, PE headers and
section table) and the data of the section that holds Go's build info (`.go.buildinfo`,
`__go_buildinfo`, PE `.data`) plus the ELF section-name table; every other section keeps its
header but no bytes. The result is a few KB instead of ~1 MB and still reads as the same
binary: `tests/fuzz_seeds.rs` checks that groot gets the same build info from it.

Usage: shrink_binary.py IN OUT   (64-bit little-endian ELF, Mach-O or PE, as Go builds them)
"""
import struct
import sys


def align(n, a):
    return (n + a - 1) // a * a


def shrink_elf(b):
    (phoff, shoff) = struct.unpack_from("<QQ", b, 0x20)
    (phentsize, phnum, shentsize, shnum, shstrndx) = struct.unpack_from("<HHHHH", b, 0x36)
    sh = [list(struct.unpack_from("<IIQQQQIIQQ", b, shoff + i * shentsize)) for i in range(shnum)]
    strtab = sh[shstrndx]
    names = b[strtab[4]:strtab[4] + strtab[5]]

    def name(s):
        return names[s[0]:names.index(b"\0", s[0])].decode()

    out = bytearray(b[: phoff + phnum * phentsize])
    keep = {".shstrtab", ".go.buildinfo", ".note.go.buildid"}
    info = None
    for s in sh:
        if name(s) in keep and s[1] != 8 and s[5]:
            data = b[s[4]:s[4] + s[5]]
            off = align(len(out), 16)
            out += b"\0" * (off - len(out)) + data
            if name(s) == ".go.buildinfo":
                info = (s, off)
            s[4] = off
        elif s[1] not in (0, 8):
            s[1] = 8  # SHT_NOBITS: a header, no bytes
            s[4] = 0
    # Program headers: the writable data segment starts at the build info, others hold nothing.
    for i in range(phnum):
        at = phoff + i * phentsize
        (p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align) = struct.unpack_from("<IIQQQQQQ", out, at)
        if p_type == 1 and info and p_flags & 2 and not p_flags & 1:
            s, off = info
            p_offset, p_vaddr, p_filesz = off, s[3], min(s[5], p_memsz)
        elif p_offset + p_filesz > len(b[: phoff + phnum * phentsize]):
            p_offset, p_filesz = 0, 0
        struct.pack_into("<IIQQQQQQ", out, at, p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align)
    new_shoff = align(len(out), 8)
    out += b"\0" * (new_shoff - len(out))
    for s in sh:
        out += struct.pack("<IIQQQQIIQQ", *s)
    struct.pack_into("<Q", out, 0x28, new_shoff)
    return bytes(out)


def shrink_macho(b):
    (magic, cpu, sub, ftype, ncmds, sizeofcmds, flags, _) = struct.unpack_from("<IiiIIIII", b, 0)
    head = 32 + sizeofcmds
    out = bytearray(b[:head])
    tail = bytearray()
    at = 32
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", out, at)
        if cmd == 0x19:  # LC_SEGMENT_64
            segname = out[at + 8:at + 24].rstrip(b"\0").decode()
            nsects = struct.unpack_from("<I", out, at + 64)[0]
            seg_off = None
            for k in range(nsects):
                s = at + 72 + k * 80
                sect = out[s:s + 16].rstrip(b"\0").decode()
                (addr, ssize, offset) = struct.unpack_from("<QQI", out, s + 32)
                flags_at = s + 64
                if sect == "__go_buildinfo" and offset:
                    new = align(head + len(tail), 16)
                    tail += b"\0" * (new - head - len(tail)) + b[offset:offset + ssize]
                    struct.pack_into("<I", out, s + 48, new)
                    seg_off = (new, ssize)
                elif offset:
                    struct.pack_into("<I", out, s + 48, 0)
                    f = struct.unpack_from("<I", out, flags_at)[0]
                    struct.pack_into("<I", out, flags_at, (f & ~0xFF) | 0x1)  # S_ZEROFILL
            if seg_off:
                struct.pack_into("<QQ", out, at + 40, seg_off[0], seg_off[1])
            elif segname == "__TEXT":
                struct.pack_into("<QQ", out, at + 40, 0, head)
            else:
                struct.pack_into("<QQ", out, at + 40, 0, 0)
        elif cmd == 0x2:  # LC_SYMTAB: no symbols
            struct.pack_into("<IIII", out, at + 8, 0, 0, 0, 0)
        elif cmd == 0xB:  # LC_DYSYMTAB
            out[at + 8:at + size] = b"\0" * (size - 8)
        elif cmd in (0x1D, 0x26, 0x29, 0x2B, 0x80000033, 0x80000034):  # linkedit data blobs
            struct.pack_into("<II", out, at + 8, 0, 0)
        at += size
    return bytes(out + tail)


def shrink_pe(b):
    lfanew = struct.unpack_from("<I", b, 0x3C)[0]
    (machine, nsect, _, symptr, nsyms, optsize, chars) = struct.unpack_from("<HHIIIHH", b, lfanew + 4)
    table = lfanew + 24 + optsize
    head = table + nsect * 40
    out = bytearray(b[:head])
    struct.pack_into("<II", out, lfanew + 12, 0, 0)  # no COFF symbol table
    tail = bytearray()
    first_data = True
    for k in range(nsect):
        s = table + k * 40
        (vsize, vaddr, rawsize, rawptr) = struct.unpack_from("<IIII", out, s + 8)
        characteristics = struct.unpack_from("<I", out, s + 36)[0]
        # IMAGE_SCN_CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE: the first such section is .data.
        is_data = characteristics & 0xC0000040 == 0xC0000040
        if is_data and first_data and rawsize:
            first_data = False
            new = align(head + len(tail), 0x200)
            tail += b"\0" * (new - head - len(tail)) + b[rawptr:rawptr + rawsize]
            struct.pack_into("<II", out, s + 16, rawsize, new)
        else:
            struct.pack_into("<II", out, s + 16, 0, 0)
    return bytes(out + tail)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    b = open(src, "rb").read()
    if b[:4] == b"\x7fELF":
        out = shrink_elf(b)
    elif b[:4] == b"\xcf\xfa\xed\xfe":
        out = shrink_macho(b)
    elif b[:2] == b"MZ":
        out = shrink_pe(b)
    else:
        sys.exit(f"{src}: not a 64-bit little-endian ELF, Mach-O or PE file")
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
