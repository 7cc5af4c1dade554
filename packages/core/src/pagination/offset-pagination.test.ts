import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BASE, collect, drain, items, setup, useNock } from './__fixtures__/pagination-setup.ts';
import { offsetPagination } from './offset-pagination.ts';

useNock();

describe('offsetPagination', () => {
  it('stops at the total when the API gives one', async () => {
    nock(BASE)
      .get('/people').query({ offset: 0, limit: 2 }).reply(200, { total: 5, people: items(0, 2) })
      .get('/people').query({ offset: 2, limit: 2 }).reply(200, { total: 5, people: items(2, 4) })
      .get('/people').query({ offset: 4, limit: 2 }).reply(200, { total: 5, people: items(4, 5) });
    const { http } = setup();
    const people = await collect(http.paginate({ path: '/people', pagination: offsetPagination({ limit: 2, total: 'total' }), items: 'people' }));
    expect(people.map((p) => (p as { id: string }).id)).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
  });

  it('without a total, a short page is the last one', async () => {
    nock(BASE)
      .get('/people').query({ offset: 0, limit: 3 }).reply(200, items(0, 3))
      .get('/people').query({ offset: 3, limit: 3 }).reply(200, items(3, 4));
    const { http } = setup();
    expect(await collect(http.paginate({ path: '/people', pagination: offsetPagination({ limit: 3 }) }))).toHaveLength(4);
  });

  it('ends on an empty last page when the count is a multiple of the limit', async () => {
    nock(BASE)
      .get('/people').query({ offset: 0, limit: 2 }).reply(200, items(0, 2))
      .get('/people').query({ offset: 2, limit: 2 }).reply(200, items(2, 4))
      .get('/people').query({ offset: 4, limit: 2 }).reply(200, []);
    const { http } = setup();
    const pages = await collect(http.paginate({ path: '/people', pagination: offsetPagination({ limit: 2 }) }).pages());
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 0]);
    expect(pages.at(-1)?.checkpoint).toEqual({ strategy: 'offset', path: '/people', done: true });
  });

  it("with stopOn 'empty-page', advances by what the server returned when it caps the page size", async () => {
    nock(BASE)
      .get('/people').query({ offset: 0, limit: 100 }).reply(200, items(0, 50))
      .get('/people').query({ offset: 50, limit: 100 }).reply(200, items(50, 70))
      .get('/people').query({ offset: 70, limit: 100 }).reply(200, []);
    const { http } = setup();
    const people = await collect(http.paginate({ path: '/people', pagination: offsetPagination({ limit: 100, stopOn: 'empty-page' }) }));
    expect(people).toHaveLength(70);
  });

  it('stops with repeated-page when the API ignores the offset instead of looping forever', async () => {
    nock(BASE).get('/people').query(true).times(2).reply(200, items(0, 2));
    const { http } = setup();
    const { delivered, error } = await drain(http.paginate({ path: '/people', pagination: offsetPagination({ limit: 2 }) }));
    expect(delivered).toHaveLength(2);
    expect(error).toMatchObject({ name: 'PaginationError', code: 'repeated-page', page: 2, checkpoint: { next: 2, done: false } });
  });

  it('rejects a total that is not a number', async () => {
    nock(BASE).get('/people').query(true).reply(200, { total: 'many', people: items(0, 2) });
    const { http } = setup();
    const { error } = await drain(http.paginate({ path: '/people', pagination: offsetPagination({ limit: 2, total: 'total' }), items: 'people' }));
    expect(error).toMatchObject({ code: 'invalid-page' });
  });

  it('rejects bad options with a TypeError', () => {
    expect(() => offsetPagination({ limit: -1 })).toThrow(TypeError);
    expect(() => offsetPagination({ start: 1.5 })).toThrow(/start must be a non-negative integer/);
  });

  it('Elasticsearch-style: from and size in the POST body of a search, total decides the stop', async () => {
    const query = { match: { status: 'open' } };
    nock(BASE)
      .post('/tickets/_search', { query, from: 0, size: 2 }).reply(200, { hits: { total: 3, hits: items(0, 2) } })
      .post('/tickets/_search', { query, from: 2, size: 2 }).reply(200, { hits: { total: 3, hits: items(2, 3) } });
    const { http } = setup();
    const pagination = offsetPagination({ in: 'body', offsetParam: 'from', limitParam: 'size', limit: 2, total: 'hits.total' });
    const hits = await collect(http.paginate({ method: 'POST', path: '/tickets/_search', body: { query }, pagination, items: 'hits.hits' }));
    expect(hits).toHaveLength(3);
  });
});
