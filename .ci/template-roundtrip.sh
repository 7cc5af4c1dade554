#!/usr/bin/env bash
# Generates a throwaway connector from the template (`turbo gen connector`), builds, typechecks and
# tests it, then removes it and restores the lockfile, so the template can never rot unnoticed.
# Usage: template-roundtrip.sh [auth] [pagination] (default oauth2 cursor; CI runs the default).
set -euo pipefail
auth="${1:-oauth2}"
pagination="${2:-cursor}"
cd "$(dirname "$0")/.."
name="ci-roundtrip-$$"
cp pnpm-lock.yaml "/tmp/$name.lock"
cleanup() {
  rm -rf "packages/$name" ".changeset/$name-initial.md"
  cp "/tmp/$name.lock" pnpm-lock.yaml && rm -f "/tmp/$name.lock"
  pnpm install --offline --frozen-lockfile >/dev/null 2>&1 || pnpm install --frozen-lockfile >/dev/null
}
trap cleanup EXIT
pnpm turbo gen connector --args "$name" "https://api.$name.test/v1" "$auth" "$pagination"
# The throwaway package is not in the lockfile: this one install may change it (restored on exit).
pnpm install --no-frozen-lockfile --offline >/dev/null 2>&1 || pnpm install --no-frozen-lockfile >/dev/null
pnpm --filter "@connectors/$name" build
pnpm --filter "@connectors/$name" typecheck
pnpm --filter "@connectors/$name" test
echo "template round-trip ($auth, $pagination): generated, built, typechecked and tested @connectors/$name"
