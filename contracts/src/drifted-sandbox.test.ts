import { github, issueSchema } from '@connectors/github';
import { GITHUB_SANDBOX_TOKEN, githubSandboxProvider } from '@connectors/github/sandbox';
import { conversationSchema, slack } from '@connectors/slack';
import { SLACK_SANDBOX_BOT_TOKEN, slackSandboxProvider } from '@connectors/slack/sandbox';
import type { SandboxProvider } from '@connectors/testing/sandbox';
import { describe, expect, it } from 'vitest';
import conversationInfo from '../../packages/slack/src/conversations/__fixtures__/conversation-info.json' with { type: 'json' };
import { consumerPact, contractShape, formBody, pactFile, verifyAgainstSandbox } from './contract-kit.ts';
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

  // The same for a form-encoded provider: the verified case also proves the arguments reach the
  // sandbox as a form (it answers `ok: false` for a channel it cannot read from the body).
  it('fails a Slack verification when conversations.info lost `created`', async () => {
    const consumer = 'connectors-slack-drift-check';
    const state = 'the seeded sandbox workspace';
    await consumerPact(consumer, 'slack')
      .addInteraction()
      .given(state)
      .uponReceiving('a conversations.info call for #general')
      .withRequest('POST', '/conversations.info', (b) => formBody(b.headers({ Authorization: `Bearer ${SLACK_SANDBOX_BOT_TOKEN}` }), { channel: 'C0SBX00001' }))
      .willRespondWith(200, (b) => b.jsonBody({ ok: true, channel: contractShape(conversationSchema, conversationInfo.channel) }))
      .executeTest(async (server) => {
        const client = slack.create({ token: SLACK_SANDBOX_BOT_TOKEN, baseUrl: server.url });
        expect((await client.conversations.info('C0SBX00001')).created).toBe(conversationInfo.channel.created);
      });
    const verify = (sandbox: SandboxProvider) =>
      verifyAgainstSandbox({ provider: 'slack', sandbox, basePath: '/api', pactFile: pactFile(consumer, 'slack'), states: [state] }).then(
        () => 'verified',
        (error: unknown) => String(error instanceof Error ? error.message : error),
      );
    expect(await verify(slackSandboxProvider)).toBe('verified');

    const drifted: SandboxProvider = {
      ...slackSandboxProvider,
      routes: slackSandboxProvider.routes.map(({ handler, ...route }) =>
        route.path !== '/api/conversations.info' || !handler
          ? { ...route, ...(handler ? { handler } : {}) }
          : {
              ...route,
              handler: async (request, context) => {
                const answer = await handler(request, context);
                const { created: _dropped, ...channel } = (answer.body as { channel: Record<string, unknown> }).channel;
                return { ...answer, body: { ...(answer.body as object), channel } };
              },
            },
      ),
    };
    expect(await verify(drifted)).toMatch(/missing the following keys: created/);
  });
});
