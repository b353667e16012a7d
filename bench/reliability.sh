#!/usr/bin/env bash
# Reliability figures (docs/reliability.md): the fault-injection suite and the replay of the
# fuzz corpora, with the figure lines each test prints.
#
#   bench/reliability.sh                      # a fresh random sequence of kill points
#   GROOT_FAULT_SEED=123 bench/reliability.sh # replay one sequence
#
# The long fuzzing runs are fuzz/scripts/fuzz-long.sh (10 minutes per target; their figures are
# in fuzz/runs/summary.tsv); the CI smoke run is scripts/fuzz-smoke.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export GROOT_TEST_GO_CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
export GROOT_REQUIRE_REAL_GO=1
cargo build --locked --examples --bins
cargo test --locked --test fault_injection --test fuzz_replay --test regressions -- \
  --nocapture --test-threads 1 2>&1 |
  grep -E 'GROOT_FAULT_SEED|^(install|fix|fix vs editor|disk full|4 parallel)|inputs replayed|^test result'
