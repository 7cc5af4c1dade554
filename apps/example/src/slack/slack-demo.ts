import { randomUUID } from 'node:crypto';
import {
  createSlackSandboxProvider,
  SLACK_SANDBOX_CLIENT_ID,
  SLACK_SANDBOX_CLIENT_SECRET,
  SLACK_SANDBOX_REFRESH_TOKEN,
  SLACK_SANDBOX_SIGNING_SECRET,
  slackSandboxWebhookEvents,
  type SlackSandboxFaults,
  type SlackSandboxProvider,
} from '@connectors/slack/sandbox';
import type { Sandbox, SandboxWebhookEvent, WebhookDeliveryResult } from '@connectors/testing/sandbox';
import { sendPlannedWebhooks, type WebhookPlan } from '../demo/fault-plan.ts';
import { type Check, compareRows, type Counts, plural, webhookCounts } from '../report.ts';
import type { SlackConfig } from './slack-config.ts';
import type { SlackPart } from './slack-part.ts';
import { postOnce } from './slack-post.ts';
import { type SlackChannelRow, slackChannelRow, slackMessageRow, type SlackMessageRow } from './slack-rows.ts';

/** Slack's own faults in the demo, on top of the sandbox's 429s and 503s: rotated tokens reported `token_expired` mid-run. */
export const SLACK_DEMO_FAULTS: SlackSandboxFaults = { tokenExpired: 0.2 };
/** Events API deliveries the demo sends (some forged, some duplicated, as the fault plan says). */
export const SLACK_DEMO_EVENTS = 8;
/** The channel the demo posts to (the bot is a member). */
export const SLACK_DEMO_CHANNEL = 'C0SBX00002';

/** Slack through OAuth v2 with token rotation, against the sandbox; small pages so channels and history take several. */
export function slackDemoConfig(base: string): SlackConfig {
  return {
    auth: { kind: 'oauth', clientId: SLACK_SANDBOX_CLIENT_ID, clientSecret: SLACK_SANDBOX_CLIENT_SECRET, refreshToken: SLACK_SANDBOX_REFRESH_TOKEN, tokenUrl: `${base}/api/oauth.v2.access` },
    baseUrl: `${base}/api`,
    signingSecret: SLACK_SANDBOX_SIGNING_SECRET,
    postChannel: SLACK_DEMO_CHANNEL,
    pageSize: 10,
  };
}

type Json = Record<string, unknown>;

/** What a complete sync of the sandbox must store: the channels the bot can list, and the history of those it is in. */
function syncedSlackRows() {
  const seed = createSlackSandboxProvider().data!;
  const channels = (seed['channels'] as Json[]).filter((c) => !c['is_private'] || c['is_member']);
  const readable = new Set(channels.filter((c) => c['is_member'] && !c['is_archived']).map((c) => c['id'] as string));
  const messages = new Map<string, SlackMessageRow>();
  for (const m of seed['messages'] as Json[]) {
    const channel = m['channel'] as string;
    // History lists top-level messages and thread parents; replies stay in their threads.
    if (!readable.has(channel) || (m['thread_ts'] !== undefined && m['thread_ts'] !== m['ts'])) continue;
    messages.set(`${channel}/${String(m['ts'])}`, slackMessageRow(channel, m as never, 'sync'));
  }
  return { channels: new Map(channels.map((c) => [c['id'] as string, slackChannelRow(c as never)])), messages };
}

export interface SlackDemoResult {
  checks: Check[];
  events: number;
  deliveries: number;
  /** chat.postMessage calls that failed in a way that may have posted (a 5xx, a timeout), which the app resolved by looking for its message. */
  postFailures: number;
  /** The rows both tables must hold, by key (the storage check counts them in the database). */
  expected: { channels: Map<string, SlackChannelRow>; messages: Map<string, SlackMessageRow> };
}

/**
 * The Slack part of `pnpm demo`, after the sync: post a message (at most once, whatever fails), send
 * signed Events API deliveries (some duplicated, some forged) to the app's inbox, then check the
 * database against the sandbox and the sandbox's own counters.
 */
