import { AuthError, HttpError, type ConnectorEvent } from '@connectors/core';
import { createFakeClock } from '@connectors/testing';
import { startSandbox, type Sandbox } from '@connectors/testing/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { slack } from '../slack-connector.ts';
import {
  createSlackSandboxProvider,
  SLACK_SANDBOX_BOT_TOKEN,
  SLACK_SANDBOX_CLIENT_ID,
  SLACK_SANDBOX_CLIENT_SECRET,
  SLACK_SANDBOX_REFRESH_TOKEN,
  slackSandboxWebhookEvents,
  type SlackSandboxFaults,
} from './slack-sandbox-provider.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A sandbox and a connector on one fake clock: pacing waits cost no real time, and the sandbox's windows see the same time. */
async function setup(faults: SlackSandboxFaults = {}, credentials: (base: string) => Parameters<typeof slack.create>[0] = () => ({ token: SLACK_SANDBOX_BOT_TOKEN })) {
  const clock = createFakeClock();
  const provider = createSlackSandboxProvider({ faults });
  sandbox = await startSandbox({ providers: [provider], now: () => clock.now() });
  const events: ConnectorEvent[] = [];
  const base = `${sandbox.urlFor('slack')}/api`;
  const client = slack.create({ ...credentials(base), baseUrl: base, clock, random: () => 0, onEvent: (e) => void events.push(e) });
  return { client, provider, clock, events, sandbox };
}

describe('the Slack sandbox, driven by the connector', () => {
  it('serves the workspace: auth.test, channels over several pages, join, history and threads, users', async () => {
    const { client } = await setup();
    expect((await client.verifyCredentials()).identity).toBe('sandbox-bot (U0SBXBOT01, bot B0SBXBOT01) in Sandbox Workspace (T0SBX00001)');
    const channels = await all(client.conversations.list({ types: 'public_channel,private_channel' }, { limit: 3 }));
    expect(channels).toHaveLength(12);
    const outside = channels.find((c) => !c.is_member && !c.is_archived)!;
    await expect(all(client.conversations.history({ channel: outside.id }))).rejects.toMatchObject({ providerCode: 'not_in_channel' });
    expect((await client.conversations.join(outside.id)).is_member).toBe(true);
    const general = channels.find((c) => c.is_general)!;
    const history = await all(client.conversations.history({ channel: general.id }, { limit: 10 }));
    expect(history.length).toBeGreaterThan(10);
    expect(Number(history[0]!.ts)).toBeGreaterThan(Number(history.at(-1)!.ts));
    const parent = history.find((m) => (m.reply_count ?? 0) > 0)!;
    const thread = await all(client.conversations.replies({ channel: general.id, ts: parent.ts }));
    expect(thread.map((m) => m.thread_ts)).toEqual(Array(thread.length).fill(parent.ts));
    const users = await all(client.users.list({}, { limit: 10 }));
    expect(users).toHaveLength(25);
    expect((await client.users.lookupByEmail('member3@sandbox.example.com')).name).toBe('member3');
    await expect(client.users.lookupByEmail('nobody@example.com')).rejects.toMatchObject({ providerCode: 'users_not_found' });
  });

  it('posts, updates, reacts to and deletes a message, and uploads a file end to end', async () => {
    const { client, provider } = await setup();
    const channel = 'C0SBX00002';
    const posted = await client.chat.postMessage({ channel, text: 'Deploy finished' });
    expect(posted.message.text).toBe('Deploy finished');
    expect((await client.chat.update({ channel, ts: posted.ts, text: 'Deploy finished (v2)' })).text).toBe('Deploy finished (v2)');
    await client.reactions.add({ channel, timestamp: posted.ts, name: ':white_check_mark:' });
    await expect(client.reactions.add({ channel, timestamp: posted.ts, name: 'white_check_mark' })).rejects.toMatchObject({ providerCode: 'already_reacted' });
    const file = await client.files.uploadFile({ filename: 'report.csv', content: 'id,total\n1,42\n', title: 'Report', channel_id: channel, initial_comment: 'Here it is' });
    expect(file).toMatchObject({ title: 'Report', size: 14 });
    await client.chat.delete({ channel, ts: posted.ts });
    await expect(client.chat.delete({ channel, ts: posted.ts })).rejects.toMatchObject({ providerCode: 'message_not_found' });
    expect(provider.counts()).toMatchObject({ posted: 2, uploads: 1 });
  });

  it('answers a bad token with invalid_auth in a 200 body, which the connector turns into AuthError', async () => {
    const { client } = await setup({}, () => ({ token: 'xoxb-notasandboxtoken' }));
    const error = await client.verifyCredentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'rejected', providerError: 'invalid_auth', status: 200 });
  });

  it('expires rotating tokens mid-run; the connector refreshes through oauth.v2.access and no call fails', async () => {
    const { client, provider, clock } = await setup({ tokenExpired: 0.3 }, (base) => ({
      oauth: { clientId: SLACK_SANDBOX_CLIENT_ID, clientSecret: SLACK_SANDBOX_CLIENT_SECRET, refreshToken: SLACK_SANDBOX_REFRESH_TOKEN, tokenUrl: `${base}/oauth.v2.access` },
    }));
    for (let i = 0; i < 12; i++) {
      expect((await client.conversations.info('C0SBX00001')).name).toBe('general');
      clock.advance(1500);
    }
    const counts = provider.counts();
    expect(counts.tokenExpired).toBeGreaterThan(0);
    expect(counts.refreshes).toBe(counts.tokenExpired + 1);
    expect(counts.refreshReuse).toBe(0);
  });

  it('reports ok:false errors Slack-style and keeps reads going through injected 429 ratelimited answers', async () => {
    const { client, sandbox: running } = await setup({ okFalse: { rate: 1, error: 'invalid_arguments', methods: ['users.info'] } });
    const error = (await client.users.info('U0SBX00001').catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 200, providerCode: 'invalid_arguments', retryable: false });
    running.setFaults({ rateLimit: { rate: 0.2, retryAfterSeconds: 1 } });
    expect(await all(client.users.list({}, { limit: 3 }))).toHaveLength(25);
    expect(running.stats().faults.rateLimit).toBeGreaterThan(0);
  });

  it('paces a burst of chat.postMessage to one channel at 1 per second: the sandbox never answers 429', async () => {
    const { client, provider, clock } = await setup();
    const started = clock.now();
    await Promise.all(Array.from({ length: 5 }, (_, i) => client.chat.postMessage({ channel: 'C0SBX00003', text: `burst ${i}` })));
    expect(provider.counts().tierLimited).toEqual({});
    expect(clock.now() - started).toBeGreaterThanOrEqual(4000);
    // Another channel has its own bucket: it does not wait behind the first.
    const other = clock.now();
    await client.chat.postMessage({ channel: 'C0SBX00004', text: 'elsewhere' });
    expect(clock.now() - other).toBeLessThan(1000);
  });

  it('signs Events API deliveries with slackScheme; duplicates repeat the event_id', () => {
    const events = slackSandboxWebhookEvents(4);
    expect(events.map((e) => e.type)).toEqual(['message', 'app_mention', 'reaction_added', 'member_joined_channel']);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    expect(events.every((e) => (e.payload as { event_id: string }).event_id === e.id)).toBe(true);
  });
});
