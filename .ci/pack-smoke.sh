#!/usr/bin/env bash
# Packs the packages users install first, installs the tarballs with plain npm into a project
# outside the workspace, and runs a small script there against the provider sandbox.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for pkg in core webhooks testing github; do
  (cd "$root/packages/$pkg" && pnpm pack --pack-destination "$work" >/dev/null)
done
cd "$work"
npm init -y >/dev/null
npm pkg set type=module
npm install --no-audit --no-fund --silent ./connectors-*.tgz
if grep -rl '"workspace:' node_modules/@connectors/*/package.json; then
  echo "pack smoke: a packed package.json still has a workspace: range" >&2
  exit 1
fi
cp "$root/.ci/pack-smoke/smoke.mjs" .
node smoke.mjs
