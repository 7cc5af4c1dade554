import { basename } from 'node:path';
import { validate } from '@connectors/core';
import { githubScheme, parseGitHubWebhook } from '@connectors/github';
import { customerSchema, parseStripeEvent, paymentIntentSchema, stripeScheme } from '@connectors/stripe';
import {
  createWebhookInbox,
  type InboxStore,
  UnprocessableEventError,
  type WebhookEvent,
  type WebhookInbox,
  type WebhookInboxEvent,
  type WebhookSource,
  type WebhookWorker,
  type WebhookWorkerEvent,
} from '@connectors/webhooks';
import { slackScheme } from '@connectors/slack';
import { slackEffect } from './slack/slack-effect.ts';
import type { AppConfig } from './config.ts';
import { customerRow, issueRow, paymentIntentRow } from './store/app-rows.ts';
import type { AppData } from './store/app-data.ts';
import type { WebhookEffect } from './store/app-store.ts';
import { createEffectWorker, type EffectDecoder, type EffectTarget } from './store/effect-worker.ts';

export interface Webhooks {
  /** Undefined when no webhook secret is configured. */
  inbox: WebhookInbox | undefined;
  worker: WebhookWorker | undefined;
  store: InboxStore | undefined;
  /** Sources mounted under /webhooks. */
  sources: string[];
  /** Stops the worker (the backend closes the inbox's store). */
  close(): Promise<void>;
}

export interface WebhooksOptions {
  onInboxEvent?: (event: WebhookInboxEvent) => void;
  onWorkerEvent?: (event: WebhookWorkerEvent) => void;
}

/**
 * The webhook side of the app: a durable inbox (verify, dedupe, persist, then 200) and a worker that
 * applies each event to the app's store once, keyed by the inbox's idempotency key. The inbox lives
 * where the rest does: a SQLite file next to the app's database, or a table beside the app's tables
 * in PostgreSQL, where the effect commits together with the inbox's processed mark.
 */
export function createWebhooks(config: AppConfig, data: AppData, options: WebhooksOptions = {}): Webhooks {
  const sources: Record<string, WebhookSource> = {};
  const decoders: Record<string, EffectDecoder<WebhookEffect>> = {};
  if (config.github.webhookSecret) {
    sources['github'] = { scheme: githubScheme, secret: config.github.webhookSecret };
    decoders['github'] = githubEffect(`${config.github.repo.owner}/${config.github.repo.repo}`);
  }
  if (config.stripe.webhookSecret) {
    sources['stripe'] = { scheme: stripeScheme, secret: config.stripe.webhookSecret };
    decoders['stripe'] = stripeEffect;
  }
  if (config.slack?.signingSecret) {
    sources['slack'] = { scheme: slackScheme, secret: config.slack.signingSecret };
    decoders['slack'] = slackEffect;
  }
  if (Object.keys(sources).length === 0) {
    return { inbox: undefined, worker: undefined, store: undefined, sources: [], close: async () => {} };
  }
  let inboxStore: InboxStore;
  let target: EffectTarget<WebhookEffect>;
  if (data.kind === 'sqlite') {
    inboxStore = data.backend.inboxStore(inboxFileFor(data.backend.databasePath));
    target = { kind: 'sqlite', effects: data.store };
  } else {
    const postgresInbox = data.backend.inboxStore('webhook_inbox');
    inboxStore = postgresInbox;
    target = { kind: 'postgres', effects: data.store, inbox: postgresInbox };
  }
  const inbox = createWebhookInbox({ store: inboxStore, sources, ...(options.onInboxEvent ? { onEvent: options.onInboxEvent } : {}) });
  const worker = createEffectWorker<WebhookEffect>({
    inbox,
    target,
    decoders,
    maxAttempts: 5,
    backoff: { baseDelayMs: 500, maxDelayMs: 60_000 },
    ...(options.onWorkerEvent ? { onEvent: options.onWorkerEvent } : {}),
  });
  return {
    inbox,
    worker,
    store: inboxStore,
    sources: Object.keys(sources),
    async close() {
      await worker.stop({ timeoutMs: 5000 });
    },
  };
}

/** The inbox's file name next to the app's database: `example.db` -> `example.inbox.db`. */
export function inboxFileFor(databasePath: string): string {
  const name = basename(databasePath);
  return name.endsWith('.db') ? `${name.slice(0, -3)}.inbox.db` : `${name}.inbox`;
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
function githubEffect(repo: string): EffectDecoder<WebhookEffect> {
  return async (event) => {
    // A payload that does not match GitHub's documented shape throws SchemaValidationError: not retryable, so dead-lettered.
    const webhook = await parseGitHubWebhook(event.id, event.type ?? '', jsonOf(event));
    const seen: WebhookEffect = { source: 'github', type: event.type };
    if (!webhook.typed || webhook.name !== 'issues' || webhook.payload.repository.full_name !== repo) return seen;
    const { action, issue } = webhook.payload;
    const target = `issue #${issue.number} ${action}`;
    if (action === 'deleted') return { ...seen, target, changes: { deletedIssues: [issue.id] } };
    // `pinned`/`unpinned` deliveries carry the issue without `state` and `labels`: nothing to update the row from.
    if (issue.state === undefined || issue.labels === undefined) return { ...seen, target: `${target} (row unchanged)` };
    // The webhook description allows null entries in `labels`; the row keeps the names.
    const labels = (issue.labels as readonly unknown[]).flatMap((l) => (l && typeof l === 'object' && typeof (l as { name?: unknown }).name === 'string' ? [{ name: (l as { name: string }).name }] : []));
    return { ...seen, target, changes: { issues: [issueRow(repo, { ...issue, state: issue.state, labels })] } };
  };
}

/** Customer and payment intent events update their rows, ordered by the event's `created`. */
async function stripeEffect(event: WebhookEvent): Promise<WebhookEffect> {
  const stripeEvent = await parseStripeEvent(jsonOf(event));
  const object = stripeEvent.data.object;
  const operation = `webhooks.${stripeEvent.type}`;
  const seen: WebhookEffect = { source: 'stripe', type: stripeEvent.type };
  if (stripeEvent.type === 'customer.created' || stripeEvent.type === 'customer.updated') {
    const customer = await validate(customerSchema, object, { connector: 'stripe', operation, direction: 'response' });
    return { ...seen, target: `customer ${customer.id}`, changes: { customers: [customerRow(customer, stripeEvent.created)] } };
  }
  if (stripeEvent.type === 'customer.deleted') {
    const id = String((object as { id?: unknown }).id);
    return { ...seen, target: `customer ${id} deleted`, changes: { deletedCustomers: [{ id, eventAt: stripeEvent.created }] } };
  }
  if (stripeEvent.type.startsWith('payment_intent.')) {
    const intent = await validate(paymentIntentSchema, object, { connector: 'stripe', operation, direction: 'response' });
    return { ...seen, target: `payment intent ${intent.id} ${intent.status}`, changes: { paymentIntents: [paymentIntentRow(intent, stripeEvent.created)] } };
  }
  return seen;
}
