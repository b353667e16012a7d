#!/usr/bin/env bash
# Benchmark: `groot explain` (no --verify, so it never runs go) against one `go env GOROOT`
# on the same layout, side by side in one hyperfine run, with RUST_BACKTRACE unset and =1.
# The layout: an official Go tree on PATH and a project whose go.mod has `go` and
# `toolchain` lines, so both programs walk the same files.
# Then the same through goenv's shim (issue 10): goenv 2.2.44's shims first on PATH, the
# version from a `.go-version` one directory up, against the same `go env GOROOT`.
# Every table is $ROUNDS (10) hyperfine rounds of its commands, the order reversed every other
# round, $RUNS (1000) runs of each command pooled (bench/common.sh's interleaved): a host whose
# speed drifts during the run slows every command alike, not the one that ran in those minutes.
# Usage: [RUNS=1000] [ROUNDS=10] bench/explain.sh [GO_VERSION]   (results in bench/results/explain-*.md)
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${1:-1.22.10}
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
MANAGERS=${GROOT_TEST_MANAGERS:-$(dirname "$CACHE")/managers}
GROOT_TEST_GO_VERSIONS=$VERSION ./scripts/provision.sh >/dev/null
. bench/common.sh
# The README build (static non-PIE on Linux x86_64), a fresh copy.
BUILT=$(readme_build)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
GROOT=$WORK/groot
# The Go tree: hard links, but a fresh copy of bin/go (the file both programs read).
cp -al "$CACHE/$VERSION/go" "$WORK/go" 2>/dev/null || cp -a "$CACHE/$VERSION/go" "$WORK/go"
GOBIN_DIR=$WORK/go/bin
mkdir -p "$WORK/home" "$WORK/proj/sub"
printf 'module bench\n\ngo 1.21\n\ntoolchain go1.21.1\n' > "$WORK/proj/go.mod"
mkdir -p bench/results
cd "$WORK/proj/sub"
export HOME=$WORK/home GOPATH=$WORK/gopath GOCACHE=$WORK/gocache GOTOOLCHAIN=auto
export PATH=$GOBIN_DIR:/usr/local/bin:/usr/bin:/bin
RUNS=${RUNS:-1000}
# report JSON MARKDOWN: the pooled table, and each groot line's ratio to go env GOROOT.
report() {
  pooled_table "$1" "$2" "go env"
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
go = next(r for r in results if r["command"].startswith("go env"))
for r in results:
    if r["command"].startswith("groot"):
        print(f"{r['command']} / go env GOROOT: {r['mean'] / go['mean']:.3f}x (means), "
              f"{r['median'] / go['median']:.3f}x (medians), {r['min'] / go['min']:.3f}x (min)")
PY
}
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  out=$OLDPWD/bench/results/explain-backtrace-$bt.md
  fresh "$BUILT" "$GROOT"
  fresh "$CACHE/$VERSION/go/bin/go" "$GOBIN_DIR/go"
  interleaved "$WORK/explain-$bt.json" 10 "$RUNS" -- \
    -n "exec floor (/bin/true)" /bin/true \
    -n "go env GOROOT (go$VERSION)" "$GOBIN_DIR/go env GOROOT" \
    -n "groot explain" "$GROOT explain" \
    -n "groot explain --json" "$GROOT explain --json"
  echo "RUST_BACKTRACE=$bt -> $out"
  report "$WORK/explain-$bt.json" "$out"
done

# goenv: a GOENV_ROOT with this Go as an installed version, its shims first on PATH.
unset RUST_BACKTRACE
GOENV_ROOT=$WORK/goenv
export GOENV_ROOT
mkdir -p "$GOENV_ROOT/versions"
ln -s "$WORK/go" "$GOENV_ROOT/versions/$VERSION"
PATH=$MANAGERS/goenv-2.2.44/bin:$PATH goenv rehash
echo "$VERSION" > "$WORK/proj/.go-version"
export PATH=$GOENV_ROOT/shims:$PATH
[ "$(go env GOROOT)" = "$GOENV_ROOT/versions/$VERSION" ] || { echo "goenv setup failed" >&2; exit 1; }
[ "$("$GROOT" explain --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["goroot"])')" = "$GOENV_ROOT/versions/$VERSION" ] \
  || { echo "groot does not see through goenv's shim" >&2; exit 1; }
out=$OLDPWD/bench/results/explain-goenv.md
fresh "$BUILT" "$GROOT"
fresh "$CACHE/$VERSION/go/bin/go" "$GOBIN_DIR/go"
interleaved "$WORK/explain-goenv.json" 10 "$RUNS" -- \
  -n "exec floor (/bin/true)" /bin/true \
  -n "go env GOROOT (go$VERSION)" "$GOBIN_DIR/go env GOROOT" \
  -n "groot explain (goenv shim)" "$GROOT explain" \
  -n "groot explain --json (goenv shim)" "$GROOT explain --json"
report "$WORK/explain-goenv.json" "$out"
echo "goenv shim -> $out"
