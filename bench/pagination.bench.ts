// Streams 1,000,000 small items over 10,000 cursor pages from a server in another process through
// http.paginate (valibot schema, drift detection, events: the whole pipeline) and reports items/s,
// peak RSS and heap growth, against the same client called in a loop and a hand-written fetch loop; each variant streams in a fresh
// process of its own so each peak RSS is its own. Then, with 20 ms of server latency and 20 ms of
// consumer work per page, compares the total time with prefetch against without.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHttpClient, cursorPagination } from '@connectors/core';
import * as v from 'valibot';
import { fmt, median, result, startServer } from './lib.ts';

const TOTAL = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const LIMIT = 100;
const LATENCY_PAGES = 50;
const LATENCY_MS = 20;
const WORK_MS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const List = v.object({ object: v.literal('list'), data: v.array(v.object({ id: v.string(), n: v.number(), ok: v.boolean() })), has_more: v.boolean() });
const pagination = cursorPagination({ cursorParam: 'starting_after', nextCursor: { lastItem: 'id' }, hasMore: 'has_more', limit: LIMIT });
const mb = (bytes: number) => bytes / 2 ** 20;

interface StreamResult {
  items: number;
  seconds: number;
  peakRssMb: number;
  startRssMb: number;
  /** Heap used after a full GC at 10% of the stream and at the end: flat means constant memory. */
  heapAt10Mb: number;
  heapAtEndMb: number;
}

/** Child mode: stream everything once with one variant and report. */
async function streamChild(variant: string, baseUrl: string): Promise<StreamResult> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, 10);
  const startRss = process.memoryUsage().rss;
  let heapAt10 = 0;
  let count = 0;
  const tenth = TOTAL / 10;
  const mark = () => {
    if (count === tenth) {
      gc();
      heapAt10 = process.memoryUsage().heapUsed;
    }
  };
  const started = performance.now();
  if (variant === 'connectors') {
    const http = createHttpClient({ connector: 'bench', baseUrl });
    for await (const item of http.paginate({ path: '/items', pagination, schema: List, items: 'data', operation: 'items.list' })) {
      if (item.id) count++;
      if (count % 1000 === 0) mark();
    }
  } else if (variant === 'send') {
    // The same client and schema, one call after the other: isolates what paginate itself costs.
    const http = createHttpClient({ connector: 'bench', baseUrl });
    for (let after: string | undefined, more = true; more; ) {
      const page = await http.request({ path: '/items', query: { limit: LIMIT, starting_after: after }, schema: List, operation: 'items.list' });
      for (const item of page.data) {
        if (item.id) count++;
        if (count % 1000 === 0) mark();
      }
      more = page.has_more;
      after = page.data.at(-1)?.id;
    }
  } else {
    // The loop people write by hand: sequential fetch + JSON.parse, no validation, no retries, no abort.
    for (let after: string | undefined, more = true; more; ) {
      const res = await fetch(`${baseUrl}/items?limit=${LIMIT}${after ? `&starting_after=${after}` : ''}`);
      const page = (await res.json()) as { data: { id: string }[]; has_more: boolean };
      for (const item of page.data) {
        if (item.id) count++;
        if (count % 1000 === 0) mark();
      }
      more = page.has_more;
      after = page.data.at(-1)?.id;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  sample();
  clearInterval(sampler);
  gc();
  return {
    items: count,
    seconds,
    peakRssMb: mb(Math.max(peak, process.resourceUsage().maxRSS * 1024)),
    startRssMb: mb(startRss),
    heapAt10Mb: mb(heapAt10),
    heapAtEndMb: mb(process.memoryUsage().heapUsed),
  };
}

if (process.argv[2] === '--child') {
  const stats = await streamChild(process.argv[3]!, process.argv[4]!);
  process.send?.(stats);
  process.exit(0);
}

function runChild(variant: string, baseUrl: string): Promise<StreamResult> {
  const child = fork(fileURLToPath(import.meta.url), ['--child', variant, baseUrl], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as StreamResult));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`${variant} stream exited with ${code}`))));
  });
}

