import { createHttpClient } from '@connectors/core';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock/fake-clock.ts';
import { step } from '../scenarios/scenario.ts';
import { mockSequence } from './mock-sequence.ts';
import { useNock } from './use-nock.ts';

const BASE = 'https://api.sequence.test';

describe('mockSequence', () => {
  const nockHandle = useNock();

  it('answers consecutive attempts in order and records each request', async () => {
    const seq = mockSequence(nock(BASE), 'GET', '/items', [step.rateLimited({ retryAfter: 1 }), step.serverError(502), step.ok([1, 2])]);
    const http = createHttpClient({ connector: 'seq', baseUrl: BASE, clock: createFakeClock(), random: () => 0, headers: { 'x-test': 'yes' } });
    expect(await http.request({ path: '/items', query: { per_page: 2 } })).toEqual([1, 2]);
    expect(seq.count).toBe(3);
    expect(seq.done).toBe(true);
    expect(seq.requests.map((r) => r.step)).toEqual(['429 Retry-After: 1', '502', '200']);
    expect(seq.requests[0]!.headers['x-test']).toBe('yes');
    expect(seq.requests[0]!.url).toBe(`${BASE}/items?per_page=2`);
  });

  it('records request bodies and can match an exact query', async () => {
    const seq = mockSequence(nock(BASE), 'POST', '/items', [step.ok({ id: 9 }, {}, 201)], { query: { dry_run: 'true' } });
    const http = createHttpClient({ connector: 'seq', baseUrl: BASE });
    await http.request({ method: 'POST', path: '/items', query: { dry_run: true }, body: { name: 'x' }, idempotencyKey: 'k1' });
    expect(seq.requests[0]!.body).toBe('{"name":"x"}');
  });

  it('repeatLast keeps answering with the last step without leaving a pending interceptor', async () => {
    const seq = mockSequence(nock(BASE), 'GET', '/ping', [step.serverError(503), step.ok('pong')], { repeatLast: true });
    for (let i = 0; i < 4; i++) await fetch(`${BASE}/ping`);
    expect(seq.count).toBe(4);
    expect(seq.requests.map((r) => r.step)).toEqual(['503', '200', '200', '200']);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('an extra attempt beyond the scenario is caught by the guard', async () => {
    mockSequence(nock(BASE), 'GET', '/once', [step.ok('x')]);
    await fetch(`${BASE}/once`);
    const response = await fetch(`${BASE}/once`);
    expect(response.status).toBe(501);
    expect(nockHandle.guard.unmatched().map((u) => `${u.method} ${u.url}`)).toEqual([`GET ${BASE}/once`]);
    // Forget it here so this deliberate miss does not fail the test in afterEach.
    nockHandle.guard.reset();
  });

  it('refuses an empty scenario', () => {
    expect(() => mockSequence(nock(BASE), 'GET', '/x', [])).toThrow(/no steps/);
  });
});
