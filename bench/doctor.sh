#!/usr/bin/env bash
# Benchmark: a full `groot doctor` (every check, package queries on; it never runs go) against
# one `go env` on the same layout, side by side in one hyperfine run, with RUST_BACKTRACE unset
# and =1, and /bin/true as the exec floor.
# The layout: an official Go tree on PATH, a second one shadowed behind it, a project whose
# go.mod has `go` and `toolchain` lines, and a bash startup file that sets PATH.
# The Go vulnerability database is the committed real-entry fixture (tests/data/vulndb) over
# file://, cached by the warm-up run: doctor reads its compact cache (and the mirror's db.json)
# on every run, as with a cached https://vuln.go.dev. The go in use (1.27.3) has no entries;
# OTHER (1.22.10, shadowed) has 66, so both paths of the check run.
# Usage: bench/doctor.sh [GO_VERSION]   (results in bench/results/doctor-*.md)
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${1:-1.27.3}
OTHER=${2:-1.22.10}
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
GROOT_TEST_GO_VERSIONS="$VERSION $OTHER" ./scripts/provision.sh >/dev/null
. bench/common.sh
GROOT=$(readme_build)
GOBIN_DIR=$CACHE/$VERSION/go/bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/proj/sub"
printf 'module bench\n\ngo 1.21\n\ntoolchain go1.21.1\n' > "$WORK/proj/go.mod"
printf 'export PATH=%s:$PATH\n' "$GOBIN_DIR" > "$WORK/home/.bashrc"
mkdir -p bench/results
cd "$WORK/proj/sub"
export HOME=$WORK/home GOPATH=$WORK/gopath GOCACHE=$WORK/gocache GOTOOLCHAIN=auto SHELL=/bin/bash
export PATH=$GOBIN_DIR:$CACHE/$OTHER/go/bin:/usr/local/bin:/usr/bin:/bin
export GOVULNDB=file://$OLDPWD/tests/data/vulndb
"$GROOT" doctor --fail-on never >/dev/null
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  out=$OLDPWD/bench/results/doctor-backtrace-$bt.md
  hyperfine -N --warmup 10 --min-runs 100 --export-markdown "$out" \
    -n "exec floor (/bin/true)" /bin/true \
    -n "go env (go$VERSION)" "$GOBIN_DIR/go env" \
    -n "groot doctor" "$GROOT doctor --fail-on never" \
    -n "groot doctor --json" "$GROOT doctor --json --fail-on never"
  echo "RUST_BACKTRACE=$bt -> $out"
done
