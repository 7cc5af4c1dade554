import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import nock from 'nock';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { AuthError, GraphQLError, PaginationError, RateLimitError } from '../errors/index.ts';
import { createHttpClient, type HttpClientOptions } from '../http/create-http-client.ts';
import type { ConnectorEvent } from '../http/events.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { createCostPacer } from './cost-pacer.ts';
import type { GraphQLCostReader } from './graphql-types.ts';
import { redisCostPacer } from './redis-cost-pacer.ts';

const BASE = 'https://shop.graphql.test';
const PATH = '/admin/api/2025-01/graphql.json';

/**
 * Shopify's cost extension (shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits):
 * `extensions.cost.{requestedQueryCost, actualQueryCost, throttleStatus{maximumAvailable, currentlyAvailable, restoreRate}}`.
 */
const shopifyCost: GraphQLCostReader = {
  read(body) {
    const cost = (body as { extensions?: { cost?: Record<string, unknown> } }).extensions?.cost as
      | { requestedQueryCost: number; actualQueryCost?: number; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } }
      | undefined;
    if (!cost) return undefined;
    const t = cost.throttleStatus;
    return {
      kind: 'leaky-bucket', maximum: t.maximumAvailable, available: t.currentlyAvailable, restoreRate: t.restoreRate, requestedCost: cost.requestedQueryCost,
      ...(cost.actualQueryCost !== undefined ? { actualCost: cost.actualQueryCost } : {}),
    };
  },
};

const cost = (available: number, requested = 10, actual: number | null = requested) => ({
  cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: available, restoreRate: 50 } },
});

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const events: ConnectorEvent[] = [];
  const clock = createTestClock();
  const http = createHttpClient({
    connector: 'shop', baseUrl: BASE, clock, random: () => 0, circuitBreaker: false, onEvent: (e) => events.push(e),
    graphql: { path: PATH, cost: shopifyCost }, ...overrides,
  });
  const of = <T extends ConnectorEvent['type']>(type: T) => events.filter((e): e is Extract<ConnectorEvent, { type: T }> => e.type === type);
  return { http, clock, events, of };
}

const failure = (call: Promise<unknown>): Promise<unknown> => call.then(() => { throw new Error('expected the call to fail'); }, (e: unknown) => e);

useNock();

