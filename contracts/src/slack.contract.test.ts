import { authTestSchema, conversationSchema, slack, userSchema } from '@connectors/slack';
import { SLACK_SANDBOX_BOT_TOKEN, slackSandboxProvider } from '@connectors/slack/sandbox';
import { describe, expect, it } from 'vitest';
import authTest from '../../packages/slack/src/auth/__fixtures__/auth-test.json' with { type: 'json' };
import conversationInfo from '../../packages/slack/src/conversations/__fixtures__/conversation-info.json' with { type: 'json' };
import conversationsList from '../../packages/slack/src/conversations/__fixtures__/conversations-list.json' with { type: 'json' };
import userInfo from '../../packages/slack/src/users/__fixtures__/user-info.json' with { type: 'json' };
import { consumerPact, contractShape, formBody, listShape, pactFile, verifyAgainstSandbox } from './contract-kit.ts';

// What @connectors/slack expects of Slack's Web API: every method is `POST /<method>` with
// form-encoded arguments and the bot token as a Bearer header (as @slack/web-api sends them), and
// every answer is `{ ok: true, ... }` with the fields its schemas require, shaped by its fixtures.
// Replayed against the Slack sandbox provider, which serves the Web API under `/api` as slack.com does.
const CONSUMER = 'connectors-slack';
const PROVIDER = 'slack';
const STATE = 'the seeded sandbox workspace';
// The sandbox's seeded #general and first member (ids from its seed data: a type letter, `0SBX`, a number).
const GENERAL = 'C0SBX00001';
const MEMBER = 'U0SBX00001';
const auth = { Authorization: `Bearer ${SLACK_SANDBOX_BOT_TOKEN}` };
const connect = (baseUrl: string) => slack.create({ token: SLACK_SANDBOX_BOT_TOKEN, baseUrl, retry: { maxAttempts: 1 } });

describe('Slack contract', () => {
  const pact = consumerPact(CONSUMER, PROVIDER);

  it('verifyCredentials calls auth.test', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('an auth.test call')
      .withRequest('POST', '/auth.test', (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(authTestSchema, authTest)))
      .executeTest(async (server) => {
        expect((await connect(server.url).verifyCredentials()).identity).toContain(authTest.team_id);
      });
  });

  it('conversations.info reads one channel', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a conversations.info call for #general')
      .withRequest('POST', '/conversations.info', (b) => formBody(b.headers(auth), { channel: GENERAL }))
      .willRespondWith(200, (b) => b.jsonBody({ ok: true, channel: contractShape(conversationSchema, conversationInfo.channel) }))
      .executeTest(async (server) => {
        expect((await connect(server.url).conversations.info(GENERAL)).id).toBe(conversationInfo.channel.id);
      });
  });

  it('conversations.list reads the first page of channels', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a conversations.list call for the first page')
      .withRequest('POST', '/conversations.list', (b) => formBody(b.headers(auth), { limit: '200' }))
      .willRespondWith(200, (b) =>
        // An empty `next_cursor` is how Slack says the listing is complete: the connector stops on it.
        b.jsonBody({ ok: true, channels: listShape(conversationSchema, conversationsList.channels), response_metadata: { next_cursor: '' } }),
      )
      .executeTest(async (server) => {
        const ids: string[] = [];
        for await (const channel of connect(server.url).conversations.list()) ids.push(channel.id);
        expect(ids).toEqual([conversationsList.channels[0]!.id]);
      });
  });

  it('users.info reads one member', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a users.info call for a member')
      .withRequest('POST', '/users.info', (b) => formBody(b.headers(auth), { user: MEMBER }))
      .willRespondWith(200, (b) => b.jsonBody({ ok: true, user: contractShape(userSchema, userInfo.user) }))
      .executeTest(async (server) => {
        expect((await connect(server.url).users.info(MEMBER)).name).toBe(userInfo.user.name);
      });
  });

  it('the Slack sandbox provider honours the contract', async () => {
    await verifyAgainstSandbox({ provider: PROVIDER, sandbox: slackSandboxProvider, basePath: '/api', pactFile: pactFile(CONSUMER, PROVIDER), states: [STATE] });
  });
});
