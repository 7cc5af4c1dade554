// CPU cost per call of the request pipeline, without a network: every variant gets the same ~1 KB
// JSON from an in-process fake fetch, one call at a time. Shows what each default layer costs on
// top of ky (which the client uses as its transport), in µs per call; the HTTP benchmark
// (client.bench.ts) shows the same overhead diluted by real I/O.
import { createHttpClient } from '@connectors/core';
import ky from 'ky';
import * as v from 'valibot';
import { fmt, median, result } from './lib.ts';

const item = (i: number) => ({ id: i, login: `user-${i}`, name: 'Ada Lovelace', active: i % 2 === 0, score: i * 1.5, tags: ['a', 'b'] });
const body = JSON.stringify({ data: Array.from({ length: 9 }, (_, i) => item(i)), total: 9 });
const fakeFetch = (async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } })) as typeof fetch;
const schema = v.object({
  data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })),
  total: v.number(),
});
const client = (options: Record<string, unknown>, withSchema = true) => {
  const http = createHttpClient({ connector: 'bench', baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch, ...options });
  return () => http.request({ path: '/users', operation: 'users.list', ...(withSchema ? { schema } : {}) });
};

const variants: Record<string, () => Promise<unknown>> = {
  'bare fetch + JSON': async () => (await fakeFetch('http://127.0.0.1:1/users')).json(),
  'bare ky + JSON': () => ky.get('http://127.0.0.1:1/users', { fetch: fakeFetch }).json(),
  'connectors (defaults, valibot schema)': client({}),
  'without circuit breaker and rate limiter': client({ circuitBreaker: false, rateLimit: false }),
  'without drift detection': client({ validation: { drift: 'off' } }),
  'without a schema': client({}, false),
};

async function perCallUs(fn: () => Promise<unknown>, calls: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return ((performance.now() - start) * 1000) / calls;
}

for (const fn of Object.values(variants)) await perCallUs(fn, 3000);
const samples: Record<string, number[]> = {};
for (let round = 0; round < 7; round++) {
  for (const [name, fn] of Object.entries(variants)) (samples[name] ??= []).push(await perCallUs(fn, 5000));
}
const us = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
const ky_ = us['bare ky + JSON']!;
console.log('\npipeline CPU per call, fake fetch, one call at a time (median of 7 rounds x 5,000 calls)');
console.log('| variant | µs per call | over bare ky |');
console.log('|---|---:|---:|');
for (const [name, value] of Object.entries(us)) console.log(`| ${name} | ${fmt(value, 1)} | ${value >= ky_ ? '+' : ''}${fmt(value - ky_, 1)} |`);
result('pipeline', { usPerCall: us });
process.exit(0);