describe('http.graphql', () => {
  it('posts query, variables and operation name, validates data, and names events after the operation', async () => {
    let sent: unknown;
    nock(BASE).post(PATH, (body) => ((sent = body), true)).reply(200, { data: { shop: { name: 'Acme' } }, extensions: cost(990) });
    const { http, of } = setup();
    const data = await http.graphql({
      query: 'query ShopName($id: ID) { shop { name } }', variables: { id: '1' }, schema: v.object({ shop: v.object({ name: v.string() }) }),
    });
    expectTypeOf(data).toEqualTypeOf<{ shop: { name: string } }>();
    expect(data).toEqual({ shop: { name: 'Acme' } });
    expect(sent).toEqual({ query: 'query ShopName($id: ID) { shop { name } }', variables: { id: '1' } });
    expect(of('response')[0]).toMatchObject({ operation: 'ShopName', status: 200, outcome: 'success', method: 'POST', route: PATH });
  });

  it('throws a GraphQLError for errors without data, with the code, status and messages', async () => {
    nock(BASE).post(PATH).reply(200, { data: null, errors: [{ message: 'Field "nope" does not exist', extensions: { code: 'undefinedField' } }] });
    const { http } = setup();
    const error = await failure(http.graphql({ query: '{ nope }' }));
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error).toMatchObject({ providerCode: 'undefinedField', status: 200, retryable: false, attempts: 1, operation: 'graphql' });
    expect((error as GraphQLError).errors[0]!.message).toBe('Field "nope" does not exist');
  });

  it('partial data: throws with partialData by default, returns data and reports graphql-partial on request', async () => {
    const body = { data: { a: 1, b: null }, errors: [{ message: 'b failed', path: ['b'], extensions: { code: 'NOT_FOUND' } }] };
    nock(BASE).post(PATH).times(2).reply(200, body);
    const { http, of } = setup();
    const error = await failure(http.graphql({ query: 'query Two { a b }' }));
    expect(error).toMatchObject({ name: 'GraphQLError', partialData: { a: 1, b: null } });
    expect((error as GraphQLError).toJSON()).not.toHaveProperty('partialData');
    await expect(http.graphql({ query: 'query Two { a b }', partial: 'return' })).resolves.toEqual({ a: 1, b: null });
    expect(of('graphql-partial')).toEqual([expect.objectContaining({ operation: 'Two', errors: 1, codes: ['NOT_FOUND'] })]);
  });

  it('maps UNAUTHENTICATED to an AuthError and FORBIDDEN to insufficient scope, never as partial data', async () => {
    nock(BASE).post(PATH).reply(200, { errors: [{ message: 'Invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] })
      .post(PATH).reply(200, { data: { a: 1 }, errors: [{ message: 'no access', type: 'FORBIDDEN' }] });
    const { http } = setup();
    expect(await failure(http.graphql({ query: '{ a }' }))).toMatchObject({ name: 'AuthError', code: 'rejected', providerError: 'UNAUTHENTICATED', status: 200 });
    const scope = await failure(http.graphql({ query: '{ a }', partial: 'return' }));
    expect(scope).toBeInstanceOf(AuthError);
    expect(scope).toMatchObject({ code: 'insufficient-scope', providerError: 'FORBIDDEN' });
  });

  it('retries THROTTLED after the time the cost bucket needs, even for a mutation (it was not applied), exactly once', async () => {
    const received: unknown[] = [];
    nock(BASE)
      .post(PATH, (b) => (received.push(b), true)).reply(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: cost(20, 120, null) })
      .post(PATH, (b) => (received.push(b), true)).reply(200, { data: { productCreate: { id: 'p1' } }, extensions: cost(900, 120, 10) });
    const { http, clock, of } = setup();
    const data = await http.graphql({ query: 'mutation Create { productCreate(input: {}) { id } }' });
    expect(data).toEqual({ productCreate: { id: 'p1' } });
    expect(received).toHaveLength(2);
    // (120 - 20) points at 50 points/s: 2 s.
    expect(clock.sleeps).toContain(2000);
    expect(of('retry')).toEqual([expect.objectContaining({ operation: 'Create', delaySource: 'server' })]);
  });

  it('does not retry a mutation after a transient error (it may have been applied)', async () => {
    nock(BASE).post(PATH).reply(200, { errors: [{ message: 'oops', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    const { http } = setup();
    const error = await failure(http.graphql({ query: 'mutation M { x }' }));
    expect(error).toMatchObject({ providerCode: 'INTERNAL_SERVER_ERROR', attempts: 1 });
    expect((error as { reason: string }).reason).toMatch(/POST without an idempotency key is not retried/);
  });

  it('gives up on a long throttle with a RateLimitError carrying retryAt', async () => {
    nock(BASE).post(PATH).reply(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: { requestedQueryCost: 1000, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 10 } } } });
    const { http, clock } = setup();
    const error = await failure(http.graphql({ query: '{ big }' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt.getTime()).toBe(clock.now() + 100_000);
  });

  it('paces by the cost bucket before sending: a call that cannot be afforded waits for the restore', async () => {
    nock(BASE).post(PATH).reply(200, { data: { a: 1 }, extensions: cost(30, 100, 100) }).post(PATH).reply(200, { data: { a: 2 }, extensions: cost(0, 100, 100) });
    const { http, clock, of } = setup();
    await http.graphql({ query: 'query A { a }' });
    // The last report: 30 points left, this operation costs 100 -> (100 - 30) / 50 per s = 1.4 s.
    await http.graphql({ query: 'query A { a }' });
    expect(clock.sleeps).toEqual([1400]);
    expect(of('throttled')).toEqual([expect.objectContaining({ operation: 'A', waitMs: 1400, reason: 'graphql-cost' })]);
  });

  it('takes a classify of its own (e.g. a provider code that means throttled)', async () => {
    nock(BASE).post(PATH).reply(200, { errors: [{ message: 'slow down', extensions: { code: 'MAX_COST_EXCEEDED' } }] });
    const { http } = setup({ graphql: { path: PATH, classify: () => ({ kind: 'permanent', providerCode: 'MAX_COST_EXCEEDED', message: 'query too expensive' }) } });
    expect(await failure(http.graphql({ query: '{ a }' }))).toMatchObject({ name: 'GraphQLError', providerCode: 'MAX_COST_EXCEEDED' });
  });
});

describe('verifyCredentials with a GraphQL check', () => {
  it('runs the query through http.graphql, identifies from data, and turns a 401 into AuthError', async () => {
    nock(BASE).post(PATH, { query: 'query ShopName { shop { name } }' }).reply(200, { data: { shop: { name: 'Acme' } }, extensions: cost(999, 1) });
    nock(BASE).post(PATH).reply(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    const check = { path: PATH, graphql: { query: 'query ShopName { shop { name } }' }, schema: v.object({ shop: v.object({ name: v.string() }) }), identify: (data: unknown) => (data as { shop: { name: string } }).shop.name };
    const { http } = setup({ credentialsCheck: check });
    await expect(http.verifyCredentials()).resolves.toMatchObject({ ok: true, identity: 'Acme' });
    await expect(http.verifyCredentials()).rejects.toMatchObject({ name: 'AuthError', code: 'rejected', status: 401 });
  });
});

describe('http.graphqlPaginate', () => {
  const products = (ids: string[], hasNextPage: boolean, endCursor: string | null) => ({
    data: { products: { nodes: ids.map((id) => ({ id })), pageInfo: { hasNextPage, endCursor } } },
  });

  it('follows pageInfo.endCursor through the cursor variable, typed nodes, resumable checkpoints', async () => {
    const variables: unknown[] = [];
    nock(BASE)
      .post(PATH, (b: { variables: unknown }) => (variables.push(b.variables), true)).reply(200, products(['p1', 'p2'], true, 'c2'))
      .post(PATH, (b: { variables: unknown }) => (variables.push(b.variables), true)).reply(200, products(['p3'], false, null));
    const { http } = setup();
    const schema = v.object({ products: v.object({ nodes: v.array(v.object({ id: v.string() })), pageInfo: v.object({ hasNextPage: v.boolean(), endCursor: v.nullable(v.string()) }) }) });
    const listing = http.graphqlPaginate({ query: 'query Products($after: String) { products(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', variables: { first: 2 }, schema, connection: 'products' });
    const ids: string[] = [];
    for await (const product of listing) {
      expectTypeOf(product).toEqualTypeOf<{ id: string }>();
      ids.push(product.id);
    }
    expect(ids).toEqual(['p1', 'p2', 'p3']);
    expect(variables).toEqual([{ first: 2 }, { first: 2, after: 'c2' }]);
    expect(listing.checkpoint).toMatchObject({ strategy: 'graphql-connection', done: true });
  });

  it('resumes from a checkpoint, and stops on a page that says more but gives no cursor', async () => {
    nock(BASE).post(PATH, (b: { variables: { after?: string } }) => b.variables.after === 'c2').reply(200, products(['p3'], true, null));
    const { http } = setup();
    const listing = http.graphqlPaginate({
      query: 'query Products($after: String) { products(after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', connection: 'products',
      checkpoint: { strategy: 'graphql-connection', path: 'graphql Products products', next: 'c2', done: false },
    });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const p of listing) seen.push(p);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ id: 'p3' }]);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ code: 'missing-cursor' });
  });
});

