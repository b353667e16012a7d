#!/bin/sh
# Memory and time of groot against hostile files and archives (issue 12, items 1 and 2),
# before and after: BEFORE=/path/to/old/groot AFTER=/path/to/new/groot bench/hostile-files.sh
# Every run is bounded: ulimit -v 4 GiB and a 60 s kill timeout (the machine is shared).
set -u
BEFORE=${BEFORE:?old groot binary}
AFTER=${AFTER:?new groot binary}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/p" "$W/gh" "$W/home"
both() { label=$1; shift; run "$label" "$BEFORE" before "$@"; run "$label" "$AFTER" after "$@"; }
run() { label=$1; bin=$2; tag=$3; shift 3
    out=$( (cd "$W/p" && ulimit -v 4194304 && env -i HOME="$W/home" GROOT_HOME="$W/gh" PATH="${GOBIN:+$GOBIN:}/usr/bin:/bin" ${GOENV_SET:+GOENV=$GOENV_SET} \
        /usr/bin/time -f 'TIME %e s, peak RSS %M KiB, status %x' timeout -s KILL 60 "$bin" "$@" 2>&1 >/dev/null) | grep -a '^TIME\|^Command terminated' | tr '\n' ' ')
    printf '%-40s %-7s %s\n' "$label" "$tag" "$out"
}
ln -s /dev/zero "$W/p/.go-version"; both ".go-version -> /dev/zero: which" which; rm "$W/p/.go-version"
mkfifo "$W/p/.go-version"; both ".go-version FIFO: which" which; rm "$W/p/.go-version"
GOBIN=${GOBIN:-$(ls -d "$HOME"/.cache/groot-test/go/*/go/bin 2>/dev/null | head -1)}
GOENV_SET=/dev/zero; both "GOENV=/dev/zero: explain" explain; both "GOENV=/dev/zero: list" list; GOENV_SET=
# A 3 MB tar.gz whose GNU long-name entry announces 3 GiB of name.
python3 - "$W/p/go1.22.10.linux-amd64.tar.gz" <<'PY'
import sys, tarfile, zlib, gzip
size = 3 << 30
h = bytearray(512); h[0:13] = b"././@LongLink"
for at, ln, v in ((100, 8, 0o644), (108, 8, 0), (116, 8, 0), (124, 12, size), (136, 12, 0)):
    h[at:at+ln] = (b"%0*o" % (ln-1, v)) + b"\0"
h[156] = ord("L"); h[257:263] = b"ustar\0"; h[263:265] = b"00"; h[148:156] = b" " * 8
h[148:156] = (b"%06o" % sum(h)) + b"\0 "
with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
    f.write(bytes(h)); z = bytes(1 << 20)
    for _ in range(size >> 20): f.write(z)
    f.write(bytes(1024))
PY
SHA=$(sha256sum "$W/p/go1.22.10.linux-amd64.tar.gz" | cut -d' ' -f1)
echo "tar.gz with a 3 GiB GNU long name: $(du -k "$W/p/go1.22.10.linux-amd64.tar.gz" | cut -f1) KiB"
both "install --from-archive (GNU long name)" install --from-archive "$W/p/go1.22.10.linux-amd64.tar.gz" --sha256 "$SHA"
