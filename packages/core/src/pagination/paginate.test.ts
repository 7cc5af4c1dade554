import nock from 'nock';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AbortedError, HttpError, PaginationError, SchemaValidationError } from '../errors/index.ts';
import { BASE, collect, drain, items, setup, useNock } from './__fixtures__/pagination-setup.ts';
import { cursorPagination } from './cursor-pagination.ts';
import { offsetPagination } from './offset-pagination.ts';
import type { PaginationCheckpoint } from './pagination-strategy.ts';

useNock();

const List = v.object({ data: v.array(v.object({ id: v.string() })), has_more: v.boolean() });
const stripe = () => cursorPagination({ cursorParam: 'starting_after', nextCursor: { lastItem: 'id' }, hasMore: 'has_more', limit: 2 });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Three Stripe-style pages of two, one item, i0..i4. */
function threePages(scope = nock(BASE), delayMs = 0) {
  return scope
    .get('/v1/things').query({ limit: 2 }).delay(delayMs).reply(200, { data: items(0, 2), has_more: true })
    .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).delay(delayMs).reply(200, { data: items(2, 4), has_more: true })
    .get('/v1/things').query({ limit: 2, starting_after: 'i3' }).delay(delayMs).reply(200, { data: items(4, 5), has_more: false });
}

/** A fetch that records each request's signal, so tests can see a prefetch being aborted. */
function spyFetch() {
  const signals: AbortSignal[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    // As with the real fetch, a signal in `init` overrides the Request's own.
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal) signals.push(signal);
    return globalThis.fetch(input, init);
  };
  return { fetch, signals };
}

describe('paginate: items and pages', () => {
  it('types items from the schema and the items path', async () => {
    threePages();
    const { http } = setup();
    const listing = http.paginate({ path: '/v1/things', pagination: stripe(), schema: List, items: 'data' });
    expectTypeOf(listing).toExtend<AsyncIterable<{ id: string }>>();
    const all = await collect(listing);
    expect(all.map((i) => i.id)).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
  });

  it('gives pages with a number, the validated body and a JSON checkpoint', async () => {
    threePages();
    const { http } = setup();
    const pages = await collect(http.paginate({ path: '/v1/things', pagination: stripe(), schema: List, items: 'data' }).pages());
    expect(pages.map((p) => ({ number: p.number, n: p.items.length, checkpoint: p.checkpoint, last: p.last, status: p.status }))).toEqual([
      { number: 1, n: 2, checkpoint: { strategy: 'cursor', path: '/v1/things', next: 'i1', done: false }, last: false, status: 200 },
      { number: 2, n: 2, checkpoint: { strategy: 'cursor', path: '/v1/things', next: 'i3', done: false }, last: false, status: 200 },
      { number: 3, n: 1, checkpoint: { strategy: 'cursor', path: '/v1/things', done: true }, last: true, status: 200 },
    ]);
    expect(pages[0]?.data).toEqual({ data: items(0, 2), has_more: true });
  });

  it('explains where the item list is missing', async () => {
    nock(BASE).get('/v1/things').query(true).reply(200, { results: [] , has_more: false });
    const { http } = setup();
    const { error } = await drain(http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data' }));
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toContain("page 1: expected the item list at `data`, found nothing; set `items` to the path of the list (e.g. 'data')");
  });

  it('rejects misconfiguration with a TypeError', () => {
    const { http } = setup();
    expect(() => http.paginate({ path: '', pagination: stripe() })).toThrow(/path/);
    expect(() => http.paginate({ path: '/x', pagination: {} as never })).toThrow(/must be a strategy/);
    expect(() => http.paginate({ path: '/x', pagination: stripe(), maxItems: 0 })).toThrow(/maxItems must be a positive integer/);
  });
});

describe('paginate: the stop is decided from the raw page', () => {
  it('keeps going when the schema does not declare has_more (valibot strips it)', async () => {
    threePages();
    const { http, events } = setup();
    const OnlyData = v.object({ data: v.array(v.object({ id: v.string() })) });
    const all = await collect(http.paginate({ path: '/v1/things', pagination: stripe(), schema: OnlyData, items: 'data' }));
    expect(all).toHaveLength(5);
    // has_more is reported as drift once, not per page.
    expect(events.filter((e) => e.type === 'schema-drift')).toEqual([expect.objectContaining({ path: 'has_more', operation: 'GET /v1/things' })]);
  });

  it('counts the raw page size, not the items a schema filtered out (the early-stop bug)', async () => {
    nock(BASE)
      .get('/people').query({ offset: 0, limit: 3 }).reply(200, [{ id: 'a', active: true }, { id: 'b', active: false }, { id: 'c', active: false }])
      .get('/people').query({ offset: 3, limit: 3 }).reply(200, [{ id: 'd', active: true }]);
    const { http } = setup();
    const Active = v.pipe(
      v.array(v.object({ id: v.string(), active: v.boolean() })),
      v.filterItems((p) => p.active),
    );
    const people = await collect(http.paginate({ path: '/people', pagination: offsetPagination({ limit: 3 }), schema: Active }));
    expect(people.map((p) => p.id)).toEqual(['a', 'd']);
  });
});

describe('paginate: prefetch', () => {
  it('requests page N+1 while the caller is still on page N', async () => {
    threePages();
    const { http, requests } = setup();
    const seenWhileOnPage: number[] = [];
    for await (const page of http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data' }).pages()) {
      await wait(15);
      seenWhileOnPage.push(requests().length);
      expect(page.items.length).toBeGreaterThan(0);
    }
    expect(seenWhileOnPage).toEqual([2, 3, 3]);
  });

  it('with prefetch: false, asks for the next page only when the caller does', async () => {
    threePages();
    const { http, requests } = setup();
    const seenWhileOnPage: number[] = [];
    for await (const _page of http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', prefetch: false }).pages()) {
      await wait(15);
      seenWhileOnPage.push(requests().length);
    }
    expect(seenWhileOnPage).toEqual([1, 2, 3]);
  });

  it('aborts the prefetch in flight when the caller breaks out early', async () => {
    nock(BASE)
      .get('/v1/things').query({ limit: 2 }).reply(200, { data: items(0, 2), has_more: true })
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).delay(2000).reply(200, { data: items(2, 4), has_more: false });
    const { fetch, signals } = spyFetch();
    const { http, events } = setup({ fetch });
    const listing = http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data' });
    for await (const item of listing) {
      await wait(10);
      expect(signals).toHaveLength(2);
      expect(signals[1]?.aborted).toBe(false);
      if (item) break;
    }
    expect(signals[1]?.aborted).toBe(true);
    await wait(10);
    expect(events.filter((e) => e.type === 'give-up')).toEqual([expect.objectContaining({ error: 'AbortedError' })]);
    expect(listing.checkpoint).toBeUndefined();
  });

  it("surfaces a prefetch failure when the caller reaches that page, never as an unhandled rejection", async () => {
    nock(BASE)
      .get('/v1/things').query({ limit: 2 }).reply(200, { data: items(0, 2), has_more: true })
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).reply(404, { error: 'gone' });
    const { http } = setup();
    const delivered: unknown[] = [];
    const error = await (async () => {
      for await (const item of http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data' })) {
        await wait(20);
        delivered.push(item);
      }
    })().catch((e: unknown) => e);
    expect(delivered).toHaveLength(2);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 404 });
  });
});

