import ky from 'ky';
const body = JSON.stringify({ data: Array.from({ length: 9 }, (_, i) => ({ id: i, login: `user-${i}`, name: 'Ada', tags: ['a'] })), total: 9 });
const fakeFetch = (async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;
const k = ky.create({ retry: 0, timeout: false, throwHttpErrors: false, fetch: fakeFetch });
const k2 = ky.create({ retry: 0, timeout: false, throwHttpErrors: false, fetch: (i, init) => fakeFetch(i, { signal: (init as any)?.attemptSignal }) });
const url = new URL('http://127.0.0.1:1/users');
const h = new Headers({ accept: 'application/json' });
const variants: Record<string, () => Promise<unknown>> = {
  'ky.get().json()': () => ky.get('http://127.0.0.1:1/users', { fetch: fakeFetch }).json(),
  'k(url) text+parse': async () => JSON.parse(await (await k(url)).text()),
  'k(url,{headers})': async () => JSON.parse(await (await k(url, { method: 'GET', headers: h })).text()),
  'k(url,{headers,signal})': async () => { const c = new AbortController(); return JSON.parse(await (await k(url, { method: 'GET', headers: h, signal: c.signal })).text()); },
  'k(url,{headers obj,signal})': async () => { const c = new AbortController(); return JSON.parse(await (await k(url, { method: 'GET', headers: { accept: 'application/json' }, signal: c.signal })).text()); },
  'k2(url,{Headers,attemptSignal})': async () => { const c = new AbortController(); return JSON.parse(await (await k2(url, { method: 'GET', headers: h, attemptSignal: c.signal } as any)).text()); },
  'k2(url,{obj,attemptSignal})': async () => { const c = new AbortController(); return JSON.parse(await (await k2(url, { method: 'GET', headers: { accept: 'application/json' }, attemptSignal: c.signal } as any)).text()); },
  'k(str,{headers obj,signal})': async () => { const c = new AbortController(); return JSON.parse(await (await k('http://127.0.0.1:1/users', { method: 'GET', headers: { accept: 'application/json' }, signal: c.signal })).text()); },
};
async function measure(fn: () => Promise<unknown>, n: number) { const t = performance.now(); for (let i = 0; i < n; i++) await fn(); return ((performance.now() - t) * 1000) / n; }
for (const fn of Object.values(variants)) await measure(fn, 3000);
const res: Record<string, number[]> = {};
for (let r = 0; r < 5; r++) for (const [key, fn] of Object.entries(variants)) (res[key] ??= []).push(await measure(fn, 5000));
for (const [key, v] of Object.entries(res)) console.log(key.padEnd(30), v.sort((a, b) => a - b)[2]!.toFixed(1), 'µs/call');
