// A burst of 500 calls against a provider that allows 100 per second (fixed windows, 429 beyond),
// in a separate process. Our client paces from the X-RateLimit headers (or a declared budget when the
// server sends none); bare ky uses its default retry (2 retries, honours Retry-After). Reported: total
// time, requests sent, 429s received, calls that failed. Target: zero 429s and a total time within
// 10% of the theoretical minimum, calls / limit.
import { createHttpClient } from '@connectors/core';
import ky from 'ky';
import { fmt, result, startServer } from './lib.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const LIMIT = 100;
const WINDOW_MS = 1000;
const IN_FLIGHT = 50;

const server = await startServer('limited-server', [String(LIMIT), String(WINDOW_MS)]);
const minimumMs = (CALLS / LIMIT) * WINDOW_MS;

/** Issues CALLS calls all at once, or with `inFlight` always outstanding; counts failures. */
async function drive(call: () => Promise<unknown>, inFlight: number | 'all'): Promise<number> {
  let failed = 0;
  const one = () => call().catch(() => {
    failed++;
  });
  if (inFlight === 'all') {
    await Promise.all(Array.from({ length: CALLS }, one));
  } else {
    let next = 0;
    const worker = async () => {
      while (next++ < CALLS) await one();
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  }
  return failed;
}

interface Row { variant: string; issue: string; ms: number; sent: number; rejected429: number; failed: number }
const rows: Row[] = [];

async function measure(variant: string, inFlight: number | 'all', call: () => Promise<unknown>): Promise<void> {
  // Start each run in a window no earlier run has touched.
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
  await fetch(`${server.url}/__reset`, { method: 'POST' });
  const start = performance.now();
  const failed = await drive(call, inFlight);
  const ms = performance.now() - start;
  const stats = (await (await fetch(`${server.url}/__stats`)).json()) as { requests: number; rejected: number };
  rows.push({ variant, issue: inFlight === 'all' ? `all ${CALLS} at once` : `${inFlight} in flight`, ms, sent: stats.requests, rejected429: stats.rejected, failed });
}

for (const inFlight of ['all', IN_FLIGHT] as const) {
  const paced = createHttpClient({ connector: 'bench', baseUrl: server.url });
  await measure('connectors (paced from headers)', inFlight, () => paced.request({ path: '/items' }));
  const budgeted = createHttpClient({ connector: 'bench', baseUrl: server.url, rateLimit: { budget: { requests: LIMIT, per: WINDOW_MS } } });
  await measure('connectors (declared budget, no headers)', inFlight, () => budgeted.request({ path: '/plain/items' }));
  await measure('bare ky (default retry)', inFlight, () => ky.get(`${server.url}/items`).json());
}
server.stop();

console.log(`\n${CALLS} calls against ${LIMIT} requests / ${WINDOW_MS} ms (fixed windows); theoretical minimum ${fmt(minimumMs)} ms`);
console.log('| variant | issued | total ms | vs minimum | requests sent | 429s | failed calls |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.variant} | ${r.issue} | ${fmt(r.ms)} | ${fmt(r.ms / minimumMs, 2)}x | ${r.sent} | ${r.rejected429} | ${r.failed} |`);
}
const ours = rows.filter((r) => r.variant.startsWith('connectors'));
const met = ours.every((r) => r.rejected429 === 0 && r.failed === 0 && r.ms <= minimumMs * 1.1);
console.log(`target: zero 429s and total time <= 1.1x the minimum for every connectors run -> ${met ? 'met' : 'MISSED'}`);
result('rate-limit', { calls: CALLS, limit: LIMIT, windowMs: WINDOW_MS, minimumMs, rows: rows.map((r) => ({ ...r, ms: Math.round(r.ms) })), targetMet: met });
process.exit(0);
