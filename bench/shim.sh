#!/usr/bin/env bash
# Benchmark: `go version` direct, through `/usr/bin/env` (the floor of any shim: one extra
# exec), through groot's shim (global default; .go-version), through the `current` link, and
# through mise's shim when mise can be installed (npm package @jdxcode/mise, under a temp
# prefix, pointed at the same Go tree with `mise link`). One hyperfine run per RUST_BACKTRACE
# setting (unset, 1), all commands side by side.
# Usage: [STATIC=1] [RUNS=300] bench/shim.sh [GO_VERSION]   (results in bench/results/shim.md)
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${1:-1.22.10}
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
GROOT_TEST_GO_VERSIONS=$VERSION ./scripts/provision.sh >/dev/null
cargo build --release --locked -q
GROOT=$PWD/target/release/groot
# STATIC=1 also measures a statically linked build (glibc crt-static): no dynamic loader.
STATIC_GROOT=
if [ "${STATIC:-0}" = 1 ]; then
  RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked -q \
    --target x86_64-unknown-linux-gnu
  STATIC_GROOT=$PWD/target/x86_64-unknown-linux-gnu/release/groot
fi
GOROOT_REAL=$CACHE/$VERSION/go
RESULTS=$PWD/bench/results
mkdir -p "$RESULTS"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# groot: the same tree, installed (hard links) into a fresh groot home.
export HOME=$WORK/home GROOT_HOME=$WORK/groot
mkdir -p "$HOME" "$GROOT_HOME/toolchains"
cp -al "$GOROOT_REAL" "$GROOT_HOME/toolchains/go$VERSION" 2>/dev/null ||
  cp -a "$GOROOT_REAL" "$GROOT_HOME/toolchains/go$VERSION"
echo '{}' > "$GROOT_HOME/toolchains/go$VERSION/.groot-complete"
"$GROOT" use "$VERSION" >/dev/null 2>&1
"$GROOT" init bash >/dev/null
# A project with .go-version two levels up, and a plain directory (the shim walks to / for
# .go-version, go.work/go.mod and .tool-versions before it reads the default).
mkdir -p "$WORK/proj/a/b" "$WORK/plain/a/b"
echo "$VERSION" > "$WORK/proj/.go-version"

# mise, if npm can install it here.
MISE_SHIM=
if command -v npm >/dev/null 2>&1 &&
  npm install -g --prefix "$WORK/npm" @jdxcode/mise >/dev/null 2>&1 &&
  "$WORK/npm/bin/mise" --version >/dev/null 2>&1; then
  export MISE_DATA_DIR=$WORK/mise/data MISE_CONFIG_DIR=$WORK/mise/config \
    MISE_CACHE_DIR=$WORK/mise/cache MISE_STATE_DIR=$WORK/mise/state
  mkdir -p "$MISE_CONFIG_DIR"
  printf '[tools]\ngo = "%s"\n' "$VERSION" > "$MISE_CONFIG_DIR/config.toml"
  "$WORK/npm/bin/mise" link "go@$VERSION" "$GOROOT_REAL" >/dev/null 2>&1
  "$WORK/npm/bin/mise" reshim >/dev/null 2>&1
  if [ -x "$MISE_DATA_DIR/shims/go" ] && "$MISE_DATA_DIR/shims/go" version >/dev/null 2>&1; then
    MISE_SHIM=$MISE_DATA_DIR/shims/go
    echo "mise $("$WORK/npm/bin/mise" --version)"
  fi
fi
[ -n "$MISE_SHIM" ] || echo "mise: not available (npm install -g @jdxcode/mise failed or its shim did not run)"

# The shim's own overhead, without go's run time: a "toolchain" whose bin/go is /bin/true.
mkdir -p "$GROOT_HOME/toolchains/gotrue/bin" "$GROOT_HOME/toolchains/gotrue/pkg/tool" "$WORK/true"
cp /bin/true "$GROOT_HOME/toolchains/gotrue/bin/go"
echo '{}' > "$GROOT_HOME/toolchains/gotrue/.groot-complete"
echo gotrue > "$WORK/true/.go-version"

export GOPATH=$WORK/gopath GOCACHE=$WORK/gocache GOTOOLCHAIN=auto
export PATH=$GOROOT_REAL/bin:/usr/local/bin:/usr/bin:/bin
RUNS=${RUNS:-300}
for bt in unset 1; do
  if [ "$bt" = unset ]; then unset RUST_BACKTRACE; else export RUST_BACKTRACE=1; fi
  cd "$WORK/proj/a/b"
  args=(
    -n "direct" "$GOROOT_REAL/bin/go version"
    -n "/usr/bin/env go version" "/usr/bin/env go version"
    -n "groot shim (.go-version)" "$GROOT_HOME/shims/go version"
    -n "groot current link" "$GROOT_HOME/current/bin/go version"
  )
  if [ -n "$STATIC_GROOT" ]; then
    mkdir -p "$WORK/static-shims"
    ln -sf "$STATIC_GROOT" "$WORK/static-shims/go"
    args+=(-n "groot shim, static build (.go-version)" "$WORK/static-shims/go version")
  fi
  if [ -n "$MISE_SHIM" ]; then
    args+=(-n "mise shim" "$MISE_SHIM version")
  fi
  hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$WORK/go-$bt.json" "${args[@]}" >/dev/null
  # The worst case for selection: nothing found on the walk up to /, then the default file.
  hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$WORK/walk-$bt.json" \
    -n "sh -c 'cd plain && exec go version'" "sh -c 'cd $WORK/plain/a/b && exec $GOROOT_REAL/bin/go version'" \
    -n "sh -c 'cd plain && exec <shim> version' (global default)" "sh -c 'cd $WORK/plain/a/b && exec $GROOT_HOME/shims/go version'" \
    >/dev/null
  cd "$WORK/true"
  targs=(-n "/bin/true" "/bin/true" -n "/usr/bin/env true" "/usr/bin/env true"
    -n "groot shim -> /bin/true" "$GROOT_HOME/shims/go")
  [ -z "$STATIC_GROOT" ] || targs+=(-n "groot shim, static build -> /bin/true" "$WORK/static-shims/go")
  hyperfine -N --warmup 50 --runs "$((RUNS * 3))" --export-json "$WORK/true-$bt.json" \
    "${targs[@]}" >/dev/null
