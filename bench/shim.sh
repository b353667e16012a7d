#!/usr/bin/env bash
# Benchmark: `go version` direct, through a static C program that only execv()s go (the floor
# of any shim that execs), through `/usr/bin/env`, through groot's shim (.go-version two
# directories up), through the `current` link, and through mise's shim when mise can be
# installed (npm package @jdxcode/mise, under a temp prefix, pointed at the same Go tree with
# `mise link`). Then the same with /bin/true as the toolchain's go (the shim's own cost), the
# worst case of selection, and CPU time. groot is the README build (`cargo install --locked
# --path .` uses the same profile and .cargo/config.toml). Every hyperfine run starts from
# fresh copies of groot, the C floor, go and true (see bench/common.sh). Per RUST_BACKTRACE
# setting (unset, 1), the `go version` and `-> true` tables are $ROUNDS hyperfine rounds of all
# their commands side by side, in alternating order, times pooled (see interleaved()); ratios
# to direct and to the C floor, on the pooled medians. RUNS is 1000: `go version` varies by
# 1-2 ms from run to run on these machines, so 300 runs left each median uncertain by ~0.1 ms,
# as much as the shim costs, and the ratio to the floor moved by ±0.04 between runs.
# Usage: [RUNS=1000] [ROUNDS=10] bench/shim.sh [GO_VERSION]   (results in bench/results/shim.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
VERSION=${1:-1.22.10}
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
GROOT_TEST_GO_VERSIONS=$VERSION ./scripts/provision.sh >/dev/null
BUILT=$(readme_build)
file -L "$BUILT" | sed 's/^[^:]*: /groot: /'
GOROOT_REAL=$CACHE/$VERSION/go
RESULTS=$PWD/bench/results
mkdir -p "$RESULTS"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin"
GROOT=$WORK/bin/groot
fresh "$BUILT" "$GROOT"

# groot: the same tree, installed (hard links, but a copy of bin/go) into a fresh groot home.
export HOME=$WORK/home GROOT_HOME=$WORK/groot
mkdir -p "$HOME" "$GROOT_HOME/toolchains"
TC=$GROOT_HOME/toolchains/go$VERSION
cp -al "$GOROOT_REAL" "$TC" 2>/dev/null || cp -a "$GOROOT_REAL" "$TC"
echo '{}' > "$TC/.groot-complete"
"$GROOT" use "$VERSION" >/dev/null 2>&1
"$GROOT" init bash >/dev/null # makes $GROOT_HOME/shims/{go,gofmt} -> $GROOT
# A project with .go-version two levels up, and a plain directory (the shim walks to / for
# .go-version, go.work/go.mod and .tool-versions before it reads the default).
mkdir -p "$WORK/proj/a/b" "$WORK/plain/a/b"
echo "$VERSION" > "$WORK/proj/.go-version"

# The shim's own overhead, without go's run time: a "toolchain" whose bin/go is true.
mkdir -p "$GROOT_HOME/toolchains/gotrue/bin" "$GROOT_HOME/toolchains/gotrue/pkg/tool" "$WORK/true"
echo '{}' > "$GROOT_HOME/toolchains/gotrue/.groot-complete"
echo gotrue > "$WORK/true/.go-version"
TRUE=$WORK/bin/true

# Fresh copies of every binary, before each hyperfine run.
FLOOR=
refresh() {
  fresh "$BUILT" "$GROOT"
  fresh "$GOROOT_REAL/bin/go" "$TC/bin/go"
  fresh /bin/true "$TRUE"
  fresh /bin/true "$GROOT_HOME/toolchains/gotrue/bin/go"
  if c_floor "$TC/bin/go" "$WORK/bin/floor-go" && c_floor "$TRUE" "$WORK/bin/floor-true"; then
    FLOOR=1
  fi
}
refresh
[ -n "$FLOOR" ] || echo "C floor: skipped (no C compiler that can link -static)"

