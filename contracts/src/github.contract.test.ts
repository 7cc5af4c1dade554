import { authenticatedUserSchema, github, issueSchema, repositorySchema } from '@connectors/github';
import { GITHUB_SANDBOX_REPO, GITHUB_SANDBOX_TOKEN, githubSandboxProvider } from '@connectors/github/sandbox';
import { describe, expect, it } from 'vitest';
import issue from '../../packages/github/src/issues/__fixtures__/issue.json' with { type: 'json' };
import repository from '../../packages/github/src/repos/__fixtures__/repository.json' with { type: 'json' };
import user from '../../packages/github/src/users/__fixtures__/authenticated-user.json' with { type: 'json' };
import { consumerPact, contractShape, listShape, pactFile, verifyAgainstSandbox } from './contract-kit.ts';
import { GITHUB_STATE as STATE, openIssue, openIssues } from './github-states.ts';

// What @connectors/github expects of GitHub: the requests its operations send and the responses its
// schemas accept, shaped by its recorded fixtures. Written as a Pact file, then replayed against the
// GitHub sandbox provider, so a sandbox that drifts from what the connector expects fails here.
const CONSUMER = 'connectors-github';
const PROVIDER = 'github';
const { owner, repo } = GITHUB_SANDBOX_REPO;
const auth = { Authorization: `Bearer ${GITHUB_SANDBOX_TOKEN}` };
const connect = (baseUrl: string) => github.create({ token: GITHUB_SANDBOX_TOKEN, baseUrl, retry: { maxAttempts: 1 } });

describe('GitHub contract', () => {
  const pact = consumerPact(CONSUMER, PROVIDER);

  it('verifyCredentials reads the authenticated user', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for the authenticated user')
      .withRequest('GET', '/user', (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(authenticatedUserSchema, user)))
      .executeTest(async (server) => {
        expect((await connect(server.url).verifyCredentials()).identity).toBe(user.login);
      });
  });

  it('repos.get reads a repository', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for a repository')
      .withRequest('GET', `/repos/${owner}/${repo}`, (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(repositorySchema, repository)))
      .executeTest(async (server) => {
        expect((await connect(server.url).repos.get({ owner, repo })).full_name).toBe(repository.full_name);
      });
  });

  it('issues.get reads one issue', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for issue 1')
      .withRequest('GET', `/repos/${owner}/${repo}/issues/1`, (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(issueSchema, openIssue)))
      .executeTest(async (server) => {
        expect((await connect(server.url).issues.get({ owner, repo, issue_number: 1 })).title).toBe(issue.title);
      });
  });

  it('issues.list reads a page of open issues', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for the first page of open issues')
      .withRequest('GET', `/repos/${owner}/${repo}/issues`, (b) => b.headers(auth).query({ state: 'open', per_page: '100' }))
      .willRespondWith(200, (b) => b.jsonBody(listShape(issueSchema, openIssues)))
      .executeTest(async (server) => {
        const titles: string[] = [];
        for await (const item of connect(server.url).issues.list({ owner, repo, state: 'open' })) titles.push(item.title);
        expect(titles.length).toBeGreaterThan(0);
      });
  });

  it('the GitHub sandbox provider honours the contract', async () => {
    await verifyAgainstSandbox({ provider: PROVIDER, sandbox: githubSandboxProvider, pactFile: pactFile(CONSUMER, PROVIDER), states: [STATE] });
  });
});