done
# CPU time (task-clock of the process and the go it execs): unlike wall time, it does not
# count the time spent waiting for a CPU, so it stays comparable on a busy machine.
if command -v perf >/dev/null 2>&1 && perf stat -e task-clock /bin/true >/dev/null 2>&1; then
  unset RUST_BACKTRACE
  : > "$WORK/cpu.csv"
  cpu() {
    local name=$1 dir=$2; shift 2
    (cd "$dir" && perf stat -r "$RUNS" -x, -e task-clock "$@" 2>&1 >/dev/null) |
      awk -F, -v n="$name" '/task-clock/ {print n "\t" $1}' >> "$WORK/cpu.csv"
  }
  cpu "direct" "$WORK/proj/a/b" "$GOROOT_REAL/bin/go" version
  cpu "/usr/bin/env go version" "$WORK/proj/a/b" /usr/bin/env go version
  cpu "groot shim (.go-version)" "$WORK/proj/a/b" "$GROOT_HOME/shims/go" version
  cpu "groot current link" "$WORK/proj/a/b" "$GROOT_HOME/current/bin/go" version
  [ -z "$MISE_SHIM" ] || cpu "mise shim" "$WORK/proj/a/b" "$MISE_SHIM" version
  cpu "/bin/true" "$WORK/true" /bin/true
  cpu "/usr/bin/env true" "$WORK/true" /usr/bin/env true
  cpu "groot shim -> /bin/true" "$WORK/true" "$GROOT_HOME/shims/go"
  if [ -n "$STATIC_GROOT" ]; then
    cpu "groot shim, static build (.go-version)" "$WORK/proj/a/b" "$WORK/static-shims/go" version
    cpu "groot shim, static build -> /bin/true" "$WORK/true" "$WORK/static-shims/go"
  fi
fi

# The cost `eval "$(groot init bash)"` adds to a shell start (there is no per-prompt hook).
hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$WORK/init.json" \
  -n "/bin/true" /bin/true -n "groot init bash" "$GROOT init bash" >/dev/null

python3 - "$WORK" "$RESULTS/shim.md" <<'PY'
import json, statistics, sys
work, out = sys.argv[1], sys.argv[2]
def load(name):
    return json.load(open(f"{work}/{name}.json"))["results"]
lines = []
def table(title, results, base):
    med = {r["command"]: statistics.median(r["times"]) * 1000 for r in results}
    b = med[base]
    lines.append(f"**{title}** (median of {len(results[0]['times'])} runs; ratio to `{base}`)\n")
    lines.append("| command | median [ms] | mean ± σ [ms] | min [ms] | ratio |")
    lines.append("|:---|---:|---:|---:|---:|")
    for r in results:
        m = med[r["command"]]
        lines.append(f"| {r['command']} | {m:.2f} | {r['mean']*1000:.2f} ± {r['stddev']*1000:.2f} "
                     f"| {r['min']*1000:.2f} | {m / b:.2f}× |")
    lines.append("")
for bt in ["unset", "1"]:
    lines.append(f"### RUST_BACKTRACE={bt}\n")
    table("go version", load(f"go-{bt}"), "direct")
    table("selection walking to / (no version file), then the default", load(f"walk-{bt}"),
          "sh -c 'cd plain && exec go version'")
    table("the shim's own overhead", load(f"true-{bt}"), "/bin/true")
table("shell start-up cost of the activation", load("init"), "/bin/true")
import os
if os.path.exists(f"{work}/cpu.csv") and os.path.getsize(f"{work}/cpu.csv"):
    rows = [l.rstrip("\n").split("\t") for l in open(f"{work}/cpu.csv")]
    cpu = {k: float(v) for k, v in rows}
    lines.append("### CPU time (perf stat task-clock, RUST_BACKTRACE unset)\n")
    lines.append("| command | CPU [ms] | ratio |")
    lines.append("|:---|---:|---:|")
    for k, v in cpu.items():
        base = cpu["/bin/true"] if "true" in k else cpu["direct"]
        lines.append(f"| {k} | {v:.2f} | {v / base:.2f}× |")
    lines.append("")
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
