import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
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
