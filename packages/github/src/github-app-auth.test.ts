import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { AuthError, type ConnectorEvent } from '@connectors/core';
import { createFakeClock } from '@connectors/testing';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { github } from './github-connector.ts';
import repository from './repos/__fixtures__/repository.json' with { type: 'json' };

const API = 'https://api.github.com';
const INSTALLATION = 4242;
// Generated per run: no private key is ever committed, and the signature check below is real.
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

function decodeJwt(authorization: string) {
  const jwt = authorization.replace(/^Bearer /, '');
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const valid = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), createPublicKey(publicKey), Buffer.from(signature, 'base64url'));
  return { header: JSON.parse(Buffer.from(header, 'base64url').toString()), claims: JSON.parse(Buffer.from(payload, 'base64url').toString()), valid };
}

function setup(options: { events?: ConnectorEvent[]; privateKey?: string } = {}) {
  const clock = createFakeClock();
  const gh = github.create({
    app: { appId: 1066, privateKey: options.privateKey ?? privateKey, installationId: INSTALLATION },
    clock,
    random: () => 0,
    onEvent: (event) => options.events?.push(event),
  });
  return { gh, clock };
}

/** Answers the token exchange; `minted` counts the exchanges answered, `jwts` the credentials they carried. */
function mockMint(tokens: readonly { token: string; expiresAt: number }[]) {
  const scope = nock(API);
  const state = { minted: 0, jwts: [] as string[] };
  for (const { token, expiresAt } of tokens) {
    scope
      .post(`/app/installations/${INSTALLATION}/access_tokens`)
      .matchHeader('authorization', (value: string | null) => {
        if (value && !state.jwts.includes(value)) state.jwts.push(value);
        return true;
      })
      .reply(() => {
        state.minted++;
        return [201, { token, expires_at: new Date(expiresAt).toISOString(), permissions: { issues: 'write' }, repository_selection: 'all' }];
      });
  }
  return { scope, state };
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('GitHub App authentication', () => {
  it('signs an RS256 JWT (iat backdated 60 s, 9 min lifetime, iss = app id) and exchanges it for an installation token', async () => {
    const { gh, clock } = setup();
    const nowS = Math.floor(clock.now() / 1000);
    const mint = mockMint([{ token: 'ghs_installation0000000000000000000001', expiresAt: clock.now() + 3_600_000 }]);
    const api = nock(API, { reqheaders: { authorization: 'Bearer ghs_installation0000000000000000000001', 'x-github-api-version': '2022-11-28' } })
      .get('/repos/octocat/Hello-World')
      .reply(200, repository);
    await gh.repos.get({ owner: 'octocat', repo: 'Hello-World' });
    expect(mint.state.minted).toBe(1);
    const jwt = decodeJwt(mint.state.jwts[0]!);
    expect(jwt.valid).toBe(true);
    expect(jwt.header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(jwt.claims).toEqual({ iat: nowS - 60, exp: nowS + 540, iss: '1066' });
    mint.scope.done();
    api.done();
  });

  it('mints once for many concurrent calls (single flight) and reuses the token until shortly before expires_at', async () => {
    const { gh, clock } = setup();
    const start = clock.now();
    const mint = mockMint([
      { token: 'ghs_first00000000000000000000000000000', expiresAt: start + 3_600_000 },
      { token: 'ghs_second0000000000000000000000000000', expiresAt: start + 7_200_000 },
    ]);
    const firstToken = nock(API, { reqheaders: { authorization: 'Bearer ghs_first00000000000000000000000000000' } })
      .get('/repos/octocat/Hello-World')
      .times(6)
      .reply(200, repository);
    await Promise.all(Array.from({ length: 5 }, () => gh.repos.get({ owner: 'octocat', repo: 'Hello-World' })));
    expect(mint.state.minted).toBe(1);

    // 54 minutes later the token has 6 minutes left: more than the 5-minute margin, so it is reused.
    clock.advance(54 * 60_000);
    await gh.repos.get({ owner: 'octocat', repo: 'Hello-World' });
    expect(mint.state.minted).toBe(1);
    firstToken.done();

    // 2 more minutes: inside the margin, so the next call mints first (again once for concurrent calls).
    clock.advance(2 * 60_000);
    const secondToken = nock(API, { reqheaders: { authorization: 'Bearer ghs_second0000000000000000000000000000' } })
      .get('/repos/octocat/Hello-World')
      .times(3)
      .reply(200, repository);
    await Promise.all(Array.from({ length: 3 }, () => gh.repos.get({ owner: 'octocat', repo: 'Hello-World' })));
    expect(mint.state.minted).toBe(2);
    secondToken.done();
    mint.scope.done();
  });

  it('renews the token once after a 401 and retries the call', async () => {
    const events: ConnectorEvent[] = [];
    const { gh, clock } = setup({ events });
    mockMint([
      { token: 'ghs_revoked0000000000000000000000000000', expiresAt: clock.now() + 3_600_000 },
      { token: 'ghs_renewed0000000000000000000000000000', expiresAt: clock.now() + 3_600_000 },
    ]);
    nock(API, { reqheaders: { authorization: 'Bearer ghs_revoked0000000000000000000000000000' } })
      .get('/repos/octocat/Hello-World')
      .reply(401, { message: 'Bad credentials' });
    const renewed = nock(API, { reqheaders: { authorization: 'Bearer ghs_renewed0000000000000000000000000000' } })
      .get('/repos/octocat/Hello-World')
      .reply(200, repository);
    const repo = await gh.repos.get({ owner: 'octocat', repo: 'Hello-World' });
    expect(repo.full_name).toBe('octocat/Hello-World');
    renewed.done();
    expect(events.filter((e) => e.type === 'token-refreshed').length).toBeGreaterThanOrEqual(2);
    for (const event of events) expect(JSON.stringify(event)).not.toMatch(/ghs_|BEGIN RSA/);
  });

  it('sends the JWT, not the installation token, to /app routes, and verifies credentials there', async () => {
    const { gh } = setup();
    let authorization = '';
    const scope = nock(API)
      .get(`/app/installations/${INSTALLATION}`)
      .matchHeader('authorization', (value: string | null) => {
        authorization = value ?? '';
        return true;
      })
      .reply(200, { id: INSTALLATION, app_slug: 'octoapp', account: { login: 'octo-org', id: 1 }, target_type: 'Organization' });
    const verified = await gh.verifyCredentials();
    expect(verified.identity).toBe(`app octoapp, installation ${INSTALLATION} on octo-org`);
    expect(decodeJwt(authorization).valid).toBe(true);
    scope.done();
  });

  it('explains a missing installation instead of a bare 404', async () => {
    const { gh } = setup();
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(404, { message: 'Not Found' });
    const error = await gh.repos.get({ owner: 'o', repo: 'r' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String(error)).toMatch(/installation 4242 was not found/);
    expect(String(error)).not.toContain('BEGIN RSA');
  });

  it('retries a transient failure of the token exchange', async () => {
    const { gh, clock } = setup();
    nock(API).post(`/app/installations/${INSTALLATION}/access_tokens`).reply(503, 'unavailable');
    mockMint([{ token: 'ghs_after5030000000000000000000000000', expiresAt: clock.now() + 3_600_000 }]);
    const api = nock(API, { reqheaders: { authorization: 'Bearer ghs_after5030000000000000000000000000' } }).get('/repos/o/r').reply(200, repository);
    await gh.repos.get({ owner: 'o', repo: 'r' });
    api.done();
  });

  it('accepts a key stored in an environment variable with literal \\n, and rejects a broken one clearly', () => {
    expect(() => setup({ privateKey: privateKey.replace(/\n/g, '\\n') })).not.toThrow();
    expect(() => setup({ privateKey: 'not a key' })).toThrow(/not a readable PEM private key/);
    expect(() => github.create({ app: { appId: 1, privateKey, installationId: 'abc' } })).toThrow(/numeric installation id/);
  });
});
