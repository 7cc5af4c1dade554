// Temporary (helper's, deleted when done): what the middleware machinery itself costs per call.
import * as v from 'valibot';
const item = (i: number) => ({ id: i, login: `user-${i}`, name: 'Ada Lovelace', active: i % 2 === 0, score: i * 1.5, tags: ['a', 'b'] });
const body = JSON.stringify({ data: Array.from({ length: 9 }, (_, i) => item(i)), total: 9 });
const fakeFetch = async (_input: unknown, _init?: unknown) => new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } });
const schema = v.object({ data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })), total: v.number() });
const { createHttpClient } = await import(process.env.CORE ?? '@connectors/core');
const mk = (extra: object) => { const c = createHttpClient({ connector: 'b', baseUrl: 'http://127.0.0.1:1', fetch: fakeFetch, ...extra }); return () => c.request({ path: '/users', schema, operation: 'u' }); };
const pass = (_c: unknown, next: () => Promise<Response>) => next();
const asyncPass = async (_c: unknown, next: () => Promise<Response>) => { const r = await next(); return r; };
const off = { rateLimit: false, circuitBreaker: false };
const variants: Record<string, () => Promise<unknown>> = {
  none: mk(off), pass1: mk({ ...off, middleware: [pass] }), pass2: mk({ ...off, middleware: [pass, pass] }), async2: mk({ ...off, middleware: [asyncPass, asyncPass] }),
  rl: mk({ circuitBreaker: false }), cb: mk({ rateLimit: false }), default: mk({}),
};
const only = process.argv.slice(2);
if (only.length) for (const k of Object.keys(variants)) if (!only.includes(k)) delete variants[k];
async function measure(fn: () => Promise<unknown>, n: number) { const t = performance.now(); for (let i = 0; i < n; i++) await fn(); return ((performance.now() - t) * 1000) / n; }
for (const fn of Object.values(variants)) await measure(fn, 3000);
const res: Record<string, number[]> = {};
const ROUNDS = Number(process.env.ROUNDS ?? 60);
for (let r = 0; r < ROUNDS; r++) for (const [k, fn] of Object.entries(variants)) (res[k] ??= []).push(await measure(fn, 500));
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length * Number(process.env.Q ?? 0.25))]!; };
for (const k of Object.keys(res)) console.log(k.padEnd(8), med(res[k]!).toFixed(1), ' minus none:', res.none ? med(res[k]!.map((x, i) => x - res.none![i]!)).toFixed(1) : '');
