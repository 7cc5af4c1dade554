import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransactionalWebhookWorker, type NewInboxEvent, type WebhookWorker } from '@connectors/webhooks';
import { type PostgresInboxStore, postgresInboxStore } from '@connectors/webhooks/postgres';
import { type SqliteInboxStore, sqliteInboxStore } from '@connectors/webhooks/sqlite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import batch from './__fixtures__/contact-batch.json' with { type: 'json' };
import { hubspotEventInbox, parseHubSpotEvent } from './hubspot-webhooks.ts';

// hubspotEventInbox on the real stores: the wrapper must keep what the store it wraps can do
// (transactions for the transactional worker, PostgreSQL's LISTEN/NOTIFY wake-ups), not only `put`.

const delivery = (events: unknown, id = 'batch'): NewInboxEvent => ({ source: 'hubspot', id, type: 'batch', timestamp: 1, receivedAt: Date.now(), headers: {}, body: Buffer.from(JSON.stringify(events)) });

describe('hubspotEventInbox on the SQLite store', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hubspot-inbox-sqlite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stays a SqliteInboxStore: the transactional worker applies each event of a batch once, through the store’s transaction', async () => {
    const path = join(dir, 'inbox.db');
    const store: SqliteInboxStore = hubspotEventInbox(sqliteInboxStore({ path }));
    expect(await store.put(delivery(batch))).toBe('stored');
    expect(await store.put(delivery([batch[1]], 'retry'))).toBe('duplicate');
    const worker = createTransactionalWebhookWorker<Database.Database>({
      store,
      handlers: {
        hubspot: (event, { tx }) => {
          // better-sqlite3 in the store's transaction: synchronous writes only.
          const { eventId, subscriptionType } = JSON.parse(event.body.toString('utf8')) as { eventId: number; subscriptionType: string };
          tx.exec('CREATE TABLE IF NOT EXISTS effects (event_id INTEGER NOT NULL, type TEXT NOT NULL)');
          tx.prepare('INSERT INTO effects (event_id, type) VALUES (?, ?)').run(eventId, subscriptionType);
        },
      },
    });
    expect(await worker.drain()).toEqual({ processed: 2, retried: 0, deadLettered: 0 });
    expect((await store.get('hubspot:100'))?.state).toBe('processed');
    expect(store.path).toBe(path); // the SQLite store's own members are there too
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT event_id, type FROM effects ORDER BY event_id').all()).toEqual([
        { event_id: 100, type: 'contact.creation' },
        { event_id: 101, type: 'contact.propertyChange' },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('hubspotEventInbox on the PostgreSQL store', () => {
  const server = process.env.CONNECTORS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `connectors_hubspot_inbox_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  let pool: pg.Pool;
  beforeAll(async () => {
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
  });
  afterAll(async () => {
    await pool?.end();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('stays a PostgresInboxStore: a worker woken by LISTEN/NOTIFY applies each event through the transactional worker', async () => {
    // The worker's process and, on another pool, the process that receives deliveries.
    const store: PostgresInboxStore = hubspotEventInbox(postgresInboxStore({ pool, schema: 'hub', table: 'hubspot_inbox' }));
    const receiverPool = new pg.Pool({ connectionString: pool.options.connectionString, max: 2 });
    const receiver = hubspotEventInbox(postgresInboxStore({ pool: receiverPool, schema: 'hub', table: 'hubspot_inbox' }));
    let worker: WebhookWorker | undefined;
    try {
      expect(typeof store.transaction).toBe('function');
      expect(typeof store.watch).toBe('function');
      await pool.query('CREATE TABLE effects (event_id bigint PRIMARY KEY, type text NOT NULL)');
      const transaction = vi.spyOn(store, 'transaction');
      // Polls once a minute: only a LISTEN/NOTIFY wake-up (the store's `watch`) gets the events done in time.
      worker = createTransactionalWebhookWorker<pg.PoolClient>({
        store,
        pollIntervalMs: 60_000,
        handlers: {
          hubspot: async (event, { tx }) => {
            const change = await parseHubSpotEvent(event.json());
            await tx.query('INSERT INTO public.effects (event_id, type) VALUES ($1, $2)', [change.eventId, change.subscriptionType]);
          },
        },
      });
      worker.start();
      await worker.idle(); // its first look found nothing: it now waits out the poll interval unless woken
      await vi.waitFor(
        async () => {
          const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'");
          if (rows[0].n < 1) throw new Error('LISTEN is not set up yet');
        },
        { timeout: 5000, interval: 20 },
      );
      expect(await receiver.put(delivery(batch))).toBe('stored');
      expect(await receiver.put(delivery([{ ...batch[1], attemptNumber: 1 }], 'retry'))).toBe('duplicate');
      await vi.waitFor(
        async () => {
          const { rows } = await pool.query('SELECT event_id::int, type FROM effects ORDER BY event_id');
          expect(rows).toEqual([
            { event_id: 100, type: 'contact.creation' },
            { event_id: 101, type: 'contact.propertyChange' },
          ]);
        },
        { timeout: 10_000, interval: 50 },
      );
      await vi.waitFor(async () => expect((await store.get('hubspot:101'))?.state).toBe('processed'), { timeout: 5000, interval: 20 });
      expect(transaction).toHaveBeenCalledTimes(2);
      // The PostgreSQL store's own members are there too.
      expect([store.schema, store.table]).toEqual(['hub', 'hubspot_inbox']);
      expect(await store.inspector().stats()).toMatchObject({ pending: 0, leased: 0, deadLetters: 0 });
    } finally {
      await worker?.stop({ timeoutMs: 5000 });
      await Promise.all([store.close(), receiver.close()]);
      await receiverPool.end();
    }
  });
});
