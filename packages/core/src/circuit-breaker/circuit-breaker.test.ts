import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { AbortedError, CircuitOpenError, HttpError, NetworkError } from '../errors/index.ts';
import { createHttpClient, type HttpClientOptions } from '../http/create-http-client.ts';
import type { ConnectorEvent, ConnectorEventOf } from '../http/events.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { createCircuitBreaker } from './circuit-breaker.ts';

const BASE = 'https://api.acme.test';

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const events: ConnectorEvent[] = [];
  const clock = createTestClock();
  const http = createHttpClient({
    connector: 'acme', baseUrl: BASE, clock, retry: { maxAttempts: 1 }, rateLimit: false, onEvent: (e) => events.push(e), ...overrides,
  });
  const circuit = () => events.filter((e): e is ConnectorEventOf<'circuit'> => e.type === 'circuit').map((e) => e.state);
  const call = () => http.request({ path: '/x' }).catch((e: unknown) => e);
  return { http, clock, events, circuit, call };
}

useNock();

describe('circuit breaker', () => {
  it('opens after 5 failures in a row, fails fast, half-opens after 30 s and closes on a good probe', async () => {
    const { clock, circuit, call, events } = setup();
    nock(BASE).get('/x').times(5).reply(503, 'down');
    for (let i = 0; i < 4; i++) expect(await call()).toBeInstanceOf(HttpError);
    expect(circuit()).toEqual([]);
    expect(await call()).toBeInstanceOf(HttpError);
    expect(circuit()).toEqual(['open']);
    expect(events.find((e) => e.type === 'circuit')).toMatchObject({ host: 'api.acme.test', failures: 5, connector: 'acme' });

    // Open: nothing is sent (nock has no interceptor left, so a sent request would 501).
    const refused = await call();
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ host: 'api.acme.test', retryable: true, attempts: 1 });
    expect((refused as CircuitOpenError).retryAt.getTime()).toBe(clock.now() + 30_000);
    expect((refused as Error).message).toMatch(/circuit for api\.acme\.test is open \(5 failures in a row\)/);
    expect(events.filter((e) => e.type === 'give-up').at(-1)).toMatchObject({ error: 'CircuitOpenError' });

    clock.advance(30_000);
    nock(BASE).get('/x').reply(200, { ok: true });
    await expect(call()).resolves.toEqual({ ok: true });
    expect(circuit()).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed probe opens the circuit again; only one probe goes at a time', async () => {
    const { clock, circuit, call, http } = setup({ circuitBreaker: { consecutiveFailures: 2, openMs: '10s' } });
    nock(BASE).get('/x').times(2).reply(500);
    await call();
    await call();
    clock.advance(10_000);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    nock(BASE).get('/x').reply(async () => {
      await gate;
      return [502, 'still down'];
    });
    const probe = call();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await http.request({ path: '/y' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(CircuitOpenError);
    expect((second as Error).message).toMatch(/half-open and a probe call is in flight/);
    release();
    expect(await probe).toBeInstanceOf(HttpError);
    expect(circuit()).toEqual(['open', 'half-open', 'open']);
    expect(await call()).toBeInstanceOf(CircuitOpenError);
  });

  it('does not open for 429s or other 4xx: the provider is up', async () => {
    const { circuit, call } = setup();
    nock(BASE).get('/x').times(6).reply(429, '').get('/x').times(6).reply(404, '');
    for (let i = 0; i < 12; i++) expect(await call()).not.toBeInstanceOf(CircuitOpenError);
    expect(circuit()).toEqual([]);
  });

  it('counts network errors and timeouts, not the caller aborting', async () => {
    // A scripted transport: each call takes the next behaviour. Waiting ones end only when aborted.
    const script: Array<'reset' | 'hang'> = ['reset', 'hang', 'hang', 'reset'];
    const fetch: typeof globalThis.fetch = (input, init) => {
      // As with the real fetch, a signal in `init` overrides the Request's own.
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      const step = script.shift();
      if (step === 'reset') return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }));
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
    };
    const { circuit, call, http } = setup({ fetch, circuitBreaker: { consecutiveFailures: 3 }, timeout: { attemptMs: 300 } });
    expect(await call()).toBeInstanceOf(NetworkError);
    expect(await call()).toMatchObject({ name: 'TimeoutError', timeout: 'attempt' });
    const controller = new AbortController();
    const aborted = http.request({ path: '/x', signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 5);
    expect(await aborted).toBeInstanceOf(AbortedError);
    expect(circuit()).toEqual([]);
    expect(await call()).toBeInstanceOf(NetworkError);
    expect(circuit()).toEqual(['open']);
  });

  it('opens on a failure rate at or above 50% once the window holds 10 calls', async () => {
    const { circuit, call } = setup();
    // Alternating success and failure never makes 5 in a row, but half of them fail.
    for (let i = 0; i < 9; i++) {
      nock(BASE).get('/x').reply(i % 2 ? 200 : 500, {});
      await call();
    }
    expect(circuit()).toEqual([]);
    nock(BASE).get('/x').reply(200, {});
    await call();
    expect(circuit()).toEqual([]); // 5 of 10 failed, but the last call succeeded; the rate is checked on failures
    nock(BASE).get('/x').reply(500, {});
    await call();
    expect(circuit()).toEqual(['open']);
  });

  it('forgets failures older than the window', async () => {
    const { circuit, call, clock } = setup({ circuitBreaker: { windowMs: '10s', minimumCalls: 4, consecutiveFailures: 100 } });
    nock(BASE).get('/x').times(3).reply(500);
    for (let i = 0; i < 3; i++) await call();
    clock.advance(11_000);
    nock(BASE).get('/x').reply(200, {}).get('/x').reply(500);
    await call();
    await call();
    // 1 failure of 2 calls in the window: below the minimum volume of 4.
    expect(circuit()).toEqual([]);
  });

  it('keeps one circuit per host', async () => {
    const breaker = createCircuitBreaker({ consecutiveFailures: 1 });
    const a = setup({ baseUrl: BASE, circuitBreaker: false, middleware: [breaker.middleware] });
    const b = setup({ baseUrl: 'https://other.acme.test', circuitBreaker: false, middleware: [breaker.middleware] });
    nock(BASE).get('/x').reply(500);
    nock('https://other.acme.test').get('/x').reply(200, { fine: true });
    await a.call();
    expect(breaker.state('api.acme.test')).toBe('open');
    expect(breaker.state('other.acme.test')).toBe('closed');
    await expect(b.call()).resolves.toEqual({ fine: true });
  });

  it('can be turned off, and rejects malformed options', async () => {
    const { circuit, call } = setup({ circuitBreaker: false });
    nock(BASE).get('/x').times(8).reply(503);
    for (let i = 0; i < 8; i++) expect(await call()).toBeInstanceOf(HttpError);
    expect(circuit()).toEqual([]);
    expect(() => setup({ circuitBreaker: { consecutiveFailures: 0 } })).toThrow(/circuitBreaker\.consecutiveFailures must be a whole number >= 1/);
    expect(() => setup({ circuitBreaker: { failureRate: 50 } })).toThrow(/circuitBreaker\.failureRate must be a fraction/);
    expect(() => setup({ circuitBreaker: { openMs: 'soon' } })).toThrow(/circuitBreaker\.openMs must be a positive duration/);
  });
});
