import { AuthError, HttpError, RateLimitError, type ConnectorEvent } from '@connectors/core';
import { createFakeClock } from '@connectors/testing';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { github } from './github-connector.ts';
import issue from './issues/__fixtures__/issue.json' with { type: 'json' };
import issues from './issues/__fixtures__/issues.json' with { type: 'json' };
import commentFixture from './issues/__fixtures__/issue-comment.json' with { type: 'json' };
import orgRepos from './repos/__fixtures__/org-repositories.json' with { type: 'json' };
import user from './users/__fixtures__/authenticated-user.json' with { type: 'json' };

const API = 'https://api.github.com';
const TOKEN = 'ghp_test0000000000000000000000000000token';

function setup(options: { events?: ConnectorEvent[] } = {}) {
  const clock = createFakeClock();
  const gh = github.create({ token: TOKEN, clock, random: () => 0, onEvent: (e) => options.events?.push(e) });
  return { gh, clock };
}

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('github connector: requests', () => {
  it('pins the API version and sends the token, Accept and User-Agent GitHub requires', async () => {
    const scope = nock(API, {
      reqheaders: {
        'x-github-api-version': '2022-11-28',
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${TOKEN}`,
        'user-agent': /connectors-github/,
      },
    })
      .get('/repos/octocat/Hello-World/issues/1347')
      .reply(200, issue);
    const { gh } = setup();
    const got = await gh.issues.get({ owner: 'octocat', repo: 'Hello-World', issue_number: 1347 });
    expect(got.title).toBe('Found a bug');
    // Fields the schema does not declare are kept, not stripped.
    expect((got as Record<string, unknown>)['comments_url']).toBe(issue.comments_url);
    scope.done();
  });

  it('lets a new enum value through and reports it as schema drift, but fails a wrong type', async () => {
    const events: ConnectorEvent[] = [];
    nock(API)
      .get('/repos/o/r/issues/1')
      .reply(200, { ...issue, state_reason: 'resolved_by_bot' })
      .get('/repos/o/r/issues/2')
      .reply(200, { ...issue, number: 'two' });
    const { gh } = setup({ events });
    const got = await gh.issues.get({ owner: 'o', repo: 'r', issue_number: 1 });
    expect(got.state_reason).toBe('resolved_by_bot');
    expect(events).toContainEqual(expect.objectContaining({ type: 'schema-drift', kind: 'unknown-enum-value', path: 'state_reason', value: 'resolved_by_bot' }));
    await expect(gh.issues.get({ owner: 'o', repo: 'r', issue_number: 2 })).rejects.toMatchObject({ name: 'SchemaValidationError', issues: [expect.objectContaining({ path: 'number' })] });
  });

  it('reads GITHUB_TOKEN when no token is given, and says which variable is missing', async () => {
    const previous = process.env['GITHUB_TOKEN'];
    try {
      delete process.env['GITHUB_TOKEN'];
      expect(() => github.create({})).toThrow(AuthError);
      expect(() => github.create({})).toThrow(/GITHUB_TOKEN is not set/);
      process.env['GITHUB_TOKEN'] = 'ghp_fromenv000000000000000000000000000';
      const scope = nock(API, { reqheaders: { authorization: 'Bearer ghp_fromenv000000000000000000000000000' } }).get('/user').reply(200, user);
      const identity = await github.create({}).verifyCredentials();
      expect(identity.identity).toBe('octocat');
      scope.done();
    } finally {
      if (previous === undefined) delete process.env['GITHUB_TOKEN'];
      else process.env['GITHUB_TOKEN'] = previous;
    }
  });

  it('rejects ambiguous credentials with a TypeError that says what to do', () => {
    expect(() => github.create({ token: TOKEN, tokenEnv: 'GH' })).toThrow(/one of `token`, `tokenEnv` or `app`/);
    expect(() => github.create({ token: '  ' })).toThrow(TypeError);
  });

  it('turns a 401 on verifyCredentials into AuthError without leaking the token', async () => {
    nock(API).get('/user').reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const { gh } = setup();
    const error = await gh.verifyCredentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('rejected');
    expect(JSON.stringify((error as AuthError).toJSON()) + String(error)).not.toContain(TOKEN);
  });
});

describe('github connector: rate limits', () => {
  it('waits 60 s after a 403 secondary limit that names no time, then succeeds', async () => {
    const events: ConnectorEvent[] = [];
    const scope = nock(API)
      .get('/repos/octocat/Hello-World/issues/1347')
      .reply(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' })
      .get('/repos/octocat/Hello-World/issues/1347')
      .reply(200, issue);
    const { gh, clock } = setup({ events });
    await gh.issues.get({ owner: 'octocat', repo: 'Hello-World', issue_number: 1347 });
    expect(clock.sleeps).toEqual([60_000]);
    expect(events.some((e) => e.type === 'rate-limited' && e.status === 403)).toBe(true);
    scope.done();
  });

  it('defers a secondary limit as RateLimitError when 60 s is more than the caller lets it sleep', async () => {
    nock(API).get('/user').reply(403, { message: 'You have exceeded a secondary rate limit.' });
    const clock = createFakeClock();
    const gh = github.create({ token: TOKEN, clock, random: () => 0, retry: { maxRetryAfterMs: 10_000 } });
    const error = await gh.users.getAuthenticated().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt.getTime()).toBe(clock.now() + 60_000);
    expect(clock.sleeps).toEqual([]);
  });

  it('honours retry-after on a secondary limit', async () => {
    const scope = nock(API)
      .get('/user')
      .reply(429, { message: 'secondary rate limit' }, { 'retry-after': '7' })
      .get('/user')
      .reply(200, user);
    const { gh, clock } = setup();
    await gh.users.getAuthenticated();
    expect(clock.sleeps).toEqual([7_000]);
    scope.done();
  });

  it('waits for x-ratelimit-reset on a primary limit', async () => {
    const { gh, clock } = setup();
    const reset = Math.floor(clock.now() / 1000) + 20;
    const scope = nock(API)
      .get('/user')
      .reply(403, { message: 'API rate limit exceeded for user ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' })
      .get('/user')
      .reply(200, user);
    await gh.users.getAuthenticated();
    expect(clock.sleeps).toEqual([20_000]);
    scope.done();
  });

  it('throws RateLimitError with retryAt instead of sleeping through an hour-long primary limit', async () => {
    const { gh, clock } = setup();
    const reset = Math.floor(clock.now() / 1000) + 3600;
    nock(API)
      .get('/user')
      .reply(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    const error = await gh.users.getAuthenticated().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt.getTime()).toBe(reset * 1000);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not retry a 403 about permissions', async () => {
    nock(API).get('/repos/o/r/issues/1').reply(403, { message: 'Resource not accessible by personal access token' }, { 'x-ratelimit-remaining': '4990', 'x-github-request-id': 'C0DE:1234:5678' });
    const { gh, clock } = setup();
    const error = await gh.issues.get({ owner: 'o', repo: 'r', issue_number: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    // The id GitHub support asks for.
    expect(error).toMatchObject({ status: 403, attempts: 1, retryable: false, requestId: 'C0DE:1234:5678' });
    expect((error as HttpError).bodyExcerpt).toContain('Resource not accessible');
    expect(clock.sleeps).toEqual([]);
  });
});

describe('github connector: writes', () => {
  it('retries an issue update (it only sets values) but never a create that may have been applied', async () => {
    const scope = nock(API)
      .patch('/repos/o/r/issues/1347', { state: 'closed', state_reason: 'completed' })
      .reply(502, 'Bad Gateway')
      .patch('/repos/o/r/issues/1347', { state: 'closed', state_reason: 'completed' })
      .reply(200, { ...issue, state: 'closed' })
      .post('/repos/o/r/issues', { title: 'New', labels: ['bug'] })
      .reply(502, 'Bad Gateway');
    const { gh } = setup();
    const updated = await gh.issues.update({ owner: 'o', repo: 'r', issue_number: 1347, state: 'closed', state_reason: 'completed' });
    expect(updated.state).toBe('closed');
    const error = await gh.issues.create({ owner: 'o', repo: 'r', title: 'New', labels: ['bug'] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, attempts: 1 });
    expect((error as HttpError).reason).toMatch(/may have been applied/);
    scope.done();
  });

  it('posts comments as JSON', async () => {
    const scope = nock(API).post('/repos/o/r/issues/1347/comments', { body: 'Me too' }).reply(201, commentFixture);
    const { gh } = setup();
    const comment = await gh.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1347, body: 'Me too' });
    expect(comment.body).toBe('Me too');
    scope.done();
  });
});

describe('github connector: pagination', () => {
  it('follows the Link header across pages with per_page=100', async () => {
    const page = (n: number) => issues.map((item, i) => ({ ...item, id: n * 10 + i, number: n * 10 + i }));
    const link = (next: number, last: number) =>
      `<${API}/repositories/1296269/issues?state=all&per_page=100&page=${next}>; rel="next", <${API}/repositories/1296269/issues?state=all&per_page=100&page=${last}>; rel="last"`;
    const scope = nock(API)
      .get('/repos/octocat/Hello-World/issues')
      .query({ state: 'all', per_page: '100' })
      .reply(200, page(1), { link: link(2, 3) })
      .get('/repositories/1296269/issues')
      .query({ state: 'all', per_page: '100', page: '2' })
      .reply(200, page(2), { link: link(3, 3) })
      .get('/repositories/1296269/issues')
      .query({ state: 'all', per_page: '100', page: '3' })
      .reply(200, page(3));
    const { gh } = setup();
    const numbers: number[] = [];
    for await (const item of gh.issues.list({ owner: 'octocat', repo: 'Hello-World', state: 'all' })) numbers.push(item.number);
    expect(numbers).toEqual([10, 11, 20, 21, 30, 31]);
    scope.done();
  });

  it('stops at maxItems without fetching further pages', async () => {
    const scope = nock(API)
      .get('/orgs/octo-org/repos')
      .query({ per_page: '2' })
      .reply(200, [repoFixture(1), repoFixture(2)], { link: `<${API}/organizations/1/repos?per_page=2&page=2>; rel="next"` });
    const { gh } = setup();
    const names: string[] = [];
    for await (const repo of gh.repos.listForOrg({ org: 'octo-org' }, { perPage: 2, maxItems: 2, prefetch: false })) names.push(repo.name);
    expect(names).toEqual(['repo-1', 'repo-2']);
    scope.done();
  });

  it('refuses a page size GitHub would cap silently', () => {
    const { gh } = setup();
    expect(() => gh.issues.list({ owner: 'o', repo: 'r' }, { perPage: 500 })).toThrow(/1 to 100/);
  });

  it('keeps the whole pipeline for routes without a typed operation', async () => {
    const scope = nock(API, { reqheaders: { 'x-github-api-version': '2022-11-28', authorization: `Bearer ${TOKEN}` } })
      .get('/repos/o/r/releases')
      .query({ per_page: '100' })
      .reply(200, [{ id: 1, tag_name: 'v1' }])
      .get('/repos/o/r/releases/latest')
      .reply(200, { id: 1, tag_name: 'v1' });
    const { gh } = setup();
    const tags: unknown[] = [];
    for await (const release of gh.paginate({ path: '/repos/{owner}/{repo}/releases', params: { owner: 'o', repo: 'r' } })) tags.push((release as { tag_name: string }).tag_name);
    expect(tags).toEqual(['v1']);
    expect(await gh.request({ path: '/repos/{owner}/{repo}/releases/latest', params: { owner: 'o', repo: 'r' } })).toEqual({ id: 1, tag_name: 'v1' });
    scope.done();
  });
});

function repoFixture(n: number) {
  return { ...orgRepos[0]!, id: n, name: `repo-${n}`, full_name: `octo-org/repo-${n}` };
}