describe('paginate: abort', () => {
  it('ends with AbortedError mid-stream and aborts the request in flight', async () => {
    nock(BASE)
      .get('/v1/things').query({ limit: 2 }).reply(200, { data: items(0, 2), has_more: true })
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).delay(2000).reply(200, { data: items(2, 4), has_more: false });
    const { fetch, signals } = spyFetch();
    const { http } = setup({ fetch });
    const controller = new AbortController();
    const delivered: unknown[] = [];
    const error = await (async () => {
      for await (const item of http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', signal: controller.signal })) {
        delivered.push(item);
        await wait(10); // page 2 is in flight now
        expect(signals[1]?.aborted).toBe(false);
        controller.abort(new Error('shutting down'));
      }
    })().catch((e: unknown) => e);
    expect(delivered).toHaveLength(1);
    expect(error).toBeInstanceOf(AbortedError);
    expect(signals[1]?.aborted).toBe(true);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { http, requests } = setup();
    const { error } = await drain(http.paginate({ path: '/v1/things', pagination: stripe(), signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortedError);
    expect(requests()).toEqual([]);
  });
});

describe('paginate: checkpoints and limits', () => {
  it('resumes after a crash from a checkpoint that went through JSON', async () => {
    nock(BASE)
      .get('/v1/things').query({ limit: 2 }).reply(200, { data: items(0, 2), has_more: true })
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).reply(200, { data: items(2, 4), has_more: true });
    const { http } = setup();
    let saved = '';
    const processed: string[] = [];
    const crash = new Error('worker crashed');
    const first = await (async () => {
      for await (const page of http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', schema: List, prefetch: false }).pages()) {
        if (page.number === 2) throw crash;
        processed.push(...page.items.map((i) => i.id));
        saved = JSON.stringify(page.checkpoint);
      }
    })().catch((e: unknown) => e);
    expect(first).toBe(crash);

    // Only pages 2 and 3 exist now: starting over from page 1 would hit nock's 501 and fail.
    nock(BASE)
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).reply(200, { data: items(2, 4), has_more: true })
      .get('/v1/things').query({ limit: 2, starting_after: 'i3' }).reply(200, { data: items(4, 5), has_more: false });
    const resumed = await collect(http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', schema: List, checkpoint: JSON.parse(saved) as PaginationCheckpoint }));
    processed.push(...resumed.map((i) => i.id));
    expect(processed).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
  });

  it('exposes, for item iteration, the checkpoint after the last fully consumed page', async () => {
    threePages();
    const { http } = setup();
    const listing = http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', prefetch: false });
    const seen: string[] = [];
    for await (const item of listing) {
      seen.push((item as { id: string }).id);
      if (seen.length === 3) break; // in the middle of page 2
    }
    expect(listing.checkpoint).toEqual({ strategy: 'cursor', path: '/v1/things', next: 'i1', done: false });
    nock.cleanAll();
  });

  it('yields nothing from a checkpoint of a finished listing, and refuses one from another listing', async () => {
    const { http, requests } = setup();
    const done = await collect(http.paginate({ path: '/v1/things', pagination: stripe(), checkpoint: { strategy: 'cursor', path: '/v1/things', done: true } }));
    expect(done).toEqual([]);
    const other = await drain(http.paginate({ path: '/v1/things', pagination: stripe(), checkpoint: { strategy: 'offset', path: '/v1/things', next: 20, done: false } }));
    expect(other.error).toMatchObject({ name: 'PaginationError', code: 'invalid-checkpoint' });
    expect((other.error as Error).message).toContain('the checkpoint belongs to a offset listing of /v1/things, not to this cursor listing of /v1/things');
    const garbage = await drain(http.paginate({ path: '/v1/things', pagination: stripe(), checkpoint: 'abc' as unknown as PaginationCheckpoint }));
    expect(garbage.error).toMatchObject({ code: 'invalid-checkpoint' });
    expect(requests()).toEqual([]);
  });

  it('maxItems cuts the last page short, asks for nothing more, and resumes at that page', async () => {
    nock(BASE)
      .get('/v1/things').query({ limit: 2 }).reply(200, { data: items(0, 2), has_more: true })
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).reply(200, { data: items(2, 4), has_more: true });
    const { http, requests } = setup();
    const pages = await collect(http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', maxItems: 3 }).pages());
    expect(pages.map((p) => p.items.length)).toEqual([2, 1]);
    expect(pages[1]?.checkpoint).toEqual({ strategy: 'cursor', path: '/v1/things', next: 'i1', done: false });
    expect(requests()).toHaveLength(2);
  });

  it('maxPages stops after that many pages without prefetching another', async () => {
    threePages().get('/v1/things').query(true).reply(500);
    const { http, requests } = setup();
    const all = await collect(http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', maxPages: 2 }));
    expect(all).toHaveLength(4);
    expect(requests()).toHaveLength(2);
    nock.cleanAll();
  });
});

describe('paginate: every page goes through the pipeline', () => {
  it('retries a failed page, authorizes each one, and keeps the operation name', async () => {
    nock(BASE, { reqheaders: { authorization: 'Bearer abc123secret' } })
      .get('/v1/things').query({ limit: 2 }).reply(200, { data: items(0, 2), has_more: true })
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).reply(503, 'busy')
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).reply(200, { data: items(2, 3), has_more: false });
    const { http, events } = setup({ auth: { kind: 'test', authorize: ({ headers }) => headers.set('authorization', 'Bearer abc123secret') } });
    const all = await collect(http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', operation: 'things.list' }));
    expect(all).toHaveLength(3);
    expect(events.filter((e) => e.type === 'retry')).toEqual([expect.objectContaining({ operation: 'things.list', status: 503 })]);
  });

  it('fails on a page that does not match the schema, after delivering the pages before it, without retrying', async () => {
    nock(BASE)
      .get('/v1/things').query({ limit: 2 }).reply(200, { data: items(0, 2), has_more: true })
      .get('/v1/things').query({ limit: 2, starting_after: 'i1' }).reply(200, { data: [{ id: 7 }], has_more: false });
    const { http } = setup();
    const { delivered, error } = await drain(http.paginate({ path: '/v1/things', pagination: stripe(), items: 'data', schema: List }));
    expect(delivered).toHaveLength(2);
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect(error).toMatchObject({ attempts: 1, issues: [expect.objectContaining({ path: 'data.0.id', expected: 'string', received: '7' })] });
  });
});
