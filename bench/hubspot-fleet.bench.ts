// Four worker processes sync HubSpot contacts through one budget shared in Redis, against the HubSpot
// sandbox (in this process): a rolling limit of 100 calls per 10 s per account (HubSpot's Free/Starter
// burst limit) with X-HubSpot-RateLimit-* headers and 429s beyond it, and OAuth access tokens that
// expire every few seconds (HubSpot's are 30 minutes; shortened so a run sees several expiries).
// Each worker pages through the contacts (10 per page, so the run is bound by the limit and not by
// the CPU of a shared machine) with its own OAuth client; the clients share the token
// store (Redis) and the budget (redisRateLimiter). Reported: total time against the limit's minimum
// (calls / limit x window), 429s, failed calls, token refreshes against token lifetimes, and refresh
// tokens presented twice (a refresh race across the fleet would show here: the sandbox rotates
// refresh tokens and revokes the family on reuse). Target: zero 429s, within 10 % of the minimum,
// one refresh per expiry across the fleet.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { redisTokenStore, redisRateLimiter } from '@connectors/core/redis';
import { hubspot } from '@connectors/hubspot';
import { HUBSPOT_SANDBOX_CLIENT_ID, HUBSPOT_SANDBOX_CLIENT_SECRET, HUBSPOT_SANDBOX_REFRESH_TOKEN, hubspotSandboxProvider } from '@connectors/hubspot/sandbox';
import { startSandbox } from '@connectors/testing/sandbox';
import { Redis } from 'ioredis';
import { fmt, result } from './lib.ts';

const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const PAGES_PER_WORKER = Number(process.env.BENCH_PAGES ?? 125);
// Small pages: the run must be bound by the limit, not by the CPU of a shared 2-core machine.
const PAGE_SIZE = Number(process.env.BENCH_PAGE_SIZE ?? 10);
const LIMIT = 100;
const WINDOW_MS = 10_000;
const TOKEN_TTL_S = Number(process.env.BENCH_TOKEN_TTL ?? 8);
const REFRESH_MARGIN_MS = 1500;

interface WorkerResult { calls: number; failed: number; firstMs: number; lastMs: number; errors: string[]; sentAt: number[]; throttledMs: number }

