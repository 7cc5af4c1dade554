// Shopify's cost-based rate limit and bulk result streaming.
//
// 1. Cost pacing: CALLS GraphQL queries of requested cost 50 against the Shopify sandbox's bucket
//    (1,000 points, 50 restored per second, one bucket per shop), IN_FLIGHT at a time. Our connector
//    paces from each answer's extensions.cost (the core's leaky-bucket pacer fed by
//    shopifyCostReader); the naive client sends as fast as it can and, on THROTTLED, sleeps 1 s and
//    tries again (the usual hand-written loop). Both run at the same time against two shops (Shopify
//    keeps a bucket per shop, so they do not share points). Target: zero THROTTLED for ours and a
//    total time within 10% of the theoretical minimum, (CALLS x 50 - 1,000) / 50 seconds = 480 s.
//    BENCH_SHOPIFY_TIME_SCALE=K runs the sandbox's and both clients' clocks K times faster (figures
//    are then in bucket seconds); the default, 1, is real time.
// 2. Bulk results: a ~1 GB JSONL file, made on the fly by a server in its own process, streamed line
//    by line with bulkOperations.results(); peak RSS sampled every 10 ms. Target: under 150 MB. The
//    baseline reads a 100 MB file the naive way (response.text(), split, JSON.parse) in the same run.
import { shopify } from '@connectors/shopify';
import { createShopifySandboxProvider, SHOPIFY_SANDBOX_ACCESS_TOKEN, shopifySandboxUrl } from '@connectors/shopify/sandbox';
import { startSandbox } from '@connectors/testing/sandbox';
import { fmt, result, startServer } from './lib.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 10);
const SCALE = Number(process.env.BENCH_SHOPIFY_TIME_SCALE ?? 1);
const BULK_BYTES = Number(process.env.BENCH_BULK_BYTES ?? 1024 ** 3);
const BASELINE_BYTES = Number(process.env.BENCH_BULK_BASELINE_BYTES ?? 100 * 1024 ** 2);
const BUCKET = { maximum: 1000, restoreRate: 50 };
const COST = 50;
// 2 for the connection + 48 products x 1 = 50 points (Shopify's cost rules, as the sandbox applies them).
const QUERY = 'query Bench { products(first: 48) { nodes { id } } }';

const MB = 1024 * 1024;

/** Peak RSS while `fn` runs, sampled every 10 ms. */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    const value = await fn();
    return { value, peak: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

async function bulkStreaming() {
  const big = await startServer('jsonl-server', [String(BULK_BYTES)]);
  const small = await startServer('jsonl-server', [String(BASELINE_BYTES)]);
  try {
    // Only `results()` is used: the file comes from the bench server, as a signed URL would.
    const store = shopify.create({ shop: 'bench', accessToken: 'unused', baseUrl: 'http://127.0.0.1:1' });
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage.rss();
    const started = performance.now();
    const streamed = await peakRss(async () => {
      let lines = 0;
      let children = 0;
      for await (const line of store.bulkOperations.results(`${big.url}/result.jsonl`)) {
        lines++;
        if (line.value.__parentId) children++;
      }
      return { lines, children };
    });
    const seconds = (performance.now() - started) / 1000;
    if (streamed.value.lines !== big.info['lines']) throw new Error(`read ${streamed.value.lines} lines, the file has ${String(big.info['lines'])}`);
    (globalThis as { gc?: () => void }).gc?.();
    const naive = await peakRss(async () => {
      const text = await (await fetch(`${small.url}/result.jsonl`)).text();
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown).length;
    });
    return {
      fileMb: Number(big.info['bytes']) / MB,
      lines: streamed.value.lines,
      seconds,
      rssBeforeMb: before / MB,
      peakRssMb: streamed.peak / MB,
      mbPerSecond: Number(big.info['bytes']) / MB / seconds,
      baselineFileMb: Number(small.info['bytes']) / MB,
      baselinePeakRssMb: naive.peak / MB,
    };
  } finally {
    big.stop();
    small.stop();
  }
}

