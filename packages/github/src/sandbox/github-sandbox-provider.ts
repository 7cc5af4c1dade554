import type { SandboxProvider, SandboxRequest, SandboxRouteContext, SandboxWebhookEvent } from '@connectors/testing/sandbox';
import { githubScheme } from '@connectors/webhooks';
import issueComment from '../issues/__fixtures__/issue-comment.json' with { type: 'json' };
import issueFixture from '../issues/__fixtures__/issue.json' with { type: 'json' };
import pullRequestFixture from '../pulls/__fixtures__/pull-request.json' with { type: 'json' };
import repositoryFixture from '../repos/__fixtures__/repository.json' with { type: 'json' };
import authenticatedUser from '../users/__fixtures__/authenticated-user.json' with { type: 'json' };
import installationCreated from '../webhooks/__fixtures__/installation-created.json' with { type: 'json' };
import issuesOpened from '../webhooks/__fixtures__/issues-opened.json' with { type: 'json' };
import pullRequestOpened from '../webhooks/__fixtures__/pull-request-opened.json' with { type: 'json' };
import push from '../webhooks/__fixtures__/push.json' with { type: 'json' };

/** The personal access token the sandbox accepts (a placeholder: it works nowhere else). */
export const GITHUB_SANDBOX_TOKEN = 'ghp_sandbox-local-token';
/** The installation token the sandbox mints for GitHub App auth (any JWT is accepted for the exchange). */
export const GITHUB_SANDBOX_INSTALLATION_TOKEN = 'ghs_sandbox-installation-token';
/** The installation id the sandbox knows. */
export const GITHUB_SANDBOX_INSTALLATION_ID = 2311213;
/** The secret the sandbox signs webhooks with (`X-Hub-Signature-256`). */
export const GITHUB_SANDBOX_WEBHOOK_SECRET = 'github-sandbox-webhook-secret';
/** The seeded repository: 120 issues, 15 pull requests, comments on the first issues. */
export const GITHUB_SANDBOX_REPO = { owner: 'octocat', repo: 'Hello-World' } as const;
/** The seeded organization: 30 repositories. */
export const GITHUB_SANDBOX_ORG = 'octo-org';

type Json = Record<string, unknown>;
const API = 'https://api.github.com';
const BASE_TIME = Date.parse('2025-06-01T00:00:00Z');
const iso = (offsetMinutes: number) => new Date(BASE_TIME + offsetMinutes * 60_000).toISOString().replace('.000Z', 'Z');

function seedIssues(): Json[] {
  const issues: Json[] = [];
  const { pull_request: _pr, ...plain } = issueFixture;
  for (let n = 120; n >= 1; n--) {
    const closed = n % 4 === 0;
    const repoUrl = `${API}/repos/octocat/Hello-World`;
    issues.push({
      ...plain,
      id: 1_000_000 + n,
      node_id: `I_sandbox${n}`,
      number: n,
      url: `${repoUrl}/issues/${n}`,
      repository_url: repoUrl,
      html_url: `https://github.com/octocat/Hello-World/issues/${n}`,
      comments_url: `${repoUrl}/issues/${n}/comments`,
      title: `Sandbox issue #${n}`,
      body: `Seeded issue ${n} of the GitHub sandbox.`,
      state: closed ? 'closed' : 'open',
      state_reason: closed ? 'completed' : null,
      locked: false,
      active_lock_reason: null,
      comments: n <= 10 ? 3 : 0,
      labels: n % 3 === 0 ? issueFixture.labels : [],
      created_at: iso(n * 60),
      updated_at: iso(n * 60 + 30),
      closed_at: closed ? iso(n * 60 + 45) : null,
    });
  }
  return issues;
}

