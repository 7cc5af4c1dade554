import { describeConnectorConformance } from '@connectors/testing/conformance';
import authTest from './auth/__fixtures__/auth-test.json' with { type: 'json' };
import conversationInfo from './conversations/__fixtures__/conversation-info.json' with { type: 'json' };
import conversationsList from './conversations/__fixtures__/conversations-list.json' with { type: 'json' };
import channelNotFound from './errors/__fixtures__/channel-not-found.json' with { type: 'json' };
import invalidAuth from './errors/__fixtures__/invalid-auth.json' with { type: 'json' };
import { slack } from './slack-connector.ts';
import message from './webhooks/__fixtures__/message.json' with { type: 'json' };
import { slackScheme, verifySlackWebhook } from './webhooks/slack-webhooks.ts';

const TOKEN = 'xoxb-conformancetoken0001';
const API = 'https://slack.com/api';
const page = (ids: string[], next: string) => ({ ...conversationsList, channels: ids.map((id) => ({ ...conversationsList.channels[0], id })), response_metadata: { next_cursor: next } });

describeConnectorConformance(slack, {
  create: (common) => slack.create({ token: TOKEN, ...common }),
  baseUrl: API,
  secrets: [TOKEN, 'xoxe-1-conformance-refresh', 'conformance-client-secret'],
  credentials: {
    method: 'POST',
    path: '/auth.test',
    ok: { status: 200, body: authTest },
    identity: 'bot (W23456789, bot BZYBOTHED) in Subarachnoid Workspace (T0001)',
    // Slack refuses a token with HTTP 200 and `ok: false`, not a 401.
    unauthorized: { status: 200, body: invalidAuth },
  },
  sample: {
    method: 'POST',
    path: '/conversations.info',
    call: (client) => client.conversations.info('C012AB3CD'),
    ok: { status: 200, body: conversationInfo },
    corrupt: (body) => ({ ...(body as object), channel: { ...conversationInfo.channel, created: 'yesterday' } }),
  },
  // Slack's failures arrive with HTTP 200 and `ok: false`.
  bodyFailures: {
    auth: { status: 200, body: invalidAuth },
    rateLimited: { status: 200, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited' } },
    permanent: { status: 200, body: channelNotFound },
    permanentCode: 'channel_not_found',
  },
  pagination: {
    call: async (client) => {
      const all: unknown[] = [];
      for await (const channel of client.conversations.list()) all.push(channel);
      return all;
    },
    pages: [
      { method: 'POST', path: '/conversations.list', response: { status: 200, body: page(['C1', 'C2'], 'Y3Vyc29yOjI=') } },
      { method: 'POST', path: '/conversations.list', response: { status: 200, body: page(['C3', 'C4'], 'Y3Vyc29yOjQ=') } },
      { method: 'POST', path: '/conversations.list', response: { status: 200, body: page(['C5'], '') } },
    ],
    expectedItems: 5,
  },
  oauth: {
    create: (common) =>
      slack.create({
        ...common,
        oauth: { clientId: '1111.2222', clientSecret: 'conformance-client-secret', refreshToken: 'xoxe-1-conformance-refresh' },
      }),
    token: { url: 'https://slack.com/api/oauth.v2.access', response: { status: 200, body: { ok: true, access_token: 'xoxe.xoxb-conformancefresh', refresh_token: 'xoxe-1-conformance-next', expires_in: 43200, token_type: 'bot' } } },
  },
  webhook: {
    scheme: slackScheme,
    secret: 'slack-signing-secret-conformance',
    payload: message,
    verify: (delivery) => verifySlackWebhook({ body: delivery.body, headers: delivery.headers, secret: delivery.secret }),
  },
});
