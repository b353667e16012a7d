#!/usr/bin/env bash
# The whole test suite on a fresh machine: provision shells and real Go toolchains, then run
# every test (unit, CLI, differential against real Go). Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/provision.sh
export GROOT_TEST_GO_CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
export GROOT_REQUIRE_REAL_GO=1
cargo test --locked "$@"
