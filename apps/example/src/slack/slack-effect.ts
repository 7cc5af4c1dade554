import { parseSlackWebhook, type SlackWebhookPayload } from '@connectors/slack';
import { UnprocessableEventError, type WebhookEvent } from '@connectors/webhooks';
import type { WebhookEffect } from '../store/app-store.ts';
import { slackMessageRow } from './slack-rows.ts';

/**
 * Slack Events API deliveries, once each (the inbox keys them by `event_id`, which Slack's retries
 * repeat): `message` and `app_mention` events are stored as messages; reactions and joins are
 * recorded as seen. A payload that is not what Slack documents goes to the dead-letter queue.
 */
export async function slackEffect(event: WebhookEvent): Promise<WebhookEffect> {
  let decoded: SlackWebhookPayload;
  try {
    decoded = await parseSlackWebhook(event.body);
  } catch (cause) {
    throw new UnprocessableEventError(`${event.key}: not a Slack payload this app understands`, { cause });
  }
  if (decoded.kind !== 'events-api' || decoded.payload.type !== 'event_callback') return { source: 'slack', type: decoded.kind };
  const inner = decoded.payload.event;
  const seen: WebhookEffect = { source: 'slack', type: inner.type };
  if ((inner.type === 'message' || inner.type === 'app_mention') && 'channel' in inner && typeof inner.channel === 'string' && 'ts' in inner && typeof inner.ts === 'string') {
    const message = inner as { channel: string; ts: string; user?: string; text?: string; thread_ts?: string };
    return { ...seen, target: `message ${message.channel}/${message.ts}`, changes: { slackMessages: [slackMessageRow(message.channel, message, 'event')] } };
  }
  return { ...seen, target: `${inner.type} seen` };
}