async function costPacing() {
  const t0 = Date.now();
  const now = () => t0 + (Date.now() - t0) * SCALE;
  const clock = { now, sleep: (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms / SCALE);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  }) };
  const provider = createShopifySandboxProvider({ bucket: BUCKET });
  const sandbox = await startSandbox({ providers: [provider], now });
  const drive = async (call: () => Promise<unknown>) => {
    const started = now();
    let next = 0;
    let failed = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < CALLS) await call().catch(() => void failed++);
    }));
    return { seconds: (now() - started) / 1000, failed };
  };
  try {
    const store = shopify.create({ shop: 'paced', accessToken: SHOPIFY_SANDBOX_ACCESS_TOKEN, baseUrl: shopifySandboxUrl(sandbox, 'paced'), clock });
    let naiveRequests = 0;
    const naiveUrl = `${shopifySandboxUrl(sandbox, 'naive')}/admin/api/2026-10/graphql.json`;
    const naiveCall = async () => {
      for (;;) {
        naiveRequests++;
        const response = await fetch(naiveUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': SHOPIFY_SANDBOX_ACCESS_TOKEN }, body: JSON.stringify({ query: QUERY }) });
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        if (body.errors?.[0]?.extensions?.code !== 'THROTTLED') return body;
        await clock.sleep(1000);
      }
    };
    const [paced, naive] = await Promise.all([
      drive(() => store.http.graphql({ query: QUERY, operationName: 'Bench', estimatedCost: COST })),
      drive(naiveCall),
    ]);
    const stats = provider.stats();
    const minimum = (CALLS * COST - BUCKET.maximum) / BUCKET.restoreRate;
    return {
      minimumSeconds: minimum,
      paced: { ...paced, throttled: stats.throttledByShop['paced'] ?? 0, ratio: paced.seconds / minimum },
      naive: { ...naive, throttled: stats.throttledByShop['naive'] ?? 0, requests: naiveRequests, ratio: naive.seconds / minimum },
    };
  } finally {
    await sandbox.stop();
  }
}

const bulk = await bulkStreaming();
console.log(`bulk results: ${fmt(bulk.fileMb)} MB, ${fmt(bulk.lines)} lines in ${fmt(bulk.seconds, 1)} s (${fmt(bulk.mbPerSecond)} MB/s); peak RSS ${fmt(bulk.peakRssMb)} MB (${fmt(bulk.rssBeforeMb)} MB before). Naive text() + split of a ${fmt(bulk.baselineFileMb)} MB file: peak RSS ${fmt(bulk.baselinePeakRssMb)} MB.`);
console.log(`cost pacing: ${CALLS} queries of cost ${COST}, ${IN_FLIGHT} in flight, bucket ${BUCKET.maximum} points / ${BUCKET.restoreRate} per s${SCALE !== 1 ? `, clocks x${SCALE}` : ''}; theoretical minimum ${fmt((CALLS * COST - BUCKET.maximum) / BUCKET.restoreRate)} s`);
const cost = await costPacing();
console.log(`  connector (cost pacing): ${fmt(cost.paced.seconds, 1)} s (${fmt(cost.paced.ratio, 3)}x minimum), ${cost.paced.throttled} THROTTLED, ${cost.paced.failed} failed`);
console.log(`  naive (sleep 1 s on THROTTLED): ${fmt(cost.naive.seconds, 1)} s (${fmt(cost.naive.ratio, 3)}x minimum), ${cost.naive.throttled} THROTTLED in ${cost.naive.requests} requests, ${cost.naive.failed} failed`);
result('shopify-cost', { calls: CALLS, inFlight: IN_FLIGHT, timeScale: SCALE, ...cost, bulk });
const ok = cost.paced.throttled === 0 && cost.paced.ratio <= 1.1 && cost.paced.failed === 0 && bulk.peakRssMb < 150;
if (!ok) process.exitCode = 1;
