#!/usr/bin/env bash
# Benchmark: `groot explain` (no --verify, so it never runs go) against one `go env GOROOT`
# on the same layout, side by side in one hyperfine run, with RUST_BACKTRACE unset and =1.
# The layout: an official Go tree on PATH and a project whose go.mod has `go` and
# `toolchain` lines, so both programs walk the same files.
# Usage: bench/explain.sh [GO_VERSION]   (results in bench/results/explain-*.md)
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${1:-1.22.10}
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
GROOT_TEST_GO_VERSIONS=$VERSION ./scripts/provision.sh >/dev/null
cargo build --release --locked -q
GROOT=$PWD/target/release/groot
# The same build linked statically (glibc, crt-static): no dynamic loader at start-up.
HOST=$(rustc -vV | sed -n 's/^host: //p')
STATIC=""
if RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked -q --target "$HOST" \
     --target-dir target/static 2>/dev/null; then
  STATIC=$PWD/target/static/$HOST/release/groot
fi
GOBIN_DIR=$CACHE/$VERSION/go/bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/proj/sub"
printf 'module bench\n\ngo 1.21\n\ntoolchain go1.21.1\n' > "$WORK/proj/go.mod"
mkdir -p bench/results
cd "$WORK/proj/sub"
export HOME=$WORK/home GOPATH=$WORK/gopath GOCACHE=$WORK/gocache GOTOOLCHAIN=auto
export PATH=$GOBIN_DIR:/usr/local/bin:/usr/bin:/bin
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  out=$OLDPWD/bench/results/explain-backtrace-$bt.md
  hyperfine -N --warmup 10 --min-runs 100 --export-markdown "$out" \
    -n "exec floor (/bin/true)" /bin/true \
    -n "go env GOROOT (go$VERSION)" "$GOBIN_DIR/go env GOROOT" \
    -n "groot explain" "$GROOT explain" \
    -n "groot explain --json" "$GROOT explain --json" \
    ${STATIC:+-n "groot explain (static build)" "$STATIC explain"}
  echo "RUST_BACKTRACE=$bt -> $out"
done
