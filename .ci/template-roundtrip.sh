#!/usr/bin/env bash
# Generates a throwaway connector from the template, builds and tests it, then deletes it,
# so the template can never rot. Skipped until the generator exists.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f turbo/generators/config.ts ]; then
  echo "template round-trip: no generator yet"
  exit 0
fi
name="ci-roundtrip-$$"
trap 'rm -rf "packages/$name"; pnpm install --offline >/dev/null 2>&1 || true' EXIT
pnpm turbo gen connector --args "$name" "https://api.$name.test/v1" bearer cursor
pnpm install --offline
pnpm --filter "@connectors/$name" build
pnpm --filter "@connectors/$name" typecheck
pnpm --filter "@connectors/$name" test
