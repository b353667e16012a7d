#!/usr/bin/env bash
# Benchmark: `groot explain` (no --verify, so it never runs go) against one `go env GOROOT`
# on the same layout, side by side in one hyperfine run, with RUST_BACKTRACE unset and =1.
# The layout: an official Go tree on PATH and a project whose go.mod has `go` and
# `toolchain` lines, so both programs walk the same files.
# Then the same through goenv's shim (issue 10): goenv 2.2.44's shims first on PATH, the
# version from a `.go-version` one directory up, against the same `go env GOROOT`.
# Usage: bench/explain.sh [GO_VERSION]   (results in bench/results/explain-*.md)
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
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  out=$OLDPWD/bench/results/explain-backtrace-$bt.md
  fresh "$BUILT" "$GROOT"
  fresh "$CACHE/$VERSION/go/bin/go" "$GOBIN_DIR/go"
  hyperfine -N --warmup 10 --min-runs 100 --export-markdown "$out" --export-json "$WORK/explain-$bt.json" \
    -n "exec floor (/bin/true)" /bin/true \
    -n "go env GOROOT (go$VERSION)" "$GOBIN_DIR/go env GOROOT" \
    -n "groot explain" "$GROOT explain" \
    -n "groot explain --json" "$GROOT explain --json"
  python3 - "$WORK/explain-$bt.json" <<'PY'
import json, statistics, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
go = next(v for k, v in r.items() if k.startswith("go env"))
for k in ("groot explain", "groot explain --json"):
    e = r[k]
    print(f"{k} / go env GOROOT: {e['mean'] / go['mean']:.3f}x (means), "
          f"{statistics.median(e['times']) / statistics.median(go['times']):.3f}x (medians), "
          f"{e['min'] / go['min']:.3f}x (min)")
PY
  echo "RUST_BACKTRACE=$bt -> $out"
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
hyperfine -N --warmup 10 --min-runs 100 --export-markdown "$out" --export-json "$WORK/explain-goenv.json" \
  -n "exec floor (/bin/true)" /bin/true \
  -n "go env GOROOT (go$VERSION)" "$GOBIN_DIR/go env GOROOT" \
  -n "groot explain (goenv shim)" "$GROOT explain" \
  -n "groot explain --json (goenv shim)" "$GROOT explain --json"
python3 - "$WORK/explain-goenv.json" <<'PY'
import json, statistics, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
go = next(v for k, v in r.items() if k.startswith("go env"))
for k in ("groot explain (goenv shim)", "groot explain --json (goenv shim)"):
    e = r[k]
    print(f"{k} / go env GOROOT: {e['mean'] / go['mean']:.3f}x (means), "
          f"{statistics.median(e['times']) / statistics.median(go['times']):.3f}x (medians), "
          f"{e['min'] / go['min']:.3f}x (min)")
PY
echo "goenv shim -> $out"