const server = await startServer('pagination-server', [String(TOTAL)]);

// 1. Throughput and memory, one fresh process per variant.
const connectors = await runChild('connectors', server.url);
const send = await runChild('send', server.url);
const bare = await runChild('bare', server.url);
for (const r of [connectors, send, bare]) if (r.items !== TOTAL) throw new Error(`expected ${TOTAL} items, got ${r.items}`);

// 2. Overlap: slow API and slow consumer, with and without prefetch, interleaved rounds.
const http = createHttpClient({ connector: 'bench', baseUrl: server.url });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function timed(prefetch: boolean): Promise<number> {
  const t0 = performance.now();
  let pages = 0;
  const listing = http.paginate({ path: '/items', query: { delay: LATENCY_MS }, pagination, schema: List, items: 'data', maxPages: LATENCY_PAGES, prefetch });
  for await (const _page of listing.pages()) {
    pages++;
    await sleep(WORK_MS); // e.g. writing the page to a database
  }
  if (pages !== LATENCY_PAGES) throw new Error(`expected ${LATENCY_PAGES} pages, got ${pages}`);
  return performance.now() - t0;
}
await timed(true); // warm-up
const withPrefetch: number[] = [];
const sequential: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  sequential.push(await timed(false));
  withPrefetch.push(await timed(true));
}
server.stop();

const rate = (r: StreamResult) => r.items / r.seconds;
const prefetchMs = median(withPrefetch);
const sequentialMs = median(sequential);
const overlapRatio = prefetchMs / sequentialMs;

console.log(`\npagination: ${fmt(TOTAL)} items in ${fmt(TOTAL / LIMIT)} pages of ${LIMIT}, each variant in a fresh process`);
console.log('| variant | items/s | vs hand-written | peak RSS MB | heap after GC at 10% -> end, MB |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, r] of [
  ['http.paginate (valibot, drift, prefetch)', connectors],
  ['http.request loop (same client and schema)', send],
  ['hand-written fetch loop (no validation)', bare],
] as const) {
  console.log(`| ${name} | ${fmt(rate(r))} | ${fmt(rate(r) / rate(bare), 2)}x | ${fmt(r.peakRssMb)} | ${fmt(r.heapAt10Mb, 1)} -> ${fmt(r.heapAtEndMb, 1)} |`);
}
console.log(`\nslow API (${LATENCY_MS} ms/page) + slow consumer (${WORK_MS} ms/page), ${LATENCY_PAGES} pages, median of ${ROUNDS}`);
console.log('| variant | total ms | vs sequential |');
console.log('|---|---:|---:|');
console.log(`| prefetch: false | ${fmt(sequentialMs)} | 1.00x |`);
console.log(`| prefetch: true (default) | ${fmt(prefetchMs)} | ${fmt(overlapRatio, 2)}x |`);
console.log(`target: peak RSS < 150 MB -> ${connectors.peakRssMb < 150 ? 'met' : 'MISSED'} (${fmt(connectors.peakRssMb)} MB; hand-written loop ${fmt(bare.peakRssMb)} MB)`);
console.log(`target: prefetch <= 0.6x sequential -> ${overlapRatio <= 0.6 ? 'met' : 'MISSED'} (${fmt(overlapRatio, 2)}x)`);
result('pagination', {
  items: TOTAL,
  pages: TOTAL / LIMIT,
  itemsPerSecond: Math.round(rate(connectors)),
  sendLoopItemsPerSecond: Math.round(rate(send)),
  bareItemsPerSecond: Math.round(rate(bare)),
  peakRssMb: Math.round(connectors.peakRssMb),
  sendLoopPeakRssMb: Math.round(send.peakRssMb),
  barePeakRssMb: Math.round(bare.peakRssMb),
  heapAfterGcMb: [Number(connectors.heapAt10Mb.toFixed(1)), Number(connectors.heapAtEndMb.toFixed(1))],
  prefetchMs: Math.round(prefetchMs),
  sequentialMs: Math.round(sequentialMs),
  overlapRatio: Number(overlapRatio.toFixed(3)),
});
process.exit(0);
