import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHttpClient } from '../../http/create-http-client.ts';
import { createPkcePair, exchangeAuthorizationCode } from '../authorization-code.ts';
import { oauth2Auth } from '../oauth2-auth.ts';
import type { TokenRecord, TokenStore } from '../token-store.ts';
import { collector, manualClock } from './auth-test-kit.ts';
import { type OAuthTestServer, startOAuthTestServer } from './oauth-test-server.ts';

const record = (accessToken: string, extra: Partial<TokenRecord> = {}): TokenRecord => ({ accessToken, refreshToken: `rt-${accessToken}`, expiresAt: 2_000_000_000_000, updatedAt: 1_700_000_000_000, ...extra });

/**
 * The behaviour every TokenStore must have, run against each implementation. `open` may be called
 * several times per test: each call is a separate handle on the same storage (like another process).
 */
export function tokenStoreContract(open: () => TokenStore, teardown: () => Promise<void> = async () => {}): void {
  let server: OAuthTestServer;
  beforeEach(async () => {
    server = await startOAuthTestServer();
  });
  afterEach(async () => {
    await server.close();
    await teardown();
  });

  it('stores, reads back and deletes a record per credential id', async () => {
    const store = open();
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', record('at-1'));
    await store.set('b', record('at-2', { expiresAt: undefined as unknown as number }));
    expect(await store.get('a')).toEqual(record('at-1'));
    expect(await open().get('a')).toEqual(record('at-1'));
    const read = await store.get('a');
    read!.accessToken = 'mutated';
    expect((await store.get('a'))!.accessToken).toBe('at-1');
    await store.set('a', record('at-3'));
    expect((await store.get('a'))!.accessToken).toBe('at-3');
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect((await store.get('b'))!.accessToken).toBe('at-2');
  });

  it('gives the refresh lock to one holder at a time, per credential', async () => {
    const first = open();
    const second = open();
    const lock = await first.tryLock('cred', 5_000);
    expect(lock).toBeDefined();
    expect(await second.tryLock('cred', 5_000)).toBeUndefined();
    expect(await first.tryLock('cred', 5_000)).toBeUndefined();
    const other = await second.tryLock('other-cred', 5_000);
    expect(other).toBeDefined();
    await lock!.release();
    const next = await second.tryLock('cred', 5_000);
    expect(next).toBeDefined();
    await next!.release();
    await other!.release();
  });

  it('lets the lock expire after its TTL, and a late release does not free the next holder', async () => {
    const crashed = open();
    const survivor = open();
    const stale = await crashed.tryLock('cred', 60);
    expect(stale).toBeDefined();
    expect(await survivor.tryLock('cred', 5_000)).toBeUndefined();
    await sleep(90);
    const taken = await survivor.tryLock('cred', 5_000);
    expect(taken).toBeDefined();
    await stale!.release(); // the crashed holder comes back and releases: must not release the survivor's lock
    expect(await open().tryLock('cred', 5_000)).toBeUndefined();
    await taken!.release();
  });

  it('persists rotated refresh tokens, and two instances sharing it refresh once with no invalid_grant', async () => {
    server.options.tokenDelayMs = 40;
    const clock = manualClock();
    const pkce = createPkcePair();
    const code = server.issueCode(pkce.challenge, 'http://127.0.0.1/cb');
    const first = await exchangeAuthorizationCode({
      tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret,
      code, redirectUri: 'http://127.0.0.1/cb', codeVerifier: pkce.verifier, store: open(), credentialId: 'user-7', clock,
    });
    const events = collector();
    const clients = [open(), open()].map((store) =>
      createHttpClient({
        connector: 'acme', baseUrl: server.origin, clock, onEvent: events.onEvent,
        auth: oauth2Auth({ tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, grant: 'refresh_token', store, credentialId: 'user-7', lockPollMs: 10 }),
      }),
    );
    await Promise.all(clients.map((client) => client.request({ path: '/api/me' })));
    clock.advance(58 * 60_000);

    await Promise.all(clients.flatMap((client) => Array.from({ length: 25 }, () => client.request({ path: '/api/me' }))));
    expect(server.stats.refreshes).toBe(1);
    expect(server.stats.invalidGrants).toBe(0);
    expect(server.stats.apiUnauthorized).toBe(0);
    const saved = await open().get('user-7');
    expect(saved!.refreshToken).not.toBe(first.refreshToken);
    expect(server.log.indexOf(`issued:${saved!.refreshToken}`)).toBeGreaterThan(-1);
    const refreshed = events.of('token-refreshed');
    expect(refreshed.filter((e) => !e.shared)).toHaveLength(1);
    expect(refreshed.filter((e) => e.shared).length).toBeLessThanOrEqual(1);
  });
}
