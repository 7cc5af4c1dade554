import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.ts';
import type { Clock } from '../internal/clock.ts';
import { createHttpClient } from '../http/create-http-client.ts';
import { collector, leakedSecrets, manualClock } from './__fixtures__/auth-test-kit.ts';
import { type OAuthTestServer, startOAuthTestServer } from './__fixtures__/oauth-test-server.ts';
import { createPkcePair, exchangeAuthorizationCode } from './authorization-code.ts';
import { oauth2Auth, type OAuth2AuthOptions } from './oauth2-auth.ts';
import { memoryTokenStore, type TokenStore } from './token-store.ts';

const MIN = 60_000;
let server: OAuthTestServer;

beforeEach(async () => {
  server = await startOAuthTestServer();
});
afterEach(async () => {
  await server.close();
});

/** A store already holding a user's first token pair, obtained through the real PKCE code exchange. */
async function connectedStore(clock: Clock, store: TokenStore = memoryTokenStore(), credentialId = 'user-1') {
  const pkce = createPkcePair();
  const code = server.issueCode(pkce.challenge, 'http://127.0.0.1/callback');
  const record = await exchangeAuthorizationCode({
    tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret,
    code, redirectUri: 'http://127.0.0.1/callback', codeVerifier: pkce.verifier, store, credentialId, clock,
  });
  return { store, credentialId, record };
}

function setup(options: Partial<OAuth2AuthOptions> & { store: TokenStore; credentialId: string }, clock = manualClock()) {
  const events = collector();
  const auth = oauth2Auth({
    tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, grant: 'refresh_token', ...options,
  });
  const client = createHttpClient({ connector: 'acme', baseUrl: server.origin, auth, clock, onEvent: events.onEvent, retry: { maxAttempts: 2 } });
  return { auth, client, events, clock };
}

describe('oauth2Auth initialTokens', () => {
  it('uses a token pair handed over as it is, then refreshes it with its refresh token and stores the new pair', async () => {
    const clock = manualClock();
    const pair = server.issuePair();
    const store = memoryTokenStore();
    const { client } = setup({ store, credentialId: 'handed-over', initialTokens: { ...pair, expiresAt: new Date(clock.now() + 60 * MIN), scope: ['repo', 'user'] } }, clock);
    await client.request({ path: '/api/me' });
    expect(server.apiTokens).toEqual([pair.accessToken]);
    expect(server.stats.refreshes).toBe(0);
    clock.advance(58 * MIN); // inside the margin
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(1);
    const stored = (await store.get('handed-over'))!;
    expect(stored.accessToken).not.toBe(pair.accessToken);
    expect(server.apiTokens.at(-1)).toBe(stored.accessToken);
  });

  it('loses to a record already in the store, and refuses a pair without an access token', async () => {
    const clock = manualClock();
    const { store, credentialId, record } = await connectedStore(clock);
    const { client } = setup({ store, credentialId, initialTokens: { accessToken: 'stale-from-env' } }, clock);
    await client.request({ path: '/api/me' });
    expect(server.apiTokens).toEqual([record.accessToken]);
    expect(() => oauth2Auth({ tokenUrl: server.tokenUrl, clientId: 'c', grant: 'refresh_token', initialTokens: { accessToken: '' } })).toThrow(/initialTokens needs a non-empty accessToken/);
  });
});

