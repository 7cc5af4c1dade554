#!/usr/bin/env bash
# The release as a maintainer runs it, against a real registry: on a throwaway copy of the repo,
# `changeset version` then `pnpm release` (build + `changeset publish`) to a local verdaccio; then
# fresh projects outside the workspace install only @connectors/github from it, with npm and with
# pnpm, type-check a call and run it against the GitHub sandbox.
# Fails when: versions or changelogs differ from what changesets computed, a `workspace:` range or a
# file outside `files` reaches a tarball, a GitHub-only install pulls Redis, SQLite, PostgreSQL or
# OpenTelemetry packages, or the typed call does not compile or run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "registry round trip: $*" >&2; exit 1; }

# 1. verdaccio, installed once into the tools cache (outside the clone and the lockfile).
tools="${CONNECTORS_TOOLS:-$HOME/.cache/connectors-tools}/registry-$(sha256sum "$root/.ci/registry/package.json" | cut -c1-12)"
if [ ! -x "$tools/node_modules/.bin/verdaccio" ]; then
  echo "registry: installing verdaccio into $tools" >&2
  rm -rf "$tools" && mkdir -p "$tools" && cp "$root/.ci/registry/package.json" "$tools/"
  (cd "$tools" && npm install --silent --no-audit --no-fund >&2)
fi
mkdir -p "$work/registry" && cp "$root/.ci/registry/config.yaml" "$work/registry/"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
registry="http://127.0.0.1:$port/"
"$tools/node_modules/.bin/verdaccio" --config "$work/registry/config.yaml" --listen "127.0.0.1:$port" >"$work/registry/log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "${registry}-/ping" >/dev/null && break; sleep 0.2; done
curl -sf "${registry}-/ping" >/dev/null || { cat "$work/registry/log" >&2; fail "verdaccio did not start"; }

# 2. A throwaway copy of the repo (tracked files as they are now), installed from the store.
mkdir "$work/repo"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/repo" 2>/dev/null) || true
cd "$work/repo"
git init -q -b main && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm snapshot
pnpm install --frozen-lockfile --prefer-offline >/dev/null
unset GITHUB_TOKEN # versioning must work without one
status_json="$work/status.json"
pnpm exec changeset status --output="$status_json" >"$work/status.log" 2>&1 || { cat "$work/status.log" >&2; fail "changeset status failed"; }
pnpm run version-packages >/dev/null

# 3. Versions and changelogs are what changesets computed.
node - "$status_json" <<'JS'
const fs = require('node:fs');
const releases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).releases.filter((r) => r.type !== 'none');
const dirs = new Map(fs.readdirSync('packages').map((d) => [JSON.parse(fs.readFileSync(`packages/${d}/package.json`, 'utf8')).name, `packages/${d}`]));
if (releases.length === 0) { console.error('no pending release'); process.exit(1); }
let bad = 0;
for (const r of releases) {
  const dir = dirs.get(r.name);
  if (!dir) { bad++; console.error(`${r.name}: a release for a package not under packages/`); continue; }
  const pkg = JSON.parse(fs.readFileSync(`${dir}/package.json`, 'utf8'));
  const log = fs.readFileSync(`${dir}/CHANGELOG.md`, 'utf8');
  const problems = [];
  if (pkg.version !== r.newVersion) problems.push(`version ${pkg.version}, changesets computed ${r.newVersion}`);
  if (!log.includes(`## ${r.newVersion}`)) problems.push(`CHANGELOG.md has no "## ${r.newVersion}"`);
  // An entry whose text is itself a bullet ("- - core: ..." or "- abc1234: - core: ...").
  if (/^- (?:\[?[0-9a-f]{7}\]?[^:]*: )?[-*] /m.test(log)) problems.push('CHANGELOG.md has a bullet inside a bullet (a changeset written as a list and not split)');
  if (problems.length) { bad++; console.error(`${r.name}: ${problems.join('; ')}`); }
  else console.log(`${r.name}: ${r.oldVersion} -> ${r.newVersion}`);
}
process.exit(bad ? 1 : 0);
JS

