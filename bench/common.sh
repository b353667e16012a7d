# Shared by the bench scripts (sourced from the repository root).
#
# readme_build: builds groot as README's `cargo install --locked --path .` does (the release
# profile, .cargo/config.toml's flags: static non-PIE on Linux x86_64) and prints the binary.
# GROOT_BIN=path skips the build and measures that binary instead.
readme_build() {
  if [ -n "${GROOT_BIN:-}" ]; then
    echo "$GROOT_BIN"
    return
  fi
  cargo build --release --locked -q
  local host
  host=$(rustc --print host-tuple)
  if [ -x "target/$host/release/groot" ]; then
    echo "$PWD/target/$host/release/groot"
  else
    echo "$PWD/target/release/groot"
  fi
}

# fresh SRC DEST: a new copy of a binary (a new inode), so every program in one benchmark
# starts from the same page-cache state; a binary that sat cold in the page cache once started
# 0.4 ms slower than its warm copy.
fresh() {
  rm -f "$2"
  cp "$1" "$2"
  chmod +x "$2"
}

# c_floor GO_PATH DEST: a static C program that only execv()s GO_PATH with its own argv, the
# floor for any shim that execs (cc -O2 -static). Returns 1 without a C compiler.
c_floor() {
  command -v cc >/dev/null 2>&1 || return 1
  local src
  src=$(mktemp --suffix=.c)
  printf '#include <unistd.h>\nint main(int c, char **v) { (void)c; execv("%s", v); return 127; }\n' "$1" > "$src"
  cc -O2 -static -o "$2" "$src" 2>/dev/null || { rm -f "$src"; return 1; }
  rm -f "$src"
}

# interleaved OUT WARMUP RUNS -- hyperfine args: the runs split into $ROUNDS (10) hyperfine rounds,
# the commands' order reversed every other round, all times pooled into OUT (hyperfine's JSON
# shape). hyperfine runs its commands one after another, so a machine that speeds up or slows
# down during a run (other VMs on the host) biases whichever command ran in the fast minutes;
# pooled rounds give every command the same minutes.
interleaved() {
  local out=$1 warmup=$2 runs=$3
  shift 4
  local rounds=${ROUNDS:-10}
  local per=$(((runs + rounds - 1) / rounds)) i
  local -a pairs=("$@") rev=()
  for ((i = ${#pairs[@]} - 3; i >= 0; i -= 3)); do rev+=("${pairs[@]:i:3}"); done
  for ((i = 0; i < rounds; i++)); do
    if ((i % 2 == 0)); then set -- "${pairs[@]}"; else set -- "${rev[@]}"; fi
    hyperfine -N --warmup "$warmup" --runs "$per" --export-json "$out.$i" "$@" >/dev/null
  done
  python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
pooled = {}
for i in range(rounds):
    for r in json.load(open(f"{out}.{i}"))["results"]:
        pooled.setdefault(r["command"], []).extend(r["times"])
# The first round's order is the order the commands were given in.
order = [r["command"] for r in json.load(open(f"{out}.0"))["results"]]
results = []
for c in order:
    t = pooled[c]
    results.append({"command": c, "times": t, "mean": statistics.mean(t),
                    "stddev": statistics.stdev(t), "min": min(t),
                    "median": statistics.median(t)})
json.dump({"results": results}, open(out, "w"))
PY
}

# pooled_table JSON MARKDOWN BASE: the table of a pooled (interleaved) run as markdown in
# MARKDOWN, also printed: each command's mean ± σ, median and min, and its ratios to the
# command whose name starts with BASE.
pooled_table() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = next(r for r in results if r["command"].startswith(sys.argv[3]))
lines = [f"{len(base['times'])} runs of each command, pooled from interleaved rounds\n",
         f"| command | mean ± σ [ms] | median [ms] | min [ms] | / {base['command']}, means | medians |",
         "|:---|---:|---:|---:|---:|---:|"]
for r in results:
    lines.append(f"| `{r['command']}` | {r['mean']*1000:.2f} ± {r['stddev']*1000:.2f} "
                 f"| {r['median']*1000:.2f} | {r['min']*1000:.2f} "
                 f"| {r['mean']/base['mean']:.3f}× | {r['median']/base['median']:.3f}× |")
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
}
