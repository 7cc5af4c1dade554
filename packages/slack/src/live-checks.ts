// Read-only checks `pnpm test:live --filter @connectors/slack` runs against slack.com when
// SLACK_BOT_TOKEN (the connector's default token variable) is set (see scripts/test-live.ts). Reads
// only (auth.test, conversations.*, users.*): nothing is posted, joined or reacted to. Scopes the bot
// needs: channels:read, users:read.
import { slack } from './slack-connector.ts';

type Slack = ReturnType<typeof slack.create>;

export const liveChecks = {
  env: ['SLACK_BOT_TOKEN'],
  create: (common: Parameters<typeof slack.create>[0]) => slack.create({ ...common }),
  checks: [
    { name: 'verifyCredentials (auth.test)', run: (client: Slack) => client.verifyCredentials() },
    { name: 'conversations.list public channels (first 50)', run: (client: Slack) => take(client.conversations.list({ exclude_archived: true }), 50) },
    {
      name: 'conversations.info of the first listed channel',
      run: async (client: Slack) => {
        const [first] = await take(client.conversations.list({ exclude_archived: true }, { limit: 1 }), 1);
        return first ? client.conversations.info(first.id) : undefined;
      },
    },
    { name: 'users.list (first 50)', run: (client: Slack) => take(client.users.list(), 50) },
  ],
};

async function take<T>(items: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) if (out.push(item) >= count) break;
  return out;
}