describe('cost pacers', () => {
  it('the in-process leaky bucket refills at restoreRate and reserves what concurrent calls spend', () => {
    const clock = createTestClock();
    const pacer = createCostPacer(clock);
    expect(pacer.reserve('shop', 100)).toBe(0); // nothing known yet
    pacer.observe('shop', { kind: 'leaky-bucket', maximum: 1000, available: 150, restoreRate: 50 });
    expect(pacer.reserve('shop', 100)).toBe(0);
    expect(pacer.reserve('shop', 100)).toBe(1000); // 50 left: 50 more points at 50/s
    clock.advance(4000);
    expect(pacer.reserve('shop', 100)).toBe(0); // -50 + 200 restored = 150
    pacer.observe('gh', { kind: 'window', limit: 5000, remaining: 1, resetAt: new Date(clock.now() + 30_000) });
    expect(pacer.reserve('gh', 1)).toBe(0);
    expect(pacer.reserve('gh', 1)).toBe(30_000);
  });

  describe('redisCostPacer (shared by every process)', () => {
    const prefix = `connectors-test:graphql-cost:${randomUUID()}`;
    let redis: Redis;
    beforeAll(() => {
      redis = new Redis({ host: '127.0.0.1', port: 6379 });
    });
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    it('two pacers on one key spend from one bucket', async () => {
      const a = redisCostPacer({ redis, keyPrefix: prefix });
      const b = redisCostPacer({ redis, keyPrefix: prefix });
      expect(await a.reserve('shop-1', 100)).toBe(0);
      await a.observe('shop-1', { kind: 'leaky-bucket', maximum: 1000, available: 150, restoreRate: 50 });
      expect(await a.reserve('shop-1', 100)).toBe(0);
      // Process b sees what a spent: 50 left (plus a few ms of restore), so 100 needs about a second.
      const wait = await b.reserve('shop-1', 100);
      expect(wait).toBeGreaterThan(900);
      expect(wait).toBeLessThanOrEqual(1000);
      expect(await b.reserve('shop-2', 100)).toBe(0);
      expect(await redis.pttl(`${prefix}:shop-1`)).toBeGreaterThan(0);
    });
  });
});
