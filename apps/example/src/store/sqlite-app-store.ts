import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PaginationCheckpoint } from '@connectors/core';
import type { SlackChannelRow, SlackMessageRow } from '../slack/slack-rows.ts';
import type { CustomerRow, IssueRow, PaymentIntentRow } from './app-rows.ts';
import type { AppStore, PageCommit, RowChanges, WebhookEffect, WebhookEffectRow } from './app-store.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS github_issues (
    id INTEGER PRIMARY KEY, repo TEXT NOT NULL, number INTEGER NOT NULL, title TEXT NOT NULL, state TEXT NOT NULL,
    state_reason TEXT, body TEXT, labels TEXT NOT NULL, comments INTEGER NOT NULL, author TEXT,
    is_pull_request INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, closed_at TEXT,
    UNIQUE (repo, number)
  );
  CREATE TABLE IF NOT EXISTS stripe_customers (
    id TEXT PRIMARY KEY, email TEXT, name TEXT, created INTEGER NOT NULL, metadata TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, event_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS stripe_payment_intents (
    id TEXT PRIMARY KEY, customer TEXT, amount INTEGER NOT NULL, amount_received INTEGER NOT NULL,
    currency TEXT NOT NULL, status TEXT NOT NULL, created INTEGER NOT NULL, event_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS slack_channels (
    id TEXT PRIMARY KEY, name TEXT, is_private INTEGER NOT NULL, is_archived INTEGER NOT NULL, is_member INTEGER NOT NULL,
    created INTEGER NOT NULL, topic TEXT
  );
  CREATE TABLE IF NOT EXISTS slack_messages (
    channel TEXT NOT NULL, ts TEXT NOT NULL, user TEXT, text TEXT, thread_ts TEXT, reply_count INTEGER NOT NULL, source TEXT NOT NULL,
    PRIMARY KEY (channel, ts)
  );
  CREATE TABLE IF NOT EXISTS sync_state (
    listing TEXT PRIMARY KEY, run_filter TEXT, run_started_at INTEGER, checkpoint TEXT,
    pages_committed INTEGER NOT NULL DEFAULT 0, high_water INTEGER, completed_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS webhook_effects (
    key TEXT PRIMARY KEY, source TEXT NOT NULL, type TEXT, target TEXT, applied_at INTEGER NOT NULL
  );
`;

/** The SQLite store keeps its connection open for the OAuth token store, which shares the file. */
export interface SqliteAppStore extends AppStore {
  readonly kind: 'sqlite';
  readonly sqlite: Database.Database;
}

/**
 * The app's data in one SQLite file (better-sqlite3), created when needed. Every write is one
 * synchronous transaction, so nothing else on the connection can slip into it.
 */
export function sqliteAppStore(path: string): SqliteAppStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL: the webhook worker and the sync write while /health and the report read.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.exec(SCHEMA);

  const getState = sqlite.prepare<[string], Record<string, unknown>>('SELECT * FROM sync_state WHERE listing = ?');
  const startRun = sqlite.prepare(
    `INSERT INTO sync_state (listing, run_filter, run_started_at, checkpoint, pages_committed) VALUES (?, ?, ?, NULL, 0)
     ON CONFLICT (listing) DO UPDATE SET run_filter = excluded.run_filter, run_started_at = excluded.run_started_at, checkpoint = NULL, pages_committed = 0`,
  );
  const saveCheckpoint = sqlite.prepare('UPDATE sync_state SET checkpoint = ?, pages_committed = pages_committed + 1 WHERE listing = ?');
  // The next run reads changes from when this one started: anything changed while it ran is read again, never missed.
  const finishRun = sqlite.prepare(
    'UPDATE sync_state SET high_water = run_started_at, completed_at = ?, run_filter = NULL, run_started_at = NULL, checkpoint = NULL, pages_committed = pages_committed + 1 WHERE listing = ?',
  );
  const upsertIssue = sqlite.prepare<IssueRow>(
    `INSERT INTO github_issues (id, repo, number, title, state, state_reason, body, labels, comments, author, is_pull_request, created_at, updated_at, closed_at)
     VALUES (@id, @repo, @number, @title, @state, @state_reason, @body, @labels, @comments, @author, @is_pull_request, @created_at, @updated_at, @closed_at)
     ON CONFLICT (id) DO UPDATE SET repo = excluded.repo, number = excluded.number, title = excluded.title, state = excluded.state,
       state_reason = excluded.state_reason, body = excluded.body, labels = excluded.labels, comments = excluded.comments, author = excluded.author,
       is_pull_request = excluded.is_pull_request, created_at = excluded.created_at, updated_at = excluded.updated_at, closed_at = excluded.closed_at
     WHERE excluded.updated_at >= github_issues.updated_at`,
  );
  const upsertCustomer = sqlite.prepare<CustomerRow>(
    `INSERT INTO stripe_customers (id, email, name, created, metadata, deleted, event_at) VALUES (@id, @email, @name, @created, @metadata, @deleted, @event_at)
     ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, created = excluded.created, metadata = excluded.metadata,
       deleted = excluded.deleted, event_at = coalesce(excluded.event_at, stripe_customers.event_at)
     WHERE excluded.event_at IS NULL OR stripe_customers.event_at IS NULL OR excluded.event_at >= stripe_customers.event_at`,
  );
  const upsertPaymentIntent = sqlite.prepare<PaymentIntentRow>(
    `INSERT INTO stripe_payment_intents (id, customer, amount, amount_received, currency, status, created, event_at)
     VALUES (@id, @customer, @amount, @amount_received, @currency, @status, @created, @event_at)
     ON CONFLICT (id) DO UPDATE SET customer = excluded.customer, amount = excluded.amount, amount_received = excluded.amount_received,
       currency = excluded.currency, status = excluded.status, created = excluded.created, event_at = coalesce(excluded.event_at, stripe_payment_intents.event_at)
     WHERE excluded.event_at IS NULL OR stripe_payment_intents.event_at IS NULL OR excluded.event_at >= stripe_payment_intents.event_at`,
  );
  const deleteIssue = sqlite.prepare<[number]>('DELETE FROM github_issues WHERE id = ?');
  const markCustomerDeleted = sqlite.prepare<[number, string, number]>('UPDATE stripe_customers SET deleted = 1, event_at = ? WHERE id = ? AND (event_at IS NULL OR event_at <= ?)');
  const upsertChannel = sqlite.prepare<SlackChannelRow>(
    `INSERT INTO slack_channels (id, name, is_private, is_archived, is_member, created, topic) VALUES (@id, @name, @is_private, @is_archived, @is_member, @created, @topic)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, is_private = excluded.is_private, is_archived = excluded.is_archived, is_member = excluded.is_member, created = excluded.created, topic = excluded.topic`,
  );
  const upsertMessage = sqlite.prepare<SlackMessageRow>(
    `INSERT INTO slack_messages (channel, ts, user, text, thread_ts, reply_count, source) VALUES (@channel, @ts, @user, @text, @thread_ts, @reply_count, @source)
     ON CONFLICT (channel, ts) DO UPDATE SET user = excluded.user, text = excluded.text, thread_ts = excluded.thread_ts, reply_count = excluded.reply_count`,
  );
  const claimWebhook = sqlite.prepare('INSERT INTO webhook_effects (key, source, type, target, applied_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING');

  /** Runs inside the caller's transaction. */
  function apply(changes: RowChanges): void {
    for (const row of changes.issues ?? []) upsertIssue.run(row);
    for (const id of changes.deletedIssues ?? []) deleteIssue.run(id);
    for (const row of changes.customers ?? []) upsertCustomer.run(row);
    for (const { id, eventAt } of changes.deletedCustomers ?? []) markCustomerDeleted.run(eventAt, id, eventAt);
    for (const row of changes.paymentIntents ?? []) upsertPaymentIntent.run(row);
    for (const row of changes.slackChannels ?? []) upsertChannel.run(row);
    for (const row of changes.slackMessages ?? []) upsertMessage.run(row);
  }

  const commitPage = sqlite.transaction((listing: string, changes: RowChanges, page: PageCommit) => {
    apply(changes);
    if (page.last) finishRun.run(page.now, listing);
    else saveCheckpoint.run(JSON.stringify(page.checkpoint), listing);
  });
  const write = sqlite.transaction(apply);
  const applyWebhook = sqlite.transaction((key: string, effect: WebhookEffect, now: number): boolean => {
    if (claimWebhook.run(key, effect.source, effect.type ?? null, effect.target ?? null, now).changes === 0) return false;
    if (effect.changes) apply(effect.changes);
    return true;
  });

  return {
    kind: 'sqlite',
    location: path,
    sqlite,
    async listingState(listing) {
      const row = getState.get(listing);
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
      startRun.run(listing, JSON.stringify(filter), startedAt);
    },
    async commitPage(listing, changes, page) {
      commitPage(listing, changes, page);
    },
    async write(changes) {
      write(changes);
    },
    async applyWebhook(key, effect, now = Date.now()) {
      return applyWebhook(key, effect, now);
    },
    issues: async (repo) =>
      repo === undefined
        ? sqlite.prepare<[], IssueRow>('SELECT * FROM github_issues ORDER BY id').all()
        : sqlite.prepare<[string], IssueRow>('SELECT * FROM github_issues WHERE repo = ? ORDER BY id').all(repo),
    customers: async () => sqlite.prepare<[], CustomerRow>('SELECT * FROM stripe_customers ORDER BY id').all(),
    paymentIntents: async () => sqlite.prepare<[], PaymentIntentRow>('SELECT * FROM stripe_payment_intents ORDER BY id').all(),
    slackChannels: async () => sqlite.prepare<[], SlackChannelRow>('SELECT * FROM slack_channels ORDER BY id').all(),
    slackMessages: async (channel) =>
      channel === undefined
        ? sqlite.prepare<[], SlackMessageRow>('SELECT * FROM slack_messages ORDER BY channel, ts').all()
        : sqlite.prepare<[string], SlackMessageRow>('SELECT * FROM slack_messages WHERE channel = ? ORDER BY ts').all(channel),
    webhookEffects: async () => sqlite.prepare<[], WebhookEffectRow>('SELECT * FROM webhook_effects ORDER BY key').all(),
    async close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
