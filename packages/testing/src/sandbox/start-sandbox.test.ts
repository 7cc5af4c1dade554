import { AuthError, bearerAuth, createHttpClient, memoryTokenStore, oauth2Auth, parseLinkHeader, RateLimitError } from '@connectors/core';
import { githubScheme, verifyWebhook } from '@connectors/webhooks';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock/fake-clock.ts';
import type { FixtureFile } from '../fixtures/fixture.ts';
import { routesFromFixture } from './routes-from-fixture.ts';
import type { SandboxFaults, SandboxProvider } from './sandbox-provider.ts';
import { type Sandbox, startSandbox, type StartSandboxOptions } from './start-sandbox.ts';

const TOKEN = 'ghp_sandbox_token';
const issues = Array.from({ length: 75 }, (_, i) => ({ id: i + 1, number: i + 1, title: `Issue ${i + 1}`, repo: i % 5 === 0 ? 'other' : 'hello' }));
const customers = Array.from({ length: 25 }, (_, i) => ({ id: `cus_${String(i + 1).padStart(3, '0')}`, email: `c${i}@example.com` }));

/** A GitHub-like provider: bearer/token auth, Link pagination, x-ratelimit headers. */
const gh: SandboxProvider = {
  name: 'github',
  auth: { kind: 'bearer', tokens: [TOKEN] },
  pagination: { style: 'link', defaultSize: 30, maxSize: 100 },
  data: { issues },
  routes: [
    { method: 'GET', path: '/user', fixture: { status: 200, body: { login: 'octocat', id: 1 } } },
    { method: 'GET', path: '/repos/:owner/:repo/issues', collection: 'issues', filter: (item, req) => (item as { repo: string }).repo === req.params.repo },
    { method: 'GET', path: '/repos/:owner/:repo/issues/:number', collection: 'issues', action: 'get', key: 'number' },
    { method: 'POST', path: '/repos/:owner/:repo/issues', collection: 'issues', action: 'create', key: 'number' },
    { method: 'GET', path: '/zen', auth: false, handler: () => ({ body: 'Keep it logically awesome.', headers: { 'content-type': 'text/plain' } }) },
    { method: 'GET', path: '/echo/:a/*', handler: (req, ctx) => ({ body: { params: req.params, principal: ctx.principal } }) },
  ],
  webhooks: { scheme: githubScheme, secret: 'gh-hook-secret', headers: (_d, event) => ({ 'X-GitHub-Event': event.type ?? 'ping' }) },
};

/** A Stripe-like provider: basic auth with the key as username, cursor pagination, Stripe error bodies. */
const stripe: SandboxProvider = {
  name: 'stripe',
  auth: { kind: 'basic', credentials: [{ username: 'sk_test_sandbox' }], bearerUsername: true },
  pagination: { style: 'cursor' },
  data: { customers },
  errorBody: (status, message) => ({ error: { type: status === 401 ? 'authentication_error' : 'invalid_request_error', message } }),
  routes: [
    { method: 'GET', path: '/v1/customers', collection: 'customers' },
    { method: 'POST', path: '/v1/customers', collection: 'customers' },
  ],
};