# mise, if npm can install it here.
MISE_SHIM=
if command -v npm >/dev/null 2>&1 &&
  npm install -g --prefix "$WORK/npm" @jdxcode/mise >/dev/null 2>&1 &&
  "$WORK/npm/bin/mise" --version >/dev/null 2>&1; then
  export MISE_DATA_DIR=$WORK/mise/data MISE_CONFIG_DIR=$WORK/mise/config \
    MISE_CACHE_DIR=$WORK/mise/cache MISE_STATE_DIR=$WORK/mise/state
  mkdir -p "$MISE_CONFIG_DIR"
  printf '[tools]\ngo = "%s"\n' "$VERSION" > "$MISE_CONFIG_DIR/config.toml"
  "$WORK/npm/bin/mise" link "go@$VERSION" "$TC" >/dev/null 2>&1
  "$WORK/npm/bin/mise" reshim >/dev/null 2>&1
  if [ -x "$MISE_DATA_DIR/shims/go" ] && "$MISE_DATA_DIR/shims/go" version >/dev/null 2>&1; then
    MISE_SHIM=$MISE_DATA_DIR/shims/go
    echo "mise $("$WORK/npm/bin/mise" --version)"
  fi
fi
[ -n "$MISE_SHIM" ] || echo "mise: not available (npm install -g @jdxcode/mise failed or its shim did not run)"

export GOPATH=$WORK/gopath GOCACHE=$WORK/gocache GOTOOLCHAIN=auto
export PATH=$TC/bin:/usr/local/bin:/usr/bin:/bin
RUNS=${RUNS:-1000}
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  cd "$WORK/proj/a/b"
  args=(-n "direct" "$TC/bin/go version")
  [ -z "$FLOOR" ] || args+=(-n "C execv floor" "$WORK/bin/floor-go version")
  args+=(
    -n "/usr/bin/env go version" "/usr/bin/env go version"
    -n "groot shim (.go-version)" "$GROOT_HOME/shims/go version"
    -n "groot current link" "$GROOT_HOME/current/bin/go version"
  )
  [ -z "$MISE_SHIM" ] || args+=(-n "mise shim" "$MISE_SHIM version")
  refresh
  interleaved "$WORK/go-$bt.json" 20 "$RUNS" -- "${args[@]}"
  # The worst case for selection: nothing found on the walk up to /, then the default file.
  refresh
  hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$WORK/walk-$bt.json" \
    -n "sh -c 'cd plain && exec go version'" "sh -c 'cd $WORK/plain/a/b && exec $TC/bin/go version'" \
    -n "sh -c 'cd plain && exec <shim> version' (global default)" "sh -c 'cd $WORK/plain/a/b && exec $GROOT_HOME/shims/go version'" \
    >/dev/null
  cd "$WORK/true"
  targs=(-n "true" "$TRUE")
  [ -z "$FLOOR" ] || targs+=(-n "C execv floor -> true" "$WORK/bin/floor-true")
  targs+=(-n "/usr/bin/env true" "/usr/bin/env $TRUE" -n "groot shim -> true" "$GROOT_HOME/shims/go")
  refresh
  interleaved "$WORK/true-$bt.json" 50 "$((RUNS * 3))" -- "${targs[@]}"