# 4. Publish the way CONTRIBUTING documents it. Provenance needs a CI identity provider (OIDC), which
# no local registry has: it is switched off here only (see CONTRIBUTING.md, "Provenance").
for f in packages/*/package.json; do
  node -e 'const f=process.argv[1],p=JSON.parse(require("fs").readFileSync(f));if(p.publishConfig)delete p.publishConfig.provenance;require("fs").writeFileSync(f,JSON.stringify(p,null,2)+"\n")' "$f"
done
printf '@connectors:registry=%s\n//127.0.0.1:%s/:_authToken=round-trip\n' "$registry" "$port" > "$work/npmrc"
NPM_CONFIG_USERCONFIG="$work/npmrc" npm_config_registry="$registry" pnpm run release >"$work/publish.log" 2>&1 || { cat "$work/publish.log" >&2; fail "pnpm release failed"; }
version=$(node -p 'require("./packages/github/package.json").version')
published=$(NPM_CONFIG_USERCONFIG="$work/npmrc" npm view @connectors/github@"$version" version --registry "$registry" 2>/dev/null || true)
[ "$published" = "$version" ] || fail "@connectors/github@$version is not on the registry"
echo "published @connectors/github@$version and its dependencies to $registry"

# 5. Tarballs as the registry serves them: ranges rewritten, only `files`.
NPM_CONFIG_USERCONFIG="$work/npmrc" npm pack @connectors/github@"$version" @connectors/core @connectors/webhooks --registry "$registry" --pack-destination "$work" --silent >/dev/null
for tgz in "$work"/connectors-*.tgz; do
  listing=$(tar -tzf "$tgz")
  stray=$(echo "$listing" | grep -vE '^package/(dist/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)' || true)
  [ -z "$stray" ] || fail "$(basename "$tgz") ships files outside \`files\`: $stray"
  echo "$listing" | grep -q '^package/CHANGELOG.md$' || fail "$(basename "$tgz") has no CHANGELOG.md"
  tar -xzOf "$tgz" package/package.json | grep -q '"workspace:' && fail "$(basename "$tgz") still has a workspace: range"
done

# 6. The sandbox, served from the workspace, for the typed call.
node "$root/.ci/registry/serve-sandbox.mjs" >"$work/sandbox.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q SANDBOX_URL "$work/sandbox.out" && break; sleep 0.1; done
eval "export $(grep -o 'SANDBOX_URL=[^ ]* SANDBOX_TOKEN=[^ ]*' "$work/sandbox.out")"

# 7. Fresh projects: GitHub only, with npm and with pnpm.
heavy='ioredis|better-sqlite3|^pg$|pg-pool|@opentelemetry|prom-client|redis'
for pm in npm pnpm; do
  app="$work/app-$pm"; mkdir "$app"; cd "$app"
  cp "$work/npmrc" .npmrc
  printf '{ "name": "app-%s", "private": true, "type": "module" }\n' "$pm" > package.json
  cp "$root/.ci/registry/typed-call.ts" .
  printf '{ "compilerOptions": { "target": "es2023", "module": "nodenext", "strict": true, "noEmit": true, "skipLibCheck": false, "allowImportingTsExtensions": true, "types": ["node"] } }\n' > tsconfig.json
  if [ "$pm" = npm ]; then
    npm install --silent --no-audit --no-fund "@connectors/github@$version" >/dev/null
    npm install --silent --no-audit --no-fund -D typescript@6 @types/node@22 >/dev/null
    installed=$(npm ls --all --parseable | sed 's#.*/node_modules/##' | sort -u)
  else
    pnpm add "@connectors/github@$version" >/dev/null
    pnpm add -D typescript@6 @types/node@22 >/dev/null
    installed=$(ls node_modules/.pnpm | sed -E 's/@[^@]+$//; s/\+/\//' | sort -u)
  fi
  got=$(node -p "require('./node_modules/@connectors/github/package.json').version")
  [ "$got" = "$version" ] || fail "$pm installed @connectors/github@$got, expected $version"
  pulled=$(echo "$installed" | grep -E "$heavy" || true)
  [ -z "$pulled" ] || fail "$pm: a GitHub-only install pulled optional backends: $pulled"
  npx tsc -p . || fail "$pm: the typed call does not type-check against the published declarations"
  node typed-call.ts || fail "$pm: the typed call failed against the sandbox"
  echo "$pm: installed @connectors/github@$version alone ($(echo "$installed" | wc -l) packages, no optional backends), typed call ok"
done
echo "registry round trip: ok"
