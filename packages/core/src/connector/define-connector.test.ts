import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { CircuitOpenError } from '../errors/circuit-open-error.ts';
import type { ConnectorEvent } from '../http/events.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { cursorPagination } from '../pagination/cursor-pagination.ts';
import { linkHeaderPagination } from '../pagination/link-header-pagination.ts';
import { defineConnector } from './define-connector.ts';

const BASE = 'https://api.things.test';

const things = defineConnector<{ token?: string }, { ping(): Promise<unknown> }, 'data'>({
  name: 'things',
  client: () => ({ baseUrl: BASE, circuitBreaker: false, rateLimit: false }),
  api: (http) => ({ ping: () => http.request({ path: '/ping' }) }),
  listings: { pagination: cursorPagination({ cursorParam: 'after', nextCursor: { lastItem: 'id' }, hasMore: 'has_more', limit: 2 }), items: 'data' },
});

useNock();

describe('defineConnector: the escape hatch every instance gets', () => {
  it('request reaches any route through the connector pipeline', async () => {
    nock(BASE).get('/things/t1').reply(200, { id: 't1' });
    const connector = things.create({});
    expect(await connector.request({ path: '/things/{id}', params: { id: 't1' } })).toEqual({ id: 't1' });
  });

  it('paginate pages the provider way and reads items where its listings keep them', async () => {
    nock(BASE)
      .get('/things').query({ limit: 2 }).reply(200, { data: [{ id: 'a' }, { id: 'b' }], has_more: true })
      .get('/things').query({ limit: 2, after: 'b' }).reply(200, { data: [{ id: 'c' }], has_more: false });
    const ids: string[] = [];
    for await (const thing of things.create({}).paginate({ path: '/things' })) ids.push((thing as { id: string }).id);
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('takes another strategy for one listing, and says what to pass when a connector declares none', async () => {
    nock(BASE)
      .get('/odd').query({ per_page: 1 }).reply(200, { data: [{ id: 'x' }] }, { link: `<${BASE}/odd?per_page=1&page=2>; rel="next"` })
      .get('/odd').query({ per_page: 1, page: 2 }).reply(200, { data: [{ id: 'y' }] });
    const ids: string[] = [];
    for await (const thing of things.create({}).paginate({ path: '/odd', pagination: linkHeaderPagination({ limit: 1 }) })) ids.push((thing as { id: string }).id);
    expect(ids).toEqual(['x', 'y']);

    const bare = defineConnector<object, object>({ name: 'bare', client: () => ({ baseUrl: BASE }), api: () => ({}) });
    expect(() => bare.create({}).paginate({ path: '/things' })).toThrow(/bare\.paginate: this connector declares no default pagination; pass `pagination`/);
  });

  it('lets a connector bring its own request, but never its own name, http or verifyCredentials', async () => {
    const custom = defineConnector<object, { request(): string; name: string }>({
      name: 'custom',
      client: () => ({ baseUrl: BASE }),
      api: () => ({ request: () => 'own request', name: 'not the name' }),
    });
    const connector = custom.create({});
    expect(connector.request()).toBe('own request');
    expect(connector.name).toBe('custom');
    expect(typeof connector.paginate).toBe('function');
  });
});

describe('defineConnector: the caller’s options merge over the definition’s, never dropping its rules', () => {
  it('rateLimit.routes merge by key: the caller’s entry for a route wins, the definition’s other routes stay', async () => {
    const budgets = defineConnector<object, object>({
      name: 'budgets',
      client: () => ({
        baseUrl: BASE, circuitBreaker: false,
        rateLimit: { parse: false, routes: { 'things.search': { budget: { requests: 1, per: '10s' } }, 'things.export': { budget: { requests: 1, per: '10s' } } } },
      }),
      api: () => ({}),
    });
    nock(BASE).get('/search').times(2).reply(200, {}).get('/export').times(2).reply(200, {}).get('/other').times(2).reply(200, {});
    const events: ConnectorEvent[] = [];
    const connector = budgets.create({
      clock: createTestClock(),
      onEvent: (e) => void events.push(e),
      // An app adds a budget of its own and lifts the export one; the search budget must stay.
      rateLimit: { routes: { 'things.export': {}, 'things.other': { budget: { requests: 1, per: '1s' } } } },
    });
    for (const [path, operation] of [['/search', 'things.search'], ['/export', 'things.export'], ['/other', 'things.other']] as const) {
      await connector.request({ path, operation });
      await connector.request({ path, operation });
    }
    const throttled = events.filter((e) => e.type === 'throttled').map((e) => (e as { operation: string }).operation);
    expect(throttled).toEqual(['things.search', 'things.other']);
  });

  it('retry: a classify of the caller’s runs first and falls back to the connector’s; budget merges field by field', async () => {
    const retrying = defineConnector<object, object>({
      name: 'retrying',
      client: () => ({
        baseUrl: BASE, circuitBreaker: false, rateLimit: false,
        retry: { baseDelayMs: 1, classify: (r) => (r.status === 499 ? { retryable: true, reason: 'the provider documents 499 as worth another go' } : undefined), budget: { maxTokens: 2, refillPerSuccess: 0 } },
      }),
      api: () => ({}),
    });
    nock(BASE).get('/a').reply(499).get('/a').reply(200, { a: 1 }).get('/b').reply(498).get('/b').reply(200, { b: 1 }).get('/c').reply(503);
    const connector = retrying.create({
      clock: createTestClock(),
      random: () => 0,
      retry: { classify: (r) => (r.status === 498 ? { retryable: true, reason: 'the app knows 498' } : undefined), budget: { refillPerSuccess: 0 } },
    });
    await expect(connector.request({ path: '/a' })).resolves.toEqual({ a: 1 }); // the connector's rule
    await expect(connector.request({ path: '/b' })).resolves.toEqual({ b: 1 }); // the caller's rule
    // The connector's budget of 2 retries (not the default 20) is spent: a 503 is not retried.
    await expect(connector.request({ path: '/c' })).rejects.toMatchObject({ status: 503, attempts: 1 });
  });

  it('listings that client() returns merge over the definition’s, routes by key', async () => {
    const paged = defineConnector<{ pageSize: number }, object, 'data'>({
      name: 'paged',
      // A page size from the connector's options, over the definition's listings (which keep their routes).
      client: ({ pageSize }) => ({ baseUrl: BASE, rateLimit: false, circuitBreaker: false, listings: { pagination: cursorPagination({ cursorParam: 'after', nextCursor: { lastItem: 'id' }, hasMore: 'has_more', limit: pageSize }) } }),
      api: () => ({}),
      listings: { items: 'data', routes: { '/odd': { items: 'things' } } },
    });
    nock(BASE)
      .get('/odd').query({ limit: 1 }).reply(200, { things: [{ id: 'x' }], has_more: true })
      .get('/odd').query({ limit: 1, after: 'x' }).reply(200, { things: [{ id: 'y' }], has_more: false });
    const ids: string[] = [];
    for await (const thing of paged.create({ pageSize: 1 }).paginate({ path: '/odd' })) ids.push((thing as { id: string }).id);
    expect(ids).toEqual(['x', 'y']);
  });

  it('onEvent: the connector’s listeners and the caller’s both hear every event', async () => {
    const connectorEvents: ConnectorEvent[] = [];
    const listening = defineConnector<object, object>({
      name: 'listening',
      client: () => ({ baseUrl: BASE, rateLimit: false, circuitBreaker: false, onEvent: (e) => void connectorEvents.push(e) }),
      api: () => ({}),
    });
    nock(BASE).get('/ping').reply(200, {});
    const appEvents: ConnectorEvent[] = [];
    await listening.create({ onEvent: (e) => void appEvents.push(e) }).request({ path: '/ping' });
    expect(connectorEvents.filter((e) => e.type === 'response')).toHaveLength(1);
    expect(appEvents.filter((e) => e.type === 'response')).toHaveLength(1);
  });

  it('circuitBreaker merges field by field', async () => {
    const fragile = defineConnector<object, object>({
      name: 'fragile',
      client: () => ({ baseUrl: BASE, rateLimit: false, retry: { maxAttempts: 1 }, circuitBreaker: { consecutiveFailures: 1 } }),
      api: () => ({}),
    });
    nock(BASE).get('/fails').reply(500);
    const connector = fragile.create({ circuitBreaker: { openMs: '1m' } });
    // The connector's one-failure breaker, with the caller's open time.
    await expect(connector.request({ path: '/fails' })).rejects.toMatchObject({ status: 500 });
    await expect(connector.request({ path: '/fails' })).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('false still turns rate limiting and the circuit breaker off', async () => {
    const strict = defineConnector<object, object>({
      name: 'strict',
      client: () => ({ baseUrl: BASE, rateLimit: { parse: false, budget: { requests: 1, per: '1m' } }, circuitBreaker: { consecutiveFailures: 1 }, retry: { maxAttempts: 1 } }),
      api: () => ({}),
    });
    nock(BASE).get('/x').times(3).reply(500);
    const events: ConnectorEvent[] = [];
    const connector = strict.create({ rateLimit: false, circuitBreaker: false, clock: createTestClock(), onEvent: (e) => void events.push(e) });
    for (let i = 0; i < 3; i++) await expect(connector.request({ path: '/x' })).rejects.toMatchObject({ status: 500 });
    expect(events.filter((e) => e.type === 'throttled' || e.type === 'circuit')).toEqual([]);
  });
});
