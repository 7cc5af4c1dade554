import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { githubScheme } from '../schemes/github-scheme.ts';
import { startRedisProcess, type RedisProcess } from '../stores/__fixtures__/redis-process.ts';
import type { InboxStore } from '../stores/inbox-store.ts';
import { redisInboxStore } from '../stores/redis-inbox-store.ts';
import { sqliteInboxStore } from '../stores/sqlite-inbox-store.ts';
import { signWebhook } from '../verify/verify-webhook.ts';
import { createWebhookInbox, type InboxResponse, type WebhookInboxEvent } from './create-webhook-inbox.ts';

/*
 * The inbox when its store is slow, busy or gone: a 503 with Retry-After within the store timeout
 * (below Slack's 3 s), never a 2xx without a durable write, and back to 200s by itself.
 */

const SECRET = 'gh-secret';
// What a loaded 2-core machine may add to an answer on top of the documented bound.
const SLACK_MS = 700;

function delivery(id: string) {
  const body = `{"zen":"Keep it logically awesome.","id":"${id}"}`;
  return { source: 'github', body: Buffer.from(body), headers: signWebhook(githubScheme, { body, secret: SECRET, id, type: 'ping' }) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the inbox with a store that does not answer', () => {
  const hanging = { put: () => new Promise<never>(() => {}) } as unknown as InboxStore;

  it('answers 503 with Retry-After once storeTimeoutMs (default 2000 ms, below Slack’s 3 s) has passed', async () => {
    vi.useFakeTimers();
    const events: WebhookInboxEvent[] = [];
    const inbox = createWebhookInbox({ store: hanging, sources: { github: { scheme: githubScheme, secret: SECRET } }, onEvent: (e) => events.push(e) });
    let answer: InboxResponse | undefined;
    void inbox.receive(delivery('d1')).then((r) => (answer = r));
    await vi.advanceTimersByTimeAsync(1999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toMatchObject({ status: 503, outcome: 'unavailable', headers: { 'retry-after': '5' } });
    expect(events).toMatchObject([{ type: 'store-failed', key: 'github:d1', error: expect.stringContaining('did not answer put within 2000 ms') }]);
  });

  it('takes its own storeTimeoutMs, and refuses a bad one', async () => {
    vi.useFakeTimers();
    const inbox = createWebhookInbox({ store: hanging, sources: { github: { scheme: githubScheme, secret: SECRET } }, storeTimeoutMs: 500 });
    const answer = inbox.receive(delivery('d2'));
    await vi.advanceTimersByTimeAsync(500);
    expect(await answer).toMatchObject({ status: 503 });
    expect(() => createWebhookInbox({ store: hanging, sources: { github: { scheme: githubScheme, secret: SECRET } }, storeTimeoutMs: 0 })).toThrow(/storeTimeoutMs must be/);
  });
});

describe('the inbox on a SQLite file another process holds', () => {
  it('answers 503 within the store timeout (busyTimeoutMs defaults below it), then stores the redelivery', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhooks-busy-'));
    const path = join(dir, 'inbox.db');
    const store = sqliteInboxStore({ path });
    const other = new Database(path);
    try {
      const inbox = createWebhookInbox({ store, sources: { github: { scheme: githubScheme, secret: SECRET } } });
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      const busy = await inbox.receive(delivery('busy-1'));
      const tookMs = Date.now() - started;
      expect(busy).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
      // better-sqlite3 waits synchronously, so the inbox's timer cannot cut it short: the busy timeout must.
      expect(tookMs).toBeLessThan(2000);
      other.exec('ROLLBACK');
      expect(await inbox.receive(delivery('busy-1'))).toMatchObject({ status: 200, outcome: 'stored' });
      expect(await store.get('github:busy-1')).toMatchObject({ state: 'pending' });
    } finally {
      other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('the inbox on Redis through an outage', () => {
  let redisServer: RedisProcess;
  beforeAll(async () => {
    redisServer = await startRedisProcess();
  });
  afterAll(async () => {
    await redisServer?.close();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  describe.each([
    ['a plain client, as `new Redis(url)` (offline queue on)', {}],
    ['a client with enableOfflineQueue: false', { enableOfflineQueue: false }],
  ] as [string, RedisOptions][])('%s', (_name, clientOptions) => {
    it.each([2000, 12_000])('a %i ms outage: 503 + Retry-After within the store timeout, 200s again by itself, nothing acknowledged lost', async (outageMs) => {
      const redis = new Redis({ port: redisServer.port, ...clientOptions });
      redis.on('error', () => {});
      await new Promise((resolve) => redis.once('ready', resolve));
      const store = redisInboxStore({ redis, prefix: `test-outage-${randomUUID()}` });
      const inbox = createWebhookInbox({ store, sources: { github: { scheme: githubScheme, secret: SECRET } } });
      const acknowledged: string[] = [];
      const refused: string[] = [];
      const answers: { ms: number; status: number; retryAfter: string | undefined }[] = [];
      let recoveredAt: number | undefined;
      let restartedAt: number | undefined;
      let running = true;
      let seq = 0;
      const sender = async () => {
        while (running) {
          const id = `d-${++seq}`;
          const started = Date.now();
          const answer = await inbox.receive(delivery(id));
          answers.push({ ms: Date.now() - started, status: answer.status, retryAfter: answer.headers['retry-after'] });
          if (answer.status === 200) {
            acknowledged.push(id);
            if (restartedAt !== undefined) recoveredAt ??= Date.now();
          } else refused.push(id);
          await sleep(100);
        }
      };
      const senders = Array.from({ length: 4 }, sender);
      try {
        await sleep(500);
        await redisServer.kill();
        await sleep(outageMs);
        await redisServer.start();
        restartedAt = Date.now();
        const deadline = Date.now() + 15_000;
        while (recoveredAt === undefined && Date.now() < deadline) await sleep(50);
        running = false;
        await Promise.all(senders);

        expect(recoveredAt).toBeDefined();
        expect(refused.length).toBeGreaterThan(0);
        const failures = answers.filter((a) => a.status !== 200);
        expect(failures.every((a) => a.status === 503 && a.retryAfter === '5')).toBe(true);
        expect(Math.max(...answers.map((a) => a.ms))).toBeLessThanOrEqual(2000 + SLACK_MS);
        // The provider redelivers what was refused: each is stored now, or was stored late (a duplicate).
        // Like a provider, it tries again after a 503 (this Redis fsyncs every write, and a loaded machine's
        // disk can stall one past the store timeout).
        for (const id of refused) {
          const redelivered = async () => {
            const { status } = await inbox.receive(delivery(id));
            if (status === 503) throw new Error(`${id}: still refused`);
            return status;
          };
          expect(await vi.waitFor(redelivered, { timeout: 25_000, interval: 200 })).toBe(200);
        }
        // Nothing acknowledged is lost: every 200 is an event in the store.
        const missing: string[] = [];
        for (const id of [...acknowledged, ...refused]) if ((await store.get(`github:${id}`)) === undefined) missing.push(id);
        expect(missing).toEqual([]);
      } finally {
        running = false;
        redis.disconnect();
      }
    }, 60_000);
  });
});
