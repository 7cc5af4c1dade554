import { createRateLimiter } from '/work/main/packages/core/src/rate-limit/rate-limiter.ts';
import { createCircuitBreaker } from '/work/main/packages/core/src/rate-limit/circuit-breaker.ts';
import { findDrift } from '/work/main/packages/core/src/validation/find-drift.ts';
import { validate } from '/work/main/packages/core/src/validation/validate.ts';
import { DriftReporter } from '/work/main/packages/core/src/validation/drift-reporter.ts';
import * as v from 'valibot';
const item = (i: number) => ({ id: i, login: `user-${i}`, name: 'Ada Lovelace', active: i % 2 === 0, score: i * 1.5, tags: ['a', 'b'] });
const data = { data: Array.from({ length: 9 }, (_, i) => item(i)), total: 9 };
const schema = v.object({ data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })), total: v.number() });
const response = new Response('{}', { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } });
const rl = createRateLimiter({});
const cb = createCircuitBreaker({});
const ctl = new AbortController();
const url = new URL('http://127.0.0.1:1/users');
const context: any = { connector: 'b', operation: 'u', method: 'GET', route: '/users', url, host: url.host, headers: new Headers(), attempt: 1, signal: ctl.signal, callerAborted: false, clock: { now: Date.now, sleep: async () => {} }, deadline: Date.now() + 1e9, emit: () => {} };
const next = async () => { await null; await null; return response; };
const reporter = new DriftReporter({ emit: () => {} });
const variants: Record<string, () => unknown> = {
  baseline: () => next(),
  rl: () => rl.middleware(context, next),
  cb: () => cb.middleware(context, next),
  'rl+cb': () => cb.middleware(context, () => rl.middleware(context, next)),
  findDrift: () => findDrift(schema, data),
  'validate-off': () => validate(schema, data, { connector: 'b', operation: 'u', direction: 'response', drift: 'off' }),
  'validate-report': () => validate(schema, data, { connector: 'b', operation: 'u', direction: 'response', ...reporter.contextFor('u') }),
};
const only = process.argv.slice(2);
async function measure(fn: () => unknown, n: number) { const t = performance.now(); for (let i = 0; i < n; i++) await fn(); return ((performance.now() - t) * 1000) / n; }
for (const fn of Object.values(variants)) await measure(fn, 20000);
const res: Record<string, number[]> = {};
for (let r = 0; r < 7; r++) for (const [k, fn] of Object.entries(variants)) if (!only.length || only.includes(k)) (res[k] ??= []).push(await measure(fn, 50000));
for (const [k, vals] of Object.entries(res)) console.log(k.padEnd(18), (vals.sort((a, b) => a - b)[3]!).toFixed(2), 'µs/call');