export async function runSlackDemo(options: {
  slack: SlackPart;
  provider: SlackSandboxProvider;
  sandbox: Sandbox;
  url: string;
  counts: Counts;
  print: (line: string) => void;
  waitForWorker: () => Promise<void>;
  /** Which deliveries are forged and which duplicated (the demo's fault plan). */
  webhooks: WebhookPlan;
}): Promise<SlackDemoResult> {
  const { slack, provider, sandbox, print } = options;
  const store = slack.store;
  const channel = slack.config.postChannel ?? SLACK_DEMO_CHANNEL;
  const text = 'connectors example: sync finished';
  const posted = await postOnce(slack.client, store, channel, text, randomUUID());
  print(`   posted   "${text}" to ${channel} (ts ${posted.ts}${posted.ambiguousFailures ? `, after ${plural(posted.ambiguousFailures, 'ambiguous failure')} checked against the channel` : ''})`);

  const events: SandboxWebhookEvent[] = slackSandboxWebhookEvents(SLACK_DEMO_EVENTS);
  const effectsBefore = new Set((await store.webhookEffects()).map((e) => e.key));
  // Source `slack` only: the same inbox serves GitHub and Stripe.
  const before = webhookCounts(options.counts, ['slack']);
  const deliveries: WebhookDeliveryResult[] = await sendPlannedWebhooks(sandbox, { provider: 'slack', url: `${options.url}/webhooks/slack`, events, plan: options.webhooks });
  await options.waitForWorker();
  const good = deliveries.filter((d) => !d.badSignature);
  const bad = deliveries.filter((d) => d.badSignature);
  const accepted = new Set(good.filter((d) => d.status === 200).map((d) => d.id));
  print(`   events   ${deliveries.length} deliveries of ${events.length} events to /webhooks/slack: ${accepted.size} stored, ${plural(good.filter((d) => d.duplicate).length, 'duplicate')} answered 200 and dropped, ${bad.length} badly signed and refused`);

  // Expected rows: the sync, the posted message, and the message events that were accepted.
  const expected = syncedSlackRows();
  const postedRow = (await store.slackMessages(channel)).find((m) => m.ts === posted.ts);
  if (postedRow) expected.messages.set(`${channel}/${posted.ts}`, { ...postedRow, source: 'post' });
  for (const event of events) {
    const inner = (event.payload as { event: Json }).event;
    if (!accepted.has(String(event.id)) || (inner['type'] !== 'message' && inner['type'] !== 'app_mention')) continue;
    expected.messages.set(`${String(inner['channel'])}/${String(inner['ts'])}`, slackMessageRow(String(inner['channel']), inner as never, 'event'));
  }

  const counts = provider.counts();
  const after = webhookCounts(options.counts, ['slack']);
  const effects = (await store.webhookEffects()).filter((e) => e.source === 'slack' && !effectsBefore.has(e.key)).map((e) => e.key).sort();
  const acceptedKeys = [...accepted].map((id) => `slack:${id}`).sort();
  const duplicates = good.filter((d) => d.duplicate).length;
  const onceOk =
    JSON.stringify(effects) === JSON.stringify(acceptedKeys) &&
    after.inbox.stored - before.inbox.stored === accepted.size &&
    after.worker.processed - before.worker.processed === accepted.size &&
    after.worker.deadLettered === before.worker.deadLettered &&
    after.inbox.duplicate - before.inbox.duplicate === duplicates;
  const forgedOk = bad.length > 0 && bad.every((d) => d.status === 401) && after.inbox.rejected - before.inbox.rejected === bad.length;
  const postOk = (await store.slackMessages(channel)).filter((m) => m.text === text).length === 1 && counts.posted === 1;
  const tiersOk = Object.keys(counts.tierLimited).length === 0;
  // One refresh for the first token, then at most one per expiry (calls that met the same expired token share a refresh).
  const rotationOk = counts.tokenExpired > 0 && counts.refreshes >= 2 && counts.refreshes <= counts.tokenExpired + 1 && counts.refreshReuse === 0;
  return {
    events: events.length,
    deliveries: deliveries.length,
    postFailures: posted.ambiguousFailures,
    expected,
    checks: [
      compareRows('slack channels', expected.channels, await store.slackChannels(), (row) => row.id),
      compareRows('slack messages (history, the posted message, message events)', expected.messages, await store.slackMessages(), (row) => `${row.channel}/${row.ts}`),
      { ok: postOk, label: `slack post: the message was posted exactly once (${plural(counts.posted, 'message')} posted in the sandbox)`, ...(postOk ? {} : { detail: `sandbox posted ${counts.posted}` }) },
      {
        ok: tiersOk,
        label: "slack tiers: every method paced by its tier (chat.postMessage per channel); the sandbox's tier windows never had to answer 429",
        ...(tiersOk ? {} : { detail: `tier-limited: ${JSON.stringify(counts.tierLimited)}` }),
      },
      {
        ok: rotationOk,
        label: `slack token rotation: ${plural(counts.refreshes, 'refresh', 'refreshes')} through oauth.v2.access (${plural(counts.tokenExpired, 'token')} reported token_expired mid-run), no spent refresh token reused`,
        ...(rotationOk ? {} : { detail: JSON.stringify(counts) }),
      },
      {
        ok: onceOk,
        label: `slack events: ${accepted.size} accepted events applied exactly once each (deduplicated on event_id); ${plural(duplicates, 'duplicate delivery', 'duplicate deliveries')} acknowledged and dropped`,
        ...(onceOk ? {} : { detail: `effects ${effects.join(',')}; accepted ${acceptedKeys.join(',')}; counted ${JSON.stringify({ before, after })}` }),
      },
      { ok: forgedOk, label: `slack signatures: ${plural(bad.length, 'forged delivery', 'forged deliveries')} refused with 401`, ...(forgedOk ? {} : { detail: bad.map((d) => d.status).join(',') }) },
    ],
  };
}
