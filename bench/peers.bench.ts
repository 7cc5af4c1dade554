// The client against its peers on the same local server: calls per second, 32 in flight, ~1 KB
// JSON, interleaved rounds, median of per-round ratios to bare ky (as client.bench.ts).
//   bare ky                              the baseline (ky's defaults)
//   connectors                           createHttpClient().request() with a valibot schema (defaults)
//   connectors + production set          + pino call log (failures, retries, notable events; successes
//                                          counted in Prometheus, not logged one by one) + Prometheus
//   connectors + production, every line  the same, logging every successful attempt too
//   connectors + production + OTel       + OpenTelemetry spans and the duration histogram
//   got                                  got's defaults (retry 2 on GET)
//   axios + axios-retry                  axios with axios-retry (3 retries, exponential delay)
//   octokit + retry + throttling         @octokit/core with @octokit/plugin-retry and plugin-throttling
// The peers get no schema: connectors validates the body and still has to keep up.
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { createHttpClient } from '@connectors/core';
import axios from 'axios';
import axiosRetry from 'axios-retry';
import got from 'got';
import ky from 'ky';
import * as v from 'valibot';
import { closedLoop, fmt, median, result, rotated, startServer } from './lib.ts';
import { setupProduction } from './observability-setup.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const DURATION_MS = Number(process.env.BENCH_MS ?? 700);
const CONCURRENCY = 32;

const server = await startServer('json-server');
const url = `${server.url}/users`;
const schema = v.object({
  data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })),
  total: v.number(),
});

const connectors = (setup?: (client: ReturnType<typeof createHttpClient>) => void) => {
  const client = createHttpClient({ connector: 'bench', baseUrl: server.url });
  setup?.(client);
  return () => client.request({ path: '/users', schema, operation: 'users.list' });
};

const axiosClient = axios.create();
axiosRetry(axiosClient, { retries: 3, retryDelay: axiosRetry.exponentialDelay });

const PeerOctokit = Octokit.plugin(retry, throttling);
const octokit = new PeerOctokit({
  baseUrl: server.url,
  // plugin-throttling requires both handlers; retrying once is what its README shows.
  throttle: { onRateLimit: (_after: number, _options: object, _o: unknown, retryCount: number) => retryCount < 1, onSecondaryRateLimit: () => false },
});

type Variant = { name: string; run: () => Promise<unknown> };
const variants: Variant[] = [
  { name: 'bare ky', run: () => ky.get(url).json() },
  { name: 'connectors', run: connectors() },
  { name: 'connectors + production set', run: connectors((c) => setupProduction(c)) },
  { name: 'connectors + production, every line', run: connectors((c) => setupProduction(c, { logSuccesses: true })) },
  { name: 'connectors + production + OTel', run: connectors((c) => setupProduction(c, { openTelemetry: true })) },
  { name: 'got', run: () => got(url).json() },
  { name: 'axios + axios-retry', run: async () => (await axiosClient.get(url)).data },
  { name: 'octokit + retry + throttling', run: async () => (await octokit.request('GET /users')).data },
];

for (const variant of variants) await closedLoop(variant.run, CONCURRENCY, 500);

const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of rotated(variants, round)) samples.get(variant.name)!.push(await closedLoop(variant.run, CONCURRENCY, DURATION_MS));
}
server.stop();

const kyRounds = samples.get('bare ky')!;
const ratio = (name: string) => median(samples.get(name)!.map((rate, round) => rate / kyRounds[round]!));
const rates = Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]));
const ratios = Object.fromEntries(variants.map((variant) => [variant.name, ratio(variant.name)]));

console.log(`\npeers, ${CONCURRENCY} in flight, ~${server.info.bytes} B JSON, median of ${ROUNDS} rounds x ${DURATION_MS} ms`);
console.log('| variant | calls/s (median) | vs bare ky (median of per-round ratios) |');
console.log('|---|---:|---:|');
for (const variant of variants) console.log(`| ${variant.name} | ${fmt(rates[variant.name]!)} | ${fmt(ratios[variant.name]!, 2)}x |`);

const production = ratios['connectors + production set']!;
const withOtel = ratios['connectors + production + OTel']!;
const peers = ['got', 'axios + axios-retry', 'octokit + retry + throttling'];
const fastestPeer = Math.max(...peers.map((p) => ratios[p]!));
console.log(`target: production set >= 0.9x bare ky -> ${production >= 0.9 ? 'met' : 'MISSED'} (${fmt(production, 2)}x)`);
console.log(`target: production set + OpenTelemetry >= 0.75x bare ky -> ${withOtel >= 0.75 ? 'met' : 'MISSED'} (${fmt(withOtel, 2)}x)`);
console.log(`target: production set ahead of every peer -> ${production > fastestPeer ? 'met' : 'MISSED'} (fastest peer ${fmt(fastestPeer, 2)}x)`);
result('peers', { rates, ratiosVsKy: ratios, concurrency: CONCURRENCY, bodyBytes: server.info.bytes });
process.exit(0);
