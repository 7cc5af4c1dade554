import type { TransactionalInboxStore } from '../stores/transactional-inbox-store.ts';
import { createWebhookWorker, type WebhookHandlerContext, type WebhookWorker, type WebhookWorkerOptions } from './create-webhook-worker.ts';
import type { WebhookEvent } from './webhook-event.ts';

/** What a transactional handler gets: the usual context plus the transaction to write its effects through. */
export interface TransactionalHandlerContext<Tx> extends WebhookHandlerContext {
  /**
   * The open transaction (a `pg` client for PostgreSQL, the better-sqlite3 database for SQLite).
   * Writes made through it commit together with the event's processed mark: exactly once.
   * Effects elsewhere (another API) are still at least once: use `idempotencyKey` for those.
   */
  readonly tx: Tx;
}

export type TransactionalWebhookHandler<Tx> = (event: WebhookEvent, context: TransactionalHandlerContext<Tx>) => unknown;

export interface TransactionalWebhookWorkerOptions<Tx> extends Omit<WebhookWorkerOptions, 'handlers' | 'store' | 'transactional'> {
  /** A store in the database your handlers write to: `sqliteInboxStore` or `postgresInboxStore`. */
  store: TransactionalInboxStore<Tx>;
  handlers: Record<string, TransactionalWebhookHandler<Tx>>;
}

/**
 * A worker whose handlers write their effects through the inbox's own transaction: the effects and
 * the "processed" mark commit together. A crash (or a thrown error) before the commit leaves nothing
 * applied and the event runs again; after the commit it never runs again. So effects in the same
 * database are applied exactly once; the handler itself still runs at least once.
 */
export function createTransactionalWebhookWorker<Tx>(options: TransactionalWebhookWorkerOptions<Tx>): WebhookWorker {
  return createWebhookWorker({ ...options, handlers: options.handlers as WebhookWorkerOptions['handlers'], transactional: true });
}
