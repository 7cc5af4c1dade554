// Calls per second of createHttpClient().request() with a valibot schema vs bare ky vs bare fetch,
// 32 in flight, ~1 KB JSON, against a server in another process. Variants run in interleaved
// rounds and the median is reported, so a noisy neighbour hurts all of them alike.
import { createHttpClient } from '@connectors/core';
import ky from 'ky';
import * as v from 'valibot';
import { closedLoop, fmt, median, result, rotated, startServer } from './lib.ts';

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

const client = createHttpClient({ connector: 'bench', baseUrl: server.url });

type Variant = { name: string; run: () => Promise<unknown> };
const variants: Variant[] = [
  { name: 'bare fetch', run: async () => (await fetch(url)).json() },
  { name: 'bare ky', run: () => ky.get(url).json() },
  { name: 'connectors', run: () => client.request({ path: '/users', schema, operation: 'users.list' }) },
];

// Everything switched on (call log, rolling windows, Prometheus, OpenTelemetry), when the package is built.
try {
  const { setupEverything } = await import('./observability-setup.ts');
  const observed = createHttpClient({ connector: 'bench', baseUrl: server.url });
  await setupEverything(observed);
  variants.push({ name: 'connectors + observability', run: () => observed.request({ path: '/users', schema, operation: 'users.list' }) });
  // The production set (#18): pino call log of failures and notable events + Prometheus; successes counted in metrics.
  const { setupProduction } = await import('./observability-setup.ts');
  const production = createHttpClient({ connector: 'bench', baseUrl: server.url });
  setupProduction(production);
  variants.push({ name: 'connectors + production set', run: () => production.request({ path: '/users', schema, operation: 'users.list' }) });
} catch (error) {
  console.log(`(observability variant skipped: ${(error as Error).message})`);
}

// Warm up JIT and keep-alive pools.
for (const variant of variants) await closedLoop(variant.run, CONCURRENCY, 500);

const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of rotated(variants, round)) samples.get(variant.name)!.push(await closedLoop(variant.run, CONCURRENCY, DURATION_MS));
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
if (observedRatio !== undefined) console.log(`target: with everything on (production set + OpenTelemetry) >= 0.75x bare ky -> ${observedRatio >= 0.75 ? 'met' : 'MISSED'} (${fmt(observedRatio, 2)}x)`);
const productionRatio = samples.has('connectors + production set') ? ratioToKy('connectors + production set') : undefined;
if (productionRatio !== undefined) console.log(`target: production set (pino + Prometheus) >= 0.9x bare ky -> ${productionRatio >= 0.9 ? 'met' : 'MISSED'} (${fmt(productionRatio, 2)}x)`);
result('client', { rates, ratioVsKy: ratio, observedRatioVsKy: observedRatio, productionRatioVsKy: productionRatio, concurrency: CONCURRENCY, bodyBytes: server.info.bytes });
process.exit(0);