describe('oauth2Auth (refresh_token grant)', () => {
  it('finishes a refresh its caller abandoned, and close() waits until the rotated token is stored', async () => {
    await server.close();
    server = await startOAuthTestServer({ tokenDelayMs: 150 });
    const clock = manualClock();
    const { store, credentialId, record } = await connectedStore(clock);
    const { client } = setup({ store, credentialId }, clock);
    clock.advance(58 * MIN); // inside the margin: the next call refreshes first
    const error = await client.request({ path: '/api/me', signal: AbortSignal.timeout(20) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortedError' });
    // The caller gave up, but the provider is rotating the refresh token right now.
    expect((await store.get(credentialId))!.refreshToken).toBe(record.refreshToken);
    await client.close();
    const stored = (await store.get(credentialId))!;
    expect(stored.refreshToken).not.toBe(record.refreshToken);
    expect(server.stats.refreshes).toBe(1);
  });

  it('refreshes before the call once the token is inside the default 5-minute margin, not before', async () => {
    const clock = manualClock();
    const { store, credentialId, record } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);

    await client.request({ path: '/api/me' });
    clock.advance(60 * MIN - 5 * MIN - 1_000); // 5 min + 1 s left: still fresh
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(0);
    expect(server.apiTokens).toEqual([record.accessToken, record.accessToken]);

    clock.advance(2_000); // 4 min 59 s left: inside the margin
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(1);
    expect(server.apiTokens[2]).not.toBe(record.accessToken);
    const refreshed = events.of('token-refreshed');
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toMatchObject({ reason: 'expiring', rotated: true, expiresAt: new Date(clock.now() + 3600_000).toISOString() });
  });

  it('honours a custom refreshMarginMs', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client } = setup({ store, credentialId, refreshMarginMs: 20 * MIN }, clock);
    clock.advance(39 * MIN);
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(0);
    clock.advance(2 * MIN);
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(1);
  });

  it('makes exactly one refresh request for 50 concurrent calls, and all of them use the new token', async () => {
    server.options.tokenDelayMs = 30;
    const clock = manualClock();
    const { store, credentialId, record } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);
    clock.advance(58 * MIN);

    const results = await Promise.all(Array.from({ length: 50 }, () => client.request({ path: '/api/me' })));
    expect(results).toHaveLength(50);
    expect(server.stats.refreshes).toBe(1);
    expect(server.stats.tokenRequests).toBe(2); // the code exchange and the one refresh
    expect(new Set(server.apiTokens).size).toBe(1);
    expect(server.apiTokens[0]).not.toBe(record.accessToken);
    expect(events.of('token-refreshed')).toHaveLength(1);
  });

  it('persists a rotated refresh token before the new access token is used, and a restarted process continues from the store', async () => {
    const clock = manualClock();
    const inner = memoryTokenStore();
    const { credentialId, record } = await connectedStore(clock, inner);
    const store: TokenStore = { ...inner, set: async (id, value) => { server.log.push(`persisted:${value.refreshToken}`); await inner.set(id, value); } };
    const first = setup({ store, credentialId }, clock);
    clock.advance(58 * MIN);
    await first.client.request({ path: '/api/me' });

    const saved = await inner.get(credentialId);
    expect(saved?.refreshToken).toBeDefined();
    expect(saved?.refreshToken).not.toBe(record.refreshToken);
    const persistedAt = server.log.indexOf(`persisted:${saved!.refreshToken}`);
    const usedAt = server.log.indexOf(`api:${saved!.accessToken}`);
    expect(persistedAt).toBeGreaterThan(server.log.indexOf(`issued:${saved!.refreshToken}`));
    expect(persistedAt).toBeLessThan(usedAt);

    // A new process (new strategy, same store) refreshes with the rotated token; the old one would be a replay.
    clock.advance(58 * MIN);
    const restarted = setup({ store, credentialId }, clock);
    await restarted.client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(2);
    expect(server.stats.invalidGrants).toBe(0);
  });

  it('when the store cannot save rotated tokens, does not use them, and saves them before use on the next call', async () => {
    const clock = manualClock();
    const inner = memoryTokenStore();
    const { credentialId, record } = await connectedStore(clock, inner);
    let failWrites = 3;
    const store: TokenStore = {
      ...inner,
      set: async (id, value) => {
        if (failWrites-- > 0) throw new Error('READONLY You can not write against a read only replica.');
        await inner.set(id, value);
      },
    };
    const events = collector();
    const auth = oauth2Auth({ tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, grant: 'refresh_token', store, credentialId });
    const client = createHttpClient({ connector: 'acme', baseUrl: server.origin, auth, clock, onEvent: events.onEvent, retry: { maxAttempts: 1 } });
    clock.advance(58 * MIN);

    const error = await events.failure(client.request({ path: '/api/me' }));
    expect(error).toMatchObject({ name: 'AuthError', code: 'refresh-failed', retryable: true });
    expect(error.message).toContain('could not be saved to the token store (READONLY');
    expect(server.stats.apiCalls).toBe(0);
    expect((await inner.get(credentialId))!.refreshToken).toBe(record.refreshToken);

    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(1); // no second refresh: the old refresh token is already spent
    const saved = await inner.get(credentialId);
    expect(saved!.refreshToken).not.toBe(record.refreshToken);
    expect(server.apiTokens).toEqual([saved!.accessToken]);
    expect(leakedSecrets(events.dump(), [saved!.refreshToken, saved!.accessToken, record.refreshToken])).toEqual([]);
  });

  it('keeps the old refresh token when the provider does not rotate', async () => {
    server.options.rotate = false;
    const clock = manualClock();
    const { store, credentialId, record } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);
    clock.advance(58 * MIN);
    await client.request({ path: '/api/me' });
    expect((await store.get(credentialId))?.refreshToken).toBe(record.refreshToken);
    expect(events.of('token-refreshed')[0]).toMatchObject({ rotated: false });
  });

  it('on a failed refresh throws AuthError with the provider error and never calls the API with the expired token', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);
    clock.advance(61 * MIN);
    server.failNext({ status: 400, error: 'invalid_grant', description: 'Token has been expired or revoked.' });

    const error = await events.failure(client.request({ path: '/api/me' }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'refresh-failed', providerError: 'invalid_grant', providerErrorDescription: 'Token has been expired or revoked.', retryable: false, status: 400 });
    expect(error.message).toMatch(/invalid_grant.*authorize the connection again/);
    expect(server.stats.apiCalls).toBe(0);
  });

  it('after invalid_grant re-reads the store once and adopts tokens another process rotated meanwhile', async () => {
    server.options.revokeFamilyOnReuse = false; // a provider with reuse detection but no family revocation
    const clock = manualClock();
    const { store, credentialId, record } = await connectedStore(clock);
    // Another process refreshes with the same refresh token just before ours reaches the server, outside our lock.
    const racingFetch: typeof fetch = async (input, init) => {
      const body = new URLSearchParams(String(init?.body));
      body.set('refresh_token', record.refreshToken!);
      const other = await fetch(server.tokenUrl, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
      const pair = (await other.json()) as { access_token: string; refresh_token: string; expires_in: number };
      await store.set(credentialId, { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: clock.now() + pair.expires_in * 1000, updatedAt: clock.now() });
      return fetch(input, init);
    };
    const { client, events } = setup({ store, credentialId, fetch: racingFetch }, clock);
    clock.advance(58 * MIN);

    await client.request({ path: '/api/me' });
    expect(server.stats.invalidGrants).toBe(1);
    expect(server.apiTokens).toEqual([(await store.get(credentialId))!.accessToken]);
    expect(events.of('token-refreshed')[0]).toMatchObject({ shared: true });
  });

  it('after a final invalid_grant does not send the same refresh token again until the store changes', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);
    clock.advance(61 * MIN);
    server.failNext({ status: 400, error: 'invalid_grant' });
    await events.failure(client.request({ path: '/api/me' }));
    const again = await events.failure(client.request({ path: '/api/me' }));
    expect(again).toMatchObject({ code: 'refresh-failed', providerError: 'invalid_grant' });
    expect(server.stats.tokenRequests).toBe(2); // the exchange and the one refused refresh

    // The user reconnects: a new pair lands in the store, and calls work again.
    const pair = server.issuePair();
    await store.set(credentialId, { ...pair, expiresAt: clock.now() + 3600_000, updatedAt: clock.now() });
    clock.advance(58 * MIN);
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(1);
  });

  it('retries a transient token endpoint failure (503) as a retryable AuthError, still without an API call on the expired token', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);
    clock.advance(61 * MIN);
    server.failNext({ status: 503 });
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(1);
    expect(server.stats.apiCalls).toBe(1);
    expect(events.of('retry')[0]).toMatchObject({ attempt: 1 });
  });

  it('times the token request out and says so', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    server.hangTokenRequests = true;
    const { client, events } = setup({ store, credentialId, timeoutMs: 100, lockTtlMs: 500 }, clock);
    clock.advance(61 * MIN);
    const error = await events.failure(client.request({ path: '/api/me', operation: 'me' }));
    expect(error).toMatchObject({ name: 'AuthError', code: 'refresh-failed', retryable: true });
    expect(error.message).toContain('did not answer within 100 ms');
    expect(server.stats.apiCalls).toBe(0);
  });

  it('on a 401 refreshes once and retries once', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);
    await client.request({ path: '/api/me' });
    server.revokeAccessTokens();
    await client.request({ path: '/api/me' });
    expect(server.stats.apiCalls).toBe(3);
    expect(server.stats.refreshes).toBe(1);
    expect(events.of('token-refreshed')[0]).toMatchObject({ reason: 'unauthorized' });
  });

  it('gives up with AuthError after a second 401 instead of looping', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);
    server.apiAlwaysUnauthorized = true;
    const error = await events.failure(client.request({ path: '/api/me' }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'rejected', status: 401 });
    expect(server.stats.apiCalls).toBe(2);
    expect(server.stats.refreshes).toBe(1);
  });

  it('shares one refresh among concurrent 401s', async () => {
    server.options.tokenDelayMs = 20;
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client } = setup({ store, credentialId }, clock);
    await client.request({ path: '/api/me' });
    server.revokeAccessTokens();
    await Promise.all(Array.from({ length: 20 }, () => client.request({ path: '/api/me' })));
    expect(server.stats.refreshes).toBe(1);
  });

  it('reports a token without expiry once as auth-risk and refreshes it on 401 only', async () => {
    server.options.expiresIn = null;
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client, events } = setup({ store, credentialId }, clock);
    for (let i = 0; i < 3; i++) {
      await client.request({ path: '/api/me' });
      clock.advance(10 * 24 * 60 * MIN);
    }
    expect(server.stats.refreshes).toBe(0);
    server.revokeAccessTokens();
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(1);
    const risks = events.of('auth-risk');
    expect(risks).toHaveLength(1);
    expect(risks[0]!.message).toContain('no expiry');
  });

  it('starts from a refresh token in an env var when the store is empty, then uses the store', async () => {
    const pair = server.issuePair();
    process.env.ACME_SEED_RT = pair.refreshToken;
    try {
      const clock = manualClock();
      const store = memoryTokenStore();
      const { client, events } = setup({ store, credentialId: 'seeded', refreshToken: { env: 'ACME_SEED_RT' } }, clock);
      await client.request({ path: '/api/me' });
      expect(server.stats.refreshes).toBe(1);
      expect(events.of('token-refreshed')[0]).toMatchObject({ reason: 'missing' });
      expect((await store.get('seeded'))?.refreshToken).not.toBe(pair.refreshToken);
    } finally {
      delete process.env.ACME_SEED_RT;
    }
  });

  it('says what to do when the store holds no tokens and no refresh token is configured', async () => {
    const { client, events } = setup({ store: memoryTokenStore(), credentialId: 'nobody' });
    const error = await events.failure(client.request({ path: '/api/me' }));
    expect(error).toMatchObject({ name: 'AuthError', code: 'missing' });
    expect(error.message).toContain("exchangeAuthorizationCode({ store, credentialId: 'nobody' })");
    expect(server.stats.tokenRequests).toBe(0);
  });

  it('fails at client creation, naming the variable, when the client secret env var is missing', () => {
    delete process.env.ACME_CLIENT_SECRET_UNSET;
    const auth = oauth2Auth({ tokenUrl: server.tokenUrl, clientId: 'c', clientSecret: { env: 'ACME_CLIENT_SECRET_UNSET' }, grant: 'client_credentials' });
    expect(() => createHttpClient({ connector: 'acme', baseUrl: server.origin, auth })).toThrow(
      expect.objectContaining({ name: 'AuthError', code: 'missing', message: expect.stringContaining('ACME_CLIENT_SECRET_UNSET') }),
    );
  });

  it('rejects misconfiguration with TypeErrors that say how to fix it', () => {
    expect(() => oauth2Auth({ tokenUrl: 'http://auth.example.com/token', clientId: 'c', grant: 'client_credentials' })).toThrow(/must use https/);
    expect(() => oauth2Auth({ tokenUrl: server.tokenUrl, clientId: 'c', grant: 'client_credentials', timeoutMs: 5000, lockTtlMs: 1000 })).toThrow(/lockTtlMs/);
    expect(() => oauth2Auth({ tokenUrl: server.tokenUrl, clientId: 'c', grant: 'password' as 'client_credentials' })).toThrow(/grant/);
  });

  it('sends the client secret with HTTP Basic when clientAuth is client_secret_basic', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { client } = setup({ store, credentialId, clientAuth: 'client_secret_basic' }, clock);
    clock.advance(58 * MIN);
    await client.request({ path: '/api/me' });
    expect(server.stats.refreshes).toBe(1);
  });

  it('lets the app force a refresh', async () => {
    const clock = manualClock();
    const { store, credentialId } = await connectedStore(clock);
    const { auth, client, events } = setup({ store, credentialId }, clock);
    await client.request({ path: '/api/me' });
    await auth.refresh();
    expect(server.stats.refreshes).toBe(1);
    expect(events.of('token-refreshed')[0]).toMatchObject({ reason: 'forced' });
  });
});

