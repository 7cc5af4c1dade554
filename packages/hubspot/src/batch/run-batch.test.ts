import { describe, expect, it } from 'vitest';
import upsert207 from '../crm/__fixtures__/batch-upsert-207.json' with { type: 'json' };
import { hubspot } from '../hubspot-connector.ts';
import { HubSpotBatchError } from './run-batch.ts';

/** A fetch that answers each call from the list in turn and records the bodies. */
function scripted(answers: { status: number; body?: unknown }[]) {
  const bodies: unknown[] = [];
  const fetch = (async (input: Request | string | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    bodies.push(JSON.parse(await request.text()));
    const answer = answers.shift() ?? { status: 500, body: { message: 'no more answers' } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, bodies };
}

const client = (fetch: typeof globalThis.fetch) => hubspot.create({ accessToken: 'pat-na1-test', fetch, retry: { maxAttempts: 1 }, rateLimit: false, circuitBreaker: false });

describe('batches', () => {
  it('matches a 207 answer to the inputs by objectWriteTraceId: each failure names its input', async () => {
    const { fetch, bodies } = scripted([{ status: 207, body: upsert207 }]);
    const outcome = await client(fetch).contacts.batch.upsert([{ id: 'a@example.com', properties: { firstname: 'A' } }, { id: 'not-an-email', properties: {} }], { idProperty: 'email' });
    expect(bodies[0]).toEqual({ inputs: [
      { id: 'a@example.com', properties: { firstname: 'A' }, idProperty: 'email', objectWriteTraceId: 'input-0' },
      { id: 'not-an-email', properties: {}, idProperty: 'email', objectWriteTraceId: 'input-1' },
    ] });
    expect(outcome.results.map((r) => r.id)).toEqual(['601']);
    expect(outcome.failures).toMatchObject([{ index: 1, input: { id: 'not-an-email' }, category: 'VALIDATION_ERROR' }]);
    expect(outcome.ok).toBe(false);
    expect(() => outcome.throwIfFailed()).toThrow(HubSpotBatchError);
  });

  it('never counts an input HubSpot said nothing about as done', async () => {
    const { fetch } = scripted([{ status: 200, body: { status: 'COMPLETE', results: [upsert207.results[0]] } }]);
    const outcome = await client(fetch).contacts.batch.create([{ properties: { email: 'a@example.com' } }, { properties: { email: 'b@example.com' } }]);
    expect(outcome.results).toHaveLength(1);
    expect(outcome.failures).toMatchObject([{ index: 1, category: 'UNACCOUNTED' }]);
  });

  it('splits 250 inputs into calls of 100; a refused call fails its own inputs only', async () => {
    const ok = (n: number, from: number) => ({ status: 200, body: { status: 'COMPLETE', results: Array.from({ length: n }, (_, i) => ({ id: String(from + i), properties: {}, createdAt: 'x', updatedAt: 'x', archived: false, objectWriteTraceId: `input-${from + i}` })) } });
    const { fetch, bodies } = scripted([ok(100, 0), { status: 400, body: { status: 'error', message: 'Invalid input JSON', category: 'VALIDATION_ERROR', correlationId: 'c-1' } }, ok(50, 200)]);
    const outcome = await client(fetch).deals.batch.create(Array.from({ length: 250 }, (_, i) => ({ properties: { dealname: `D${i}` } })));
    expect(bodies.map((b) => (b as { inputs: unknown[] }).inputs.length)).toEqual([100, 100, 50]);
    expect(outcome.calls).toBe(3);
    expect(outcome.results).toHaveLength(150);
    expect(outcome.failures).toHaveLength(100);
    expect(outcome.failures[0]).toMatchObject({ index: 100, category: 'VALIDATION_ERROR' });
  });

  it('stops at an auth failure and lists the inputs not sent', async () => {
    const { fetch } = scripted([{ status: 403, body: { status: 'error', message: 'missing scopes', category: 'MISSING_SCOPES', context: { missingScopes: ['crm.objects.deals.write'] } } }]);
    const outcome = await client(fetch).deals.batch.update(Array.from({ length: 120 }, (_, i) => ({ id: String(i), properties: { amount: 1 } })));
    expect(outcome.calls).toBe(1);
    expect(outcome.failures.filter((f) => f.category === 'AuthError')).toHaveLength(100);
    expect(outcome.failures.filter((f) => f.category === 'NOT_SENT')).toHaveLength(20);
  });
});
