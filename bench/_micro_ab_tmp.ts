const { createHttpClient } = await import(process.env.CORE!);
import ky from 'ky';
import * as v from 'valibot';
const item = (i: number) => ({ id: i, login: `user-${i}`, name: 'Ada Lovelace', active: i % 2 === 0, score: i * 1.5, tags: ['a', 'b'] });
const body = JSON.stringify({ data: Array.from({ length: 9 }, (_, i) => item(i)), total: 9 });
const fakeFetch = async (_input: unknown, _init?: unknown) => new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } });
const schema = v.object({ data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })), total: v.number() });
const variants: Record<string, () => Promise<unknown>> = {
  fetch: async () => (await fakeFetch('http://x/users')).json(),
  ky: () => ky.get('http://127.0.0.1:1/users', { fetch: fakeFetch as typeof fetch }).json(),
  client: (() => { const c = createHttpClient({ connector: 'b', baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch as typeof fetch }); return () => c.request({ path: '/users', schema, operation: 'u' }); })(),
  'client-no-rl-cb': (() => { const c = createHttpClient({ connector: 'b', baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch as typeof fetch, rateLimit: false, circuitBreaker: false }); return () => c.request({ path: '/users', schema, operation: 'u' }); })(),
  'client-noschema': (() => { const c = createHttpClient({ connector: 'b', baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch as typeof fetch }); return () => c.request({ path: '/users', operation: 'u' }); })(),
  'client-nodrift': (() => { const c = createHttpClient({ connector: 'b', baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch as typeof fetch, validation: { drift: 'off' } }); return () => c.request({ path: '/users', schema, operation: 'u' }); })(),
};
const only = process.argv.slice(2);
async function measure(fn: () => Promise<unknown>, n: number) { const t = performance.now(); for (let i = 0; i < n; i++) await fn(); return ((performance.now() - t) * 1000) / n; }
for (const fn of Object.values(variants)) await measure(fn, 3000);
const res: Record<string, number[]> = {};
for (let r = 0; r < 5; r++) for (const [k, fn] of Object.entries(variants)) if (!only.length || only.includes(k)) (res[k] ??= []).push(await measure(fn, 5000));
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(18), (v.sort((a, b) => a - b)[2]!).toFixed(1), 'µs/call');
