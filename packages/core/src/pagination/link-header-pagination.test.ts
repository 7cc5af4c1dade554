import nock from 'nock';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { PaginationError } from '../errors/index.ts';
import { BASE, collect, drain, items, setup, useNock } from './__fixtures__/pagination-setup.ts';
import { linkHeaderPagination } from './link-header-pagination.ts';

useNock();

const link = (url: string, rel = 'next') => ({ link: `<${url}>; rel="${rel}", <${BASE}/repositories/1/issues?page=9>; rel="last"` });

describe('linkHeaderPagination', () => {
  it('GitHub: follows rel="next" until it is gone, sending credentials on every page', async () => {
    nock(BASE, { reqheaders: { authorization: 'Bearer t0k3n-value' } })
      .get('/repos/o/r/issues').query({ state: 'open', per_page: 2 }).reply(200, items(0, 2), link(`${BASE}/repositories/1/issues?state=open&per_page=2&page=2`))
      .get('/repositories/1/issues').query({ state: 'open', per_page: 2, page: 2 }).reply(200, items(2, 4), link(`${BASE}/repositories/1/issues?state=open&per_page=2&page=3`))
      .get('/repositories/1/issues').query({ state: 'open', per_page: 2, page: 3 }).reply(200, items(4, 5), { link: `<${BASE}/repositories/1/issues?page=1>; rel="first"` });
    const { http, events } = setup({ auth: { kind: 'test', authorize: ({ headers }) => headers.set('authorization', 'Bearer t0k3n-value') } });
    const issues = await collect(
      http.paginate({
        path: '/repos/{owner}/{repo}/issues',
        params: { owner: 'o', repo: 'r' },
        query: { state: 'open' },
        pagination: linkHeaderPagination({ limit: 2 }),
        schema: v.array(v.object({ id: v.string() })),
        operation: 'issues.list',
      }),
    );
    expect(issues.map((i) => i.id)).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
    // Events carry the route template, never the concrete next URL.
    const routes = new Set(events.flatMap((e) => ('route' in e ? [e.route] : [])));
    expect([...routes]).toEqual(['/repos/{owner}/{repo}/issues']);
  });

  it('Shopify: resolves a relative next link against the page URL', async () => {
    nock(BASE)
      .get('/admin/api/2024-01/products.json').query({ limit: 1 }).reply(200, { products: items(0, 1) }, { link: '<products.json?limit=1&page_info=abc>; rel="next"' })
      .get('/admin/api/2024-01/products.json').query({ limit: 1, page_info: 'abc' }).reply(200, { products: items(1, 2) });
    const { http } = setup();
    const products = await collect(http.paginate({ path: '/admin/api/2024-01/products.json', pagination: linkHeaderPagination({ limit: 1, limitParam: 'limit' }), items: 'products' }));
    expect(products).toHaveLength(2);
  });

  it('refuses a next link on another origin: the page is delivered, nothing is sent there', async () => {
    nock(BASE).get('/items').reply(200, items(0, 2), link('https://evil.test/items?page=2'));
    const { http, requests } = setup();
    const { delivered, error } = await drain(http.paginate({ path: '/items', pagination: linkHeaderPagination() }));
    expect(delivered).toHaveLength(2);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ code: 'foreign-origin', page: 1 });
    expect((error as Error).message).toContain('the next page is on https://evil.test, not on https://api.pages.test; refusing to send credentials there');
    expect(requests()).toHaveLength(1);
  });

  it('stops on a next link that was already followed', async () => {
    nock(BASE)
      .get('/items').reply(200, items(0, 1), link(`${BASE}/items?page=2`))
      .get('/items').query({ page: 2 }).reply(200, items(1, 2), link(`${BASE}/items?page=2&sig=s3cret`))
      .get('/items').query({ page: 2, sig: 's3cret' }).reply(200, items(2, 3), link(`${BASE}/items?page=2`));
    const { http } = setup();
    const { delivered, error } = await drain(http.paginate({ path: '/items', pagination: linkHeaderPagination() }));
    expect(delivered).toHaveLength(3);
    expect(error).toMatchObject({ code: 'repeated-position', page: 3 });
    expect((error as Error).message).toContain(`the next URL ${BASE}/items?page=2 again`);
  });

  it('resumes from a checkpoint URL, and refuses one on another origin', async () => {
    nock(BASE).get('/items').query({ page: 5 }).reply(200, items(8, 10));
    const { http } = setup();
    const resumed = await collect(
      http.paginate({ path: '/items', pagination: linkHeaderPagination(), checkpoint: { strategy: 'link-header', path: '/items', next: `${BASE}/items?page=5`, done: false } }),
    );
    expect(resumed).toHaveLength(2);
    const tampered = http.paginate({ path: '/items', pagination: linkHeaderPagination(), checkpoint: { strategy: 'link-header', path: '/items', next: 'https://evil.test/x', done: false } });
    await expect(collect(tampered)).rejects.toMatchObject({ code: 'foreign-origin' });
  });
});