describe('oauth2Auth (client_credentials grant)', () => {
  it('re-mints the token when it expires and never uses it past expiry', async () => {
    server.options.expiresIn = 60; // shorter than the margin: the margin is capped at half the life
    const clock = manualClock();
    const auth = oauth2Auth({ tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, grant: 'client_credentials', scopes: ['read'] });
    const client = createHttpClient({ connector: 'acme', baseUrl: server.origin, auth, clock });
    await client.request({ path: '/api/me' });
    clock.advance(29_000);
    await client.request({ path: '/api/me' });
    expect(server.stats.clientCredentials).toBe(1);
    clock.advance(2_000);
    await client.request({ path: '/api/me' });
    expect(server.stats.clientCredentials).toBe(2);
    clock.advance(10 * MIN);
    await client.request({ path: '/api/me' });
    expect(server.stats.clientCredentials).toBe(3);
    expect(new Set(server.apiTokens).size).toBe(3);
  });
});

describe('secrets', () => {
  it('never appear in any error message, error JSON or event', async () => {
    const clock = manualClock();
    const { store, credentialId, record } = await connectedStore(clock);
    const { client, events, auth } = setup({ store, credentialId }, clock);
    const secrets = new Set<string | undefined>([server.options.clientSecret, record.accessToken, record.refreshToken]);

    await client.request({ path: '/api/me' }); // a success
    server.revokeAccessTokens();
    await client.request({ path: '/api/me' }); // 401 (the body echoes the token) -> refresh -> retry
    server.apiAlwaysUnauthorized = true;
    await events.failure(client.request({ path: '/api/me' })); // 401 twice
    server.apiAlwaysUnauthorized = false;
    clock.advance(61 * MIN);
    // A careless provider that echoes the secrets it was sent.
    const current = await store.get(credentialId);
    server.failNext({ status: 400, error: 'invalid_request', description: `bad client ${server.options.clientSecret} with ${current?.refreshToken}` });
    await events.failure(client.request({ path: '/api/me' }));
    server.hangTokenRequests = true;
    const slow = oauth2Auth({ tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, grant: 'client_credentials', timeoutMs: 50, lockTtlMs: 200 });
    const quick = { clock, retry: { maxAttempts: 1 }, onEvent: events.onEvent };
    await events.failure(createHttpClient({ connector: 'acme', baseUrl: server.origin, auth: slow, ...quick }).request({ path: '/api/me' }));
    const unreachable = oauth2Auth({ tokenUrl: 'http://127.0.0.1:1/token', clientId: 'c', clientSecret: server.options.clientSecret, grant: 'client_credentials' });
    await events.failure(createHttpClient({ connector: 'acme', baseUrl: server.origin, auth: unreachable, ...quick }).request({ path: '/api/me' }));

    for (const value of [...auth.secrets!()]) secrets.add(value);
    for (const value of server.apiTokens) secrets.add(value);
    secrets.add(current?.refreshToken);
    expect(events.errors).toHaveLength(4);
    expect(events.events.length).toBeGreaterThan(10);
    const text = events.dump();
    expect(text).toContain('invalid_request'); // the provider's error is there...
    expect(leakedSecrets(text, secrets)).toEqual([]); // ...its secrets are not
  });
});
