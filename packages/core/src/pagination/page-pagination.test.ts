import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BASE, collect, items, setup, useNock } from './__fixtures__/pagination-setup.ts';
import { pagePagination } from './page-pagination.ts';

useNock();

describe('pagePagination', () => {
  it('stops at totalPages', async () => {
    nock(BASE)
      .get('/orders').query({ page: 1, per_page: 2 }).reply(200, { meta: { pages: 2 }, orders: items(0, 2) })
      .get('/orders').query({ page: 2, per_page: 2 }).reply(200, { meta: { pages: 2 }, orders: items(2, 4) });
    const { http } = setup();
    const pagination = pagePagination({ limit: 2, limitParam: 'per_page', totalPages: 'meta.pages' });
    expect(await collect(http.paginate({ path: '/orders', pagination, items: 'orders' }))).toHaveLength(4);
  });

  it('stops on a short page, and counts from firstPage 0 when asked', async () => {
    nock(BASE)
      .get('/orders').query({ p: 0, limit: 2 }).reply(200, items(0, 2))
      .get('/orders').query({ p: 1, limit: 2 }).reply(200, items(2, 3));
    const { http } = setup();
    const pages = await collect(http.paginate({ path: '/orders', pagination: pagePagination({ pageParam: 'p', firstPage: 0, limit: 2 }) }).pages());
    expect(pages.map((p) => [p.items.length, p.checkpoint])).toEqual([
      [2, { strategy: 'page', path: '/orders', next: 1, done: false }],
      [1, { strategy: 'page', path: '/orders', done: true }],
    ]);
  });

  it('follows an explicit more flag over the page size', async () => {
    nock(BASE)
      .get('/orders').query({ page: 1, limit: 5 }).reply(200, { more: true, orders: items(0, 2) })
      .get('/orders').query({ page: 2, limit: 5 }).reply(200, { more: false, orders: items(2, 4) });
    const { http } = setup();
    const pagination = pagePagination({ limit: 5, hasMore: 'more' });
    expect(await collect(http.paginate({ path: '/orders', pagination, items: 'orders' }))).toHaveLength(4);
  });

  it('ends on an empty page when no size is known', async () => {
    nock(BASE)
      .get('/orders').query({ page: 1 }).reply(200, items(0, 2))
      .get('/orders').query({ page: 2 }).reply(200, []);
    const { http } = setup();
    expect(await collect(http.paginate({ path: '/orders', pagination: pagePagination() }))).toHaveLength(2);
  });

  it('Algolia-style: page and hitsPerPage in the POST body, nbPages decides the stop', async () => {
    nock(BASE)
      .post('/1/indexes/products/query', { query: 'lamp', page: 0, hitsPerPage: 2 }).reply(200, { hits: items(0, 2), nbPages: 2 })
      .post('/1/indexes/products/query', { query: 'lamp', page: 1, hitsPerPage: 2 }).reply(200, { hits: items(2, 3), nbPages: 2 });
    const { http } = setup();
    const pagination = pagePagination({ in: 'body', firstPage: 0, limit: 2, limitParam: 'hitsPerPage', totalPages: 'nbPages' });
    const hits = await collect(http.paginate({ method: 'POST', path: '/1/indexes/products/query', body: { query: 'lamp' }, pagination, items: 'hits' }));
    expect(hits).toHaveLength(3);
    expect(() => pagePagination({ in: 'form' as never })).toThrow(/in must be 'query' or 'body'/);
  });
});
