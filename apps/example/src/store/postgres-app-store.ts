import { assertIdentifier, migratePostgres, type PostgresMigration } from '@connectors/core/postgres';
import type { PaginationCheckpoint } from '@connectors/core';
import type pg from 'pg';
import type { SlackChannelRow, SlackMessageRow } from '../slack/slack-rows.ts';
import type { CustomerRow, IssueRow, PaymentIntentRow } from './app-rows.ts';
import type { PostgresAppStore, RowChanges, WebhookEffect, WebhookEffectRow } from './app-store.ts';
import { inTransaction, insertRows, type Queryable, selectRows } from './postgres-sql.ts';

/**
 * The same tables and column types as SQLite, so rows read back compare equal: 0/1 flags stay
 * integers and timestamps stay ISO text. Text that is compared or sorted uses the "C" collation, so
 * `updated_at >= ...` and `ORDER BY id` mean what they mean in SQLite whatever the database's locale.
 */
const MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE {schema}.github_issues (
        id bigint PRIMARY KEY, repo text NOT NULL, number integer NOT NULL, title text NOT NULL, state text NOT NULL,
        state_reason text, body text, labels text NOT NULL, comments integer NOT NULL, author text,
        is_pull_request integer NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, closed_at text COLLATE "C",
        UNIQUE (repo, number)
      );
      CREATE TABLE {schema}.stripe_customers (
        id text COLLATE "C" PRIMARY KEY, email text, name text, created bigint NOT NULL, metadata text NOT NULL,
        deleted integer NOT NULL DEFAULT 0, event_at bigint
      );
      CREATE TABLE {schema}.stripe_payment_intents (
        id text COLLATE "C" PRIMARY KEY, customer text, amount bigint NOT NULL, amount_received bigint NOT NULL,
        currency text NOT NULL, status text NOT NULL, created bigint NOT NULL, event_at bigint
      );
      CREATE TABLE {schema}.slack_channels (
        id text COLLATE "C" PRIMARY KEY, name text, is_private integer NOT NULL, is_archived integer NOT NULL, is_member integer NOT NULL,
        created bigint NOT NULL, topic text
      );
      CREATE TABLE {schema}.slack_messages (
        channel text COLLATE "C" NOT NULL, ts text COLLATE "C" NOT NULL, "user" text, text text, thread_ts text, reply_count integer NOT NULL, source text NOT NULL,
        PRIMARY KEY (channel, ts)
      );
      CREATE TABLE {schema}.sync_state (
        listing text PRIMARY KEY, run_filter text, run_started_at bigint, checkpoint text,
        pages_committed integer NOT NULL DEFAULT 0, high_water bigint, completed_at bigint
      );
      CREATE TABLE {schema}.webhook_effects (
        key text COLLATE "C" PRIMARY KEY, source text NOT NULL, type text, target text, applied_at bigint NOT NULL
      );
    `,
  },
];

const ISSUE_COLUMNS = ['id', 'repo', 'number', 'title', 'state', 'state_reason', 'body', 'labels', 'comments', 'author', 'is_pull_request', 'created_at', 'updated_at', 'closed_at'] as const;
const CUSTOMER_COLUMNS = ['id', 'email', 'name', 'created', 'metadata', 'deleted', 'event_at'] as const;
const PAYMENT_INTENT_COLUMNS = ['id', 'customer', 'amount', 'amount_received', 'currency', 'status', 'created', 'event_at'] as const;
const CHANNEL_COLUMNS = ['id', 'name', 'is_private', 'is_archived', 'is_member', 'created', 'topic'] as const;
const MESSAGE_COLUMNS = ['channel', 'ts', 'user', 'text', 'thread_ts', 'reply_count', 'source'] as const;

export interface PostgresAppStoreOptions {
  /** A pool the caller owns (the store never ends it). */
  pool: pg.Pool;
  /** Schema of the app's tables, created when missing. */
  schema: string;
}

/**
 * The app's data in PostgreSQL, in its own schema: the tables are created on first use by versioned
 * migrations (the core's `migratePostgres`, under an advisory lock, so several instances may start
 * at once). Every value is a query parameter; only the checked schema name is spliced in.
 */
export function postgresAppStore(options: PostgresAppStoreOptions): PostgresAppStore {
  assertIdentifier('postgresAppStore', 'schema', options.schema);
  const { pool } = options;
  const s = `"${options.schema}"`;
  const ready = migratePostgres(pool, { schema: options.schema, component: 'example-app', migrations: MIGRATIONS });
  ready.catch(() => {}); // every method awaits it and reports the failure there

  /** Writes the changes through `db` (a client inside a transaction). Same rules as the SQLite store, in the same order. */
  async function apply(db: Queryable, changes: RowChanges): Promise<void> {
    if (changes.issues?.length) {
      await insertRows(db, `${s}.github_issues AS t`, ISSUE_COLUMNS, changes.issues, `
        ON CONFLICT (id) DO UPDATE SET repo = excluded.repo, number = excluded.number, title = excluded.title, state = excluded.state,
          state_reason = excluded.state_reason, body = excluded.body, labels = excluded.labels, comments = excluded.comments, author = excluded.author,
          is_pull_request = excluded.is_pull_request, created_at = excluded.created_at, updated_at = excluded.updated_at, closed_at = excluded.closed_at
        WHERE excluded.updated_at >= t.updated_at`, (row) => String(row.id));
    }
    for (const id of changes.deletedIssues ?? []) await db.query(`DELETE FROM ${s}.github_issues WHERE id = $1`, [id]);
    if (changes.customers?.length) {
      await insertRows(db, `${s}.stripe_customers AS t`, CUSTOMER_COLUMNS, changes.customers, `
        ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, created = excluded.created, metadata = excluded.metadata,
          deleted = excluded.deleted, event_at = coalesce(excluded.event_at, t.event_at)
        WHERE excluded.event_at IS NULL OR t.event_at IS NULL OR excluded.event_at >= t.event_at`, (row) => row.id);
    }
    for (const { id, eventAt } of changes.deletedCustomers ?? []) {
      await db.query(`UPDATE ${s}.stripe_customers SET deleted = 1, event_at = $1 WHERE id = $2 AND (event_at IS NULL OR event_at <= $1)`, [eventAt, id]);
    }
    if (changes.paymentIntents?.length) {
      await insertRows(db, `${s}.stripe_payment_intents AS t`, PAYMENT_INTENT_COLUMNS, changes.paymentIntents, `
        ON CONFLICT (id) DO UPDATE SET customer = excluded.customer, amount = excluded.amount, amount_received = excluded.amount_received,
          currency = excluded.currency, status = excluded.status, created = excluded.created, event_at = coalesce(excluded.event_at, t.event_at)
        WHERE excluded.event_at IS NULL OR t.event_at IS NULL OR excluded.event_at >= t.event_at`, (row) => row.id);
    }
    if (changes.slackChannels?.length) {
      await insertRows(db, `${s}.slack_channels`, CHANNEL_COLUMNS, changes.slackChannels, `
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, is_private = excluded.is_private, is_archived = excluded.is_archived,
          is_member = excluded.is_member, created = excluded.created, topic = excluded.topic`, (row) => row.id);
    }
    if (changes.slackMessages?.length) {
      await insertRows(db, `${s}.slack_messages`, MESSAGE_COLUMNS, changes.slackMessages, `
        ON CONFLICT (channel, ts) DO UPDATE SET "user" = excluded."user", text = excluded.text, thread_ts = excluded.thread_ts, reply_count = excluded.reply_count`,
        (row) => `${row.channel}/${row.ts}`);
    }
  }

  async function applyWebhookIn(client: Queryable, key: string, effect: WebhookEffect, now = Date.now()): Promise<boolean> {
    await ready;
    const claimed = await client.query(
      `INSERT INTO ${s}.webhook_effects (key, source, type, target, applied_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`,
      [key, effect.source, effect.type ?? null, effect.target ?? null, now],
    );
    if (claimed.rowCount === 0) return false;
    if (effect.changes) await apply(client, effect.changes);
    return true;
  }

  const read = async <R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> => {
    await ready;
    return selectRows<R>(pool, text, values);
  };

  return {
    kind: 'postgres',
    location: `schema ${options.schema}`,
    async listingState(listing) {
      const [row] = await read<Record<string, unknown>>(`SELECT * FROM ${s}.sync_state WHERE listing = $1`, [listing]);
      if (!row) return undefined;
      return {
        listing,
        runFilter: row['run_filter'] ? (JSON.parse(String(row['run_filter'])) as Record<string, string>) : null,
        runStartedAt: (row['run_started_at'] as number | null) ?? null,
        checkpoint: row['checkpoint'] ? (JSON.parse(String(row['checkpoint'])) as PaginationCheckpoint) : null,
        pagesCommitted: Number(row['pages_committed'] ?? 0),
        highWater: (row['high_water'] as number | null) ?? null,
        completedAt: (row['completed_at'] as number | null) ?? null,
      };
    },
    async startRun(listing, filter, startedAt) {
      await ready;
      await pool.query(
        `INSERT INTO ${s}.sync_state (listing, run_filter, run_started_at, checkpoint, pages_committed) VALUES ($1, $2, $3, NULL, 0)
         ON CONFLICT (listing) DO UPDATE SET run_filter = excluded.run_filter, run_started_at = excluded.run_started_at, checkpoint = NULL, pages_committed = 0`,
        [listing, JSON.stringify(filter), startedAt],
      );
    },
    async commitPage(listing, changes, page) {
      await ready;
      await inTransaction(pool, async (client) => {
        await apply(client, changes);
        if (page.last) {
          // The next run reads changes from when this one started: anything changed while it ran is read again, never missed.
          await client.query(
            `UPDATE ${s}.sync_state SET high_water = run_started_at, completed_at = $1, run_filter = NULL, run_started_at = NULL, checkpoint = NULL,
               pages_committed = pages_committed + 1 WHERE listing = $2`,
            [page.now, listing],
          );
        } else {
          await client.query(`UPDATE ${s}.sync_state SET checkpoint = $1, pages_committed = pages_committed + 1 WHERE listing = $2`, [JSON.stringify(page.checkpoint), listing]);
        }
      });
    },
    async write(changes) {
      await ready;
      await inTransaction(pool, (client) => apply(client, changes));
    },
    async applyWebhook(key, effect, now) {
      await ready;
      return inTransaction(pool, (client) => applyWebhookIn(client, key, effect, now));
    },
    applyWebhookIn,
    issues: (repo) =>
      repo === undefined
        ? read<IssueRow>(`SELECT * FROM ${s}.github_issues ORDER BY id`)
        : read<IssueRow>(`SELECT * FROM ${s}.github_issues WHERE repo = $1 ORDER BY id`, [repo]),
    customers: () => read<CustomerRow>(`SELECT * FROM ${s}.stripe_customers ORDER BY id`),
    paymentIntents: () => read<PaymentIntentRow>(`SELECT * FROM ${s}.stripe_payment_intents ORDER BY id`),
    slackChannels: () => read<SlackChannelRow>(`SELECT * FROM ${s}.slack_channels ORDER BY id`),
    slackMessages: (channel) =>
      channel === undefined
        ? read<SlackMessageRow>(`SELECT * FROM ${s}.slack_messages ORDER BY channel, ts`)
        : read<SlackMessageRow>(`SELECT * FROM ${s}.slack_messages WHERE channel = $1 ORDER BY ts`, [channel]),
    webhookEffects: () => read<WebhookEffectRow>(`SELECT * FROM ${s}.webhook_effects ORDER BY key`),
    async close() {
      // The pool is the caller's; only a migration still running is waited for.
      await ready.catch(() => {});
    },
  };
}