async function worker(url: string, prefix: string): Promise<void> {
  const sent: number[] = [];
  const throttled = { ms: 0 };
  const redis = new Redis({ lazyConnect: false, maxRetriesPerRequest: 2 });
  const client = hubspot.create({
    baseUrl: url,
    oauth: {
      clientId: HUBSPOT_SANDBOX_CLIENT_ID, clientSecret: HUBSPOT_SANDBOX_CLIENT_SECRET, refreshToken: HUBSPOT_SANDBOX_REFRESH_TOKEN,
      store: redisTokenStore({ redis, prefix: `${prefix}:auth:` }), credentialId: 'hubspot:bench-portal', refreshMarginMs: REFRESH_MARGIN_MS,
    },
    limits: { tenSecondly: { requests: LIMIT, per: WINDOW_MS } },
    shared: (bucket, budget) => redisRateLimiter({ redis, key: `${prefix}:limit:${bucket}`, ...budget }),
    retry: { maxAttempts: 4 },
    onEvent: (e) => {
      if (e.type === 'request') sent.push(Date.now());
      if (e.type === 'throttled') throttled.ms += e.waitMs;
    },
  });
  const out: WorkerResult = { calls: 0, failed: 0, firstMs: 0, lastMs: 0, errors: [], sentAt: sent, throttledMs: 0 };
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.send!('ready');
  await go;
  out.firstMs = Date.now();
  try {
    for await (const page of client.contacts.list({ limit: PAGE_SIZE, maxPages: PAGES_PER_WORKER, prefetch: false }).pages()) {
      out.calls++;
      void page;
    }
  } catch (error) {
    out.failed++;
    out.errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  out.lastMs = Date.now();
  out.throttledMs = throttled.ms;
  process.send!(out);
  await client.http.close();
  redis.disconnect();
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    providers: [hubspotSandboxProvider({ seed: { contacts: PAGES_PER_WORKER * PAGE_SIZE, deals: 1, companies: 1, tickets: 1 }, tokenTtlSeconds: TOKEN_TTL_S, tenSecondly: { max: LIMIT, intervalMs: WINDOW_MS } })],
  });
  const prefix = `bench:hubspot-fleet:${process.pid}:${Date.now()}`;
  const file = fileURLToPath(import.meta.url);
  const children = Array.from({ length: WORKERS }, () => fork(file, ['worker', sandbox.urlFor('hubspot'), prefix], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  // The clock starts once every worker has loaded and built its client (seconds on a busy machine).
  await Promise.all(children.map((child) => new Promise<void>((resolve) => child.once('message', () => resolve()))));
  const results = children.map((child) => new Promise<WorkerResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as WorkerResult));
    child.once('exit', (code) => (code ? reject(new Error(`worker exited with ${code}`)) : undefined));
  }));
  sandbox.resetStats();
  const started = Date.now();
  for (const child of children) child.send('go');
  const done = await Promise.all(results);
  const elapsedMs = Math.max(...done.map((d) => d.lastMs)) - started;
  const stats = sandbox.stats();
  await sandbox.stop();
  const redis = new Redis();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();

  const calls = done.reduce((n, d) => n + d.calls, 0);
  const minimumMs = (calls / LIMIT) * WINDOW_MS;
  const rollingMinimumMs = (Math.ceil(calls / LIMIT) - 1) * WINDOW_MS;
  // One refresh per expiry: each token is refreshed REFRESH_MARGIN_MS before it expires, so the run
  // needs at most ceil(elapsed / (TTL - margin)) tokens across the whole fleet. A race between workers
  // would add refreshes, and present a rotated refresh token twice.
  const lifetimes = Math.ceil(elapsedMs / (TOKEN_TTL_S * 1000 - REFRESH_MARGIN_MS));
  console.log(`${WORKERS} workers x ${PAGES_PER_WORKER} pages of ${PAGE_SIZE} contacts, one Redis-shared budget of ${LIMIT} per ${WINDOW_MS / 1000} s (rolling), OAuth tokens living ${TOKEN_TTL_S} s`);
  console.log(`  calls            ${fmt(calls)} (+ ${stats.oauth.tokenRequests} token requests), failed ${done.reduce((n, d) => n + d.failed, 0)}${done.some((d) => d.errors.length) ? `: ${done.flatMap((d) => d.errors).join('; ')}` : ''}`);
  console.log(`  time             ${fmt(elapsedMs / 1000, 1)} s; minimum calls / limit x window ${fmt(minimumMs / 1000, 1)} s -> ${fmt(elapsedMs / minimumMs, 2)}x (the rolling window's strict minimum, first ${LIMIT} at once: ${fmt(rollingMinimumMs / 1000, 1)} s -> ${fmt(elapsedMs / rollingMinimumMs, 2)}x)`);
  // Requests sent per window of the limit, from the workers' request events: the budget's shape.
  const windows = new Map<number, number>();
  for (const at of done.flatMap((d) => d.sentAt)) windows.set(Math.floor((at - started) / WINDOW_MS), (windows.get(Math.floor((at - started) / WINDOW_MS)) ?? 0) + 1);
  console.log(`  sent per ${WINDOW_MS / 1000} s   ${[...windows.entries()].sort((a, b) => a[0] - b[0]).map(([w, n]) => `${w * WINDOW_MS / 1000}s: ${n}`).join(', ')}`);
  if (process.env.BENCH_DEBUG) console.log(`  first send after ${done.map((d) => Math.min(...d.sentAt) - started).join(', ')} ms; throttled ${done.map((d) => d.throttledMs).join(', ')} ms`);
  console.log(`  429s             ${stats.statuses[429] ?? 0}`);
  console.log(`  token refreshes  ${stats.oauth.refreshes} across the fleet, at most ${lifetimes} token lifetimes in the run (tokens live ${TOKEN_TTL_S} s, refreshed ${REFRESH_MARGIN_MS / 1000} s early); 401s ${stats.unauthorized}; refresh tokens presented twice ${stats.oauth.reuseDetected}; invalid grants ${stats.oauth.invalidGrants}`);
  result('hubspot-fleet', {
    workers: WORKERS, calls, elapsedMs, minimumMs, ratio: Number((elapsedMs / minimumMs).toFixed(3)), rollingMinimumMs, rejected429: stats.statuses[429] ?? 0,
    failed: done.reduce((n, d) => n + d.failed, 0), refreshes: stats.oauth.refreshes, lifetimes, unauthorized: stats.unauthorized, reuseDetected: stats.oauth.reuseDetected, invalidGrants: stats.oauth.invalidGrants,
  });
}

if (process.argv[2] === 'worker') await worker(process.argv[3]!, process.argv[4]!);
else await main();
