#!/usr/bin/env bash
# Benchmark: `groot list` on a crowded machine: 80 Go installations in a temporary HOME (trees
# hard-linked from the real toolchain cache, a fresh copy of each version's bin/go: ~/sdk,
# goenv, asdf, mise and groot's own, several per manager) and a module cache holding 200
# toolchains (golang.org/toolchain@v0.0.1-go1.X.Y.linux-amd64 with complete download
# records), on the real filesystem. Side by side, in interleaved hyperfine rounds whose times are
# pooled ($ROUNDS (10) rounds, $RUNS (300) runs of each command; bench/common.sh), so the crowded
# and the empty run share the same minutes of a host whose speed drifts: `groot list` there, the
# same with an empty HOME (the fixed cost; both of these through `env HOME=…`), one `go env GOROOT`, and asking 20 installs
# (`go version` × 20). The per-install cost is (crowded − empty) / installs listed.
# RUST_BACKTRACE unset and =1. groot is the README build.
# Usage: [KEEP=1] [RUNS=300] [ROUNDS=10] bench/list.sh   (results in bench/results/list-*.md; KEEP=1 keeps the layout
# in its temp directory, for profiling)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
./scripts/provision.sh >/dev/null
BUILT=$(readme_build)
ROOT=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$ROOT"' EXIT
GROOT=$ROOT/groot
fresh "$BUILT" "$GROOT"
mkdir -p "$ROOT/gos"
mini() { # version dest
  local real=$CACHE/$1/go
  mkdir -p "$2/bin" "$2/src"
  ln "$ROOT/gos/$1/go" "$2/bin/go" 2>/dev/null || cp "$ROOT/gos/$1/go" "$2/bin/go"
  ln "$real/bin/gofmt" "$2/bin/gofmt" 2>/dev/null || cp "$real/bin/gofmt" "$2/bin/gofmt"
  cp "$real/VERSION" "$real/go.env" "$2/"
  for d in "$real"/pkg/tool/*; do mkdir -p "$2/pkg/tool/$(basename "$d")"; done
}
versions=$(ls "$CACHE")
for v in $versions; do
  mkdir -p "$ROOT/gos/$v"
  fresh "$CACHE/$v/go/bin/go" "$ROOT/gos/$v/go"
done
H=$ROOT/home/u
for v in $versions; do
  mini "$v" "$H/sdk/go$v"
  for c in "" -b -c -d; do
    mini "$v" "$H/.goenv/versions/$v$c"
    mini "$v" "$H/.asdf/installs/golang/$v$c/go"
    mini "$v" "$H/.local/share/mise/installs/go/$v$c"
  done
  for c in "" -b -c; do
    mini "$v" "$H/.local/share/groot/toolchains/go$v$c"
    echo '{}' > "$H/.local/share/groot/toolchains/go$v$c/.groot-complete"
  done
done
# The module cache: 200 toolchains cmd/go downloaded (names by minor and patch, each a tree
# of one of the real versions).
MC=$H/go/pkg/mod
DL=$MC/cache/download/golang.org/toolchain/@v
mkdir -p "$DL"
read -r -a vs <<< "$(echo $versions)"
i=0
for minor in $(seq 10 29); do
  for patch in $(seq 0 9); do
    v=${vs[$((i % ${#vs[@]}))]}
    name=v0.0.1-go1.$minor.$patch.linux-amd64
    mini "$v" "$MC/golang.org/toolchain@$name"
    echo "h1:x" > "$DL/$name.ziphash"
    i=$((i + 1))
  done
done
mkdir -p "$ROOT/bin" "$ROOT/empty"
newest=$(ls "$CACHE" | sort -V | tail -n1)
ln -s "../home/u/sdk/go$newest/bin/go" "$ROOT/bin/go"
export HOME=$H PATH=$ROOT/bin:/usr/bin:/bin
# The vulnerability database: the committed real-entry fixture over file:// (no network; list
# reads and matches it for every install, as with a cached https://vuln.go.dev).
export GOVULNDB=file://$PWD/tests/data/vulndb
n=$("$GROOT" list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["installs"]))')
echo "installs listed: $n"
# (find is cut off by head: its SIGPIPE must not fail the script under pipefail.)
gos=$( (find "$H" -path '*/bin/go' -type f || true) | head -n 20 | tr '\n' ' ')
cat > "$ROOT/ask-each.sh" <<SH
#!/bin/sh
for g in $gos; do "\$g" version >/dev/null; done
SH
chmod +x "$ROOT/ask-each.sh"
mkdir -p bench/results
# groot reads the trees of a crowded machine on up to 8 threads (src/par.rs); the same two
# commands on one CPU (taskset) give the per-install cost without that overlap.
pinned=()
if command -v taskset >/dev/null 2>&1; then
  pinned=(-n "groot list, empty home (env, one CPU)" "taskset -c 0 env HOME=$ROOT/empty $GROOT list"
    -n "groot list, $n installs (env, one CPU)" "taskset -c 0 env HOME=$H $GROOT list")
fi
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  fresh "$BUILT" "$GROOT"
  interleaved "$ROOT/list-$bt.json" 5 "${RUNS:-300}" -- \
    -n "go env GOROOT (one install)" "$ROOT/bin/go env GOROOT" \
    -n "go version x20 (ask 20 installs)" "$ROOT/ask-each.sh" \
    -n "groot list, empty home (env)" "env HOME=$ROOT/empty $GROOT list" \
    -n "groot list, $n installs (env)" "env HOME=$H $GROOT list" \
    "${pinned[@]}" \
    -n "groot list ($n installs)" "$GROOT list" \
    -n "groot list --json ($n installs)" "$GROOT list --json"
  pooled_table "$ROOT/list-$bt.json" "$PWD/bench/results/list-backtrace-$bt.md" "go env"
  python3 - "$ROOT/list-$bt.json" "$n" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
for label, pick in (("", lambda k: "one CPU" not in k), (", one CPU", lambda k: "one CPU" in k)):
    runs = {k: v for k, v in r.items() if pick(k)}
    empty = next((v for k, v in runs.items() if k.startswith("groot list, empty")), None)
    full = next((v for k, v in runs.items() if k.startswith("groot list, ") and "empty" not in k), None)
    if empty is None or full is None:
        continue
    for stat in ("mean", "median", "min"):
        per = (full[stat] - empty[stat]) / n * 1000
        print(f"per install{label} ({stat}): {per:.4f} ms  (({full[stat]*1000:.2f} - {empty[stat]*1000:.2f}) / {n})")
PY
done