/** An OAuth provider with rotating refresh tokens. */
const oauthProvider: SandboxProvider = {
  name: 'acme',
  auth: { kind: 'oauth2', clients: [{ clientId: 'app', clientSecret: 'app-secret' }], accessTokenTtlSeconds: 600, refreshTokens: ['seed-refresh-token'] },
  routes: [{ method: 'GET', path: '/me', handler: (_req, ctx) => ({ body: { principal: ctx.principal } }) }],
};

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function start(options: Partial<StartSandboxOptions> = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ providers: [gh, stripe, oauthProvider], ...options });
  return sandbox;
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('startSandbox: providers, auth and routes', () => {
  it('serves each provider under its own prefix on 127.0.0.1', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.urlFor('github')).toBe(`${s.url}/github`);
    const http = createHttpClient({ connector: 'github', baseUrl: s.urlFor('github'), auth: bearerAuth({ token: TOKEN }), credentialsCheck: { path: '/user', identify: (d) => (d as { login: string }).login } });
    await expect(http.verifyCredentials()).resolves.toMatchObject({ ok: true, identity: 'octocat' });
    expect(await (await fetch(`${s.urlFor('github')}/zen`)).text()).toBe('Keep it logically awesome.');
    expect(await (await fetch(`${s.urlFor('github')}/echo/x/y/z`, { headers: { authorization: `token ${TOKEN}` } })).json()).toEqual({ params: { a: 'x', '*': 'y/z' }, principal: TOKEN });
  });

  it('rejects missing or wrong credentials with 401 and a provider-shaped body', async () => {
    const s = await start();
    const http = createHttpClient({ connector: 'github', baseUrl: s.urlFor('github'), auth: bearerAuth({ token: 'wrong-token' }), credentialsCheck: { path: '/user' } });
    await expect(http.verifyCredentials()).rejects.toBeInstanceOf(AuthError);
    const anonymous = await fetch(`${s.urlFor('github')}/user`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: 'Requires authentication' });
    const stripeNoKey = await fetch(`${s.urlFor('stripe')}/v1/customers`, { headers: { authorization: 'Bearer sk_test_wrong' } });
    expect(await stripeNoKey.json()).toEqual({ error: { type: 'authentication_error', message: 'Invalid API key provided' } });
    expect(s.stats().unauthorized).toBe(3);
  });

  it('accepts basic auth with the key as username (and bearer where allowed)', async () => {
    const s = await start();
    const basic = Buffer.from('sk_test_sandbox:').toString('base64');
    expect((await fetch(`${s.urlFor('stripe')}/v1/customers`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
    expect((await fetch(`${s.urlFor('stripe')}/v1/customers`, { headers: { authorization: 'Bearer sk_test_sandbox' } })).status).toBe(200);
  });

  it('answers 404 for unknown providers and routes and 405 for a wrong method', async () => {
    const s = await start();
    expect(await (await fetch(`${s.url}/gitlab/user`)).json()).toEqual({ message: 'no sandbox provider at /gitlab; known: /github, /stripe, /acme' });
    expect((await fetch(`${s.urlFor('github')}/nope`, { headers: auth })).status).toBe(404);
    const wrong = await fetch(`${s.urlFor('github')}/user`, { method: 'DELETE', headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('serves, finds and creates collection items, keeping state per sandbox', async () => {
    const s = await start();
    const base = `${s.urlFor('github')}/repos/octo/hello/issues`;
    expect(await (await fetch(`${base}/7`, { headers: auth })).json()).toMatchObject({ number: 7 });
    expect((await fetch(`${base}/999`, { headers: auth })).status).toBe(404);
    const created = await fetch(base, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'New', repo: 'hello' }) });
    expect(await created.json()).toMatchObject({ title: 'New', number: 'issue_sbx1' });
    const stripeCreated = await fetch(`${s.urlFor('stripe')}/v1/customers`, { method: 'POST', headers: { authorization: 'Bearer sk_test_sandbox', 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=new%40example.com' });
    expect(await stripeCreated.json()).toEqual({ email: 'new@example.com', id: 'customer_sbx1' });
    // The seed data given to the provider is never changed.
    expect(customers).toHaveLength(25);
  });

  it('turns recorded fixtures into routes', async () => {
    const recorded: FixtureFile = {
      version: 1,
      interactions: [
        { request: { method: 'GET', url: 'https://api.example.test/v2/widgets/1' }, response: { status: 200, headers: { 'content-length': '3' }, body: { id: 1 } } },
        { request: { method: 'GET', url: 'https://api.example.test/v2/widgets/1?again=1' }, response: { status: 500 } },
      ],
    };
    const routes = routesFromFixture(recorded, { stripPrefix: '/v2' });
    expect(routes).toEqual([{ method: 'GET', path: '/widgets/1', fixture: recorded.interactions[0]!.response }]);
    sandbox = await startSandbox({ providers: [{ name: 'example', routes }] });
    expect(await (await fetch(`${sandbox.urlFor('example')}/widgets/1`)).json()).toEqual({ id: 1 });
  });
});

describe('startSandbox: pagination', () => {
  it('paginates GitHub-style with Link headers a client can walk to the end', async () => {
    const s = await start();
    const http = createHttpClient({ connector: 'github', baseUrl: s.urlFor('github'), auth: bearerAuth({ token: TOKEN }) });
    const seen: number[] = [];
    let path: string | undefined = '/repos/octo/hello/issues?per_page=25';
    let requests = 0;
    while (path) {
      const response: { data: unknown; headers: Headers } = await http.send({ path });
      requests++;
      seen.push(...(response.data as { number: number }[]).map((i) => i.number));
      path = parseLinkHeader(response.headers.get('link')).get('next');
    }
    expect(seen).toEqual(issues.filter((i) => i.repo === 'hello').map((i) => i.number));
    expect(requests).toBe(3);
    const page2 = await fetch(`${s.urlFor('github')}/repos/octo/hello/issues?per_page=25&page=2`, { headers: auth });
    const links = parseLinkHeader(page2.headers.get('link'));
    expect([...links.keys()]).toEqual(['next', 'last', 'first', 'prev']);
    expect(new URL(links.get('next')!).searchParams.get('page')).toBe('3');
    expect(new URL(links.get('prev')!).searchParams.get('per_page')).toBe('25');
  });

  it('paginates Stripe-style with starting_after and has_more, and rejects an unknown cursor', async () => {
    const s = await start();
    const headers = { authorization: 'Bearer sk_test_sandbox' };
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const body = (await (await fetch(`${s.urlFor('stripe')}/v1/customers?limit=10${after ? `&starting_after=${after}` : ''}`, { headers })).json()) as { data: { id: string }[]; has_more: boolean; object: string; url: string };
      expect(body).toMatchObject({ object: 'list', url: '/stripe/v1/customers' });
      ids.push(...body.data.map((c) => c.id));
      if (!body.has_more) break;
      after = body.data[body.data.length - 1]!.id;
    }
    expect(ids).toEqual(customers.map((c) => c.id));
    const bad = await fetch(`${s.urlFor('stripe')}/v1/customers?starting_after=cus_nope`, { headers });
    expect(bad.status).toBe(400);
  });
});

describe('startSandbox: rate limits', () => {
  it('enforces a fixed window per credential, reports it in headers, and the client waits it out', async () => {
    const clock = createFakeClock();
    const limited: SandboxProvider = { ...gh, name: 'limited', rateLimit: { limit: 3, windowMs: 60_000 } };
    sandbox = await startSandbox({ providers: [limited], now: () => clock.now() });
    const url = `${sandbox.urlFor('limited')}/user`;
    const first = await fetch(url, { headers: auth });
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil((clock.now() + 60_000) / 1000)));
    await fetch(url, { headers: auth });
    await fetch(url, { headers: auth });
    const refused = await fetch(url, { headers: auth });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(sandbox.stats().rateLimited).toBe(1);
    // Another credential has its own window... none configured here, so the anonymous path is refused at auth instead.
    expect((await fetch(url)).status).toBe(401);

    // A real client sleeps through the Retry-After on the shared clock, then succeeds in the new window.
    const http = createHttpClient({ connector: 'limited', baseUrl: sandbox.urlFor('limited'), auth: bearerAuth({ token: TOKEN }), clock, random: () => 0 });
    const response = await http.send({ path: '/user' });
    expect(response.attempts).toBe(2);
    expect(clock.sleeps).toEqual([60_000]);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('can report IETF RateLimit headers and refuse with a custom status', async () => {
    const clock = createFakeClock();
    const limited: SandboxProvider = { ...gh, name: 'ietf', rateLimit: { limit: 1, windowMs: 10_000, headers: 'ietf', status: 403 } };
    sandbox = await startSandbox({ providers: [limited], now: () => clock.now() });
    const ok = await fetch(`${sandbox.urlFor('ietf')}/user`, { headers: auth });
    expect(ok.headers.get('ratelimit-policy')).toBe('"default";q=1;w=10');
    expect(ok.headers.get('ratelimit')).toBe('"default";r=0;t=10');
    const http = createHttpClient({ connector: 'ietf', baseUrl: sandbox.urlFor('ietf'), auth: bearerAuth({ token: TOKEN }), clock, random: () => 0, retry: { maxRetryAfterMs: 5_000 } });
    const error = await http.request({ path: '/user' }).catch((e: unknown) => e);
    // 403 is not retryable by default, but the reset header says when: the client defers instead of sleeping.
    expect(error).toBeInstanceOf(Error);
    expect((await fetch(`${sandbox.urlFor('ietf')}/user`, { headers: auth })).status).toBe(403);
  });
});

/** Sends `count` requests, 10 at a time, and tallies what came back. */
async function hammer(url: string, count: number, headers: Record<string, string> = auth): Promise<{ statuses: Map<number, number>; errors: number }> {
  const statuses = new Map<number, number>();
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        const response = await fetch(url, { headers });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return { statuses, errors };
}

describe('startSandbox: fault injection', () => {
  const N = 1000;
  const within = (n: number) => {
    // 10% of 1000 is 100; a binomial's 3-sigma band is about +-28, the brief's bound is 6%-14%.
    expect(n).toBeGreaterThanOrEqual(60);
    expect(n).toBeLessThanOrEqual(140);
  };
  const cases: [string, SandboxFaults, (r: Awaited<ReturnType<typeof hammer>>, s: Sandbox) => number][] = [
    ['injected 429s', { rateLimit: { rate: 0.1, retryAfterSeconds: 3 } }, (r) => r.statuses.get(429) ?? 0],
    ['5xx errors', { serverError: { rate: 0.1, status: 502 } }, (r) => r.statuses.get(502) ?? 0],
    ['connection resets', { reset: 0.1 }, (r) => r.errors],
    ['added latency', { latency: { rate: 0.1, ms: 1 } }, (_r, s) => s.stats().faults.latency],
  ];
  for (const [what, faults, count] of cases) {
    it(`injects ${what} at the configured rate (1000 requests at 10%)`, async () => {
      const s = await start({ faults, seed: 42 });
      const result = await hammer(`${s.urlFor('github')}/user`, N);
      within(count(result, s));
      const total = [...result.statuses.values()].reduce((a, b) => a + b, 0) + result.errors;
      expect(total).toBe(N);
    });
  }

  it('expires OAuth access tokens at the configured rate', async () => {
    const s = await start({ faults: { tokenExpiry: 0.1 }, seed: 7 });
    let expired = 0;
    let tokens = s.issueTokens('acme');
    for (let i = 0; i < N; i++) {
      const response = await fetch(`${s.urlFor('acme')}/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
      await response.arrayBuffer();
      if (response.status === 401) {
        expired++;
        expect(response.headers.get('www-authenticate')).toContain('invalid_token');
        tokens = s.issueTokens('acme');
      }
    }
    within(expired);
    expect(s.stats().faults.tokenExpiry).toBe(expired);
  });

  it('injects planned faults at the set request, on top of the rates, and waits until one can apply', async () => {
    const s = await start({
      faults: {
        serverError: { rate: 0, burst: 2 },
        planned: [
          { provider: 'github', request: 2, fault: 'rateLimit' },
          { provider: 'github', request: 4, fault: 'serverError' },
          // acme's 1st request is a fresh token's first use, which is never revoked: it waits for the 2nd.
          { provider: 'acme', request: 1, fault: 'tokenExpiry' },
        ],
      },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await fetch(`${s.urlFor('github')}/user`, { headers: { authorization: `Bearer ${TOKEN}` } });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 429, 200, 503, 503, 200, 200]);
    const tokens = s.issueTokens('acme');
    const acme: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${s.urlFor('acme')}/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
      await response.arrayBuffer();
      acme.push(response.status);
    }
    expect(acme).toEqual([200, 401, 401]);
    expect(s.stats().faults).toMatchObject({ rateLimit: 1, serverError: 2, tokenExpiry: 1 });
  });

  it('a 5xx burst fails the following requests too', async () => {
    const s = await start({ faults: { serverError: { rate: 0.05, burst: 3 } }, seed: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const response = await fetch(`${s.urlFor('github')}/user`, { headers: auth });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    const runs = statuses.join(',').split(/(?:^|,)200(?=,|$)/).filter((run) => run.includes('503'));
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run.split(',').filter(Boolean).length % 3).toBe(0);
  });

  it('never faults a route marked faults: false (a provider\'s own token endpoint), while its other routes are', async () => {
    const provider: SandboxProvider = {
      name: 'tokens',
      routes: [
        { method: 'POST', path: '/oauth/token', faults: false, handler: () => ({ body: { access_token: 'fresh' } }) },
        { method: 'GET', path: '/data', handler: () => ({ body: { ok: true } }) },
      ],
    };
    const s = await start({ providers: [provider], faults: { rateLimit: 1 } });
    for (let i = 0; i < 5; i++) expect((await fetch(`${s.urlFor('tokens')}/oauth/token`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${s.urlFor('tokens')}/data`)).status).toBe(429);
    expect(s.stats().faults.rateLimit).toBe(1);
  });

  it('is reproducible: the same seed gives the same faults, another seed different ones', async () => {
    const faults: SandboxFaults = { rateLimit: 0.2, serverError: 0.2 };
    const run = async (seed: number) => {
      const s = await startSandbox({ providers: [gh], faults, seed });
      try {
        const out: number[] = [];
        for (let i = 0; i < 60; i++) {
          const response = await fetch(`${s.urlFor('github')}/user`, { headers: auth });
          await response.arrayBuffer();
          out.push(response.status);
        }
        return out.join(',');
      } finally {
        await s.stop();
      }
    };
    expect(await run(11)).toBe(await run(11));
    expect(await run(11)).not.toBe(await run(12));
  });

  it('a client with retries gets through moderate chaos', async () => {
    const s = await start({ faults: { rateLimit: { rate: 0.1, retryAfterSeconds: 1 }, serverError: 0.1, reset: 0.05 }, seed: 5 });
    const http = createHttpClient({ connector: 'github', baseUrl: s.urlFor('github'), auth: bearerAuth({ token: TOKEN }), clock: createFakeClock(), random: () => 0, retry: { maxAttempts: 8, budget: false } });
    for (let i = 1; i <= 40; i++) await expect(http.request({ path: `/repos/octo/hello/issues/${i}` })).resolves.toMatchObject({ number: i });
    const { faults } = s.stats();
    expect(faults.rateLimit + faults.serverError + faults.reset).toBeGreaterThan(0);
  });

  it('setFaults switches chaos on and off at runtime; the token endpoint is never faulted', async () => {
    const s = await start();
    s.setFaults({ serverError: 1 });
    expect((await fetch(`${s.urlFor('github')}/user`, { headers: auth })).status).toBe(503);
    const token = await fetch(`${s.urlFor('acme')}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=app&client_secret=app-secret' });
    expect(token.status).toBe(200);
    s.setFaults(undefined);
    expect((await fetch(`${s.urlFor('github')}/user`, { headers: auth })).status).toBe(200);
  });

  it('rejects impossible fault settings', async () => {
    await expect(startSandbox({ providers: [gh], faults: { reset: 1.5 } })).rejects.toThrow(/faults.reset must be a probability between 0 and 1/);
    await expect(startSandbox({ providers: [gh], faults: { serverError: { rate: 0.1, status: 404 } } })).rejects.toThrow(/must be a 5xx status/);
    await expect(startSandbox({ providers: [gh], faults: { serverError: { rate: 0.1, burst: 0 } } })).rejects.toThrow(/burst must be a whole number/);
  });
});

describe('startSandbox: OAuth tokens', () => {
  const form = (params: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });

  it('issues tokens that expire, rotates refresh tokens, and revokes the family when an old one is reused', async () => {
    const clock = createFakeClock();
    const s = await start({ now: () => clock.now() });
    const tokenUrl = `${s.urlFor('acme')}/oauth/token`;
    const me = (token: string) => fetch(`${s.urlFor('acme')}/me`, { headers: { authorization: `Bearer ${token}` } });

    const first = (await (await fetch(tokenUrl, form({ grant_type: 'refresh_token', refresh_token: 'seed-refresh-token', client_id: 'app', client_secret: 'app-secret' }))).json()) as Record<string, string>;
    expect(first).toMatchObject({ token_type: 'bearer', expires_in: 600 });
    expect((await me(first.access_token!)).status).toBe(200);
    clock.advance(600_000);
    const expired = await me(first.access_token!);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('The access token expired');

    const basic = `Basic ${Buffer.from('app:app-secret').toString('base64')}`;
    const second = (await (await fetch(tokenUrl, { ...form({ grant_type: 'refresh_token', refresh_token: first.refresh_token! }), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic } })).json()) as Record<string, string>;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.access_token!)).status).toBe(200);

    // Reusing the spent refresh token: invalid_grant, and everything issued from it dies.
    const reuse = await fetch(tokenUrl, form({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: 'app', client_secret: 'app-secret' }));
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await me(second.access_token!)).status).toBe(401);
    const afterRevoke = await fetch(tokenUrl, form({ grant_type: 'refresh_token', refresh_token: second.refresh_token!, client_id: 'app', client_secret: 'app-secret' }));
    expect(await afterRevoke.json()).toMatchObject({ error: 'invalid_grant' });
    expect(s.stats().oauth).toMatchObject({ refreshes: 2, reuseDetected: 1, invalidGrants: 2 });
  });

  it('checks the client and the grant type', async () => {
    const s = await start();
    const tokenUrl = `${s.urlFor('acme')}/oauth/token`;
    expect((await fetch(tokenUrl, form({ grant_type: 'client_credentials', client_id: 'app', client_secret: 'nope' }))).status).toBe(401);
    expect(await (await fetch(tokenUrl, form({ grant_type: 'password', client_id: 'app', client_secret: 'app-secret' }))).json()).toMatchObject({ error: 'unsupported_grant_type' });
    expect(() => s.issueTokens('github')).toThrow(/does not use oauth2/);
  });

  it('core oauth2Auth survives token expiry faults: it refreshes, rotates and never trips reuse detection', async () => {
    const s = await start({ faults: { tokenExpiry: 0.2 }, seed: 9 });
    const store = memoryTokenStore();
    const http = createHttpClient({
      connector: 'acme',
      baseUrl: s.urlFor('acme'),
      auth: oauth2Auth({ tokenUrl: `${s.urlFor('acme')}/oauth/token`, clientId: 'app', clientSecret: 'app-secret', grant: 'refresh_token', refreshToken: 'seed-refresh-token', store }),
    });
    for (let i = 0; i < 30; i++) await expect(http.request({ path: '/me' })).resolves.toMatchObject({ principal: 'sandbox-user' });
    const stats = s.stats();
    expect(stats.faults.tokenExpiry).toBeGreaterThan(0);
    expect(stats.oauth.refreshes).toBe(stats.faults.tokenExpiry + 1);
    expect(stats.oauth.invalidGrants).toBe(0);
  });
});

describe('startSandbox: webhooks', () => {
  it('sends signed deliveries, with duplicates and bad signatures at the given rates', async () => {
    const s = await start({ seed: 21 });
    const received = new Map<string, number>();
    let rejected = 0;
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const result = verifyWebhook(githubScheme, { body: Buffer.concat(chunks), headers: req.headers, secret: 'gh-hook-secret' });
        if (!result.ok) {
          rejected++;
          res.writeHead(401).end();
          return;
        }
        expect(req.headers['x-github-event']).toBe('issues');
        received.set(result.id, (received.get(result.id) ?? 0) + 1);
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const events = Array.from({ length: 200 }, (_, i) => ({ type: 'issues', payload: { action: 'opened', issue: { number: i } } }));
      const results = await s.sendWebhooks({ provider: 'github', url, events, duplicateRate: 0.25, badSignatureRate: 0.1 });
      const duplicates = results.filter((r) => r.duplicate).length;
      const bad = results.filter((r) => r.badSignature && !r.duplicate).length;
      expect(duplicates).toBeGreaterThan(25);
      expect(duplicates).toBeLessThan(75);
      expect(bad).toBeGreaterThan(5);
      expect(bad).toBeLessThan(35);
      expect(results.filter((r) => r.badSignature).every((r) => r.status === 401)).toBe(true);
      expect(results.filter((r) => !r.badSignature).every((r) => r.status === 202)).toBe(true);
      expect(rejected).toBe(results.filter((r) => r.badSignature).length);
      expect(received.size).toBe(200 - bad);
      expect([...received.values()].filter((n) => n === 2).length).toBe(results.filter((r) => r.duplicate && !r.badSignature).length);
      expect(s.stats().webhooks).toMatchObject({ sent: results.length, duplicates, failed: 0 });
    } finally {
      receiver.close();
    }
  });

  it('reports a receiver that cannot be reached instead of throwing', async () => {
    const s = await start();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const [result] = await s.sendWebhooks({ provider: 'github', url: `http://127.0.0.1:${port}/hooks`, events: [{ payload: { zen: 'hi' } }] });
    expect(result).toMatchObject({ duplicate: false, badSignature: false });
    expect(result!.status).toBeUndefined();
    expect(result!.error).toMatch(/ECONNREFUSED|connect/);
    await expect(s.sendWebhooks({ provider: 'stripe', url: 'http://127.0.0.1:1', events: [] })).rejects.toThrow(/declares no webhooks/);
  });
});

describe('startSandbox: configuration errors', () => {
  it('names what is wrong', async () => {
    await expect(startSandbox({ providers: [] })).rejects.toThrow(/at least one SandboxProvider/);
    await expect(startSandbox({ providers: [{ name: 'a/b', routes: [] }] })).rejects.toThrow(/provider name must be letters/);
    await expect(startSandbox({ providers: [gh, gh] })).rejects.toThrow(/two providers are named "github"/);
    await expect(startSandbox({ providers: [{ name: 'x', routes: [{ method: 'GET', path: '/a', collection: 'c', handler: () => ({}) }] }] })).rejects.toThrow(/exactly one of handler, fixture or collection/);
    await expect(startSandbox({ providers: [{ name: 'x', routes: [{ method: 'GET', path: 'a', collection: 'c' }] }] })).rejects.toThrow(/must start with "\/"/);
    await expect(startSandbox({ providers: [{ name: 'x', rateLimit: { limit: 0, windowMs: 1 }, routes: [] }] })).rejects.toThrow(/rateLimit.limit/);
  });

  it('unplayed() counts the scripted steps not taken yet, per provider or in all; clearScripts() drops them', async () => {
    const s = await start();
    s.script('github', 'GET', '/user', [{ kind: 'respond', status: 503 }, { kind: 'respond', status: 200, body: { login: 'octocat' } }]);
    expect(s.unplayed('github')).toBe(2);
    expect((await fetch(`${s.urlFor('github')}/user`, { headers: auth })).status).toBe(503);
    expect(s.unplayed('github')).toBe(1);
    expect(s.unplayed()).toBe(1);
    expect((await fetch(`${s.urlFor('github')}/user`, { headers: auth })).status).toBe(200);
    expect(s.unplayed()).toBe(0);
    expect(() => s.unplayed('nope')).toThrow(/nope/);
    s.script('github', 'GET', '/user', [{ kind: 'respond', status: 503 }]);
    s.clearScripts('github');
    expect(s.unplayed()).toBe(0);
    expect((await fetch(`${s.urlFor('github')}/user`, { headers: auth })).status).toBe(200);
  });

  it('stop() ends hung requests and frees the port', async () => {
    const s = await start();
    s.script('github', 'GET', '/user', [{ kind: 'timeout', hangMs: 60_000 }]);
    const hung = fetch(`${s.urlFor('github')}/user`, { headers: auth }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await s.stop();
    sandbox = undefined;
    expect(await hung).toBeInstanceOf(Error);
  });
});

it('RateLimitError is what a client gets when the sandbox asks for a wait longer than it allows', async () => {
  const s = await start({ faults: { rateLimit: { rate: 1, retryAfterSeconds: 120 } } });
  const http = createHttpClient({ connector: 'github', baseUrl: s.urlFor('github'), auth: bearerAuth({ token: TOKEN }), clock: createFakeClock() });
  await expect(http.request({ path: '/user' })).rejects.toBeInstanceOf(RateLimitError);
});
