import { ConnectorError } from '@connectors/core';

/**
 * The store could not persist or read an event (disk full, database locked too long, Redis
 * unreachable). Retryable: the inbox answers 503 so the provider delivers again later.
 */
export class InboxStoreError extends ConnectorError {
  override name = 'InboxStoreError';
  /** Which store failed, e.g. `sqlite` or `redis`. */
  readonly store: string;

  constructor(message: string, options: { store: string; operation: string; cause?: unknown }) {
    super(message, { connector: 'webhooks', operation: options.operation, retryable: true, cause: options.cause });
    this.store = options.store;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), store: this.store };
  }
}
