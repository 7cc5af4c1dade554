/** A verified delivery, ready to be persisted. */
export interface NewInboxEvent {
  /** The inbox source it arrived on (e.g. `github`). No `:` allowed. */
  source: string;
  /** The provider's event or delivery id. Deduplication is per source and id. */
  id: string;
  type: string | undefined;
  /** The provider's signed timestamp, epoch ms. */
  timestamp: number | undefined;
  /** When the inbox received it, epoch ms. */
  receivedAt: number;
  /** Lower-case header names; credentials of the sender's own infrastructure are not included. */
  headers: Record<string, string>;
  /** The raw body bytes exactly as received. */
  body: Uint8Array;
}

export type PutOutcome = 'stored' | 'duplicate';

/** `discarded`: a dead letter an operator dropped for good; like `processed`, only its key is kept, for dedupe. */
export type InboxEventState = 'pending' | 'leased' | 'processed' | 'dead' | 'discarded';

/** An event as the store holds it. Processed and discarded events keep only their metadata (the body is dropped). */
export interface StoredInboxEvent extends Omit<NewInboxEvent, 'body'> {
  /** `${source}:${id}`: the dedupe key, the idempotency key handed to handlers, the key the DLQ tools take. */
  key: string;
  /** Empty for processed and discarded events. */
  body: Buffer;
  state: InboxEventState;
  /** Attempts started so far (a lease counts as one, even when the worker died during it). */
  attempts: number;
  /** The error of the last failed attempt. */
  lastError: string | undefined;
  /** pending: when it may next run; leased: when the lease expires; dead: when it was dead-lettered; processed / discarded: when. */
  stateChangedAt: number | undefined;
}

/** An event handed to one worker until `leaseUntil`. Every write about it must present `leaseToken`. */
export interface LeasedInboxEvent extends StoredInboxEvent {
  leaseToken: string;
  leaseUntil: number;
}

/** Which dead letters to list or replay. All given fields must match. */
export interface DeadLetterFilter {
  source?: string;
  type?: string;
  /** Dead-lettered at or after (epoch ms or Date). */
  since?: number | Date;
  /** Dead-lettered before (epoch ms or Date). */
  until?: number | Date;
  /** Only these keys (`source:id`). */
  keys?: readonly string[];
  /** At most this many, oldest first. Default: all. */
  limit?: number;
}

/** Queue depths for health checks and dashboards. */
export interface InboxStats {
  /** Waiting to run, including retries scheduled for later. */
  pending: number;
  /** In the leased state: held by a worker, including leases past their time whose worker died (until another worker takes them). `inspector().stats()` tells those apart as `expiredLeases`. */
  leased: number;
  /** In the dead-letter queue. */
  deadLetters: number;
}

/**
 * Where the inbox persists deliveries and workers take them from. `put` must resolve only once the
 * event is durable (the inbox answers 2xx right after). Every method that changes an event the
 * worker holds checks the lease token, so a worker whose lease expired cannot overwrite the work of
 * the worker that took over. Implementations: `sqliteInboxStore` (`@connectors/webhooks/sqlite`),
 * `postgresInboxStore` (`@connectors/webhooks/postgres`), `redisInboxStore` (`@connectors/webhooks/redis`).
 */
export interface InboxStore {
  /** Persists the event durably, or reports that this source and id are already known. */
  put(event: NewInboxEvent): Promise<PutOutcome>;
  /** Takes up to `limit` events that are due (or whose lease expired) and leases them until `now + leaseMs`. */
  lease(options: { limit: number; leaseMs: number; now: number }): Promise<LeasedInboxEvent[]>;
  /** Extends a lease. False when the lease is no longer this token's (it expired and another worker took the event). */
  renewLease(key: string, leaseToken: string, leaseUntil: number): Promise<boolean>;
  /** Marks the event processed and keeps its key until `now + retainMs` so a redelivery is recognised as a duplicate. */
  markProcessed(key: string, leaseToken: string, options: { now: number; retainMs: number }): Promise<boolean>;
  /** Puts the event back in the queue, due at `retryAt`, with the error of this attempt. */
  scheduleRetry(key: string, leaseToken: string, options: { retryAt: number; error: string }): Promise<boolean>;
  /** Moves the event to the dead-letter queue with its last error. */
  deadLetter(key: string, leaseToken: string, options: { now: number; error: string }): Promise<boolean>;
  /** One event by key, with its body (processed events: metadata only). */
  get(key: string): Promise<StoredInboxEvent | undefined>;
  /** Dead letters matching the filter, oldest first, bodies included. */
  listDeadLetters(filter?: DeadLetterFilter): Promise<StoredInboxEvent[]>;
  /** Puts matching dead letters back in the queue with their attempts reset. Returns how many. */
  replayDeadLetters(filter: DeadLetterFilter, options: { now: number }): Promise<number>;
  /**
   * Drops matching dead letters for good: bodies deleted, state `discarded`, keys kept until
   * `now + retainMs` so a redelivery of the same event is still a duplicate. Returns how many.
   */
  discardDeadLetters(filter: DeadLetterFilter, options: { now: number; retainMs: number }): Promise<number>;
  stats(): Promise<InboxStats>;
  /**
   * Optional: calls `onReady` when an event may have become ready, also when another process stored
   * or replayed it (PostgreSQL LISTEN/NOTIFY), so idle workers wake at once instead of at the next poll.
   * Returns a function that stops the calls.
   */
  watch?(onReady: () => void): () => void;
  /** Flushes pending writes and releases the store's own resources (not a client you passed in). */
  close(): Promise<void>;
}

/** Joins source and id into the store key. Sources cannot contain `:`, so the first `:` splits it back. */
export function eventKey(source: string, id: string): string {
  return `${source}:${id}`;
}

export function splitEventKey(key: string): { source: string; id: string } | undefined {
  const colon = key.indexOf(':');
  if (colon <= 0 || colon === key.length - 1) return undefined;
  return { source: key.slice(0, colon), id: key.slice(colon + 1) };
}

export function toEpochMs(value: number | Date | undefined): number | undefined {
  return value === undefined ? undefined : typeof value === 'number' ? value : value.getTime();
}

/** Whether a dead letter matches the filter's source, type and time range (keys and limit are applied by the caller). */
export function matchesDeadLetterFilter(event: Pick<StoredInboxEvent, 'source' | 'type' | 'stateChangedAt'>, filter: DeadLetterFilter): boolean {
  if (filter.source !== undefined && event.source !== filter.source) return false;
  if (filter.type !== undefined && event.type !== filter.type) return false;
  const at = event.stateChangedAt ?? 0;
  const since = toEpochMs(filter.since);
  const until = toEpochMs(filter.until);
  if (since !== undefined && at < since) return false;
  if (until !== undefined && at >= until) return false;
  return true;
}

/** Truncates a handler error for storage: enough to debug, bounded in size. */
export function truncateError(text: string, max = 4000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
