#!/usr/bin/env bash
# Benchmark: `groot contexts` (every startup context simulated) on hostile startup files, the
# slowest inputs fuzzing found (kept in tests/regressions/startup_sh/slow-*), side by side with
# the same command on an ordinary home (one line that sets PATH) and /bin/true, with
# RUST_BACKTRACE unset and =1. Each hostile file is installed as ~/.profile, ~/.bashrc,
# ~/.bash_profile and ~/.zshrc, so every context reads it.
# Usage: bench/hostile-startup.sh   (results in bench/results/hostile-startup-*.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
GROOT=$(readme_build)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/plain" bench/results
printf 'export PATH=/usr/local/go/bin:$PATH\n' > "$WORK/plain/.bashrc"
names=()
for f in tests/regressions/startup_sh/slow-*; do
  n=$(basename "$f")
  mkdir -p "$WORK/$n"
  # The first byte of a fuzz input selects the shell; the rest is the file.
  tail -c +2 "$f" | tr '\0' '\n' > "$WORK/$n/.profile"
  for rc in .bashrc .bash_profile .zshrc; do cp "$WORK/$n/.profile" "$WORK/$n/$rc"; done
  names+=("$n")
done
export PATH=/usr/bin:/bin SHELL=/bin/zsh
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  out=bench/results/hostile-startup-backtrace-$bt.md
  args=(-n "exec floor (/bin/true)" /bin/true
        -n "ordinary home" "env HOME=$WORK/plain $GROOT contexts")
  for n in "${names[@]}"; do args+=(-n "$n" "env HOME=$WORK/$n $GROOT contexts"); done
  hyperfine -N --warmup 2 --min-runs 10 --export-markdown "$out" "${args[@]}"
  echo "RUST_BACKTRACE=$bt -> $out"
done
