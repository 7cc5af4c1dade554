import {
  createTransactionalWebhookWorker,
  createWebhookWorker,
  type TransactionalInboxStore,
  type WebhookEvent,
  type WebhookHandlerContext,
  type WebhookInbox,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from '@connectors/webhooks';
import type pg from 'pg';

/** A store that applies a webhook's effect once per idempotency key, in one transaction with the record that it did. */
export interface EffectStore<E> {
  /** Resolves false when the key had already been applied. */
  applyWebhook(key: string, effect: E): Promise<boolean>;
}

/** On PostgreSQL the effect can also be written inside a transaction someone else opened. */
export interface PostgresEffectStore<E> extends EffectStore<E> {
  applyWebhookIn(client: pg.PoolClient, key: string, effect: E): Promise<boolean>;
}

/**
 * Reads an event and says what it does to the database, without writing: validation (and its
 * dead-lettering of a payload that can never be applied) happens before any transaction.
 */
export type EffectDecoder<E> = (event: WebhookEvent, context: WebhookHandlerContext) => Promise<E>;

/** Where effects go, matching where the inbox is. */
export type EffectTarget<E> =
  /** The inbox is a SQLite file of its own: the effect and its record commit together in the app's database, keyed by the event. */
  | { kind: 'sqlite'; effects: EffectStore<E> }
  /**
   * The inbox is a table in the same PostgreSQL database: the effect, its record and the inbox's
   * processed mark commit in one transaction (`inbox` must be the PostgreSQL inbox store).
   */
  | { kind: 'postgres'; effects: PostgresEffectStore<E>; inbox: TransactionalInboxStore<pg.PoolClient> };

export interface EffectWorkerOptions<E> extends Omit<WebhookWorkerOptions, 'inbox' | 'store' | 'handlers' | 'transactional'> {
  inbox: WebhookInbox;
  target: EffectTarget<E>;
  /** By source name, like the worker's handlers. */
  decoders: Record<string, EffectDecoder<E>>;
}

/**
 * A webhook worker that applies each event's effect exactly once. On SQLite it is the plain worker
 * (at least once) and the effects table absorbs a second run. On PostgreSQL it is the transactional
 * worker: the handler writes through the inbox's own transaction, so the effect lands with the
 * event's processed mark or not at all (`packages/webhooks/README.md`, "Exactly-once effects").
 */
export function createEffectWorker<E>(options: EffectWorkerOptions<E>): WebhookWorker {
  const { target, decoders, ...worker } = options;
  const names = Object.keys(decoders);
  if (target.kind === 'postgres') {
    return createTransactionalWebhookWorker<pg.PoolClient>({
      ...worker,
      store: target.inbox,
      handlers: Object.fromEntries(
        names.map((name) => [name, async (event, context) => void (await target.effects.applyWebhookIn(context.tx, context.idempotencyKey, await decoders[name]!(event, context)))]),
      ),
    });
  }
  return createWebhookWorker({
    ...worker,
    handlers: Object.fromEntries(names.map((name) => [name, async (event: WebhookEvent, context: WebhookHandlerContext) => void (await target.effects.applyWebhook(context.idempotencyKey, await decoders[name]!(event, context)))])),
  });
}
