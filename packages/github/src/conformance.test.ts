import { describeConnectorConformance } from '@connectors/testing/conformance';
import { github } from './github-connector.ts';
import issue from './issues/__fixtures__/issue.json' with { type: 'json' };
import issues from './issues/__fixtures__/issues.json' with { type: 'json' };
import user from './users/__fixtures__/authenticated-user.json' with { type: 'json' };
import push from './webhooks/__fixtures__/push.json' with { type: 'json' };
import { githubScheme, verifyGitHubWebhook } from './webhooks/github-webhooks.ts';

const TOKEN = 'ghp_conformance000000000000000000000000';
const API = 'https://api.github.com';
const page = (n: number) => issues.map((item, i) => ({ ...item, id: n * 100 + i, number: n * 100 + i }));
const next = (n: number) => ({ link: `<${API}/repositories/1296269/issues?per_page=100&page=${n}>; rel="next"` });

describeConnectorConformance(github, {
  create: (common) => github.create({ token: TOKEN, ...common }),
  baseUrl: API,
  secrets: [TOKEN],
  credentials: { method: 'GET', path: '/user', ok: { status: 200, body: user }, identity: 'octocat' },
  sample: {
    method: 'GET',
    path: '/repos/octocat/Hello-World/issues/1347',
    call: (gh) => gh.issues.get({ owner: 'octocat', repo: 'Hello-World', issue_number: 1347 }),
    ok: { status: 200, body: issue },
    corrupt: (body) => ({ ...(body as object), number: 'one' }),
  },
  pagination: {
    call: async (gh) => {
      const all: unknown[] = [];
      for await (const item of gh.issues.list({ owner: 'octocat', repo: 'Hello-World' })) all.push(item);
      return all;
    },
    pages: [
      { method: 'GET', path: '/repos/octocat/Hello-World/issues', query: { per_page: '100' }, response: { status: 200, headers: next(2), body: page(1) } },
      { method: 'GET', path: '/repositories/1296269/issues', query: { per_page: '100', page: '2' }, response: { status: 200, headers: next(3), body: page(2) } },
      { method: 'GET', path: '/repositories/1296269/issues', query: { per_page: '100', page: '3' }, response: { status: 200, body: page(3) } },
    ],
    expectedItems: issues.length * 3,
  },
  webhook: {
    scheme: githubScheme,
    secret: 'github-webhook-secret',
    payload: push,
    type: 'push',
    verify: async (delivery) => verifyGitHubWebhook({ body: delivery.body, headers: delivery.headers, secret: delivery.secret }),
  },
});
