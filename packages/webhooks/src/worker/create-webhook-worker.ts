import { isConnectorError } from '@connectors/core';
import type { WebhookInbox } from '../inbox/create-webhook-inbox.ts';
import { truncateError, type InboxStats, type InboxStore, type LeasedInboxEvent } from '../stores/inbox-store.ts';
import { storeTimeout, withStoreTimeout } from '../stores/store-timeout.ts';
import type { TransactionalInboxStore } from '../stores/transactional-inbox-store.ts';
import { toWebhookEvent, type WebhookEvent } from './webhook-event.ts';

/** What a handler gets besides the event. */
export interface WebhookHandlerContext {
  /**
   * `${source}:${id}`: the same for every attempt and every redelivery of the event. Make effects
   * idempotent with it (a unique key in your table, an `Idempotency-Key` on the API you call),
   * because delivery is at least once: a worker that dies after the effect but before the
   * acknowledgement runs it again.
   */
  readonly idempotencyKey: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when the worker stops or loses the lease: stop work that has not been committed. */
  readonly signal: AbortSignal;
}

export type WebhookHandler = (event: WebhookEvent, context: WebhookHandlerContext) => unknown;

/** What the worker reports, for logs and metrics. Never carries a body. */
export type WebhookWorkerEvent =
  | { type: 'processed'; time: number; key: string; source: string; eventType: string | undefined; attempt: number; durationMs: number }
  | { type: 'retried'; time: number; key: string; source: string; eventType: string | undefined; attempt: number; delayMs: number; error: string }
  | {
      type: 'dead-lettered';
      time: number;
      key: string;
      source: string;
      eventType: string | undefined;
      attempts: number;
      error: string;
      /** `max-attempts`: every attempt failed; `non-retryable`: the handler threw a non-retryable ConnectorError; `no-handler`: nothing handles this source. */
      reason: 'max-attempts' | 'non-retryable' | 'no-handler';
    }
  /** The event had already been processed by another worker (this one's lease had expired): the effect ran twice, the idempotency key absorbed it. */
  | { type: 'duplicate'; time: number; key: string; source: string; eventType: string | undefined }
  /** This worker's lease expired and another worker took the event over; the result of this attempt was discarded. */
  | { type: 'lease-lost'; time: number; key: string; source: string }
  /** The store failed; the event's lease will expire and it will run again. */
  | { type: 'store-error'; time: number; operation: string; error: string };

export interface BackoffOptions {
  /** First retry delay. Default 1000 ms; steps double. */
  baseDelayMs?: number;
  /** Cap on one delay. Default 10 minutes. */
  maxDelayMs?: number;
}

export interface WebhookWorkerOptions {
  /** The inbox whose events to process (the worker also wakes up as soon as it stores one). */
  inbox?: WebhookInbox;
  /** Or a store directly, e.g. in a worker process separate from the HTTP server. */
  store?: InboxStore;
  /** Handlers by source name; `'*'` handles every source without its own. */
  handlers: Record<string, WebhookHandler>;
  /** Handlers running at once. Default 4. */
  concurrency?: number;
  /** Attempts before an event goes to the dead-letter queue. Default 8. */
  maxAttempts?: number;
  /** Exponential backoff with jitter between attempts, or your own `(attempt) => delayMs`. */
  backoff?: BackoffOptions | ((attempt: number) => number);
  /** How long an event is held by one worker; renewed every third of it while the handler runs. Default 30 s. */
  leaseMs?: number;
  /** How often to look for due events when nothing woke the worker. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How long a processed event's id is kept to recognise redeliveries. Default 3 days (Stripe retries for 3 days). */
  processedRetentionMs?: number;
  onEvent?: (event: WebhookWorkerEvent) => void;
  /**
   * The longest one store call (lease, renew, mark processed, retry, dead-letter) may take; past it
   * the worker reports a `store-error` and goes on (the event's lease expires and it runs again).
   * Default 5000 ms, so a store that hangs cannot stall the worker loop.
   */
  storeTimeoutMs?: number;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  /** In [0, 1); injectable for tests. */
  random?: () => number;
  /**
   * Run each handler inside a transaction of the store (its `tx` in the context) that also marks the
   * event processed: effects written through `tx` are applied exactly once. Set by
   * `createTransactionalWebhookWorker`, which types `tx`; the store must be transactional.
   */
  transactional?: boolean;
}

export interface WebhookWorkerStats extends InboxStats {
  /** Handlers running in this worker now. */
  running: number;
}

export interface DrainResult {
  processed: number;
  retried: number;
  deadLettered: number;
}

