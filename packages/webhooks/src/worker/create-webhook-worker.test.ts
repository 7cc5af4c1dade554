import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaValidationError } from '@connectors/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnprocessableEventError } from '../errors/unprocessable-event-error.ts';
import { createWebhookInbox } from '../inbox/create-webhook-inbox.ts';
import { githubScheme } from '../schemes/github-scheme.ts';
import { event } from '../stores/__fixtures__/inbox-store-contract.ts';
import type { InboxStore } from '../stores/inbox-store.ts';
import { sqliteInboxStore, type SqliteInboxStore } from '../stores/sqlite-inbox-store.ts';
import { signWebhook } from '../verify/verify-webhook.ts';
import { createWebhookWorker, type WebhookHandlerContext, type WebhookWorkerEvent } from './create-webhook-worker.ts';
import type { WebhookEvent } from './webhook-event.ts';

let dir: string;
let store: SqliteInboxStore;
let seen: WebhookWorkerEvent[];
const onEvent = (e: WebhookWorkerEvent) => seen.push(e);
const now = () => Date.now();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'webhooks-worker-'));
  store = sqliteInboxStore({ path: join(dir, 'inbox.db') });
  seen = [];
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('createWebhookWorker', () => {
  it('runs the source’s handler with the event, its idempotency key and attempt, then marks it processed', async () => {
    await store.put(event('e1', { receivedAt: now(), body: Buffer.from('{"n":1}'), timestamp: 1_700_000_000_000 }));
    const calls: [WebhookEvent, WebhookHandlerContext][] = [];
    const worker = createWebhookWorker({ store, handlers: { github: (e, ctx) => void calls.push([e, ctx]) }, onEvent });
    expect(await worker.drain()).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
    const [[received, ctx]] = calls as [[WebhookEvent, WebhookHandlerContext]];
    expect(received).toMatchObject({ key: 'github:e1', source: 'github', id: 'e1', type: 'push', timestamp: new Date(1_700_000_000_000) });
    expect(received.json()).toEqual({ n: 1 });
    expect(received.text()).toBe('{"n":1}');
    expect(ctx).toMatchObject({ idempotencyKey: 'github:e1', attempt: 1 });
    expect(ctx.signal.aborted).toBe(false);
    expect(await store.get('github:e1')).toMatchObject({ state: 'processed' });
    expect(seen).toEqual([expect.objectContaining({ type: 'processed', key: 'github:e1', attempt: 1 })]);
  });

  it('falls back to the "*" handler', async () => {
    await store.put(event('any', { source: 'shopify', receivedAt: now() }));
    const keys: string[] = [];
    const worker = createWebhookWorker({ store, handlers: { '*': (e) => void keys.push(e.key) } });
    await worker.drain();
    expect(keys).toEqual(['shopify:any']);
  });

  it('retries a failing handler with backoff, then succeeds', async () => {
    await store.put(event('flaky', { receivedAt: now() }));
    let calls = 0;
    const delays: number[] = [];
    const worker = createWebhookWorker({
      store,
      handlers: { github: () => { if (++calls < 3) throw new Error(`downstream 502 (${calls})`); } },
      backoff: (attempt) => { delays.push(attempt); return 1; },
      onEvent,
    });
    while ((await store.stats()).pending > 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await worker.drain();
    }
    expect(calls).toBe(3);
    expect(delays).toEqual([1, 2]);
    expect(seen.map((e) => e.type)).toEqual(['retried', 'retried', 'processed']);
    expect(seen[0]).toMatchObject({ attempt: 1, delayMs: 1, error: 'Error: downstream 502 (1)' });
    expect(await store.get('github:flaky')).toMatchObject({ state: 'processed' });
  });

  it('uses exponential backoff with jitter: between half and all of base * 2^(attempt-1), capped', async () => {
    const delays = async (random: number): Promise<number[]> => {
      await store.put(event(`b-${random}`, { receivedAt: 0 }));
      const retried: number[] = [];
      let clock = 0;
      const worker = createWebhookWorker({
        store,
        handlers: { github: () => { throw new Error('no'); } },
        maxAttempts: 6,
        backoff: { baseDelayMs: 100, maxDelayMs: 500 },
        random: () => random,
        // Each reading of the clock is a long time later, so every retry is due at the next lease.
        now: () => (clock += 1_000_000),
        onEvent: (e) => { if (e.type === 'retried') retried.push(e.delayMs); },
      });
      while ((await worker.drain()).deadLettered === 0);
      return retried;
    };
    expect(await delays(0)).toEqual([50, 100, 200, 250, 250]);
    expect(await delays(0.999999)).toEqual([100, 200, 400, 500, 500]);
  });

  it('moves an event to the dead-letter queue after maxAttempts, with its last error, and replays it', async () => {
    await store.put(event('poison', { receivedAt: now(), type: 'issues' }));
    let fixed = false;
    const worker = createWebhookWorker({
      store,
      handlers: { github: () => { if (!fixed) throw new TypeError("Cannot read properties of undefined (reading 'login')"); } },
      maxAttempts: 3,
      backoff: () => 0,
      onEvent,
    });
    while ((await store.stats()).pending > 0) await worker.drain();
    expect(seen.map((e) => e.type)).toEqual(['retried', 'retried', 'dead-lettered']);
    expect(seen[2]).toMatchObject({ reason: 'max-attempts', attempts: 3, error: "TypeError: Cannot read properties of undefined (reading 'login')" });
    const [dead] = await store.listDeadLetters({ type: 'issues' });
    expect(dead).toMatchObject({ key: 'github:poison', attempts: 3, lastError: expect.stringContaining('reading \'login\'') });
    expect(await worker.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 1, running: 0 });

    fixed = true;
    expect(await store.replayDeadLetters({ keys: ['github:poison'] }, { now: now() })).toBe(1);
    expect(await worker.drain()).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
    expect(await store.get('github:poison')).toMatchObject({ state: 'processed' });
  });

  it('dead-letters at once on a non-retryable error', async () => {
    await store.put(event('bad', { receivedAt: now() }));
    await store.put(event('invalid', { receivedAt: now() }));
    const worker = createWebhookWorker({
      store,
      handlers: {
        github: (e) => {
          if (e.id === 'bad') throw new UnprocessableEventError('unknown event type "push"');
          throw new SchemaValidationError('payload does not match', { connector: 'github', operation: 'webhook', issues: [], direction: 'response' });
        },
      },
      onEvent,
    });
    expect(await worker.drain()).toEqual({ processed: 0, retried: 0, deadLettered: 2 });
    expect(seen.every((e) => e.type === 'dead-lettered' && e.reason === 'non-retryable' && e.attempts === 1)).toBe(true);
  });

  it('dead-letters events of a source without handler', async () => {
    await store.put(event('orphan', { source: 'stripe', receivedAt: now() }));
    const worker = createWebhookWorker({ store, handlers: { github: () => {} }, onEvent });
    await worker.drain();
    expect(seen).toEqual([expect.objectContaining({ type: 'dead-lettered', reason: 'no-handler', error: expect.stringContaining('No handler for source "stripe"') })]);
  });

  it('hands an event held by a dead worker to another once the lease expires', async () => {
    await store.put(event('orphaned', { receivedAt: now() }));
    // A worker took it and died: nobody renews the lease.
    await store.lease({ limit: 1, leaseMs: 300, now: now() });
    const attempts: number[] = [];
    const worker = createWebhookWorker({ store, handlers: { github: (_e, ctx) => void attempts.push(ctx.attempt) }, leaseMs: 1000 });
    expect(await worker.drain()).toEqual({ processed: 0, retried: 0, deadLettered: 0 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await worker.drain()).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
    expect(attempts).toEqual([2]);
  });

  it('dead-letters without running it an event whose attempts all died with the worker', async () => {
    await store.put(event('killer', { receivedAt: 0 }));
    for (let i = 1; i <= 3; i++) await store.lease({ limit: 1, leaseMs: 1, now: i * 10 });
    let ran = false;
    const worker = createWebhookWorker({ store, handlers: { github: () => { ran = true; } }, maxAttempts: 3, onEvent });
    await worker.drain();
    expect(ran).toBe(false);
    expect(seen).toEqual([expect.objectContaining({ type: 'dead-lettered', reason: 'max-attempts', attempts: 4, error: expect.stringContaining('worker stopped') })]);
  });

  it('renews the lease while a long handler runs, so no other worker takes the event', async () => {
    await store.put(event('long', { receivedAt: now() }));
    let runs = 0;
    // A lease of 300 ms, renewed every 100 ms, around a handler that takes 800 ms.
    const slow = createWebhookWorker({ store, handlers: { github: async () => { runs++; await new Promise((r) => setTimeout(r, 800)); } }, leaseMs: 300 });
    const other = createWebhookWorker({ store, handlers: { github: () => { runs++; } }, leaseMs: 300 });
    const draining = slow.drain();
    for (let i = 0; i < 7; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await other.drain();
    }
    expect(await draining).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
    expect(runs).toBe(1);
  });

  it('aborts the handler’s signal when the lease is lost, and discards that attempt', async () => {
    await store.put(event('lost', { receivedAt: now() }));
    const losing: InboxStore = Object.assign(Object.create(null), {
      // The real lease is long, so only the failing renewal can end this attempt.
      lease: (options: Parameters<InboxStore['lease']>[0]) => store.lease({ ...options, leaseMs: 60_000 }),
      renewLease: async () => false,
      markProcessed: store.markProcessed.bind(store),
      scheduleRetry: store.scheduleRetry.bind(store),
      deadLetter: store.deadLetter.bind(store),
      get: store.get.bind(store),
      stats: store.stats.bind(store),
    });
    let aborted = false;
    const worker = createWebhookWorker({
      store: losing,
      leaseMs: 30,
      handlers: {
        github: (_e, { signal }) =>
          new Promise((_resolve, reject) => signal.addEventListener('abort', () => { aborted = true; reject(signal.reason); })),
      },
      onEvent,
    });
    await worker.drain();
    expect(aborted).toBe(true);
    expect(seen).toEqual([expect.objectContaining({ type: 'lease-lost', key: 'github:lost' })]);
    expect(await store.get('github:lost')).toMatchObject({ state: 'leased', attempts: 1 });
  });

  it('reports a duplicate when another worker processed the event after this one’s lease expired', async () => {
    await store.put(event('twice', { receivedAt: 0 }));
    let release!: () => void;
    const slow = createWebhookWorker({
      store,
      leaseMs: 1_000_000,
      // The clock of the slow worker is far behind: its lease looks fresh to it, expired to the other.
      now: () => now() - 10_000_000,
      handlers: { github: () => new Promise<void>((r) => (release = r)) },
      onEvent,
    });
    const slowDrain = slow.drain();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fast = createWebhookWorker({ store, handlers: { github: () => {} }, onEvent });
    expect(await fast.drain()).toEqual({ processed: 1, retried: 0, deadLettered: 0 });
    release();
    await slowDrain;
    expect(seen.map((e) => e.type)).toEqual(['processed', 'duplicate']);
  });

  it('wakes up as soon as the inbox stores an event, and stops cleanly', async () => {
    const inbox = createWebhookInbox({ store, sources: { github: { scheme: githubScheme, secret: 's' } } });
    const processed: string[] = [];
    const worker = createWebhookWorker({ inbox, handlers: { github: (e) => void processed.push(e.id) }, pollIntervalMs: 60_000 });
    worker.start();
    const body = '{"zen":"hi"}';
    const response = await inbox.receive({ source: 'github', body: Buffer.from(body), headers: signWebhook(githubScheme, { body, secret: 's', id: 'wake-1' }) });
    expect(response.status).toBe(200);
    for (let i = 0; i < 100 && processed.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(processed).toEqual(['wake-1']);
    await worker.stop();
    expect(await worker.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 0, running: 0 });
  });

  it('drain() and idle() on a running worker wait for what is due, including events stored by another process', async () => {
    const processed: string[] = [];
    // No polling during the test: only drain() makes this worker look at the store.
    const worker = createWebhookWorker({ store, handlers: { github: async (e) => void processed.push(e.id) }, pollIntervalMs: 60_000 });
    worker.start();
    await worker.idle();
    // Stored straight into the store, as another process would: no inbox wakes this worker.
    for (const id of ['x1', 'x2', 'x3']) await store.put(event(id, { receivedAt: now() }));
    expect(processed).toEqual([]);
    expect(await worker.drain()).toEqual({ processed: 3, retried: 0, deadLettered: 0 });
    expect(processed.sort()).toEqual(['x1', 'x2', 'x3']);
    expect(await worker.stats()).toEqual({ pending: 0, leased: 0, deadLetters: 0, running: 0 });
    await worker.stop();
  });

  it('on stop with a timeout, aborts handlers that do not finish', async () => {
    await store.put(event('stuck', { receivedAt: now() }));
    let started = false;
    const worker = createWebhookWorker({
      store,
      pollIntervalMs: 5,
      handlers: { github: (_e, { signal }) => new Promise((_r, reject) => { started = true; signal.addEventListener('abort', () => reject(signal.reason)); }) },
    });
    worker.start();
    for (let i = 0; i < 100 && !started; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await worker.stop({ timeoutMs: 20 });
    // The attempt failed because of the stop: it is scheduled again, not lost.
    expect(await store.get('github:stuck')).toMatchObject({ state: 'pending', attempts: 1 });
  });

  it('rejects bad options with TypeErrors', () => {
    expect(() => createWebhookWorker({ handlers: { github: () => {} } })).toThrow(/inbox` or `store/);
    expect(() => createWebhookWorker({ store, handlers: {} })).toThrow(/handlers/);
    expect(() => createWebhookWorker({ store, handlers: { github: 'x' as never } })).toThrow(/not a function/);
    expect(() => createWebhookWorker({ store, handlers: { github: () => {} }, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => createWebhookWorker({ store, handlers: { github: () => {} }, maxAttempts: 1.5 })).toThrow(/maxAttempts/);
  });
});

describe('createWebhookWorker with a store that stops answering', () => {
  it('gives up on a store call after storeTimeoutMs and reports it, instead of hanging', async () => {
    const seen: WebhookWorkerEvent[] = [];
    const hanging = { lease: () => new Promise<never>(() => {}) } as unknown as InboxStore;
    const worker = createWebhookWorker({ store: hanging, handlers: { '*': () => {} }, storeTimeoutMs: 50, onEvent: (e) => seen.push(e) });
    // drain() leases until nothing is due: a lease that never answers would hold it forever.
    expect(await worker.drain()).toEqual({ processed: 0, retried: 0, deadLettered: 0 });
    expect(seen).toMatchObject([{ type: 'store-error', operation: 'lease', error: expect.stringContaining('did not answer lease within 50 ms') }]);
    expect(() => createWebhookWorker({ store: hanging, handlers: { '*': () => {} }, storeTimeoutMs: -1 })).toThrow(/storeTimeoutMs must be/);
  });
});
