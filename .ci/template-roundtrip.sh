#!/usr/bin/env bash
# Generates a throwaway connector from the template (`turbo gen connector`), builds, typechecks and
# tests it (its conformance test untouched), then removes it and restores the lockfile, so the
# template can never rot unnoticed.
# Usage: template-roundtrip.sh [auth] [pagination] [webhook] [openapi-description]
# With no arguments (CI) it runs two: by hand (oauth2, starting-after, hmac-sha256 webhooks), and from
# the small OpenAPI description in turbo/generators/__fixtures__ (bearer, next-cursor, standard webhooks).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  bash "$0" oauth2 starting-after hmac-sha256 none
  bash "$0" bearer next-cursor standard-webhooks turbo/generators/__fixtures__/pets.openapi.yaml
  exit 0
fi
auth="${1:-oauth2}"
pagination="${2:-starting-after}"
webhook="${3:-none}"
openapi="${4:-none}"
name="ci-roundtrip-$$"
cp pnpm-lock.yaml "/tmp/$name.lock"
cleanup() {
  rm -rf "packages/$name" ".changeset/$name-initial.md"
  cp "/tmp/$name.lock" pnpm-lock.yaml && rm -f "/tmp/$name.lock"
  pnpm install --offline --frozen-lockfile >/dev/null 2>&1 || pnpm install --frozen-lockfile >/dev/null
}
trap cleanup EXIT
pnpm turbo gen connector --args "$name" "https://api.$name.test/v1" "$auth" "$pagination" "$webhook" default "$openapi" none /me
# The throwaway package is not in the lockfile: this one install may change it (restored on exit).
# It comes before any other `pnpm` command: with CI=true, pnpm checks the install before running
# anything and would refuse the frozen lockfile that lacks the new package.
pnpm install --no-frozen-lockfile --offline >/dev/null 2>&1 || pnpm install --no-frozen-lockfile >/dev/null
if [ "$openapi" = none ]; then
  # One more operation in the hand-written resource, the way a contributor adds one.
  pnpm turbo gen operation --args "$name" items archive POST '/items/{id}/archive'
  test -f "packages/$name/src/items/archive.test.ts" || { echo "ci: turbo gen operation did not add its test" >&2; exit 1; }
fi
pnpm --filter "@connectors/$name" build
pnpm --filter "@connectors/$name" typecheck
pnpm --filter "@connectors/$name" test
echo "template round-trip ($auth, $pagination, webhooks $webhook, openapi $openapi): generated, built, typechecked and tested @connectors/$name"
