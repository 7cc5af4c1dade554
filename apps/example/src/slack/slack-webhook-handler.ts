import { parseSlackWebhook, type SlackWebhookPayload } from '@connectors/slack';
import { UnprocessableEventError, type WebhookHandler } from '@connectors/webhooks';
import type { AppDatabase } from '../db.ts';
import { slackMessageRow, type SlackTables } from './slack-tables.ts';

/**
 * Slack Events API deliveries, once each (the inbox keys them by `event_id`, which Slack's retries
 * repeat): `message` and `app_mention` events are stored as messages; reactions and joins are
 * recorded as seen. A payload that is not what Slack documents goes to the dead-letter queue.
 */
export function slackWebhookHandler(db: AppDatabase, tables: SlackTables): WebhookHandler {
  return async (event, context) => {
    let decoded: SlackWebhookPayload;
    try {
      decoded = await parseSlackWebhook(event.body);
    } catch (cause) {
      throw new UnprocessableEventError(`${event.key}: not a Slack payload this app understands`, { cause });
    }
    const type = decoded.kind === 'events-api' && decoded.payload.type === 'event_callback' ? decoded.payload.event.type : decoded.kind;
    db.applyWebhook(context.idempotencyKey, 'slack', type, () => {
      if (decoded.kind !== 'events-api' || decoded.payload.type !== 'event_callback') return undefined;
      const inner = decoded.payload.event;
      if ((inner.type === 'message' || inner.type === 'app_mention') && 'channel' in inner && typeof inner.channel === 'string' && 'ts' in inner && typeof inner.ts === 'string') {
        const message = inner as { channel: string; ts: string; user?: string; text?: string; thread_ts?: string };
        tables.upsertMessages([slackMessageRow(message.channel, message, 'event')]);
        return `message ${message.channel}/${message.ts}`;
      }
      return `${inner.type} seen`;
    }, Date.now());
  };
}
