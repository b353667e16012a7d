#!/usr/bin/env bash
# Fuzz smoke run for CI: builds every cargo-fuzz target in fuzz/ and runs each for
# $FUZZ_SECONDS (default 20) seconds, one at a time, on its committed seeds (fuzz/seeds/<target>)
# and the inputs that once broke groot (tests/regressions/<target>). New inputs go to a scratch
# directory, so the checkout is not changed. A crash fails the run and leaves the input in
# fuzz/artifacts/<target>/. Skips (exit 0, with a message) only when cargo-fuzz cannot be
# installed on this machine. See fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${FUZZ_SECONDS:-20}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked"
  cargo install cargo-fuzz --locked || true
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "SKIPPED fuzz smoke run: cargo-fuzz cannot be installed on this machine"
  exit 0
fi
. scripts/common.sh

cargo fuzz build -a
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in $(cargo fuzz list); do
  mkdir -p "$scratch/$t" "artifacts/$t"
  corpora=("$scratch/$t" "seeds/$t")
  [ -d "../tests/regressions/$t" ] && corpora+=("../tests/regressions/$t")
  echo "== fuzz $t (${secs}s)"
  if ! cargo fuzz run -a "$t" "${corpora[@]}" -- \
      -max_total_time="$secs" -timeout="$(timeout_of "$t")" -rss_limit_mb=2048 -max_len="$(max_len_of "$t")" \
      -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$scratch/$t.log" 2>&1; then
    tail -n 40 "$scratch/$t.log"
    failed+=("$t")
  else
    grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$scratch/$t.log" | tail -n 1 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz smoke run FAILED: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz smoke run ok"
