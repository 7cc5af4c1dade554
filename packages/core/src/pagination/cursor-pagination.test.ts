import nock from 'nock';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { PaginationError } from '../errors/index.ts';
import { BASE, collect, drain, items, setup, useNock } from './__fixtures__/pagination-setup.ts';
import { cursorPagination } from './cursor-pagination.ts';

useNock();

const stripe = () => cursorPagination({ cursorParam: 'starting_after', nextCursor: { lastItem: 'id' }, hasMore: 'has_more', limit: 3 });
const StripeList = v.object({ data: v.array(v.object({ id: v.string() })), has_more: v.boolean() });

describe('cursorPagination', () => {
  it('Stripe: cursor is the last item id, has_more decides the stop', async () => {
    nock(BASE)
      .get('/v1/customers').query({ limit: 3 }).reply(200, { object: 'list', data: items(0, 3), has_more: true })
      .get('/v1/customers').query({ limit: 3, starting_after: 'i2' }).reply(200, { object: 'list', data: items(3, 6), has_more: true })
      .get('/v1/customers').query({ limit: 3, starting_after: 'i5' }).reply(200, { object: 'list', data: items(6, 7), has_more: false });
    const { http } = setup();
    const customers = await collect(http.paginate({ path: '/v1/customers', pagination: stripe(), schema: StripeList, items: 'data' }));
    expect(customers.map((c) => c.id)).toEqual(items(0, 7).map((c) => c.id));
  });

  it('Slack: an empty next_cursor ends the listing, and user query is kept on every page', async () => {
    nock(BASE)
      .get('/conversations.list').query({ types: 'public_channel', limit: 2 }).reply(200, { ok: true, channels: items(0, 2), response_metadata: { next_cursor: 'dGVhbTpD' } })
      .get('/conversations.list').query({ types: 'public_channel', limit: 2, cursor: 'dGVhbTpD' }).reply(200, { ok: true, channels: items(2, 3), response_metadata: { next_cursor: '' } });
    const { http } = setup();
    const pagination = cursorPagination({ cursorParam: 'cursor', nextCursor: 'response_metadata.next_cursor', limit: 2 });
    const channels = await collect(http.paginate({ path: '/conversations.list', query: { types: 'public_channel' }, pagination, items: 'channels' }));
    expect(channels).toHaveLength(3);
  });

  it('HubSpot: a missing paging object ends the listing; an empty page with a cursor does not', async () => {
    nock(BASE)
      .get('/crm/v3/objects/contacts').reply(200, { results: items(0, 2), paging: { next: { after: '2' } } })
      .get('/crm/v3/objects/contacts').query({ after: '2' }).reply(200, { results: [], paging: { next: { after: '9' } } })
      .get('/crm/v3/objects/contacts').query({ after: '9' }).reply(200, { results: items(2, 3) });
    const { http } = setup();
    const pagination = cursorPagination({ cursorParam: 'after', nextCursor: 'paging.next.after' });
    const pages = await collect(http.paginate({ path: '/crm/v3/objects/contacts', pagination, items: 'results' }).pages());
    expect(pages.map((p) => p.items.length)).toEqual([2, 0, 1]);
    expect(pages.map((p) => p.last)).toEqual([false, false, true]);
  });

  it('ends on an empty last page that says has_more: false', async () => {
    nock(BASE)
      .get('/v1/customers').query(true).reply(200, { data: items(0, 3), has_more: true })
      .get('/v1/customers').query(true).reply(200, { data: [], has_more: false });
    const { http } = setup();
    const pages = await collect(http.paginate({ path: '/v1/customers', pagination: stripe(), items: 'data' }).pages());
    expect(pages.map((p) => [p.items.length, p.checkpoint.done])).toEqual([[3, false], [0, true]]);
  });

  it('stops with a PaginationError on a repeated cursor, after delivering the page', async () => {
    nock(BASE)
      .get('/list').reply(200, { items: items(0, 2), next: 'c1' })
      .get('/list').query({ cursor: 'c1' }).reply(200, { items: items(2, 4), next: 'c2' })
      .get('/list').query({ cursor: 'c2' }).reply(200, { items: items(4, 6), next: 'c1' });
    const { http } = setup();
    const pagination = cursorPagination({ cursorParam: 'cursor', nextCursor: 'next' });
    const { delivered, error } = await drain(http.paginate({ path: '/list', pagination, items: 'items', operation: 'list' }));
    expect(delivered).toHaveLength(6);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ code: 'repeated-position', page: 3, retryable: false, operation: 'list' });
    expect((error as Error).message).toContain('the API returned the cursor "c1" again');
  });

  it('refuses to stop silently when has_more is true but no cursor can be read', async () => {
    nock(BASE).get('/list').reply(200, { items: items(0, 2), has_more: true, next: null });
    const { http } = setup();
    const pagination = cursorPagination({ cursorParam: 'cursor', nextCursor: 'next', hasMore: 'has_more' });
    const { delivered, error } = await drain(http.paginate({ path: '/list', pagination, items: 'items' }));
    expect(delivered).toHaveLength(2);
    expect(error).toMatchObject({ name: 'PaginationError', code: 'missing-cursor', checkpoint: { strategy: 'cursor', path: '/list', done: false } });
  });

  it('treats a missing has_more flag as an error, not as the end', async () => {
    nock(BASE).get('/list').reply(200, { items: items(0, 1), hasMore: false });
    const { http } = setup();
    const pagination = cursorPagination({ cursorParam: 'cursor', nextCursor: 'next', hasMore: 'has_more' });
    const { error } = await drain(http.paginate({ path: '/list', pagination, items: 'items' }));
    expect(error).toMatchObject({ code: 'invalid-page' });
    expect((error as Error).message).toContain('the "more pages" flag `has_more` is missing from the page');
  });

  it('rejects bad options with a TypeError', () => {
    expect(() => cursorPagination({ cursorParam: '', nextCursor: 'next' })).toThrow(TypeError);
    expect(() => cursorPagination({ cursorParam: 'c', nextCursor: 'next', limit: 0 })).toThrow(/limit must be a positive integer/);
    expect(() => cursorPagination({ cursorParam: 'c', nextCursor: {} as { lastItem: string } })).toThrow(/nextCursor/);
  });

  it('HubSpot search: the cursor and limit go in the POST body, over the caller\'s filters, and a POST listing is retried like a read', async () => {
    const filterGroups = [{ filters: [{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@acme.test' }] }];
    const seen: unknown[] = [];
    nock(BASE)
      .post('/crm/v3/objects/contacts/search', (body) => (seen.push(body), true)).reply(200, { total: 3, results: items(0, 2), paging: { next: { after: '2' } } })
      .post('/crm/v3/objects/contacts/search').reply(502)
      .post('/crm/v3/objects/contacts/search', (body) => (seen.push(body), true)).reply(200, { total: 3, results: items(2, 3) });
    const { http, events } = setup();
    const pagination = cursorPagination({ in: 'body', cursorParam: 'after', nextCursor: 'paging.next.after', limit: 2 });
    const listing = http.paginate({ method: 'POST', path: '/crm/v3/objects/contacts/search', body: { filterGroups }, pagination, items: 'results' });
    expect((await collect(listing)).map((c) => (c as { id: string }).id)).toEqual(['i0', 'i1', 'i2']);
    expect(seen).toEqual([{ filterGroups, limit: 2 }, { filterGroups, limit: 2, after: '2' }]);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
    expect(events.find((e) => e.type === 'request')).toMatchObject({ operation: 'POST /crm/v3/objects/contacts/search', method: 'POST' });
    // Resuming sends the saved cursor in the body again.
    nock(BASE).post('/crm/v3/objects/contacts/search', { filterGroups, limit: 2, after: '2' }).reply(200, { results: items(2, 3) });
    const resumed = http.paginate({
      method: 'POST', path: '/crm/v3/objects/contacts/search', body: { filterGroups }, pagination, items: 'results',
      checkpoint: { strategy: 'cursor', path: '/crm/v3/objects/contacts/search', next: '2', done: false },
    });
    expect((await collect(resumed)).map((c) => (c as { id: string }).id)).toEqual(['i2']);
  });

  it('Notion: start_cursor in the body, has_more decides the stop', async () => {
    nock(BASE)
      .post('/v1/databases/db1/query', { page_size: 2 }).reply(200, { object: 'list', results: items(0, 2), has_more: true, next_cursor: 'c2' })
      .post('/v1/databases/db1/query', { page_size: 2, start_cursor: 'c2' }).reply(200, { object: 'list', results: items(2, 3), has_more: false, next_cursor: null });
    const { http } = setup();
    const pagination = cursorPagination({ in: 'body', cursorParam: 'start_cursor', nextCursor: 'next_cursor', hasMore: 'has_more', limit: 2, limitParam: 'page_size' });
    expect(await collect(http.paginate({ method: 'POST', path: '/v1/databases/db1/query', pagination, items: 'results' }))).toHaveLength(3);
  });

  it('refuses a body cursor on a GET listing, and malformed POST options, with errors that say what to change', async () => {
    const { http } = setup();
    const pagination = cursorPagination({ in: 'body', cursorParam: 'after', nextCursor: 'paging.next.after' });
    const { error } = await drain(http.paginate({ path: '/crm/v3/objects/contacts/search', pagination, items: 'results' }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/sends its cursor in the request body; read the listing with method: 'POST'/);
    expect(() => http.paginate({ path: '/x', body: { a: 1 }, pagination })).toThrow(/a `body` needs method: 'POST'/);
    expect(() => http.paginate({ method: 'PUT' as never, path: '/x', pagination })).toThrow(/method must be 'GET' or 'POST'/);
    expect(() => cursorPagination({ in: 'header' as never, cursorParam: 'after', nextCursor: 'x' })).toThrow(/in must be 'query' or 'body'/);
  });
});
