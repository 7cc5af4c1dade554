import { ConnectorError, RateLimitError } from '@connectors/core';
import type { PostedMessage, Slack } from '@connectors/slack';
import type { AppStore } from '../store/app-store.ts';

/** The metadata event type the app tags its messages with, to find one again after an ambiguous failure. */
const EVENT_TYPE = 'connectors_example_post';

/**
 * Posts a message at most once. The connector already retries what Slack did not apply (429
 * `ratelimited`, `token_expired`); a failure that may have happened after Slack posted (a 5xx, a
 * timeout) is not retried by it. Then the app looks for its own message, tagged with `postId` in the
 * message metadata, in the channel's latest history, and posts again only if it is not there.
 */
export async function postOnce(
  client: Slack,
  store: Pick<AppStore, 'write'>,
  channel: string,
  text: string,
  postId: string,
): Promise<{ ts: string; attempts: number; /** Attempts that failed ambiguously (each a failed call in the client's events). */ ambiguousFailures: number }> {
  const metadata = { event_type: EVENT_TYPE, event_payload: { post_id: postId } };
  for (let attempt = 1; ; attempt++) {
    let posted: PostedMessage | undefined;
    try {
      posted = await client.chat.postMessage({ channel, text, metadata });
    } catch (error) {
      const ambiguous = ConnectorError.isInstance(error) && error.retryable && !(error instanceof RateLimitError);
      if (!ambiguous || attempt >= 3) throw error;
      const found = await findPost(client, channel, postId);
      if (found) {
        await store.write({ slackMessages: [{ channel, ts: found.ts, user: found.user ?? null, text: found.text ?? null, thread_ts: null, reply_count: 0, source: 'post' }] });
        return { ts: found.ts, attempts: attempt, ambiguousFailures: attempt };
      }
      continue;
    }
    await store.write({ slackMessages: [{ channel, ts: posted.ts, user: posted.message.user ?? null, text: posted.message.text ?? null, thread_ts: null, reply_count: 0, source: 'post' }] });
    return { ts: posted.ts, attempts: attempt, ambiguousFailures: attempt - 1 };
  }
}

async function findPost(client: Slack, channel: string, postId: string) {
  for await (const message of client.conversations.history({ channel, include_all_metadata: true }, { limit: 20, maxItems: 20 })) {
    const payload = (message.metadata as { event_type?: string; event_payload?: { post_id?: string } } | undefined);
    if (payload?.event_type === EVENT_TYPE && payload.event_payload?.post_id === postId) return message;
  }
  return undefined;
}
