import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/create-http-client.ts';
import { collector, leakedSecrets, manualClock } from './__fixtures__/auth-test-kit.ts';
import { type OAuthTestServer, startOAuthTestServer } from './__fixtures__/oauth-test-server.ts';
import { signJwtRs256 } from './sign-jwt-rs256.ts';
import { tokenProviderAuth } from './token-provider-auth.ts';
import { memoryTokenStore } from './token-store.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
let server: OAuthTestServer;

beforeEach(async () => {
  server = await startOAuthTestServer({ appPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string });
});
afterEach(async () => {
  await server.close();
});

/** A GitHub App: a JWT signed with the app's key buys an installation token that expires in an hour. */
function githubAppAuth(clock: { now(): number }, options: { store?: ReturnType<typeof memoryTokenStore>; credentialId?: string } = {}) {
  const appClient = createHttpClient({ connector: 'github-app', baseUrl: server.origin, retry: { maxAttempts: 1 } });
  let minted = 0;
  const auth = tokenProviderAuth({
    ...options,
    async getToken() {
      minted++;
      const now = Math.floor(clock.now() / 1000);
      const jwt = signJwtRs256({ iat: now - 60, exp: now + 540, iss: '12345' }, privatePem);
      const answer = await appClient.request({ method: 'POST', path: '/app/installations/{id}/access_tokens', params: { id: 99 }, headers: { authorization: `Bearer ${jwt}` } });
      const { token } = answer as { token: string; expires_at: string };
      // The test clock is ahead of the server's; express the hour on the client's clock.
      return { token, expiresAt: new Date(clock.now() + 3_600_000).toISOString() };
    },
  });
  return { auth, minted: () => minted };
}

describe('tokenProviderAuth', () => {
  it('caches an installation token until shortly before expires_at, then mints a new one', async () => {
    const clock = manualClock();
    const { auth, minted } = githubAppAuth(clock);
    const events = collector();
    const http = createHttpClient({ connector: 'github', baseUrl: server.origin, auth, clock, onEvent: events.onEvent });
    await http.request({ path: '/api/me' });
    clock.advance(54 * 60_000);
    await http.request({ path: '/api/me' });
    expect(minted()).toBe(1);
    clock.advance(2 * 60_000); // 4 minutes left: inside the 5-minute margin
    await http.request({ path: '/api/me' });
    expect(minted()).toBe(2);
    expect(server.stats.installationTokens).toBe(2);
    expect(events.of('token-refreshed').map((e) => e.reason)).toEqual(['missing', 'expiring']);
  });

  it('mints once for 50 concurrent calls, and re-mints once after a 401', async () => {
    const clock = manualClock();
    const { auth, minted } = githubAppAuth(clock);
    const http = createHttpClient({ connector: 'github', baseUrl: server.origin, auth, clock });
    await Promise.all(Array.from({ length: 50 }, () => http.request({ path: '/api/me' })));
    expect(minted()).toBe(1);
    server.revokeAccessTokens();
    await Promise.all(Array.from({ length: 10 }, () => http.request({ path: '/api/me' })));
    expect(minted()).toBe(2);
  });

  it('shares the token through a store between two clients (one mint for both)', async () => {
    const clock = manualClock();
    const store = memoryTokenStore();
    const a = githubAppAuth(clock, { store, credentialId: 'gh-installation-99' });
    const b = githubAppAuth(clock, { store, credentialId: 'gh-installation-99' });
    const clientA = createHttpClient({ connector: 'github', baseUrl: server.origin, auth: a.auth, clock });
    const clientB = createHttpClient({ connector: 'github', baseUrl: server.origin, auth: b.auth, clock });
    await clientA.request({ path: '/api/me' });
    await clientB.request({ path: '/api/me' });
    expect(a.minted() + b.minted()).toBe(1);
    expect(() => tokenProviderAuth({ getToken: async () => ({ token: 'x' }), store })).toThrow(/credentialId/);
  });

  it('turns a failing getToken into AuthError refresh-failed without sending the API call or leaking the token', async () => {
    const events = collector();
    let calls = 0;
    const secret = 'ghs_previous_token_value_123456';
    const auth = tokenProviderAuth({
      getToken: async () => {
        if (++calls === 1) return { token: secret, expiresAt: Date.now() + 1_000 };
        throw new Error('GitHub said 500');
      },
    });
    const http = createHttpClient({ connector: 'github', baseUrl: server.origin, auth, onEvent: events.onEvent, retry: { maxAttempts: 1 } });
    await events.failure(http.request({ path: '/api/me' })); // the first token is unknown to the server: 401 -> re-mint fails
    const error = events.errors[0] as Record<string, unknown>;
    expect(error).toMatchObject({ name: 'AuthError', code: 'refresh-failed', retryable: true });
    expect(String(error.message)).toContain('getToken failed (Error)');
    expect(server.stats.apiCalls).toBe(1);
    expect(leakedSecrets(events.dump(), [secret])).toEqual([]);
  });

  it('emits auth-risk once for tokens without an expiry', async () => {
    const events = collector();
    const pair = server.issuePair();
    const auth = tokenProviderAuth({ getToken: async () => ({ token: pair.accessToken }) });
    const http = createHttpClient({ connector: 'x', baseUrl: server.origin, auth, onEvent: events.onEvent });
    await http.request({ path: '/api/me' });
    await http.request({ path: '/api/me' });
    expect(events.of('auth-risk')).toHaveLength(1);
  });
});
