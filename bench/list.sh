#!/usr/bin/env bash
# Benchmark: `groot list` with 20 Go installations in a temporary HOME (trees hard-linked from
# the real toolchain cache: ~/sdk, goenv, asdf, mise and groot's own), on the real filesystem
# (no simulated root), against
# the naive alternative of asking each install (`go version` 20 times) and against one
# `go env GOROOT`, side by side, with RUST_BACKTRACE unset and =1.
# Usage: bench/list.sh   (results in bench/results/list-*.md)
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
./scripts/provision.sh >/dev/null
cargo build --release --locked -q
GROOT=$PWD/target/release/groot
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mini() { # real_tree dest
  mkdir -p "$2/bin" "$2/src"
  ln "$1/bin/go" "$2/bin/go" 2>/dev/null || cp "$1/bin/go" "$2/bin/go"
  ln "$1/bin/gofmt" "$2/bin/gofmt" 2>/dev/null || cp "$1/bin/gofmt" "$2/bin/gofmt"
  cp "$1/VERSION" "$1/go.env" "$2/"
  for d in "$1"/pkg/tool/*; do mkdir -p "$2/pkg/tool/$(basename "$d")"; done
}
n=0
for v in $(ls "$CACHE"); do
  real=$CACHE/$v/go
  for dest in "home/u/sdk/go$v" "home/u/.goenv/versions/$v" "home/u/.local/share/groot/toolchains/go$v" \
              "home/u/.asdf/installs/golang/$v/go" "home/u/.local/share/mise/installs/go/$v"; do
    mini "$real" "$ROOT/$dest"; n=$((n+1))
  done
done
mkdir -p "$ROOT/bin"
newest=$(ls "$CACHE" | sort -V | tail -n1)
ln -s "../home/u/sdk/go$newest/bin/go" "$ROOT/bin/go"
echo "installs: $n"
mkdir -p bench/results
gos=$(find "$ROOT" -path '*/bin/go' -type f | head -n 20 | tr '\n' ' ')
cat > "$ROOT/ask-each.sh" <<SH
#!/bin/sh
for g in $gos; do "\$g" version >/dev/null; done
SH
chmod +x "$ROOT/ask-each.sh"
export HOME=$ROOT/home/u PATH=$ROOT/bin:/usr/bin:/bin
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  hyperfine -N --warmup 5 --min-runs 30 --export-markdown "$PWD/bench/results/list-backtrace-$bt.md" \
    -n "go env GOROOT (one install)" "$ROOT/bin/go env GOROOT" \
    -n "go version x20 (ask each install)" "$ROOT/ask-each.sh" \
    -n "groot list (20 installs)" "$GROOT list" \
    -n "groot list --json (20 installs)" "$GROOT list --json"
done
