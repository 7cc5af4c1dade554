import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BASE, collect, drain, items, setup, useNock } from './__fixtures__/pagination-setup.ts';
import { nextUrlPagination } from './next-url-pagination.ts';

useNock();

describe('nextUrlPagination', () => {
  it('follows a next URL in the body (absolute or relative) until it is null', async () => {
    nock(BASE)
      .get('/api/v2/tickets').query({ limit: 2 }).reply(200, { results: items(0, 2), next: `${BASE}/api/v2/tickets?limit=2&after=x1` })
      .get('/api/v2/tickets').query({ limit: 2, after: 'x1' }).reply(200, { results: items(2, 4), next: '/api/v2/tickets?limit=2&after=x2' })
      .get('/api/v2/tickets').query({ limit: 2, after: 'x2' }).reply(200, { results: items(4, 5), next: null });
    const { http } = setup();
    const tickets = await collect(http.paginate({ path: '/api/v2/tickets', pagination: nextUrlPagination({ nextUrl: 'next', limit: 2 }), items: 'results' }));
    expect(tickets).toHaveLength(5);
  });

  it('ends on an empty last page with no next URL', async () => {
    nock(BASE)
      .get('/feed').reply(200, { data: items(0, 2), links: { next: `${BASE}/feed?p=2` } })
      .get('/feed').query({ p: 2 }).reply(200, { data: [], links: {} });
    const { http } = setup();
    const pages = await collect(http.paginate({ path: '/feed', pagination: nextUrlPagination({ nextUrl: 'links.next' }), items: 'data' }).pages());
    expect(pages.map((p) => [p.items.length, p.last])).toEqual([[2, false], [0, true]]);
  });

  it('refuses a next URL on another origin', async () => {
    nock(BASE).get('/feed').reply(200, { data: items(0, 1), next: 'http://api.pages.test/feed?p=2' });
    const { http } = setup();
    const { delivered, error } = await drain(http.paginate({ path: '/feed', pagination: nextUrlPagination({ nextUrl: 'next' }), items: 'data' }));
    expect(delivered).toHaveLength(1);
    // Same host, other scheme: still another origin, so credentials could travel in clear text.
    expect(error).toMatchObject({ code: 'foreign-origin' });
  });

  it('rejects a next URL that is not a string', async () => {
    nock(BASE).get('/feed').reply(200, { data: items(0, 1), next: { href: '/x' } });
    const { http } = setup();
    const { error } = await drain(http.paginate({ path: '/feed', pagination: nextUrlPagination({ nextUrl: 'next' }), items: 'data' }));
    expect(error).toMatchObject({ code: 'invalid-page' });
  });
});
