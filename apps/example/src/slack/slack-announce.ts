import { randomUUID } from 'node:crypto';
import type { Logger } from '@connectors/observability';
import type { ListingResult } from '../sync/run-listing.ts';
import type { SlackPart } from './slack-part.ts';
import { postOnce } from './slack-post.ts';

/** `pnpm start` with SLACK_POST_CHANNEL: one "sync finished" message per sync, posted at most once. A failure is logged, never fatal. */
export async function announceSync(slack: SlackPart, results: readonly ListingResult[], logger: Logger): Promise<void> {
  const channel = slack.config.postChannel!;
  const rows = results.reduce((sum, r) => sum + r.rows, 0);
  try {
    const posted = await postOnce(slack.client, slack.store, channel, `connectors example: sync finished, ${rows} rows in ${results.length} listings`, randomUUID());
    logger.info({ event: 'slack-posted', channel, ts: posted.ts }, 'sync announced in Slack');
  } catch (error) {
    logger.warn({ event: 'slack-post-failed', channel, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'could not announce the sync in Slack');
  }
}
