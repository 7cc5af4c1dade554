import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PaginationCheckpoint } from '@connectors/core';

/** A GitHub issue as the app keeps it. Labels are a JSON array of names. */
export interface IssueRow {
  id: number;
  repo: string;
  number: number;
  title: string;
  state: string;
  state_reason: string | null;
  body: string | null;
  labels: string;
  comments: number;
  author: string | null;
  is_pull_request: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** A Stripe customer. `event_at` is the `created` time of the last webhook event applied to it. */
export interface CustomerRow {
  id: string;
  email: string | null;
  name: string | null;
  created: number;
  metadata: string;
  deleted: number;
  event_at: number | null;
}

export interface PaymentIntentRow {
  id: string;
  customer: string | null;
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  created: number;
  event_at: number | null;
}

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

/** Shapes the rows are built from: what the API returns, whether through a listing or a webhook. */
export interface IssueLike {
  id: number;
  number: number;
  title: string;
  state: string;
  state_reason?: string | null;
  body?: string | null;
  labels: readonly (string | { name?: string | null })[];
  comments: number;
  user: { login: string } | null;
  pull_request?: unknown;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface CustomerLike {
  id: string;
  email: string | null;
  name?: string | null;
  created: number;
  metadata: Record<string, string>;
}

export interface PaymentIntentLike {
  id: string;
  customer: string | { id: string } | null;
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  created: number;
}

export function issueRow(repo: string, issue: IssueLike): IssueRow {
  return {
    id: issue.id,
    repo,
    number: issue.number,
    title: issue.title,
    state: issue.state,
    state_reason: issue.state_reason ?? null,
    body: issue.body ?? null,
    labels: JSON.stringify(issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? '')))),
    comments: issue.comments,
    author: issue.user?.login ?? null,
    is_pull_request: issue.pull_request ? 1 : 0,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
  };
}

export function customerRow(customer: CustomerLike, eventAt: number | null = null): CustomerRow {
  return {
    id: customer.id,
    email: customer.email,
    name: customer.name ?? null,
    created: customer.created,
    // Sorted keys, so the same metadata always compares equal.
    metadata: JSON.stringify(Object.fromEntries(Object.entries(customer.metadata).sort(([a], [b]) => a.localeCompare(b)))),
    deleted: 0,
    event_at: eventAt,
  };
}

export function paymentIntentRow(intent: PaymentIntentLike, eventAt: number | null = null): PaymentIntentRow {
  return {
    id: intent.id,
    customer: typeof intent.customer === 'string' ? intent.customer : (intent.customer?.id ?? null),
    amount: intent.amount,
    amount_received: intent.amount_received,
    currency: intent.currency,
    status: intent.status,
    created: intent.created,
    event_at: eventAt,
  };
}

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
  CREATE TABLE IF NOT EXISTS sync_state (
    listing TEXT PRIMARY KEY, run_filter TEXT, run_started_at INTEGER, checkpoint TEXT,
    pages_committed INTEGER NOT NULL DEFAULT 0, high_water INTEGER, completed_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS webhook_effects (
    key TEXT PRIMARY KEY, source TEXT NOT NULL, type TEXT, target TEXT, applied_at INTEGER NOT NULL
  );
`;

/** The app's database: synced rows, listing checkpoints and applied webhooks, one file. */
export interface AppDatabase {
  /** The open connection (the OAuth token store shares it). */
  readonly sqlite: Database.Database;
  readonly path: string;
  listingState(listing: string): ListingState | undefined;
  /** Records the start of a run, before its first page, so a crash before any page still resumes with the same filter. */
  startRun(listing: string, filter: Record<string, string>, startedAt: number): void;
  /**
   * Writes one page: `write()` stores its rows and the checkpoint after it is saved in the same
   * transaction, so a crash leaves either both or neither. The last page closes the run.
   */
  commitPage(listing: string, write: () => void, page: { checkpoint: PaginationCheckpoint; last: boolean; now: number }): void;
  upsertIssues(rows: readonly IssueRow[]): void;
  upsertCustomers(rows: readonly CustomerRow[]): void;
  upsertPaymentIntents(rows: readonly PaymentIntentRow[]): void;
  deleteIssue(id: number): void;
  /** Keeps the row (payments refer to it) and flags it, unless a newer event already changed it. */
  markCustomerDeleted(id: string, eventAt: number): void;
  /**
   * Applies a webhook's effect once per idempotency key, in one transaction with the record that it
   * was applied. `effect` returns what it touched (e.g. `issue #12`), or undefined when the event
   * needs nothing. Returns false when the key had already been applied.
   */
  applyWebhook(key: string, source: string, type: string | undefined, effect: () => string | undefined, now: number): boolean;
  issues(repo?: string): IssueRow[];
  customers(): CustomerRow[];
  paymentIntents(): PaymentIntentRow[];
  webhookEffects(): WebhookEffectRow[];
  close(): void;
}

