import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.ts';
import { collector, leakedSecrets } from './__fixtures__/auth-test-kit.ts';
import { type OAuthTestServer, startOAuthTestServer } from './__fixtures__/oauth-test-server.ts';
import { buildAuthorizationUrl, createPkcePair, exchangeAuthorizationCode } from './authorization-code.ts';
import { memoryTokenStore } from './token-store.ts';

let server: OAuthTestServer;
beforeEach(async () => {
  server = await startOAuthTestServer();
});
afterEach(async () => {
  await server.close();
});

describe('authorization code with PKCE', () => {
  it('creates an S256 pair: 43-character verifier, challenge = base64url(sha256(verifier))', () => {
    const pair = createPkcePair();
    expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pair.challenge).toBe(createHash('sha256').update(pair.verifier).digest('base64url'));
    expect(createPkcePair().verifier).not.toBe(pair.verifier);
  });

  it('builds the authorization URL with state, challenge and scopes', () => {
    const pkce = createPkcePair();
    const { url, state } = buildAuthorizationUrl({
      authorizationUrl: 'https://accounts.example.com/o/oauth2/auth?hd=example.com', clientId: 'app', redirectUri: 'https://app.example.com/cb',
      scopes: ['read', 'write'], pkce, extraParams: { access_type: 'offline' },
    });
    expect(state).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      hd: 'example.com', access_type: 'offline', response_type: 'code', client_id: 'app', redirect_uri: 'https://app.example.com/cb',
      state, code_challenge: pkce.challenge, code_challenge_method: 'S256', scope: 'read write',
    });
    expect(buildAuthorizationUrl({ authorizationUrl: 'https://a.example.com/auth', clientId: 'c', redirectUri: 'r', pkce, state: 'fixed' }).state).toBe('fixed');
  });

  it('exchanges the code for the first token pair and saves it to the store', async () => {
    const pkce = createPkcePair();
    const code = server.issueCode(pkce.challenge, 'http://127.0.0.1/cb');
    const store = memoryTokenStore();
    const record = await exchangeAuthorizationCode({
      tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret,
      code, redirectUri: 'http://127.0.0.1/cb', codeVerifier: pkce.verifier, store, credentialId: 'u1',
    });
    expect(record).toMatchObject({ accessToken: expect.stringMatching(/^at_/), refreshToken: expect.stringMatching(/^rt_/), tokenType: 'bearer' });
    expect(record.expiresAt! - record.updatedAt).toBe(3_600_000);
    expect(await store.get('u1')).toEqual(record);
  });

  it('works for a public client (PKCE, no secret)', async () => {
    const pkce = createPkcePair();
    const code = server.issueCode(pkce.challenge, 'http://127.0.0.1/cb');
    const record = await exchangeAuthorizationCode({ tokenUrl: server.tokenUrl, clientId: server.options.clientId, code, redirectUri: 'http://127.0.0.1/cb', codeVerifier: pkce.verifier });
    expect(record.accessToken).toMatch(/^at_/);
  });

  it('reports a wrong verifier as AuthError invalid_grant without the code, verifier or secret', async () => {
    const pkce = createPkcePair();
    const code = server.issueCode(pkce.challenge, 'http://127.0.0.1/cb');
    const events = collector();
    const wrong = createPkcePair().verifier;
    const error = await events.failure(
      exchangeAuthorizationCode({ tokenUrl: server.tokenUrl, clientId: server.options.clientId, clientSecret: server.options.clientSecret, code, redirectUri: 'http://127.0.0.1/cb', codeVerifier: wrong }),
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'refresh-failed', providerError: 'invalid_grant', operation: 'exchangeAuthorizationCode' });
    expect(leakedSecrets(events.dump(), [code, wrong, pkce.verifier, server.options.clientSecret])).toEqual([]);
  });

  it('requires credentialId with store', async () => {
    await expect(
      exchangeAuthorizationCode({ tokenUrl: server.tokenUrl, clientId: 'c', code: 'x', redirectUri: 'r', codeVerifier: 'v', store: memoryTokenStore() }),
    ).rejects.toThrow(/credentialId/);
  });
});
