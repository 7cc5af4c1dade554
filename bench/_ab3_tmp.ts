// Temporary (helper's, deleted when done): default middleware vs none, in one process, several quantiles.
import * as v from 'valibot';
const item = (i: number) => ({ id: i, login: `user-${i}`, name: 'Ada Lovelace', active: i % 2 === 0, score: i * 1.5, tags: ['a', 'b'] });
const body = JSON.stringify({ data: Array.from({ length: 9 }, (_, i) => item(i)), total: 9 });
const fakeFetch = async (_input: unknown, _init?: unknown) => new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } });
const schema = v.object({ data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })), total: v.number() });
const { createHttpClient } = await import(process.env.CORE!);
const mk = (extra: object) => { const c = createHttpClient({ connector: 'b', baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch, ...extra }); return () => c.request({ path: '/users', schema, operation: 'u' }); };
const variants: Record<string, () => Promise<unknown>> = { none: mk({ rateLimit: false, circuitBreaker: false }), default: mk({}), nodrift: mk({ validation: { drift: 'off' } }) };
async function measure(fn: () => Promise<unknown>, n: number) { const t = performance.now(); for (let i = 0; i < n; i++) await fn(); return ((performance.now() - t) * 1000) / n; }
for (const fn of Object.values(variants)) await measure(fn, 5000);
const res: Record<string, number[]> = {};
for (let r = 0; r < 100; r++) for (const [k, fn] of Object.entries(variants)) (res[k] ??= []).push(await measure(fn, 300));
const q = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor(a.length * p)]!;
const out: string[] = [];
for (const p of [0.1, 0.25, 0.5]) out.push(`p${p * 100}: none ${q(res.none!, p).toFixed(1)} default ${q(res.default!, p).toFixed(1)} nodrift ${q(res.nodrift!, p).toFixed(1)} -> rl+cb ${(q(res.default!, p) - q(res.none!, p)).toFixed(1)} drift ${(q(res.default!, p) - q(res.nodrift!, p)).toFixed(1)}`);
console.log(process.env.CORE!.split('/').slice(-3).join('/'), '\n ', out.join('\n  '));
