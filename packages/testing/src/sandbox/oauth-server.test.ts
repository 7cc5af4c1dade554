import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock/fake-clock.ts';
import { OAuthServer } from './oauth-server.ts';

describe('OAuthServer', () => {
  it('issues client-credentials tokens without a refresh token, and checks the client', () => {
    const server = new OAuthServer({ kind: 'oauth2', clients: [{ clientId: 'my app', clientSecret: 's:cret' }] }, Date.now);
    const basic = `Basic ${Buffer.from(`${encodeURIComponent('my app')}:${encodeURIComponent('s:cret')}`).toString('base64')}`;
    const answer = server.handle({ grant_type: 'client_credentials' }, basic);
    expect(answer.outcome).toBe('issued');
    expect(answer.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(answer.body.refresh_token).toBeUndefined();
    expect(server.check(answer.body.access_token as string)).toMatchObject({ ok: true, principal: 'my app', firstUse: true });
    expect(server.check(answer.body.access_token as string)).toMatchObject({ ok: true, firstUse: false });
    expect(server.handle({ grant_type: 'client_credentials', client_id: 'my app', client_secret: 'wrong' }, undefined)).toMatchObject({ status: 401, outcome: 'invalid_client' });
  });

  it('expires access tokens on its clock and answers unknown or missing refresh tokens with errors', () => {
    const clock = createFakeClock();
    const server = new OAuthServer({ kind: 'oauth2', accessTokenTtlSeconds: 60, accessTokens: ['seeded-at'] }, () => clock.now());
    const tokens = server.issue('alice');
    expect(server.check(tokens.accessToken)).toMatchObject({ ok: true, principal: 'alice' });
    expect(server.check('seeded-at')).toMatchObject({ ok: true });
    clock.advance(60_000);
    expect(server.check(tokens.accessToken)).toEqual({ ok: false, reason: 'expired' });
    expect(server.check('nope')).toEqual({ ok: false, reason: 'unknown' });
    expect(server.handle({ grant_type: 'refresh_token', refresh_token: 'nope' }, undefined)).toMatchObject({ status: 400, outcome: 'invalid_grant' });
    expect(server.handle({ grant_type: 'refresh_token' }, undefined)).toMatchObject({ status: 400, outcome: 'invalid_request' });
    expect(server.handle({}, undefined)).toMatchObject({ outcome: 'invalid_request' });
  });

  it('keeps the principal across refreshes and revokes the family on reuse', () => {
    const server = new OAuthServer({ kind: 'oauth2' }, Date.now);
    const tokens = server.issue('bob');
    const refreshed = server.handle({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, undefined);
    const next = refreshed.body as { access_token: string; refresh_token: string };
    expect(server.check(next.access_token)).toMatchObject({ ok: true, principal: 'bob' });
    expect(server.handle({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, undefined).outcome).toBe('reuse_detected');
    expect(server.check(next.access_token)).toEqual({ ok: false, reason: 'revoked' });
    expect(server.check(tokens.accessToken)).toEqual({ ok: false, reason: 'revoked' });
    // Another family is untouched.
    expect(server.check(server.issue('carol').accessToken)).toMatchObject({ ok: true });
  });

  it('refuses a non-positive lifetime', () => {
    expect(() => new OAuthServer({ kind: 'oauth2', accessTokenTtlSeconds: 0 }, Date.now)).toThrow(/accessTokenTtlSeconds must be > 0/);
  });
});
