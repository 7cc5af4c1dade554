#!/usr/bin/env bash
# Regenerates every connector generated from an OpenAPI description (a package with an
# openapi.config.json) from its vendored description, and fails when the result differs from what
# is committed: generated code is reproducible, and nobody edits it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for config in packages/*/openapi.config.json; do
  dir="$(dirname "$config")"
  node packages/openapi-codegen/src/cli.ts "$config"
  changed="$(git status --porcelain -- "$dir/src/generated")"
  if [ -n "$changed" ]; then
    echo "ci: $dir/src/generated is not what its description generates; run \`pnpm --filter ./$dir generate\` and commit:" >&2
    echo "$changed" | head -20 >&2
    status=1
  fi
done
exit "$status"