function seedRepos(): Json[] {
  return Array.from({ length: 30 }, (_, i) => {
    const name = `service-${String(i + 1).padStart(2, '0')}`;
    return {
      ...repositoryFixture,
      id: 2_000_000 + i,
      node_id: `R_sandbox${i}`,
      name,
      full_name: `${GITHUB_SANDBOX_ORG}/${name}`,
      owner: { ...repositoryFixture.owner, login: GITHUB_SANDBOX_ORG, id: 6811672, type: 'Organization' },
      html_url: `https://github.com/${GITHUB_SANDBOX_ORG}/${name}`,
      url: `${API}/repos/${GITHUB_SANDBOX_ORG}/${name}`,
      private: i % 5 === 0,
      visibility: i % 5 === 0 ? 'private' : 'public',
      created_at: iso(i * 1440),
      updated_at: iso(i * 1440 + 60),
      pushed_at: iso(i * 1440 + 90),
    };
  }).concat([{ ...repositoryFixture }]);
}

function seedPulls(): Json[] {
  return Array.from({ length: 15 }, (_, i) => {
    const n = 200 + i;
    const { merged: _m, mergeable: _mg, rebaseable: _r, mergeable_state: _ms, merged_by: _mb, comments: _c, review_comments: _rc, maintainer_can_modify: _mcm, commits: _cm, additions: _a, deletions: _d, changed_files: _cf, ...simple } = pullRequestFixture;
    return {
      ...simple,
      id: 3_000_000 + i,
      node_id: `PR_sandbox${i}`,
      number: n,
      url: `${API}/repos/octocat/Hello-World/pulls/${n}`,
      html_url: `https://github.com/octocat/Hello-World/pull/${n}`,
      title: `Sandbox pull request #${n}`,
      state: i % 3 === 0 ? 'closed' : 'open',
      locked: false,
      created_at: iso(i * 120),
      updated_at: iso(i * 120 + 5),
      closed_at: i % 3 === 0 ? iso(i * 120 + 60) : null,
      merged_at: i % 3 === 0 ? iso(i * 120 + 60) : null,
    };
  });
}

function seedComments(): Json[] {
  const comments: Json[] = [];
  for (let n = 1; n <= 10; n++) {
    for (let c = 1; c <= 3; c++) {
      const id = n * 10 + c;
      comments.push({
        ...issueComment,
        id,
        node_id: `IC_sandbox${id}`,
        url: `${API}/repos/octocat/Hello-World/issues/comments/${id}`,
        html_url: `https://github.com/octocat/Hello-World/issues/${n}#issuecomment-${id}`,
        issue_url: `${API}/repos/octocat/Hello-World/issues/${n}`,
        body: `Comment ${c} on issue ${n}`,
        created_at: iso(n * 60 + c),
        updated_at: iso(n * 60 + c),
      });
    }
  }
  return comments;
}

const repoKey = (r: SandboxRequest) => `${r.params['owner']}/${r.params['repo']}`;
const inRepo = (item: unknown, r: SandboxRequest) => String((item as Json)['repository_url'] ?? (item as Json)['url']).includes(`/repos/${repoKey(r)}/`) || String((item as Json)['repository_url']).endsWith(`/repos/${repoKey(r)}`);
const byState = (item: unknown, r: SandboxRequest) => {
  const wanted = r.query.get('state') ?? 'open';
  return wanted === 'all' || (item as Json)['state'] === wanted;
};

function findIssue(request: SandboxRequest, context: SandboxRouteContext): Json | undefined {
  const number = Number(request.params['issue_number']);
  return (context.data['issues'] as Json[]).find((i) => i['number'] === number && inRepo(i, request));
}

function bodyObject(request: SandboxRequest): Json {
  return request.body && typeof request.body === 'object' ? (request.body as Json) : {};
}

/**
 * GitHub, served by the testing kit's sandbox (`startSandbox({ providers: [githubSandboxProvider] })`)
 * from this package's fixtures: 120 issues across pages (`Link` headers, `per_page` up to 100), 30
 * organization repositories, pull requests and comments; bearer auth with `GITHUB_SANDBOX_TOKEN`
 * (or a GitHub App JWT exchanged for `GITHUB_SANDBOX_INSTALLATION_TOKEN`); a primary rate limit
 * reported in `x-ratelimit-*` and answered with 403 like GitHub; webhooks signed with `githubScheme`.
 *
 * @example
 * const sandbox = await startSandbox({ providers: [githubSandboxProvider] });
 * const gh = github.create({ token: GITHUB_SANDBOX_TOKEN, baseUrl: sandbox.urlFor('github') });
 */