export interface WebhookWorker {
  /** Starts polling and processing in the background. */
  start(): void;
  /** Stops taking events and waits for running handlers; after `timeoutMs` their signals are aborted (their leases expire and they run again elsewhere). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Processes every event that is due now, waits for the handlers, and resolves with what this call
   * saw done (tests, cron-style jobs). On a started worker it wakes the loop and resolves at `idle()`.
   */
  drain(): Promise<DrainResult>;
  /**
   * Resolves once this worker runs no handler, its last look found nothing due, and no event is leased
   * by any worker (checked every `pollMs`, default 50). For tests and graceful hand-overs.
   */
  idle(options?: { pollMs?: number }): Promise<void>;
  /** Queue depths plus this worker's running handlers, for health checks. */
  stats(): Promise<WebhookWorkerStats>;
}

/** How long a processed event's key is kept by default, so a redelivery within it is a duplicate. */
export const DEFAULT_PROCESSED_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;

function positive(value: number | undefined, fallback: number, name: string, integer = false): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new TypeError(`createWebhookWorker: ${name} must be a ${integer ? 'whole number' : 'number'} > 0; got ${String(value)}.`);
  }
  return v;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.name}: ${error.cause.message})` : '';
    return truncateError(`${error.name}: ${error.message}${cause}`);
  }
  return truncateError(String(error));
}

/**
 * Processes stored webhook events: at least once, with leases (an event held by a worker that died
 * is handed out again when its lease expires), retries with exponential backoff and jitter, and a
 * dead-letter queue after `maxAttempts`. Handlers get the event id as an idempotency key.
 */
export function createWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const store = options.store ?? options.inbox?.store;
  if (store == null) throw new TypeError('createWebhookWorker: pass `inbox` or `store`.');
  const handlers = options.handlers;
  if (handlers == null || typeof handlers !== 'object' || Object.keys(handlers).length === 0) {
    throw new TypeError('createWebhookWorker: `handlers` maps source names (or "*") to functions; none given.');
  }
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') throw new TypeError(`createWebhookWorker: the handler for "${name}" is not a function.`);
  }
  const concurrency = positive(options.concurrency, 4, 'concurrency', true);
  const maxAttempts = positive(options.maxAttempts, 8, 'maxAttempts', true);
  const leaseMs = positive(options.leaseMs, 30_000, 'leaseMs');
  const pollIntervalMs = positive(options.pollIntervalMs, 1000, 'pollIntervalMs');
  const retainMs = positive(options.processedRetentionMs, DEFAULT_PROCESSED_RETENTION_MS, 'processedRetentionMs');
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const storeTimeoutMs = storeTimeout(options.storeTimeoutMs, 5000, 'createWebhookWorker');
  const backoff = options.backoff;
  const baseDelayMs = typeof backoff === 'object' ? positive(backoff.baseDelayMs, 1000, 'backoff.baseDelayMs') : 1000;
  const maxDelayMs = typeof backoff === 'object' ? positive(backoff.maxDelayMs, 600_000, 'backoff.maxDelayMs') : 600_000;

  /**
   * "Equal jitter": half the exponential step is fixed, half random. Unlike full jitter it never
   * retries immediately after a failure, which rarely helps when the cause is a downstream outage.
   */
  function delayFor(attempt: number): number {
    if (typeof backoff === 'function') return Math.max(0, backoff(attempt));
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(step / 2 + random() * (step / 2));
  }

  function emit(event: WebhookWorkerEvent): void {
    try {
      options.onEvent?.(event);
    } catch {
      // Observability must never change what the worker does.
    }
  }

  const transactional = options.transactional === true ? (store as TransactionalInboxStore<unknown>) : undefined;
  if (options.transactional === true && typeof transactional?.transaction !== 'function') {
    throw new TypeError('createWebhookWorker: `transactional` needs a store that runs handlers in its transactions (sqliteInboxStore or postgresInboxStore); this one does not.');
  }
  const inFlight = new Set<Promise<void>>();
  /** Whether the last lease found nothing due while nothing ran; cleared by every wake-up. */
  let foundNothing = false;
  /** Counts wake-ups, so a lease that raced with one does not claim there is nothing to do. */
  let wakeups = 0;
  const controllers = new Set<AbortController>();
  const counts: DrainResult = { processed: 0, retried: 0, deadLettered: 0 };
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let wakePending = false;
  let unsubscribe: (() => void) | undefined;

  async function storeCall<T>(operation: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await withStoreTimeout(operation, storeTimeoutMs, run);
    } catch (error) {
      emit({ type: 'store-error', time: now(), operation, error: describeError(error) });
      return undefined;
    }
  }

  async function settleFailure(leased: LeasedInboxEvent, attempt: number, error: string, permanent: boolean): Promise<void> {
    const base = { key: leased.key, source: leased.source, eventType: leased.type };
    if (permanent || attempt >= maxAttempts) {
      const moved = await storeCall('deadLetter', () => store!.deadLetter(leased.key, leased.leaseToken, { now: now(), error }));
      if (moved) {
        counts.deadLettered++;
        emit({ type: 'dead-lettered', time: now(), ...base, attempts: attempt, error, reason: permanent ? 'non-retryable' : 'max-attempts' });
      } else if (moved === false) emit({ type: 'lease-lost', time: now(), key: leased.key, source: leased.source });
      return;
    }
    const delayMs = delayFor(attempt);
    const moved = await storeCall('scheduleRetry', () => store!.scheduleRetry(leased.key, leased.leaseToken, { retryAt: now() + delayMs, error }));
    if (moved) {
      counts.retried++;
      emit({ type: 'retried', time: now(), ...base, attempt, delayMs, error });
    } else if (moved === false) emit({ type: 'lease-lost', time: now(), key: leased.key, source: leased.source });
  }

  /** Exactly-once effects: the handler's writes and the processed mark commit in one transaction, or neither does. */
  async function processInTransaction(leased: LeasedInboxEvent, handler: WebhookHandler, attempt: number): Promise<void> {
    // No lease renewal: the store locks the event for the transaction, and other workers' leases skip locked events.
    const controller = new AbortController();
    controllers.add(controller);
    const started = now();
    const outcome = await storeCall('transaction', () =>
      transactional!.transaction(leased.key, leased.leaseToken, { now, retainMs }, (tx) =>
        handler(toWebhookEvent(leased), { idempotencyKey: leased.key, attempt, signal: controller.signal, tx } as WebhookHandlerContext),
      ),
    );
    controllers.delete(controller);
    if (outcome === undefined) return; // store failure: nothing committed, the lease expires and it runs again
    if (outcome.kind === 'committed') {
      const finished = now();
      counts.processed++;
      emit({ type: 'processed', time: finished, key: leased.key, source: leased.source, eventType: leased.type, attempt, durationMs: finished - started });
    } else if (outcome.kind === 'lease-lost') {
      emit({ type: 'lease-lost', time: now(), key: leased.key, source: leased.source });
    } else {
      await settleFailure(leased, attempt, describeError(outcome.error), isConnectorError(outcome.error) && !outcome.error.retryable);
    }
  }

  async function process(leased: LeasedInboxEvent): Promise<void> {
    const attempt = leased.attempts;
    const handler = handlers[leased.source] ?? handlers['*'];
    if (handler === undefined) {
      const error = `No handler for source "${leased.source}": add one to createWebhookWorker({ handlers }), then replay the dead letter.`;
      const moved = await storeCall('deadLetter', () => store!.deadLetter(leased.key, leased.leaseToken, { now: now(), error }));
      if (moved) {
        counts.deadLettered++;
        emit({ type: 'dead-lettered', time: now(), key: leased.key, source: leased.source, eventType: leased.type, attempts: attempt, error, reason: 'no-handler' });
      }
      return;
    }
    if (attempt > maxAttempts) {
      // Leases count as attempts, so an event whose handler keeps killing the process ends up here.
      await settleFailure(leased, attempt, leased.lastError ?? `The worker stopped during each of ${attempt - 1} attempts (crash or lease expiry).`, false);
      return;
    }
    if (transactional) return processInTransaction(leased, handler, attempt);
    const controller = new AbortController();
    controllers.add(controller);
    let leaseLost = false;
    const renewEvery = Math.max(10, Math.floor(leaseMs / 3));
    const renewal = setInterval(() => {
      void storeCall('renewLease', () => store!.renewLease(leased.key, leased.leaseToken, now() + leaseMs)).then((renewed) => {
        if (renewed === false && !leaseLost) {
          leaseLost = true;
          controller.abort(new Error('The lease on this event was lost; another worker has it now.'));
        }
      });
    }, renewEvery);
    renewal.unref?.();
    const started = now();
    try {
      await handler(toWebhookEvent(leased), { idempotencyKey: leased.key, attempt, signal: controller.signal });
    } catch (error) {
      clearInterval(renewal);
      controllers.delete(controller);
      if (leaseLost) {
        emit({ type: 'lease-lost', time: now(), key: leased.key, source: leased.source });
        return;
      }
      await settleFailure(leased, attempt, describeError(error), isConnectorError(error) && !error.retryable);
      return;
    }
    clearInterval(renewal);
    controllers.delete(controller);
    const finished = now();
    const marked = await storeCall('markProcessed', () => store!.markProcessed(leased.key, leased.leaseToken, { now: finished, retainMs }));
    if (marked) {
      counts.processed++;
      emit({ type: 'processed', time: finished, key: leased.key, source: leased.source, eventType: leased.type, attempt, durationMs: finished - started });
    } else if (marked === false) {
      const current = await storeCall('get', () => store!.get(leased.key));
      if (current?.state === 'processed') emit({ type: 'duplicate', time: now(), key: leased.key, source: leased.source, eventType: leased.type });
      else emit({ type: 'lease-lost', time: now(), key: leased.key, source: leased.source });
    }
  }

  function track(leased: LeasedInboxEvent): void {
    const task: Promise<void> = process(leased)
      .catch((error: unknown) => emit({ type: 'store-error', time: now(), operation: 'process', error: describeError(error) }))
      .finally(() => {
        inFlight.delete(task);
        wakeUp();
      });
    inFlight.add(task);
  }

  /** Leases as many events as there are free slots; returns how many were taken. */
  async function fill(): Promise<{ taken: number; free: number }> {
    const free = concurrency - inFlight.size;
    if (free <= 0) return { taken: 0, free };
    const seen = wakeups;
    const leased = (await storeCall('lease', () => store!.lease({ limit: free, leaseMs, now: now() }))) ?? [];
    for (const event of leased) track(event);
    if (leased.length === 0 && inFlight.size === 0 && seen === wakeups) foundNothing = true;
    return { taken: leased.length, free };
  }

  /** Wakes the loop now, or makes its next pause return at once when it is busy leasing. */
  function wakeUp(): void {
    foundNothing = false;
    wakeups++;
    if (wake) wake();
    else wakePending = true;
  }

  function pause(ms: number): Promise<void> {
    if (wakePending) {
      wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    while (running) {
      const { taken, free } = await fill();
      if (!running) break;
      // A full batch suggests more is waiting; otherwise wait for a wake-up (stored event, finished handler) or the poll.
      if (free > 0 && taken === free) continue;
      await pause(pollIntervalMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      const fromInbox = options.inbox?.subscribe((event) => {
        if (event.type === 'stored') wakeUp();
      });
      // Events stored or replayed by other processes (PostgreSQL LISTEN/NOTIFY), when the store can tell.
      const fromStore = store.watch?.(wakeUp);
      unsubscribe = () => {
        fromInbox?.();
        fromStore?.();
      };
      loop = run();
    },

    async stop(stopOptions = {}) {
      running = false;
      unsubscribe?.();
      unsubscribe = undefined;
      wake?.();
      await loop;
      loop = undefined;
      if (inFlight.size === 0) return;
      const all = Promise.allSettled([...inFlight]).then(() => undefined);
      if (stopOptions.timeoutMs === undefined) return all;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), stopOptions.timeoutMs);
      });
      const outcome = await Promise.race([all, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        for (const controller of controllers) controller.abort(new Error('The worker is stopping.'));
        await all;
      }
    },

    async drain() {
      const before = { ...counts };
      const since = (): DrainResult => ({ processed: counts.processed - before.processed, retried: counts.retried - before.retried, deadLettered: counts.deadLettered - before.deadLettered });
      if (running) {
        wakeUp();
        await this.idle();
        return since();
      }
      for (;;) {
        const { taken } = await fill();
        if (taken === 0) {
          if (inFlight.size === 0) break;
          await Promise.race(inFlight);
        }
      }
      return since();
    },

    async idle(idleOptions = {}) {
      const pollMs = positive(idleOptions.pollMs, 50, 'idle pollMs');
      for (;;) {
        if (!running && inFlight.size === 0) {
          // Not started: look for due work once, as the loop would.
          const { taken } = await fill();
          if (taken > 0) await Promise.allSettled([...inFlight]);
        }
        if (foundNothing && inFlight.size === 0) {
          const stats = await storeCall('stats', () => store.stats());
          if (stats && stats.leased === 0 && foundNothing && inFlight.size === 0) return;
        }
        await Promise.race([...inFlight, new Promise((resolve) => setTimeout(resolve, pollMs))]);
      }
    },

    async stats() {
      const stats = await store.stats();
      return { ...stats, running: inFlight.size };
    },
  };
}
