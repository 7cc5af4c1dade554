import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../report.ts';

/**
 * Tokens the sandboxes mint: `sbx_at_<n>_<random>` / `sbx_rt_<n>_<random>` (the testing kit's OAuth
 * server, used by GitHub and HubSpot) and Slack's rotated `xoxe.xoxb-sandbox<n>` / `xoxe-1-sandbox-<n>`
 * (packages/slack/src/sandbox/slack-sandbox-tokens.ts, the initial refresh token included).
 */
const MINTED = /sbx_(?:at|rt)_\d+_[A-Za-z0-9_-]{8,}|xoxe\.xoxb-sandbox\d+|xoxe-1-sandbox-[a-z0-9-]+/g;

/**
 * Reads every SQLite file of the demo's database directory (main files, WAL, shared memory) as raw
 * bytes, after the app closed, and looks for any access or refresh token the sandbox minted.
 */
export function tokensAtRestCheck(directory: string, seedRefreshToken = 'demo-refresh-token-0'): Check {
  const files = readdirSync(directory).filter((name) => /\.db(?:-wal|-shm|-journal)?$/.test(name));
  const found = new Set<string>();
  let bytes = 0;
  for (const name of files) {
    const text = readFileSync(join(directory, name)).toString('latin1');
    bytes += text.length;
    for (const match of text.matchAll(MINTED)) found.add(`${match[0].slice(0, 10)}… in ${name}`);
    if (text.includes(seedRefreshToken)) found.add(`the seed refresh token in ${name}`);
  }
  const ok = files.length > 0 && found.size === 0;
  return {
    ok,
    label: `tokens at rest: no access or refresh token in clear in ${files.length} database file(s) (${Math.round(bytes / 1024)} KiB read raw)`,
    ...(ok ? {} : { detail: files.length === 0 ? `no database files in ${directory}` : [...found].join(', ') }),
  };
}