done
# CPU time (task-clock of the process and the program it execs): unlike wall time, it does not
# count the time spent waiting for a CPU, so it stays comparable on a busy machine.
if command -v perf >/dev/null 2>&1 && perf stat -e task-clock /bin/true >/dev/null 2>&1; then
  unset RUST_BACKTRACE
  : > "$WORK/cpu.csv"
  cpu() {
    local name=$1 dir=$2; shift 2
    (cd "$dir" && perf stat -r "$RUNS" -x, -e task-clock "$@" 2>&1 >/dev/null) |
      awk -F, -v n="$name" '/task-clock/ {print n "\t" $1}' >> "$WORK/cpu.csv"
  }
  refresh
  cpu "direct" "$WORK/proj/a/b" "$TC/bin/go" version
  [ -z "$FLOOR" ] || cpu "C execv floor" "$WORK/proj/a/b" "$WORK/bin/floor-go" version
  cpu "/usr/bin/env go version" "$WORK/proj/a/b" /usr/bin/env go version
  cpu "groot shim (.go-version)" "$WORK/proj/a/b" "$GROOT_HOME/shims/go" version
  cpu "groot current link" "$WORK/proj/a/b" "$GROOT_HOME/current/bin/go" version
  [ -z "$MISE_SHIM" ] || cpu "mise shim" "$WORK/proj/a/b" "$MISE_SHIM" version
  cpu "true" "$WORK/true" "$TRUE"
  [ -z "$FLOOR" ] || cpu "C execv floor -> true" "$WORK/true" "$WORK/bin/floor-true"
  cpu "/usr/bin/env true" "$WORK/true" /usr/bin/env "$TRUE"
  cpu "groot shim -> true" "$WORK/true" "$GROOT_HOME/shims/go"
fi

# The cost `eval "$(groot init bash)"` adds to a shell start (there is no per-prompt hook).
refresh
hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$WORK/init.json" \
  -n "true" "$TRUE" -n "groot init bash" "$GROOT init bash" >/dev/null

python3 - "$WORK" "$RESULTS/shim.md" "$(uptime)" <<'PY'
import json, statistics, sys
work, out, up = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    return json.load(open(f"{work}/{name}.json"))["results"]
lines = [f"Load at the end of the run: `{up.strip()}`\n"]
def table(title, results, base, floor=None):
    med = {r["command"]: statistics.median(r["times"]) * 1000 for r in results}
    b = med[base]
    f = med.get(floor) if floor else None
    lines.append(f"**{title}** (median of {len(results[0]['times'])} runs)\n")
    head = f"| command | median [ms] | mean ± σ [ms] | min [ms] | / `{base}` |"
    rule = "|:---|---:|---:|---:|---:|"
    if f:
        head += f" / `{floor}` |"
        rule += "---:|"
    lines.append(head)
    lines.append(rule)
    for r in results:
        m = med[r["command"]]
        row = (f"| {r['command']} | {m:.2f} | {r['mean']*1000:.2f} ± {r['stddev']*1000:.2f} "
               f"| {r['min']*1000:.2f} | {m / b:.2f}× |")
        if f:
            row += f" {m / f:.3f}× |"
        lines.append(row)
    lines.append("")
for bt in ["unset", "1"]:
    lines.append(f"### RUST_BACKTRACE={bt}\n")
    table("go version", load(f"go-{bt}"), "direct", "C execv floor")
    table("selection walking to / (no version file), then the default", load(f"walk-{bt}"),
          "sh -c 'cd plain && exec go version'")
    table("the shim's own overhead", load(f"true-{bt}"), "true", "C execv floor -> true")
table("shell start-up cost of the activation", load("init"), "true")
import os
if os.path.exists(f"{work}/cpu.csv") and os.path.getsize(f"{work}/cpu.csv"):
    rows = [l.rstrip("\n").split("\t") for l in open(f"{work}/cpu.csv")]
    cpu = {k: float(v) for k, v in rows}
    lines.append("### CPU time (perf stat task-clock, RUST_BACKTRACE unset)\n")
    lines.append("| command | CPU [ms] | / direct or true | / C floor |")
    lines.append("|:---|---:|---:|---:|")
    for k, v in cpu.items():
        t = "true" in k
        base = cpu["true"] if t else cpu["direct"]
        fl = cpu.get("C execv floor -> true" if t else "C execv floor")
        lines.append(f"| {k} | {v:.2f} | {v / base:.2f}× | " + (f"{v / fl:.2f}× |" if fl else "– |"))
    lines.append("")
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
