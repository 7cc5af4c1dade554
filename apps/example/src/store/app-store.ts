import type { PaginationCheckpoint } from '@connectors/core';
import type pg from 'pg';
import type { SlackChannelRow, SlackMessageRow } from '../slack/slack-rows.ts';
import type { CustomerRow, IssueRow, PaymentIntentRow } from './app-rows.ts';

/** Where one listing stands: the run in progress (if any) and the high-water mark of the last finished run. */
export interface ListingState {
  listing: string;
  /** The filter of the run in progress (e.g. `since`), reused when it resumes so its checkpoint still fits. */
  runFilter: Record<string, string> | null;
  runStartedAt: number | null;
  /** After the last committed page of the run in progress. */
  checkpoint: PaginationCheckpoint | null;
  pagesCommitted: number;
  /** Where the next run starts reading changes from (epoch ms). */
  highWater: number | null;
  completedAt: number | null;
}

/** What a webhook did to the database, keyed by the inbox's idempotency key. */
export interface WebhookEffectRow {
  key: string;
  source: string;
  type: string | null;
  target: string | null;
  applied_at: number;
}

/**
 * Rows to write, as data: a page of a listing, a webhook's effect, a posted message. The store writes
 * them in one transaction with what goes with them (the page's checkpoint, the effect's record), so
 * the caller never holds a transaction open across an await.
 */
export interface RowChanges {
  /** Newer wins on `updated_at`: an older copy (a late webhook, a page read before an edit) never overwrites a newer one. */
  issues?: readonly IssueRow[];
  deletedIssues?: readonly number[];
  /** Stripe objects carry no "updated" time: listings write the current state, webhook effects are ordered by `event_at`. */
  customers?: readonly CustomerRow[];
  /** Kept (payments refer to them) and flagged, unless a newer event already changed them. */
  deletedCustomers?: readonly { id: string; eventAt: number }[];
  paymentIntents?: readonly PaymentIntentRow[];
  slackChannels?: readonly SlackChannelRow[];
  /** A message keeps its first `source` (a posted message read back by a later sync stays `post`). */
  slackMessages?: readonly SlackMessageRow[];
}

/** What one webhook event does: its rows, and what it touched for the effects record. */
export interface WebhookEffect {
  source: string;
  type: string | undefined;
  /** For people, e.g. `issue #12 edited`; undefined when the event needs nothing (it is recorded as seen). */
  target?: string;
  changes?: RowChanges;
}

/** After which page a run stands; the last page closes the run. */
export interface PageCommit {
  checkpoint: PaginationCheckpoint;
  last: boolean;
  now: number;
}

/**
 * The app's data: synced rows (GitHub, Stripe, Slack), the listings' checkpoints and high-water
 * marks, and the webhook effects applied. SQLite (`sqliteAppStore`, the default) or PostgreSQL
 * (`postgresAppStore`, with DATABASE_URL); the app code sees only this.
 */
export interface AppStore {
  readonly kind: 'sqlite' | 'postgres';
  /** For people: the file, or the database and schema. */
  readonly location: string;
  listingState(listing: string): Promise<ListingState | undefined>;
  /** Records the start of a run, before its first page, so a crash before any page still resumes with the same filter. */
  startRun(listing: string, filter: Record<string, string>, startedAt: number): Promise<void>;
  /** Writes one page's rows and the checkpoint after it in one transaction: a crash leaves both or neither. */
  commitPage(listing: string, changes: RowChanges, page: PageCommit): Promise<void>;
  /** Rows outside a listing (a message the app posted), in one transaction. */
  write(changes: RowChanges): Promise<void>;
  /**
   * Applies a webhook's effect once per idempotency key, in one transaction with the record that it
   * was applied. Resolves false when the key had already been applied (nothing is written).
   */
  applyWebhook(key: string, effect: WebhookEffect, now?: number): Promise<boolean>;
  issues(repo?: string): Promise<IssueRow[]>;
  customers(): Promise<CustomerRow[]>;
  paymentIntents(): Promise<PaymentIntentRow[]>;
  slackChannels(): Promise<SlackChannelRow[]>;
  slackMessages(channel?: string): Promise<SlackMessageRow[]>;
  webhookEffects(): Promise<WebhookEffectRow[]>;
  close(): Promise<void>;
}

/** The PostgreSQL store can also apply an effect inside a transaction someone else opened. */
export interface PostgresAppStore extends AppStore {
  readonly kind: 'postgres';
  /**
   * `applyWebhook` through `client`, inside its open transaction: the transactional webhook worker's,
   * so the effect, its record and the inbox's processed mark commit together.
   */
  applyWebhookIn(client: pg.PoolClient, key: string, effect: WebhookEffect, now?: number): Promise<boolean>;
}
