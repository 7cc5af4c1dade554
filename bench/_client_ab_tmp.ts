// TEMPORARY helper copy of client.bench.ts comparing the original and new rate-limit/validation files; deleted when done.
// Calls per second of createHttpClient().request() with a valibot schema vs bare ky vs bare fetch,
// 32 in flight, ~1 KB JSON, against a server in another process. Variants run in interleaved
// rounds and the median is reported, so a noisy neighbour hurts all of them alike.
const before = (await import('/tmp/ab/before/dist/index.js')).createHttpClient;
const after = (await import('/tmp/ab/after/dist/index.js')).createHttpClient;
const ctx = (await import('/tmp/ab/ctx/dist/index.js')).createHttpClient;
import ky from 'ky';
import * as v from 'valibot';
import { closedLoop, fmt, median, result, startServer } from './lib.ts';

// Many short interleaved rounds: a ratio is taken within each round, where the variants ran
// seconds apart, and the median ratio is reported. On a shared machine that beats long runs.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const DURATION_MS = Number(process.env.BENCH_MS ?? 700);
const CONCURRENCY = 32;

const server = await startServer('json-server');
const url = `${server.url}/users`;

const schema = v.object({
  data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })),
  total: v.number(),
});

const clientBefore = before({ connector: 'bench', baseUrl: server.url });
const clientAfter = after({ connector: 'bench', baseUrl: server.url });
const clientCtx = ctx({ connector: 'bench', baseUrl: server.url });

type Variant = { name: string; run: () => Promise<unknown> };
const variants: Variant[] = [
  { name: 'bare fetch', run: async () => (await fetch(url)).json() },
  { name: 'bare ky', run: () => ky.get(url).json() },
  { name: 'connectors before', run: () => clientBefore.request({ path: '/users', schema, operation: 'users.list' }) },
  { name: 'connectors', run: () => clientAfter.request({ path: '/users', schema, operation: 'users.list' }) },
  { name: 'connectors + class context', run: () => clientCtx.request({ path: '/users', schema, operation: 'users.list' }) },
];

// Warm up JIT and keep-alive pools.
for (const variant of variants) await closedLoop(variant.run, CONCURRENCY, 500);

const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of variants) samples.get(variant.name)!.push(await closedLoop(variant.run, CONCURRENCY, DURATION_MS));
}
server.stop();

const rates = Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]));
const kyRounds = samples.get('bare ky')!;
/** Median over rounds of (variant / bare ky) measured in the same round. */
const ratioToKy = (name: string) => median(samples.get(name)!.map((rate, round) => rate / kyRounds[round]!));
const ky_ = rates['bare ky']!;
console.log(`\nclient throughput, ${CONCURRENCY} in flight, ~${server.info.bytes} B JSON, median of ${ROUNDS} rounds x ${DURATION_MS} ms`);
console.log('| variant | calls/s (median) | vs bare ky (median of per-round ratios) |');
console.log('|---|---:|---:|');
for (const [name, rate] of Object.entries(rates)) console.log(`| ${name} | ${fmt(rate)} | ${fmt(ratioToKy(name), 2)}x |`);
void ky_;
const ratio = ratioToKy('connectors');
const observedRatio = samples.has('connectors + observability') ? ratioToKy('connectors + observability') : undefined;
console.log(`target: connectors >= 0.9x bare ky -> ${ratio >= 0.9 ? 'met' : 'MISSED'} (${fmt(ratio, 2)}x)`);
if (observedRatio !== undefined) console.log(`target: with observability >= 0.9x bare ky -> ${observedRatio >= 0.9 ? 'met' : 'MISSED'} (${fmt(observedRatio, 2)}x)`);
console.log('before vs ky', fmt(ratioToKy('connectors before'), 2));
process.exit(0);
