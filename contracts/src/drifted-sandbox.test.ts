import { github, issueSchema } from '@connectors/github';
import { GITHUB_SANDBOX_TOKEN, githubSandboxProvider } from '@connectors/github/sandbox';
import type { SandboxProvider } from '@connectors/testing/sandbox';
import { describe, expect, it } from 'vitest';
import { consumerPact, contractShape, pactFile, verifyAgainstSandbox } from './contract-kit.ts';
import { GITHUB_STATE, openIssue } from './github-states.ts';

// The verification is only worth having if it fails when the provider drifts from what the
// connector expects: a contract for issues.get (its own Pact file), replayed against the real
// sandbox (passes) and against one whose single-issue route lost `title` (fails).
const CONSUMER = 'connectors-github-drift-check';

describe('a sandbox that drifts from the contract', () => {
  it('fails the verification, naming the missing field', async () => {
    await consumerPact(CONSUMER, 'github')
      .addInteraction()
      .given(GITHUB_STATE)
      .uponReceiving('a request for issue 1')
      .withRequest('GET', '/repos/octocat/Hello-World/issues/1', (b) => b.headers({ Authorization: `Bearer ${GITHUB_SANDBOX_TOKEN}` }))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(issueSchema, openIssue)))
      .executeTest(async (server) => {
        const gh = github.create({ token: GITHUB_SANDBOX_TOKEN, baseUrl: server.url });
        expect((await gh.issues.get({ owner: 'octocat', repo: 'Hello-World', issue_number: 1 })).number).toBe(openIssue.number);
      });
    const verify = (sandbox: SandboxProvider) =>
      verifyAgainstSandbox({ provider: 'github', sandbox, pactFile: pactFile(CONSUMER, 'github'), states: [GITHUB_STATE] }).then(
        () => 'verified',
        (error: unknown) => String(error instanceof Error ? error.message : error),
      );
    expect(await verify(githubSandboxProvider)).toBe('verified');

    const issueRoute = '/repos/:owner/:repo/issues/:issue_number';
    const drifted: SandboxProvider = {
      ...githubSandboxProvider,
      routes: [
        {
          method: 'GET',
          path: issueRoute,
          handler: (request, context) => {
            const issue = (context.data['issues'] as { number: number; title: string }[]).find((item) => String(item.number) === request.params['issue_number']);
            if (!issue) return context.error(404, 'Not Found');
            const { title: _dropped, ...rest } = issue;
            return { body: rest };
          },
        },
        ...githubSandboxProvider.routes.filter((route) => !(route.method === 'GET' && route.path === issueRoute)),
      ],
    };
    expect(await verify(drifted)).toMatch(/missing the following keys: title/);
  });
});
