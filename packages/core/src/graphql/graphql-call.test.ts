import nock from 'nock';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { AuthError, GraphQLError, PaginationError, RateLimitError } from '../errors/index.ts';
import { createHttpClient, type HttpClientOptions } from '../http/create-http-client.ts';
import type { ConnectorEvent } from '../http/events.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { costBucketProvider } from './__fixtures__/cost-bucket-provider.ts';
import type { GraphQLCostReader } from './graphql-types.ts';

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

  it('fails a 2xx that is not a GraphQL result instead of returning empty data', async () => {
    nock(BASE).post(PATH).reply(200, ['not', 'graphql']);
    const { http } = setup();
    const error = await failure(http.graphql({ query: '{ a }' }));
    expect(error).toMatchObject({ name: 'HttpError', status: 200, retryable: false });
    expect((error as Error).message).toMatch(/not a GraphQL result/);
  });

  it('paces a leaky bucket by the requested cost (charged up front), not the smaller actual cost', async () => {
    nock(BASE).post(PATH).reply(200, { data: { a: 1 }, extensions: cost(60, 100, 10) }).post(PATH).reply(200, { data: { a: 2 }, extensions: cost(0, 100, 10) });
    const { http, clock } = setup();
    await http.graphql({ query: 'query A { a }' });
    // 60 points left; the server will want 100 available before it runs A again: (100 - 60) / 50 = 0.8 s.
    await http.graphql({ query: 'query A { a }' });
    expect(clock.sleeps).toEqual([800]);
  });

  it('sends one call into a bucket not measured yet, the others after its report, counting what is still in flight', async () => {
    nock(BASE).post(PATH).delay(30).reply(200, { data: { a: 1 }, extensions: cost(100, 100, 100) }).post(PATH).times(2).reply(200, { data: { a: 2 }, extensions: cost(0, 100, 100) });
    const { http, clock } = setup();
    await Promise.all(Array.from({ length: 3 }, () => http.graphql({ query: 'query A { a }', estimatedCost: 100 })));
    // After the first report 100 points are left: the second call takes them at once, the third waits (100 / 50 per s).
    expect(clock.sleeps).toEqual([2000]);
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

describe('cost pacing under concurrency (answers out of order, late sends)', () => {
  /** A client on a provider whose calls the test runs and answers in any order; every call costs 50 points. */
  function heldSetup(bucket: { maximum: number; restoreRate: number; available?: number }, sleep: 'advance' | 'wait' = 'advance') {
    const clock = createTestClock({ sleep });
    const shop = costBucketProvider(clock, bucket);
    const http = createHttpClient({ connector: 'shop', baseUrl: BASE, clock, random: () => 0, circuitBreaker: false, fetch: shop.fetch, graphql: { path: PATH, cost: shopifyCost } });
    const call = (name: string) => http.graphql({ query: 'query Named($name: String) { name }', variables: { name }, estimatedCost: 50 });
    return { clock, shop, http, call };
  }

  it('an answer that left the provider early but arrives late does not hand out points a newer answer took', async () => {
    const { shop, call } = heldSetup({ maximum: 1000, restoreRate: 50, available: 200 });
    await call('P'); // 150 left
    shop.hold();
    const a = call('A');
    await shop.arrival('A');
    const b = call('B');
    await shop.arrival('B');
    shop.run('A'); // 100 left
    shop.run('B'); // 50 left
    shop.answer('B');
    await b;
    shop.answer('A'); // "100 left", from before B ran
    await a;
    shop.flow();
    // 50 points left: one of these must wait for the refill (last-report-wins sent both, and one was THROTTLED).
    await Promise.all([call('D1'), call('D2')]);
    expect(shop.throttled).toBe(0);
  });

  it('calls throttled together (another app drained the shared bucket) come back at the refill rate and all succeed', async () => {
    const { shop, call, clock } = heldSetup({ maximum: 1000, restoreRate: 50 }, 'wait');
    await call('P'); // the bucket is known: 950 left
    shop.spend(950); // another app on the same shop takes it all
    let settled = 0;
    const calls = Array.from({ length: 8 }, (_, i) => call(`C${i}`).finally(() => settled++));
    const started = clock.now();
    for (let i = 0; i < 600 && settled < calls.length; i++) await clock.advance(100);
    const results = await Promise.allSettled(calls);
    // Before, all eight came back together after 1 s, one fitted, and five ran out of attempts.
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    // Refused once each (the first wave, sent on the 950 points the last report promised), then one
    // every 50 points of refill: 8 x 50 points at 50 points/s.
    expect(shop.throttled).toBe(8);
    expect(clock.now() - started).toBe(8_000);
  });

  it('a call sent first but run last is not counted by the answer of a call run before it', async () => {
    const { shop, call, clock } = heldSetup({ maximum: 1000, restoreRate: 50, available: 200 });
    await call('P'); // 150 left
    shop.hold();
    const a = call('A');
    await shop.arrival('A');
    const b = call('B');
    await shop.arrival('B');
    shop.run('B'); // 100 left
    shop.run('A'); // 50 left
    shop.answer('A');
    await a;
    shop.answer('B'); // the newer call's answer says 100 left, but A ran after it
    await b;
    shop.flow();
    await Promise.all([call('D1'), call('D2')]);
    expect(shop.throttled).toBe(0);
    expect(shop.ran).toEqual(['P', 'B', 'A', 'D1', 'D2']);
    // 50 left: D1 went at once, D2 waited for 50 points at 50 per second.
    expect(clock.sleeps).toEqual([1000]);
  });

  it('calls still on their way when the bucket reaches its cap are not refilled twice', async () => {
    const { shop, call, clock } = heldSetup({ maximum: 200, restoreRate: 400 }, 'wait');
    await call('P'); // 150 left
    shop.hold();
    // The pacer lets 150 points through, but the provider has not run them yet (a slow network, a busy loop)...
    const first = ['A', 'B', 'C'].map(call);
    for (const name of ['A', 'B', 'C']) await shop.arrival(name);
    // ...while its bucket refills to the 200 cap and stops: only 50 more points will be there for new calls.
    await clock.advance(500);
    const later = ['D', 'E', 'F', 'G'].map(call);
    await shop.arrival('D');
    shop.flow();
    shop.releaseAll();
    const all = Promise.allSettled([...first, ...later]);
    let done = false;
    void all.then(() => (done = true));
    for (let i = 0; i < 400 && !done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await clock.advance(25);
    }
    expect((await all).map((r) => r.status)).toEqual(Array(7).fill('fulfilled'));
    expect(shop.throttled).toBe(0);
  });

  it('a call aborted while it waits its turn leaves the line, and the next in line goes in its place', async () => {
    const { shop, call, clock, http } = heldSetup({ maximum: 1000, restoreRate: 50, available: 100 }, 'wait');
    await call('P'); // 50 left
    await call('Q'); // 0 left
    const controller = new AbortController();
    const aborted = http.graphql({ query: 'query Named($name: String) { name }', variables: { name: 'A' }, estimatedCost: 50, signal: controller.signal });
    const next = call('B');
    await clock.advance(0);
    controller.abort(new Error('the job was cancelled'));
    await expect(aborted).rejects.toThrow('the job was cancelled');
    await clock.advance(1000); // B is first in line now: 50 points at 50 per second
    await expect(next).resolves.toEqual({ name: 'B' });
    expect(shop.ran).toEqual(['P', 'Q', 'B']);
    expect(shop.throttled).toBe(0);
  });

  it('a call whose turn is further off than rateLimit.maxWaitMs fails at once with RateLimitError, unsent', async () => {
    nock(BASE).post(PATH).reply(200, { data: { a: 1 }, extensions: { cost: { requestedQueryCost: 100, actualQueryCost: 100, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 1 } } } });
    const { http, of } = setup();
    await http.graphql({ query: 'query A { a }' });
    const error = await failure(http.graphql({ query: 'query A { a }' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toMatch(/needs 100 s to afford this call \(cost 100\), longer than rateLimit.maxWaitMs/);
    expect(of('throttled')).toEqual([]);
  });
});
