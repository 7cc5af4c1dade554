import { validate } from '@connectors/core';
import { githubScheme, parseGitHubWebhook } from '@connectors/github';
import { customerSchema, parseStripeEvent, paymentIntentSchema, stripeScheme } from '@connectors/stripe';
import {
  createWebhookInbox,
  createWebhookWorker,
  type InboxStore,
  UnprocessableEventError,
  type WebhookEvent,
  type WebhookHandler,
  type WebhookInbox,
  type WebhookInboxEvent,
  type WebhookSource,
  type WebhookWorker,
  type WebhookWorkerEvent,
} from '@connectors/webhooks';
import { sqliteInboxStore } from '@connectors/webhooks/sqlite';
import { slackScheme } from '@connectors/slack';
import { slackWebhookHandler } from './slack/slack-webhook-handler.ts';
import { openSlackTables } from './slack/slack-tables.ts';
import type { AppConfig } from './config.ts';
import { type AppDatabase, customerRow, issueRow, paymentIntentRow } from './db.ts';

export interface Webhooks {
  /** Undefined when no webhook secret is configured. */
  inbox: WebhookInbox | undefined;
  worker: WebhookWorker | undefined;
  store: InboxStore | undefined;
  /** Sources mounted under /webhooks. */
  sources: string[];
  close(): Promise<void>;
}

export interface WebhooksOptions {
  onInboxEvent?: (event: WebhookInboxEvent) => void;
  onWorkerEvent?: (event: WebhookWorkerEvent) => void;
  /** Where the inbox keeps deliveries until they are applied. Default: next to the app's database. */
  inboxPath?: string;
  /** Or a store to use instead of the SQLite file (e.g. the PostgreSQL inbox when DATABASE_URL is set). */
  store?: InboxStore;
}

/**
 * The webhook side of the app: a durable inbox (verify, dedupe, persist, then 200) and a worker that
 * applies each event to the app's database once, keyed by the inbox's idempotency key.
 */
export function createWebhooks(config: AppConfig, db: AppDatabase, options: WebhooksOptions = {}): Webhooks {
  const sources: Record<string, WebhookSource> = {};
  const handlers: Record<string, WebhookHandler> = {};
  if (config.github.webhookSecret) {
    sources['github'] = { scheme: githubScheme, secret: config.github.webhookSecret };
    handlers['github'] = githubHandler(db, `${config.github.repo.owner}/${config.github.repo.repo}`);
  }
  if (config.stripe.webhookSecret) {
    sources['stripe'] = { scheme: stripeScheme, secret: config.stripe.webhookSecret };
    handlers['stripe'] = stripeHandler(db);
  }
  if (config.slack?.signingSecret) {
    sources['slack'] = { scheme: slackScheme, secret: config.slack.signingSecret };
    handlers['slack'] = slackWebhookHandler(db, openSlackTables(db.sqlite));
  }
  if (Object.keys(sources).length === 0) {
    return { inbox: undefined, worker: undefined, store: undefined, sources: [], close: async () => {} };
  }
  const store = options.store ?? sqliteInboxStore({ path: options.inboxPath ?? inboxPathFor(config.databasePath) });
  const inbox = createWebhookInbox({ store, sources, ...(options.onInboxEvent ? { onEvent: options.onInboxEvent } : {}) });
  const worker = createWebhookWorker({
    inbox,
    handlers,
    maxAttempts: 5,
    backoff: { baseDelayMs: 500, maxDelayMs: 60_000 },
    ...(options.onWorkerEvent ? { onEvent: options.onWorkerEvent } : {}),
  });
  return {
    inbox,
    worker,
    store,
    sources: Object.keys(sources),
    async close() {
      await worker.stop({ timeoutMs: 5000 });
      await store.close();
    },
  };
}

export function inboxPathFor(databasePath: string): string {
  return databasePath.endsWith('.db') ? `${databasePath.slice(0, -3)}.inbox.db` : `${databasePath}.inbox`;
}

/** The body as JSON, or an event that goes straight to the dead-letter queue: retrying cannot fix it. */
function jsonOf(event: WebhookEvent): unknown {
  try {
    return event.json();
  } catch (cause) {
    throw new UnprocessableEventError(`${event.key}: the body is not JSON`, { cause });
  }
}

/** `issues` events of the synced repository update `github_issues`; other events are recorded as seen. */
function githubHandler(db: AppDatabase, repo: string): WebhookHandler {
  return async (event, context) => {
    // A payload that does not match GitHub's documented shape throws SchemaValidationError: not retryable, so dead-lettered.
    const webhook = await parseGitHubWebhook(event.id, event.type ?? '', jsonOf(event));
    db.applyWebhook(context.idempotencyKey, 'github', event.type, () => {
      if (!webhook.typed || webhook.name !== 'issues' || webhook.payload.repository.full_name !== repo) return undefined;
      const { action, issue } = webhook.payload;
      if (action === 'deleted') db.deleteIssue(issue.id);
      // `pinned`/`unpinned` deliveries carry the issue without `state` and `labels`: nothing to update the row from.
      else if (issue.state === undefined || issue.labels === undefined) return `issue #${issue.number} ${action} (row unchanged)`;
      else {
        // The webhook description allows null entries in `labels`; the row keeps the names.
        const labels = (issue.labels as readonly unknown[]).flatMap((l) => (l && typeof l === 'object' && typeof (l as { name?: unknown }).name === 'string' ? [{ name: (l as { name: string }).name }] : []));
        db.upsertIssues([issueRow(repo, { ...issue, state: issue.state, labels })]);
      }
      return `issue #${issue.number} ${action}`;
    }, Date.now());
  };
}

/** Customer and payment intent events update their rows, ordered by the event's `created`. */
function stripeHandler(db: AppDatabase): WebhookHandler {
  return async (event, context) => {
    const stripeEvent = await parseStripeEvent(jsonOf(event));
    const object = stripeEvent.data.object;
    const operation = `webhooks.${stripeEvent.type}`;
    let apply: () => string | undefined = () => undefined;
    if (stripeEvent.type === 'customer.created' || stripeEvent.type === 'customer.updated') {
      const customer = await validate(customerSchema, object, { connector: 'stripe', operation, direction: 'response' });
      apply = () => (db.upsertCustomers([customerRow(customer, stripeEvent.created)]), `customer ${customer.id}`);
    } else if (stripeEvent.type === 'customer.deleted') {
      const id = String((object as { id?: unknown }).id);
      apply = () => (db.markCustomerDeleted(id, stripeEvent.created), `customer ${id} deleted`);
    } else if (stripeEvent.type.startsWith('payment_intent.')) {
      const intent = await validate(paymentIntentSchema, object, { connector: 'stripe', operation, direction: 'response' });
      apply = () => (db.upsertPaymentIntents([paymentIntentRow(intent, stripeEvent.created)]), `payment intent ${intent.id} ${intent.status}`);
    }
    db.applyWebhook(context.idempotencyKey, 'stripe', stripeEvent.type, apply, Date.now());
  };
}
