// Temporary A/B runner (helper's, deleted when done): same client code, original vs new rate-limit/validation files.
// node _ab_tmp.ts <before|after>  -> JSON of µs per call: lower quartile of 60 interleaved rounds of 500 calls (filters other load)
import * as v from 'valibot';
const side = process.argv[2]!;
const item = (i: number) => ({ id: i, login: `user-${i}`, name: 'Ada Lovelace', active: i % 2 === 0, score: i * 1.5, tags: ['a', 'b'] });
const body = JSON.stringify({ data: Array.from({ length: 9 }, (_, i) => item(i)), total: 9 });
const fakeFetch = async (_input: unknown, _init?: unknown) => new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } });
const schema = v.object({ data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })), total: v.number() });
const { createHttpClient } = await import(`/tmp/ab/${side}/${process.env.AB_DIST ? 'dist/index.js' : 'src/index.ts'}`);
const mk = (extra: object) => { const c = createHttpClient({ connector: 'b', baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch, ...extra }); return () => c.request({ path: '/users', schema, operation: 'u' }); };
const variants: Record<string, () => Promise<unknown>> = {
  client: mk({}), 'no-rl-cb': mk({ rateLimit: false, circuitBreaker: false }), nodrift: mk({ validation: { drift: 'off' } }),
};
async function measure(fn: () => Promise<unknown>, n: number) { const t = performance.now(); for (let i = 0; i < n; i++) await fn(); return ((performance.now() - t) * 1000) / n; }
for (const fn of Object.values(variants)) await measure(fn, 3000);
const res: Record<string, number[]> = {};
for (let r = 0; r < 60; r++) for (const [k, fn] of Object.entries(variants)) (res[k] ??= []).push(await measure(fn, 500));
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 4)]!; };
const out: Record<string, number> = {};
for (const [k, vals] of Object.entries(res)) out[k] = med(vals);
out['rl+cb'] = out.client! - out['no-rl-cb']!;
out.drift = out.client! - out.nodrift!;
console.log(JSON.stringify(out));
