import nock from 'nock';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import { defineConnector } from '../connector/define-connector.ts';
import { createHttpClient } from '../http/create-http-client.ts';
import { cursorPagination } from './cursor-pagination.ts';
import { resolveListing } from './listings.ts';
import { offsetPagination } from './offset-pagination.ts';

const BASE = 'https://slack.listings.test';

/** Slack's cursor listings (https://api.slack.com/docs/pagination): the item key differs per method. */
const slackCursor = cursorPagination({ cursorParam: 'cursor', nextCursor: 'response_metadata.next_cursor', limit: 2 });
const listings = {
  pagination: slackCursor,
  routes: {
    'conversations.list': { items: 'channels' },
    'GET /users.list': { items: 'members' },
    '/conversations.history': { items: 'messages' },
    'search.all': { pagination: offsetPagination({ limit: 2 }), items: 'results' },
  },
};

const page = (key: string, ids: string[], next = '') => ({ ok: true, [key]: ids.map((id) => ({ id })), response_metadata: { next_cursor: next } });

useNock();

describe('resolveListing', () => {
  it('takes the call first, then its operation, METHOD /path, path, then the default', () => {
    expect(resolveListing(listings, { operation: 'conversations.list', path: '/conversations.list' })).toEqual({ pagination: slackCursor, items: 'channels' });
    expect(resolveListing(listings, { path: '/users.list' })).toEqual({ pagination: slackCursor, items: 'members' });
    expect(resolveListing(listings, { method: 'POST', path: '/conversations.history' })).toEqual({ pagination: slackCursor, items: 'messages' });
    expect(resolveListing(listings, { path: '/other', items: 'x' })).toEqual({ pagination: slackCursor, items: 'x' });
    expect(resolveListing(undefined, { path: '/other' })).toEqual({});
  });
});

describe('listings per route', () => {
  it('http.paginate pages each route by the client listings, with its own item key', async () => {
    nock(BASE)
      .get('/conversations.list').query({ limit: 2 }).reply(200, page('channels', ['C1', 'C2'], 'n1'))
      .get('/conversations.list').query({ limit: 2, cursor: 'n1' }).reply(200, page('channels', ['C3']))
      .get('/users.list').query({ limit: 2 }).reply(200, page('members', ['U1']));
    const http = createHttpClient({ connector: 'slack', baseUrl: BASE, circuitBreaker: false, rateLimit: false, listings });
    const channels: unknown[] = [];
    for await (const c of http.paginate({ path: '/conversations.list', operation: 'conversations.list' })) channels.push(c);
    expect(channels).toEqual([{ id: 'C1' }, { id: 'C2' }, { id: 'C3' }]);
    const members: unknown[] = [];
    for await (const m of http.paginate({ path: '/users.list' })) members.push(m);
    expect(members).toEqual([{ id: 'U1' }]);
  });

  it('the connector instance paginate uses the definition listings and takes items and pagination per call (typed)', async () => {
    const slack = defineConnector({
      name: 'slack',
      client: () => ({ baseUrl: BASE, circuitBreaker: false, rateLimit: false }),
      api: () => ({}),
      listings,
    });
    nock(BASE)
      .get('/conversations.history').query({ limit: 2 }).reply(200, page('messages', ['m1']))
      .get('/pins.list').query({ limit: 2 }).reply(200, page('items', ['p1']));
    const connector = slack.create({});
    const messages: unknown[] = [];
    for await (const m of connector.paginate({ path: '/conversations.history' })) messages.push(m);
    expect(messages).toEqual([{ id: 'm1' }]);

    const schema = v.object({ items: v.array(v.object({ id: v.string() })) });
    const pins = connector.paginate({ path: '/pins.list', items: 'items', schema });
    expectTypeOf(pins).toExtend<AsyncIterable<{ id: string }>>();
    const ids: string[] = [];
    for await (const pin of pins) ids.push(pin.id);
    expect(ids).toEqual(['p1']);
  });

  it('says what to declare when neither the call nor the listings give a strategy', () => {
    const http = createHttpClient({ connector: 'slack', baseUrl: BASE, listings: { routes: { 'users.list': { items: 'members' } } } });
    expect(() => http.paginate({ path: '/x' })).toThrow(/declare `listings` on the client or connector/);
  });
});
