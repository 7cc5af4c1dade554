import { AuthError, HttpError, RateLimitError, type ConnectorEvent } from '@connectors/core';
import { createFakeClock } from '@connectors/testing';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import authTest from './auth/__fixtures__/auth-test.json' with { type: 'json' };
import postMessage from './chat/__fixtures__/post-message.json' with { type: 'json' };
import conversationHistory from './conversations/__fixtures__/conversation-history.json' with { type: 'json' };
import conversationInfo from './conversations/__fixtures__/conversation-info.json' with { type: 'json' };
import conversationsList from './conversations/__fixtures__/conversations-list.json' with { type: 'json' };
import channelNotFound from './errors/__fixtures__/channel-not-found.json' with { type: 'json' };
import invalidAuth from './errors/__fixtures__/invalid-auth.json' with { type: 'json' };
import missingScope from './errors/__fixtures__/missing-scope.json' with { type: 'json' };
import ratelimited from './errors/__fixtures__/ratelimited.json' with { type: 'json' };
import tokenExpired from './errors/__fixtures__/token-expired.json' with { type: 'json' };
import { slack } from './slack-connector.ts';

const API = 'https://slack.com';
const TOKEN = 'xoxb-connectorstest0001';

function setup(extra: Parameters<typeof slack.create>[0] = {}) {
  const clock = createFakeClock();
  const events: ConnectorEvent[] = [];
  const client = slack.create({ token: TOKEN, clock, random: () => 0, onEvent: (e) => void events.push(e), ...extra });
  return { client, clock, events };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Reads a form body the way Slack does. */
const form = (body: unknown) => new URLSearchParams(typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString());

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('slack connector: requests', () => {
  it('POSTs each method to /api/<method>, form-encoded with the bot token, blocks as a JSON string', async () => {
    let sent: URLSearchParams | undefined;
    const scope = nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' } })
      .post('/api/chat.postMessage', (body: unknown) => ((sent = form(body)), true))
      .reply(200, postMessage);
    const { client } = setup();
    const posted = await client.chat.postMessage({ channel: 'C123ABC456', text: 'Deploy finished', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Deploy* finished' } }], unfurl_links: false });
    expect(posted.ts).toBe('1503435956.000247');
    expect(sent?.get('channel')).toBe('C123ABC456');
    expect(sent?.get('unfurl_links')).toBe('false');
    expect(JSON.parse(sent!.get('blocks')!)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*Deploy* finished' } }]);
    scope.done();
  });

  it('verifies credentials with auth.test and names team, user and bot', async () => {
    nock(API).post('/api/auth.test').reply(200, authTest);
    const { client } = setup();
    const verified = await client.verifyCredentials();
    expect(verified.identity).toBe('bot (W23456789, bot BZYBOTHED) in Subarachnoid Workspace (T0001)');
    nock(API).post('/api/auth.test').reply(200, authTest);
    expect(await client.auth.test()).toMatchObject({ team_id: 'T0001', user_id: 'W23456789', bot_id: 'BZYBOTHED' });
  });

  it('refuses a message without content before sending anything', async () => {
    const { client } = setup();
    expect(() => client.chat.postMessage({ channel: 'C1' })).toThrow(/give `text`, `blocks` or `attachments`/);
  });
});

describe('slack connector: failures in 200 bodies', () => {
  it('maps invalid_auth to a rejected AuthError and does not retry it', async () => {
    const scope = nock(API).post('/api/conversations.info').once().reply(200, invalidAuth);
    const { client } = setup();
    const error = await client.conversations.info('C012AB3CD').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'rejected', providerError: 'invalid_auth', status: 200 });
    scope.done();
  });

  it('maps missing_scope to an insufficient-scope AuthError naming the needed and provided scopes', async () => {
    nock(API).post('/api/chat.postMessage').reply(200, missingScope);
    const { client } = setup();
    const error = (await client.chat.postMessage({ channel: 'C1', text: 'hi' }).catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('insufficient-scope');
    expect(error.neededScopes).toEqual(['chat:write']);
    expect(error.providedScopes).toEqual(['channels:read', 'users:read']);
    expect(error.message).toMatch(/needed: chat:write; provided: channels:read, users:read/);
  });

  it('keeps Slack codes such as channel_not_found as permanent HttpErrors with providerCode', async () => {
    const scope = nock(API).post('/api/conversations.history').once().reply(200, channelNotFound);
    const { client } = setup();
    const error = (await all(client.conversations.history({ channel: 'C0NOPE' })).catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(200);
    expect(error.providerCode).toBe('channel_not_found');
    expect(error.retryable).toBe(false);
    scope.done();
  });

  it('retries chat.postMessage after 429 ratelimited (not applied) and posts the message once', async () => {
    const scope = nock(API)
      .post('/api/chat.postMessage').reply(429, ratelimited, { 'retry-after': '3' })
      .post('/api/chat.postMessage').reply(200, postMessage);
    const { client, clock } = setup();
    const posted = await client.chat.postMessage({ channel: 'C123ABC456', text: 'hello' });
    expect(posted.channel).toBe('C123ABC456');
    expect(clock.sleeps).toContain(3000);
    scope.done();
  });

  it('does not repeat chat.postMessage after an ambiguous internal_error, but retries a read', async () => {
    const post = nock(API).post('/api/chat.postMessage').once().reply(200, { ok: false, error: 'internal_error' });
    const { client } = setup();
    const error = (await client.chat.postMessage({ channel: 'C1', text: 'hi' }).catch((e: unknown) => e)) as HttpError;
    expect(error.providerCode).toBe('internal_error');
    post.done();
    const read = nock(API)
      .post('/api/conversations.info').reply(200, { ok: false, error: 'internal_error' })
      .post('/api/conversations.info').reply(200, conversationInfo);
    expect((await client.conversations.info('C012AB3CD')).name).toBe('general');
    read.done();
  });

  it('judges a body without Slack\'s `ok` flag (a gateway error page) by its status', async () => {
    const scope = nock(API)
      .post('/api/conversations.info').reply(503, { message: 'upstream connect error' })
      .post('/api/conversations.info').reply(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' })
      .post('/api/conversations.info').reply(200, conversationInfo);
    const { client } = setup();
    expect((await client.conversations.info('C012AB3CD')).name).toBe('general');
    scope.done();
  });

  it('fails with RateLimitError when Slack keeps answering ratelimited', async () => {
    nock(API).post('/api/users.info').times(10).reply(429, ratelimited, { 'retry-after': '1' });
    const { client } = setup({ retry: { maxAttempts: 2 } });
    await expect(client.users.info('W012A3CDE')).rejects.toBeInstanceOf(RateLimitError);
  });

  it('reports warning and response_metadata.warnings as provider-warning events', async () => {
    nock(API).post('/api/conversations.join').reply(200, { ...conversationInfo, warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } });
    const { client, events } = setup();
    await client.conversations.join('C012AB3CD');
    const warning = events.find((e) => e.type === 'provider-warning');
    expect(warning).toMatchObject({ type: 'provider-warning', operation: 'conversations.join' });
    expect((warning as { warnings: readonly string[] }).warnings).toContain('already_in_channel');
  });
});

describe('slack connector: rotating tokens', () => {
  it('refreshes on token_expired through oauth.v2.access, keeps the rotated refresh token, and retries once', async () => {
    // nock may run a body matcher more than once, and on other requests to the host: keep distinct token requests; `token.done()` proves one.
    const seen = new Set<string>();
    const token = nock(API)
      .post('/api/oauth.v2.access', (body: unknown) => {
        const f = form(body);
        if (f.has('grant_type')) seen.add(JSON.stringify([...f.entries()].sort()));
        return true;
      })
      .once()
      .reply(200, { ok: true, access_token: 'xoxe.xoxb-new0001', refresh_token: 'xoxe-1-second', expires_in: 43200, token_type: 'bot' });
    const api = nock(API)
      .post('/api/conversations.info').matchHeader('authorization', 'Bearer xoxe.xoxb-old0001').reply(200, tokenExpired)
      .post('/api/conversations.info').matchHeader('authorization', 'Bearer xoxe.xoxb-new0001').reply(200, conversationInfo);
    const clock = createFakeClock();
    const client = slack.create({
      clock,
      random: () => 0,
      oauth: { clientId: '111.222', clientSecret: 'shh-secret', initialTokens: { accessToken: 'xoxe.xoxb-old0001', refreshToken: 'xoxe-1-first', expiresAt: clock.now() + 3_600_000 } },
    });
    expect((await client.conversations.info('C012AB3CD')).id).toBe('C012AB3CD');
    const refreshes = [...seen].map((entries) => new URLSearchParams(JSON.parse(entries) as [string, string][]));
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.get('grant_type')).toBe('refresh_token');
    expect(refreshes[0]!.get('refresh_token')).toBe('xoxe-1-first');
    expect(refreshes[0]!.get('client_id')).toBe('111.222');
    token.done();
    api.done();
  });

  it('says how to fix an OAuth setup without tokens', () => {
    expect(() => slack.create({ oauth: { clientId: '1.2', clientSecret: 's' } })).toThrow(/initialTokens.*refreshToken.*store/);
    expect(() => slack.create({ token: 'xoxb-fixed', oauth: { clientId: '1.2', clientSecret: 's', refreshToken: 'xoxe-1-a' } })).toThrow(/either `oauth`.*or `token`/);
  });
});

describe('slack connector: listings', () => {
  it('pages with response_metadata.next_cursor in the POST body, items under each method\'s own key', async () => {
    const bodies: URLSearchParams[] = [];
    const scope = nock(API)
      .post('/api/conversations.list', (b: unknown) => (bodies.push(form(b)), true)).reply(200, conversationsList)
      .post('/api/conversations.list', (b: unknown) => (bodies.push(form(b)), true)).reply(200, { ...conversationsList, channels: conversationsList.channels.slice(0, 1), response_metadata: { next_cursor: '' } });
    const { client } = setup();
    const channels = await all(client.conversations.list({ types: 'public_channel', exclude_archived: true }, { limit: 2 }));
    expect(channels.map((c) => c.name)).toEqual(['general', 'random', 'general']);
    expect(bodies[0]!.get('limit')).toBe('2');
    expect(bodies[0]!.get('cursor')).toBeNull();
    expect(bodies[0]!.get('exclude_archived')).toBe('true');
    expect(bodies[1]!.get('cursor')).toBe('dGVhbTpDMDYxRkE1UEI=');
    scope.done();
  });

  it('resumes a listing from a saved checkpoint at the next cursor', async () => {
    const bodies: URLSearchParams[] = [];
    nock(API)
      .post('/api/conversations.history', (b: unknown) => (bodies.push(form(b)), true)).reply(200, conversationHistory)
      .post('/api/conversations.history', (b: unknown) => (bodies.push(form(b)), true)).reply(200, { ...conversationHistory, has_more: false, response_metadata: { next_cursor: '' } });
    const { client } = setup();
    const first = client.conversations.history({ channel: 'C123ABC456' }, { limit: 2, prefetch: false });
    let saved;
    for await (const page of first.pages()) {
      saved = page.checkpoint;
      break; // the process stops after committing page 1
    }
    const resumed = await all(client.conversations.history({ channel: 'C123ABC456' }, { limit: 2, checkpoint: saved! }));
    expect(resumed).toHaveLength(2);
    const cursors = bodies.filter((b) => b.get('channel') === 'C123ABC456').map((b) => b.get('cursor'));
    expect(cursors).toEqual([null, 'bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz']);
  });

  it('reports an undocumented field as drift instead of failing', async () => {
    nock(API).post('/api/conversations.info').reply(200, { ...conversationInfo, channel: { ...conversationInfo.channel, is_brand_new_flag: true } });
    const { client, events } = setup();
    await client.conversations.info('C012AB3CD');
    expect(events.some((e) => e.type === 'schema-drift' && JSON.stringify(e).includes('is_brand_new_flag'))).toBe(true);
  });
});
