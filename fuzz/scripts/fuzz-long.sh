#!/usr/bin/env bash
# Long fuzzing runs, one target at a time (the machine is shared): each target for
# $SECONDS_PER_TARGET (default 600) on fuzz/corpus/<target> (new inputs) + fuzz/seeds/<target>.
# Logs go to fuzz/runs/<target>.log and a summary line per run to fuzz/runs/summary.tsv.
# Usage: fuzz/scripts/fuzz-long.sh [target...]
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${SECONDS_PER_TARGET:-600}
targets=${*:-$(cargo fuzz list 2>/dev/null)}
mkdir -p runs
. scripts/common.sh
cargo fuzz build -a >runs/build.log 2>&1 || { echo "build failed: fuzz/runs/build.log" >&2; exit 1; }
for t in $targets; do
  mkdir -p "corpus/$t" "artifacts/$t"
  max=$(max_len_of "$t")
  start=$(date +%s)
  cargo fuzz run -a "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -timeout="$(timeout_of "$t")" -rss_limit_mb=2048 -max_len=$max \
    -jobs=1 -workers=1 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
    >"runs/$t.log" 2>&1
  rc=$?
  # With -jobs, libFuzzer writes the worker's output to fuzz-<n>.log in the current directory.
  for f in fuzz-*.log; do [ -f "$f" ] && cat "$f" >>"runs/$t.log" && rm -f "$f"; done
  end=$(date +%s)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "runs/$t.log" | grep -o '[0-9]*$' | tail -n1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "runs/$t.log" | tail -n1)
  crashes=$(ls "artifacts/$t" | wc -l)
  printf '%s\t%s\trc=%s\t%ss\texecs=%s\t%s\tartifacts=%s\n' "$(date -u +%FT%TZ)" "$t" "$rc" \
    $((end - start)) "${execs:-?}" "$cov" "$crashes" | tee -a runs/summary.tsv
done