export const githubSandboxProvider: SandboxProvider = {
  name: 'github',
  auth: { kind: 'bearer', tokens: [GITHUB_SANDBOX_TOKEN, GITHUB_SANDBOX_INSTALLATION_TOKEN], schemes: ['Bearer', 'token'] },
  pagination: { style: 'link', pageParam: 'page', sizeParam: 'per_page', defaultSize: 30, maxSize: 100 },
  rateLimit: { limit: 5000, windowMs: 3_600_000, headers: 'github', status: 403 },
  errorBody: (status, message) => ({ message, documentation_url: 'https://docs.github.com/rest', status: String(status) }),
  data: { issues: seedIssues(), repos: seedRepos(), pulls: seedPulls(), comments: seedComments() },
  webhooks: { scheme: githubScheme, secret: GITHUB_SANDBOX_WEBHOOK_SECRET },
  routes: [
    { method: 'GET', path: '/user', fixture: { status: 200, body: authenticatedUser } },
    {
      method: 'GET',
      path: '/repos/:owner/:repo',
      handler: (r, c) => {
        const repo = (c.data['repos'] as Json[]).find((item) => item['full_name'] === repoKey(r));
        return repo ? { body: repo } : c.error(404, 'Not Found');
      },
    },
    { method: 'GET', path: '/orgs/:org/repos', collection: 'repos', filter: (item, r) => (item as { owner: { login: string } }).owner.login === r.params['org'] },
    { method: 'GET', path: '/users/:username/repos', collection: 'repos', filter: (item, r) => (item as { owner: { login: string } }).owner.login === r.params['username'] },
    { method: 'GET', path: '/repos/:owner/:repo/issues', collection: 'issues', filter: (item, r) => inRepo(item, r) && byState(item, r) },
    {
      method: 'GET',
      path: '/repos/:owner/:repo/issues/:issue_number',
      handler: (r, c) => {
        const issue = findIssue(r, c);
        return issue ? { body: issue } : c.error(404, 'Not Found');
      },
    },
    {
      method: 'POST',
      path: '/repos/:owner/:repo/issues',
      handler: (r, c) => {
        const input = bodyObject(r);
        if (typeof input['title'] !== 'string' || input['title'] === '') {
          return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }], documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue' } };
        }
        const issues = c.data['issues'] as Json[];
        const number = Math.max(0, ...issues.map((i) => Number(i['number']))) + 1;
        const repoUrl = `${API}/repos/${repoKey(r)}`;
        const created: Json = {
          ...(issues.find((i) => inRepo(i, r)) ?? issueFixture),
          id: 1_000_000 + number,
          node_id: `I_sandbox${number}`,
          number,
          url: `${repoUrl}/issues/${number}`,
          repository_url: repoUrl,
          html_url: `https://github.com/${repoKey(r)}/issues/${number}`,
          title: input['title'],
          body: input['body'] ?? null,
          state: 'open',
          state_reason: null,
          comments: 0,
          labels: Array.isArray(input['labels']) ? (input['labels'] as string[]).map((name, i) => ({ ...issueFixture.labels[0], id: i + 1, name })) : [],
          created_at: new Date(c.now()).toISOString(),
          updated_at: new Date(c.now()).toISOString(),
          closed_at: null,
        };
        issues.unshift(created);
        return { status: 201, body: created };
      },
    },
    {
      method: 'PATCH',
      path: '/repos/:owner/:repo/issues/:issue_number',
      handler: (r, c) => {
        const issue = findIssue(r, c);
        if (!issue) return c.error(404, 'Not Found');
        const input = bodyObject(r);
        for (const field of ['title', 'body', 'state', 'state_reason'] as const) if (field in input) issue[field] = input[field];
        if (input['state'] === 'closed') issue['closed_at'] = new Date(c.now()).toISOString();
        if (input['state'] === 'open') issue['closed_at'] = null;
        issue['updated_at'] = new Date(c.now()).toISOString();
        return { body: issue };
      },
    },
    {
      method: 'GET',
      path: '/repos/:owner/:repo/issues/:issue_number/comments',
      collection: 'comments',
      filter: (item, r) => String((item as Json)['issue_url']).endsWith(`/repos/${repoKey(r)}/issues/${r.params['issue_number']}`),
    },
    {
      method: 'POST',
      path: '/repos/:owner/:repo/issues/:issue_number/comments',
      handler: (r, c) => {
        const issue = findIssue(r, c);
        if (!issue) return c.error(404, 'Not Found');
        const comments = c.data['comments'] as Json[];
        const id = Math.max(0, ...comments.map((x) => Number(x['id']))) + 1;
        const created = { ...issueComment, id, node_id: `IC_sandbox${id}`, issue_url: issue['url'], body: String(bodyObject(r)['body'] ?? ''), created_at: new Date(c.now()).toISOString(), updated_at: new Date(c.now()).toISOString() };
        comments.push(created);
        issue['comments'] = Number(issue['comments']) + 1;
        return { status: 201, body: created };
      },
    },
    { method: 'GET', path: '/repos/:owner/:repo/pulls', collection: 'pulls', filter: (item, r) => String((item as Json)['url']).includes(`/repos/${repoKey(r)}/`) && byState(item, r) },
    {
      method: 'GET',
      path: '/repos/:owner/:repo/pulls/:pull_number',
      handler: (r, c) => {
        const pull = (c.data['pulls'] as Json[]).find((p) => p['number'] === Number(r.params['pull_number']));
        if (!pull) return c.error(404, 'Not Found');
        const merged = pull['merged_at'] !== null;
        return { body: { ...pull, merged, mergeable: merged ? null : true, mergeable_state: merged ? 'unknown' : 'clean', merged_by: merged ? pull['user'] : null, comments: 0, review_comments: 0, commits: 1, additions: 10, deletions: 2, changed_files: 1 } };
      },
    },
    {
      method: 'GET',
      path: '/app/installations/:installation_id',
      auth: false,
      handler: (r, c) => {
        if (!isJwt(r)) return c.error(401, 'A JSON web token could not be decoded');
        if (Number(r.params['installation_id']) !== GITHUB_SANDBOX_INSTALLATION_ID) return c.error(404, 'Not Found');
        return { body: installationCreated.installation };
      },
    },
    {
      method: 'POST',
      path: '/app/installations/:installation_id/access_tokens',
      auth: false,
      handler: (r, c) => {
        if (!isJwt(r)) return c.error(401, 'A JSON web token could not be decoded');
        if (Number(r.params['installation_id']) !== GITHUB_SANDBOX_INSTALLATION_ID) return c.error(404, 'Not Found');
        return {
          status: 201,
          body: { token: GITHUB_SANDBOX_INSTALLATION_TOKEN, expires_at: new Date(c.now() + 3_600_000).toISOString(), permissions: installationCreated.installation.permissions, repository_selection: 'all' },
        };
      },
    },
  ],
};

/** Three dot-separated base64url parts: what an app JWT looks like (the sandbox does not check its signature). */
function isJwt(request: SandboxRequest): boolean {
  return /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(request.headers['authorization'] ?? '');
}

/** Sample deliveries for `sandbox.sendWebhooks({ provider: 'github', events: githubSandboxWebhookEvents(), url })`. */
export function githubSandboxWebhookEvents(): SandboxWebhookEvent[] {
  return [
    { type: 'push', payload: push },
    { type: 'issues', payload: issuesOpened },
    { type: 'pull_request', payload: pullRequestOpened },
    { type: 'installation', payload: installationCreated },
  ];
}