/** Opens (and creates when needed) the app's SQLite database. */
export function openDatabase(path: string): AppDatabase {
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
  // An older copy of an issue (a late webhook, a page read before an edit) never overwrites a newer one.
  const upsertIssue = sqlite.prepare<IssueRow>(
    `INSERT INTO github_issues (id, repo, number, title, state, state_reason, body, labels, comments, author, is_pull_request, created_at, updated_at, closed_at)
     VALUES (@id, @repo, @number, @title, @state, @state_reason, @body, @labels, @comments, @author, @is_pull_request, @created_at, @updated_at, @closed_at)
     ON CONFLICT (id) DO UPDATE SET repo = excluded.repo, number = excluded.number, title = excluded.title, state = excluded.state,
       state_reason = excluded.state_reason, body = excluded.body, labels = excluded.labels, comments = excluded.comments, author = excluded.author,
       is_pull_request = excluded.is_pull_request, created_at = excluded.created_at, updated_at = excluded.updated_at, closed_at = excluded.closed_at
     WHERE excluded.updated_at >= github_issues.updated_at`,
  );
  // Stripe objects carry no "updated" time. Listings write the current state; webhook events are
  // ordered by their `created` (event_at), so a late, older event never undoes a newer one.
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
  const deleteIssue = sqlite.prepare('DELETE FROM github_issues WHERE id = ?');
  const markCustomerDeleted = sqlite.prepare('UPDATE stripe_customers SET deleted = 1, event_at = ? WHERE id = ? AND (event_at IS NULL OR event_at <= ?)');
  const claimWebhook = sqlite.prepare('INSERT INTO webhook_effects (key, source, type, target, applied_at) VALUES (?, ?, ?, NULL, ?) ON CONFLICT (key) DO NOTHING');
  const setWebhookTarget = sqlite.prepare('UPDATE webhook_effects SET target = ? WHERE key = ?');

  const each = <T>(statement: { run(row: T): unknown }) => sqlite.transaction((rows: readonly T[]) => {
    for (const row of rows) statement.run(row);
  });
  const upsertIssues = each(upsertIssue);
  const upsertCustomers = each(upsertCustomer);
  const upsertPaymentIntents = each(upsertPaymentIntent);

  return {
    sqlite,
    path,
    listingState(listing) {
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
    startRun(listing, filter, startedAt) {
      startRun.run(listing, JSON.stringify(filter), startedAt);
    },
    commitPage: sqlite.transaction((listing: string, write: () => void, page: { checkpoint: PaginationCheckpoint; last: boolean; now: number }) => {
      write();
      if (page.last) finishRun.run(page.now, listing);
      else saveCheckpoint.run(JSON.stringify(page.checkpoint), listing);
    }),
    upsertIssues,
    upsertCustomers,
    upsertPaymentIntents,
    deleteIssue(id) {
      deleteIssue.run(id);
    },
    markCustomerDeleted(id, eventAt) {
      markCustomerDeleted.run(eventAt, id, eventAt);
    },
    applyWebhook: sqlite.transaction((key: string, source: string, type: string | undefined, effect: () => string | undefined, now: number) => {
      if (claimWebhook.run(key, source, type ?? null, now).changes === 0) return false;
      const target = effect();
      if (target !== undefined) setWebhookTarget.run(target, key);
      return true;
    }),
    issues: (repo) =>
      repo === undefined
        ? sqlite.prepare<[], IssueRow>('SELECT * FROM github_issues ORDER BY id').all()
        : sqlite.prepare<[string], IssueRow>('SELECT * FROM github_issues WHERE repo = ? ORDER BY id').all(repo),
    customers: () => sqlite.prepare<[], CustomerRow>('SELECT * FROM stripe_customers ORDER BY id').all(),
    paymentIntents: () => sqlite.prepare<[], PaymentIntentRow>('SELECT * FROM stripe_payment_intents ORDER BY id').all(),
    webhookEffects: () => sqlite.prepare<[], WebhookEffectRow>('SELECT * FROM webhook_effects ORDER BY key').all(),
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
