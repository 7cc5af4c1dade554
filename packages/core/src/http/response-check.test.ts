import nock from 'nock';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { useNock } from '../__fixtures__/use-nock.ts';
import type { AuthStrategy } from '../auth/auth-strategy.ts';
import { AuthError, ConnectorError, HttpError, RateLimitError } from '../errors/index.ts';
import { createTestClock } from '../internal/test-clock.ts';
import { createHttpClient, type HttpClientOptions } from './create-http-client.ts';
import type { ConnectorEvent } from './events.ts';
import { bodyEnvelope, type InspectedResponse } from './response-check.ts';

const BASE = 'https://slack.acme.test';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8', 'x-slack-req-id': 'req-42' };

const failure = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

/** Slack's envelope (https://api.slack.com/web#responses): `ok` false with an `error` code, on a 200. */
const slackEnvelope = bodyEnvelope({
  ok: 'ok',
  error: 'error',
  warnings: ['warning', 'response_metadata.warnings'],
  codes: {
    invalid_auth: 'auth-rejected',
    not_authed: 'auth-rejected',
    token_expired: 'auth-expired',
    missing_scope: (r) => {
      const body = r.body as { needed?: string; provided?: string };
      return { kind: 'auth', code: 'insufficient-scope', providerCode: 'missing_scope', needed: body.needed?.split(','), provided: body.provided?.split(',') };
    },
    ratelimited: 'rate-limited',
    internal_error: 'retryable',
  },
});

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const events: ConnectorEvent[] = [];
  const clock = createTestClock();
  const http = createHttpClient({
    connector: 'slack',
    baseUrl: BASE,
    clock,
    random: () => 0.5,
    requestIdHeaders: ['x-slack-req-id'],
    responseCheck: slackEnvelope,
    circuitBreaker: false,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  const of = <T extends ConnectorEvent['type']>(type: T) => events.filter((e): e is Extract<ConnectorEvent, { type: T }> => e.type === type);
  return { http, events, clock, of };
}

useNock();

describe('bodyEnvelope', () => {
  const inspect = (body: unknown): InspectedResponse => ({
    status: 200, headers: new Headers(), body, operation: 'x', method: 'GET', route: '/x', requestId: undefined, emitWarning: () => {},
  });

  it('reads a success flag and an error code', () => {
    const check = bodyEnvelope({ ok: 'ok', error: 'error', codes: { ratelimited: 'rate-limited' } });
    expect(check(inspect({ ok: true }))).toEqual({ kind: 'success' });
    expect(check(inspect({ ok: false, error: 'ratelimited' }))).toEqual({ kind: 'rate-limited', providerCode: 'ratelimited' });
    expect(check(inspect({ ok: false, error: 'channel_not_found' }))).toEqual({ kind: 'permanent', providerCode: 'channel_not_found' });
  });

  it('reads an errors array, with code and message from its first entry', () => {
    const check = bodyEnvelope({ errors: 'errors', otherwise: 'retryable' });
    expect(check(inspect({ errors: [] }))).toEqual({ kind: 'success' });
    expect(check(inspect({ errors: [{ message: 'Boom', extensions: { code: 'INTERNAL' } }] }))).toEqual({ kind: 'retryable', providerCode: 'INTERNAL', message: 'Boom' });
  });

  it('treats an error code as a failure when there is no success flag, and ignores non-object bodies', () => {
    const check = bodyEnvelope({ error: 'error.code', message: 'error.message' });
    expect(check(inspect({ error: { code: 'E1', message: 'bad' } }))).toEqual({ kind: 'permanent', providerCode: 'E1', message: 'bad' });
    expect(check(inspect({ data: 1 }))).toEqual({ kind: 'success' });
    expect(check(inspect('plain text'))).toBeUndefined();
  });

  it('leaves a non-2xx whose body signals nothing to the status-based default', () => {
    const check = bodyEnvelope({ ok: 'ok', error: 'error' });
    expect(check({ ...inspect({ message: 'Bad credentials' }), status: 401 })).toBeUndefined();
    expect(check({ ...inspect({ ok: false, error: 'ratelimited' }), status: 429 })).toEqual({ kind: 'permanent', providerCode: 'ratelimited' });
  });

  it('refuses an envelope with nothing to read', () => {
    expect(() => bodyEnvelope({})).toThrow(/at least one of `ok`, `error` or `errors`/);
  });
});

describe('response checks in the pipeline (a Slack-shaped envelope)', () => {
  it('turns 200 {ok:false, invalid_auth} into an AuthError with the status, request id and provider code', async () => {
    nock(BASE).post('/auth.test').reply(200, { ok: false, error: 'invalid_auth' }, JSON_TYPE);
    const { http, of } = setup();
    const error = await failure(http.request({ method: 'POST', path: '/auth.test', operation: 'auth.test' }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'rejected', status: 200, providerError: 'invalid_auth', requestId: 'req-42', retryable: false, attempts: 1 });
    expect(of('give-up')[0]).toMatchObject({ status: 200, requestId: 'req-42', providerCode: 'invalid_auth', error: 'AuthError' });
    expect(of('response')[0]).toMatchObject({ status: 200, outcome: 'failed', requestId: 'req-42', providerCode: 'invalid_auth' });
  });

  it('keeps the needed and provided scopes of missing_scope', async () => {
    nock(BASE).post('/chat.postMessage').reply(200, { ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'channels:read' }, JSON_TYPE);
    const { http } = setup();
    const error = await failure(http.request({ method: 'POST', path: '/chat.postMessage', body: { channel: 'C1', text: 'hi' } }));
    expect(error).toMatchObject({ name: 'AuthError', code: 'insufficient-scope', neededScopes: ['chat:write'], providedScopes: ['channels:read'] });
  });

  it('turns a permanent provider code into an HttpError with providerCode, not retried', async () => {
    nock(BASE).get('/conversations.info').query(true).reply(200, { ok: false, error: 'channel_not_found' }, JSON_TYPE);
    const { http } = setup();
    const error = await failure(http.request({ path: '/conversations.info', query: { channel: 'C9' } }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 200, providerCode: 'channel_not_found', retryable: false, attempts: 1, requestId: 'req-42' });
    expect((error as HttpError).toJSON()).toMatchObject({ providerCode: 'channel_not_found', status: 200 });
  });

  it('retries a POST after a body-signalled rate limit exactly once, honouring Retry-After, and sends the message once', async () => {
    const received: unknown[] = [];
    nock(BASE)
      .post('/chat.postMessage', (body) => (received.push(body), true))
      .reply(429, { ok: false, error: 'ratelimited' }, { ...JSON_TYPE, 'retry-after': '3' })
      .post('/chat.postMessage', (body) => (received.push(body), true))
      .reply(200, { ok: true, ts: '1.2' }, JSON_TYPE);
    const { http, clock, of } = setup();
    const result = await http.request({ method: 'POST', path: '/chat.postMessage', body: { channel: 'C1', text: 'hi' }, schema: v.object({ ok: v.boolean(), ts: v.string() }) });
    expect(result).toEqual({ ok: true, ts: '1.2' });
    expect(received).toEqual([{ channel: 'C1', text: 'hi' }, { channel: 'C1', text: 'hi' }]);
    expect(of('retry')).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(of('rate-limited')[0]).toMatchObject({ status: 429, retryAfterMs: 3000 });
  });

  it('retries a POST after a plain 429 (not applied) exactly once, but not after a 503 (may have been applied)', async () => {
    nock(BASE).post('/charges').reply(429, '', { 'retry-after': '1' }).post('/charges').reply(201, { id: 'ch_1' }, JSON_TYPE);
    const { http, of } = setup({ responseCheck: undefined });
    await expect(http.request({ method: 'POST', path: '/charges', body: { amount: 1 } })).resolves.toEqual({ id: 'ch_1' });
    expect(of('retry')).toHaveLength(1);
    nock(BASE).post('/charges').reply(503, '');
    const error = await failure(http.request({ method: 'POST', path: '/charges', body: { amount: 1 } }));
    expect(error).toMatchObject({ name: 'HttpError', status: 503, attempts: 1 });
    expect((error as ConnectorError).reason).toMatch(/POST without an idempotency key is not retried/);
  });

  it('takes retryAfterMs from the body and gives up with a RateLimitError carrying retryAt when it is too long', async () => {
    nock(BASE).post('/files.upload').reply(200, { ok: false, error: 'ratelimited', retry_after: 3600 }, JSON_TYPE);
    const { http, clock } = setup({
      responseCheck: bodyEnvelope({
        ok: 'ok', error: 'error',
        codes: { ratelimited: (r) => ({ kind: 'rate-limited', providerCode: 'ratelimited', retryAfterMs: (r.body as { retry_after: number }).retry_after * 1000 }) },
      }),
    });
    const error = await failure(http.request({ method: 'POST', path: '/files.upload', body: {} }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt.getTime()).toBe(clock.now() + 3_600_000);
    expect(error).toMatchObject({ status: 200 });
  });

  it('sends token_expired through the single refresh-and-retry, like a 401', async () => {
    let token = 'old';
    let refreshes = 0;
    const auth: AuthStrategy = {
      kind: 'test',
      authorize: ({ headers }) => headers.set('authorization', `Bearer ${token}`),
      onUnauthorized: () => {
        refreshes++;
        token = 'new';
        return true;
      },
    };
    nock(BASE, { reqheaders: { authorization: 'Bearer old' } }).get('/users.list').reply(200, { ok: false, error: 'token_expired' }, JSON_TYPE);
    nock(BASE, { reqheaders: { authorization: 'Bearer new' } }).get('/users.list').reply(200, { ok: true, members: [] }, JSON_TYPE);
    const { http } = setup({ auth });
    await expect(http.request({ path: '/users.list' })).resolves.toEqual({ ok: true, members: [] });
    expect(refreshes).toBe(1);

    // A second expiry in the same call is final: an AuthError 'expired', no loop.
    token = 'old';
    nock(BASE).get('/users.list').times(2).reply(200, { ok: false, error: 'token_expired' }, JSON_TYPE);
    const error = await failure(http.request({ path: '/users.list' }));
    expect(error).toMatchObject({ name: 'AuthError', code: 'expired', providerError: 'token_expired', status: 200 });
    expect(refreshes).toBe(2);
  });

  it('retries a retryable provider code for a GET, and reports warnings once per response', async () => {
    nock(BASE)
      .get('/team.info').reply(200, { ok: false, error: 'internal_error' }, JSON_TYPE)
      .get('/team.info').reply(200, { ok: true, warning: 'superfluous_charset', response_metadata: { warnings: ['superfluous_charset'] } }, JSON_TYPE);
    const { http, of } = setup();
    await http.request({ path: '/team.info', operation: 'team.info' });
    expect(of('retry')).toHaveLength(1);
    expect(of('provider-warning')).toEqual([expect.objectContaining({ operation: 'team.info', warnings: ['superfluous_charset', 'superfluous_charset'] })]);
  });

  it('lets a check return any ConnectorError subclass, and a call-level check win over the client one', async () => {
    class AcmeError extends ConnectorError {
      override name = 'AcmeError';
    }
    nock(BASE).get('/x').reply(200, { ok: false, error: 'weird' }, JSON_TYPE);
    const { http } = setup();
    const error = await failure(http.request({
      path: '/x',
      responseCheck: (r) => ((r.body as { error?: string }).error === 'weird' ? { kind: 'error', error: new AcmeError('weird', { connector: 'slack', operation: r.operation, retryable: false }) } : undefined),
    }));
    expect(error).toBeInstanceOf(AcmeError);
    expect(error).toMatchObject({ attempts: 1 });

    nock(BASE).get('/y').reply(200, { ok: false, error: 'anything' }, JSON_TYPE);
    await expect(http.request({ path: '/y', responseCheck: false })).resolves.toEqual({ ok: false, error: 'anything' });
  });

  it('falls back to the status default when the check has no verdict, and reads the body once for validation', async () => {
    nock(BASE).get('/z').reply(404, 'not here', { 'content-type': 'text/plain' });
    const { http } = setup();
    expect(await failure(http.request({ path: '/z' }))).toMatchObject({ name: 'HttpError', status: 404, bodyExcerpt: 'not here' });
    nock(BASE).get('/v').reply(200, { ok: true, n: 1 }, JSON_TYPE);
    await expect(http.request({ path: '/v', schema: v.object({ ok: v.boolean(), n: v.number() }) })).resolves.toEqual({ ok: true, n: 1 });
  });

  it('lets httpError build the provider error for body failures too, with providerCode in its input', async () => {
    class SlackError extends HttpError {
      override name = 'SlackError';
    }
    nock(BASE).get('/x').reply(200, { ok: false, error: 'is_archived' }, JSON_TYPE);
    const { http } = setup({ httpError: ({ message, init }) => new SlackError(message, init) });
    const error = await failure(http.request({ path: '/x' }));
    expect(error).toBeInstanceOf(SlackError);
    expect(error).toMatchObject({ providerCode: 'is_archived', status: 200 });
  });
});
