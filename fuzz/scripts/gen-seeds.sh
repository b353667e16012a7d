#!/usr/bin/env bash
# Regenerates the committed seed corpora in fuzz/seeds/<target>/ from real files on this machine:
# Go trees of the test cache (VERSION, go.env, go.mod files, hello-world binaries cross-compiled
# with them and shrunk by shrink_binary.py), the system's shell startup files, the release index
# snapshot built into groot, and small archives made from real Go files. Safe to re-run; it only
# writes under fuzz/seeds/.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz=$PWD
seeds=$fuzz/seeds
cache=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
versions=$(ls "$cache" | grep -E '^[0-9]+\.[0-9]+' | sort -V)
[ -n "$versions" ] || { echo "no Go trees in $cache (run scripts/provision.sh)" >&2; exit 1; }
newest=$(echo "$versions" | tail -n 1)
oldest=$(echo "$versions" | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$seeds"/{version,gomod,envfile,startup_sh,startup_fish,buildinfo,release_index,extract,edit,vulndb_osv}

# --- version: VERSION files, go lines, toolchain and runtime spellings (one per line; the
# target compares the lines with each other).
for v in $versions; do
  cp "$cache/$v/go/VERSION" "$seeds/version/VERSION-$v"
done
printf '1.22\n1.22rc1\n1.22.0\n' >"$seeds/version/lang-rc-release"
printf 'go1.21.1-bigcorp\ngo1.26.0-X:jsonv2\ngo1.9.2beta1\n' >"$seeds/version/toolchain-names"
printf 'devel go1.24-abc123 Tue Jan 1 00:00:00 2025 +0000\ngo1.25-devel_abc123 Tue\ngo1.20 X:boringcrypto\n' >"$seeds/version/devel"
printf '1\n1.0.0\n2.0\n' >"$seeds/version/major-only"
printf '1.99999999999999999999.1\n1.21.0\n1.021\n' >"$seeds/version/huge"

# --- gomod: go.mod files of the newest tree (small ones), plus go.work shapes.
find "$cache/$newest/go/src" -name go.mod -size -4k | sort | head -n 24 | while read -r f; do
  rel=${f#"$cache/$newest/go/src/"}
  cp "$f" "$seeds/gomod/$(echo "$rel" | tr / _)"
done
printf 'go 1.22\n\ntoolchain go1.22.10 // pinned\n\nuse (\n\t./a\n\t./b\n)\n' >"$seeds/gomod/go.work"
printf 'module x\r\n\r\ngo 1.21rc2\r\ntoolchain\tdefault\r\n' >"$seeds/gomod/crlf.mod"

# --- envfile: every go.env, and a user go env file as `go env -w` writes it.
for v in $versions; do
  [ -f "$cache/$v/go/go.env" ] && cp "$cache/$v/go/go.env" "$seeds/envfile/go.env-$v"
done
printf 'GOTOOLCHAIN=go1.22.10+auto\nGOROOT=/usr/local/go\nGOPROXY=direct\nGOSUMDB=off\n' >"$seeds/envfile/user-env"
printf 'GOFLAGS=-mod=mod\r\n  GOPATH=/x\n# comment\ngoroot=/y\nNOEQUALS\n' >"$seeds/envfile/odd-lines"

# --- startup files (a selector byte first: the shell, and 0x80 for macOS rules).
sh_files="/etc/profile /etc/bash.bashrc /etc/zsh/zshenv /etc/zsh/zprofile /etc/zsh/zshrc /etc/zsh/zlogin
  /etc/zsh/newuser.zshrc.recommended /etc/skel/.profile /etc/skel/.bashrc /etc/skel/.bash_logout
  /etc/profile.d/bash_completion.sh"
i=0
for f in $sh_files; do
  [ -f "$f" ] || continue
  sel=$((i % 3))
  { printf "\\x0$sel"; cat "$f"; } >"$seeds/startup_sh/$(echo "${f#/}" | tr / _)"
  i=$((i + 1))
done
{ printf '\x81'; cat <<'SH'; } >"$seeds/startup_sh/managers-macos"
export GOROOT="$HOME/.go"; export PATH="$GOROOT/bin:${PATH:+:$PATH}"
[[ -s "$HOME/.gvm/scripts/gvm" ]] && source "$HOME/.gvm/scripts/gvm"
eval "$(goenv init -)"
if [ -x /usr/libexec/path_helper ]; then eval `/usr/libexec/path_helper -s`; fi
. "$HOME/.asdf/asdf.sh"; case $- in *i*) ;; *) return;; esac
for d in /opt/go/bin ~/go/bin; do PATH=$d:$PATH; done
cat <<EOF2 >/dev/null
$(go env GOROOT)
EOF2
. ~/x
SH
printf '\x00export GOTOOLCHAIN=local\n' >>"$seeds/startup_sh/managers-macos"
fish_files="/usr/share/fish/config.fish /etc/fish/config.fish /usr/share/fish/functions/fish_add_path.fish"
for f in $fish_files; do
  [ -f "$f" ] && { printf '\x00'; cat "$f"; } >"$seeds/startup_fish/$(echo "${f#/}" | tr / _)"
done
{ printf '\x80'; cat <<'FISH'; } >"$seeds/startup_fish/managers-macos"
set -gx GOROOT (brew --prefix go)/libexec
fish_add_path -g $GOROOT/bin $HOME/go/bin
if status is-interactive; and test -d ~/.asdf
    source ~/.asdf/asdf.fish
else if command -q mise
    mise activate fish | source
end
set -U fish_user_paths /usr/local/go/bin $fish_user_paths
switch (uname)
    case Darwin
        set -x PATH /opt/homebrew/bin $PATH
end
function go; command go $argv; end
source ~/x
FISH

# --- buildinfo: hello world cross-compiled by the oldest and newest Go, shrunk.
mkdir -p "$work/hello"
printf 'module hello\n\ngo 1.21\n' >"$work/hello/go.mod"
printf 'package main\n\nimport "runtime"\n\nfunc main() { println("hello from", runtime.GOROOT()) }\n' >"$work/hello/main.go"
for v in $oldest $newest; do
  for t in linux/amd64 darwin/arm64 windows/amd64; do
    os=${t%/*}; arch=${t#*/}; ext=; [ "$os" = windows ] && ext=.exe
    out="$work/hello-$v-$os-$arch$ext"
    (cd "$work/hello" && GOCACHE="$work/gocache" GOFLAGS=-mod=mod GOTOOLCHAIN=local GOOS=$os GOARCH=$arch \
      "$cache/$v/go/bin/go" build -trimpath -ldflags='-s -w' -o "$out" .)
    python3 "$fuzz/scripts/shrink_binary.py" "$out" "$seeds/buildinfo/hello-$v-$os-$arch$ext"
  done
done

# --- release_index: the newest releases of the snapshot built into groot, with a request line.
python3 - "$fuzz/../src/dist/index-snapshot.json.gz" "$seeds/release_index" <<'PY'
import gzip, json, sys
releases = json.load(gzip.open(sys.argv[1]))
out = sys.argv[2]
def keep(r, plats):
    r = dict(r)
    r["files"] = [f for f in r["files"] if f["kind"] == "source" or (f["os"], f["arch"]) in plats]
    return r
plats = {("linux", "amd64"), ("darwin", "arm64"), ("windows", "amd64")}
newest = [keep(r, plats) for r in releases[:3]]
unstable = [keep(r, plats) for r in releases if not r["stable"]][:2]
old = [keep(r, plats) for r in releases[-2:]]
for name, req, rs in [("newest", b"latest", newest), ("unstable", b"go1.25rc1", unstable),
                      ("oldest", b"1.2", old), ("line", b"1.24", newest + old)]:
    with open(f"{out}/{name}.json", "wb") as f:
        f.write(req + b"\n" + json.dumps(rs, indent=1).encode())
PY

# --- extract: small archives of real Go files (mode byte: 0 tar.gz, 1 plain tar, 2 zip), with
# a symlink and a hard link as real trees have them.
python3 - "$cache/$newest/go" "$seeds/extract" <<'PY'
import io, os, sys, tarfile, zipfile, gzip
root, out = sys.argv[1], sys.argv[2]
names = ["VERSION", "go.env", "src/go.mod", "misc/go.mod" if os.path.exists(root + "/misc/go.mod") else "LICENSE"]
def tar_bytes():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        d = tarfile.TarInfo("go/"); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
        for n in names:
            data = open(f"{root}/{n}", "rb").read()[:2048]
            i = tarfile.TarInfo("go/" + n); i.size = len(data); i.mode = 0o644
            t.addfile(i, io.BytesIO(data))
        x = tarfile.TarInfo("go/bin/gofmt"); x.size = 4; x.mode = 0o755; t.addfile(x, io.BytesIO(b"\x7fELF"))
        l = tarfile.TarInfo("go/bin/go-link"); l.type = tarfile.SYMTYPE; l.linkname = "gofmt"; t.addfile(l)
        h = tarfile.TarInfo("go/VERSION.copy"); h.type = tarfile.LNKTYPE; h.linkname = "go/VERSION"; t.addfile(h)
    return buf.getvalue()
raw = tar_bytes()
open(f"{out}/tar", "wb").write(b"\x01" + raw)
open(f"{out}/tar.gz", "wb").write(b"\x00" + gzip.compress(raw, 6, mtime=0))
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for n in names:
        z.writestr("go/" + n, open(f"{root}/{n}", "rb").read()[:2048])
    i = zipfile.ZipInfo("go/bin/go-link"); i.external_attr = (0o120777 << 16); z.writestr(i, "gofmt")
    z.writestr("go/bin/", b"")
open(f"{out}/zip", "wb").write(b"\x02" + buf.getvalue())
PY

# --- edit: real startup files with a block to add and a line to comment out.
for f in /etc/skel/.profile /etc/skel/.bashrc /etc/zsh/zshrc /usr/share/fish/config.fish; do
  [ -f "$f" ] || continue
  line=$(grep -m1 -E 'PATH|export|set ' "$f" || true)
  { printf '\x14'; cat "$f"; printf '\0export PATH="$HOME/go/bin:$PATH"\n\0%s' "$line"; } \
    >"$seeds/edit/$(echo "${f#/}" | tr / _)"
done
printf '\x01a\r\nb\r\n# >>> groot >>>\r\nold\r\n# <<< groot <<<\r\nc\0new line\0' >"$seeds/edit/crlf-with-block"
printf '\x00no final newline\xff\0x\0' >"$seeds/edit/no-eol"

# --- vulndb_osv: real entries of the Go vulnerability database fixture.
for id in GO-2024-3106 GO-2025-3373 GO-2026-4339 GO-2026-5942 GO-2020-0001; do
  cp "$fuzz/../tests/data/vulndb/ID/$id.json" "$seeds/vulndb_osv/"
done

du -sh "$seeds"; for d in "$seeds"/*/; do printf '%-16s %3s files %s\n' "$(basename "$d")" "$(ls "$d" | wc -l)" "$(du -sh "$d" | cut -f1)"; done
