// `pnpm test:live --filter <connector>`: the connector's read-only checks against the real provider,
// with schema drift reported. Each connector package runs `node ../../scripts/test-live.ts` from its
// own folder and describes its checks in `src/live-checks.ts` (not part of its published bundle).
// Without the connector's credentials in the environment it says what it skipped and exits 0, so CI
// (which has none) runs it in skip mode. Checks only read: nothing is ever written to a live account.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectorEvent } from '@connectors/core';

/** What a connector's `src/live-checks.ts` exports as `liveChecks`. */
export interface LiveChecks<C> {
  /** Environment variables that must all be set to run live, e.g. `['GITHUB_TOKEN']`. */
  env: readonly string[];
  /** Refuses to run (returns why) when the credentials are not the kind the checks may use. */
  refuse?(env: NodeJS.ProcessEnv): string | undefined;
  /** Builds the connector against the real API; `common` collects events and reports drift. */
  create(common: { onEvent: (event: ConnectorEvent) => void; validation: { drift: 'report' }; baseUrl?: string }): C;
  /** Read-only calls, each named; a check throws to fail. */
  checks: readonly { name: string; run(connector: C): Promise<unknown> }[];
}

const dir = process.cwd();
const name = (await import(pathToFileURL(resolve(dir, 'package.json')).href, { with: { type: 'json' } })).default.name as string;
const { liveChecks } = (await import(pathToFileURL(resolve(dir, 'src/live-checks.ts')).href)) as { liveChecks: LiveChecks<unknown> };

const missing = liveChecks.env.filter((variable) => !process.env[variable]);
if (missing.length) {
  console.log(`${name} live: skipped: ${missing.join(', ')} not set. With ${missing.length > 1 ? 'them' : 'it'}, these read-only checks would run against the real API:`);
  for (const check of liveChecks.checks) console.log(`  - ${check.name}`);
  process.exit(0);
}
const refused = liveChecks.refuse?.(process.env);
if (refused) {
  console.error(`${name} live: refused: ${refused}`);
  process.exit(1);
}

const drift: ConnectorEvent[] = [];
// LIVE_BASE_URL points the checks elsewhere: GitHub Enterprise, a proxy, or the sandbox (how the
// runner itself is tested).
const baseUrl = process.env['LIVE_BASE_URL'];
const connector = liveChecks.create({ onEvent: (event) => void (event.type === 'schema-drift' && drift.push(event)), validation: { drift: 'report' }, ...(baseUrl ? { baseUrl } : {}) });
let failed = 0;
for (const check of liveChecks.checks) {
  try {
    await check.run(connector);
    console.log(`ok   ${check.name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${check.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
for (const event of drift) console.log(`drift ${JSON.stringify(event)}`);
console.log(`${name} live: ${liveChecks.checks.length - failed}/${liveChecks.checks.length} checks passed, ${drift.length} schema drift report${drift.length === 1 ? '' : 's'}`);
process.exit(failed ? 1 : 0);
