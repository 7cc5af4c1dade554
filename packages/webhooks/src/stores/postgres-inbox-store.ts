import { createHash, randomBytes } from 'node:crypto';
import { assertIdentifier, migratePostgres, type PostgresConnectionOptions, resolvePostgres } from '@connectors/core/postgres';
import type pg from 'pg';
import { InboxStoreError } from '../errors/inbox-store-error.ts';
import {
  eventKey,
  matchesDeadLetterFilter,
  splitEventKey,
  toEpochMs,
  type DeadLetterFilter,
  type InboxStats,
  type LeasedInboxEvent,
  type NewInboxEvent,
  type PutOutcome,
  type StoredInboxEvent,
} from './inbox-store.ts';
import { type InboxInspector, inspectedEvent } from './inbox-inspector.ts';
import { COLUMNS, migrations, type Row, toEvent } from './postgres-inbox-schema.ts';
import { postgresNotifyListener } from './postgres-notify-listener.ts';
import type { TransactionalInboxStore, TransactionOutcome } from './transactional-inbox-store.ts';

/** Options of the PostgreSQL inbox store. */
export interface PostgresInboxStoreOptions extends PostgresConnectionOptions {
  /** Table name in the schema. Default `webhook_inbox`. */
  table?: string;
  /** Most puts committed in one INSERT (group commit). Default 512. */
  maxBatch?: number;
  /**
   * Most body bytes in one INSERT: a batch closes early rather than pass it (a batch always takes at least
   * one put). Default 16 MiB. PostgreSQL refuses a message over 1 GB, so 512 large deliveries in one
   * INSERT would fail all of them.
   */
  maxBatchBytes?: number;
  /**
   * Batches in flight at once, each on its own connection. Default 2: puts that arrive while both are
   * in flight wait and go together in the next, so fewer, larger commits carry the same load, each
   * commit costing PostgreSQL some 55-60 µs of CPU besides its rows. On 2 cores, 2 in flight sustained
   * more requests than 4 in 18 of 20 alternating rounds (bench/postgres-inbox-batches.bench.ts). More may pay
   * where the round trip to the server is long and it has cores to spare.
   */
  maxConcurrentBatches?: number;
}

/** The PostgreSQL store; its transactions hand the handler a `pg` client inside the transaction. */
export interface PostgresInboxStore extends TransactionalInboxStore<pg.PoolClient> {
  readonly schema: string;
  readonly table: string;
  /** Resolves once the tables exist (every method waits for it anyway); rejects when the migration failed. */
  ready(): Promise<void>;
  /** A read-only view on the same pool (plain SELECTs, no LISTEN), reporting leases past their time as expired. */
  inspector(): InboxInspector;
}

interface PendingPut {
  event: NewInboxEvent;
  resolve: (outcome: PutOutcome) => void;
  reject: (error: unknown) => void;
}

const PURGE_EVERY_MS = 60_000;

/**
 * An inbox store on PostgreSQL for apps that already run it:
 * - `put` resolves after the INSERT committed (PostgreSQL flushed its WAL), so the inbox answers 2xx
 *   only for durable events; puts that arrive together share one INSERT and one commit (group commit);
 * - deduplication by a unique key on (source, id), kept for the retention after processing;
 * - workers lease with `FOR UPDATE SKIP LOCKED`, so many workers in many processes never block each
 *   other nor take the same event;
 * - a trigger NOTIFYs a channel when an event becomes ready; `watch()` LISTENs, so idle workers
 *   wake up at once instead of polling;
 * - `transaction()` runs a handler's writes and the processed mark in one transaction (exactly-once effects).
 */
export function postgresInboxStore(options: PostgresInboxStoreOptions): PostgresInboxStore {
  const factory = 'postgresInboxStore';
  const table = options.table ?? 'webhook_inbox';
  assertIdentifier(factory, 'table', table);
  const maxBatch = options.maxBatch ?? 512;
  const maxConcurrent = options.maxConcurrentBatches ?? 2;
  const maxBatchBytes = options.maxBatchBytes ?? 16 * 1024 * 1024;
  for (const [name, value] of [['maxBatch', maxBatch], ['maxConcurrentBatches', maxConcurrent], ['maxBatchBytes', maxBatchBytes]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`${factory}: ${name} must be a whole number >= 1; got ${String(value)}.`);
  }
  const { pool, owned, schema, quotedSchema } = resolvePostgres(factory, options);
  const t = `${quotedSchema}."${table}"`;
  const channel = `connectors_inbox_${schema}_${table}`.slice(0, 63);
  const ready = migratePostgres(pool, {
    schema,
    component: `inbox:${table}`,
    migrations: migrations(table, channel),
  });
  ready.catch(() => {});

  let closed = false;
  let queue: PendingPut[] = [];
  let inFlight = 0;
  let scheduled = false;
  let lastPurge = 0;
  const flushes = new Set<Promise<void>>();
  const listener = postgresNotifyListener(pool, channel, ready);

  function storeError(operation: string, cause: unknown): InboxStoreError {
    if (cause instanceof InboxStoreError) return cause;
    return new InboxStoreError(`PostgreSQL inbox ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { store: 'postgres', operation, cause });
  }

  async function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (closed) throw new InboxStoreError('The PostgreSQL inbox store is closed.', { store: 'postgres', operation });
    try {
      await ready;
      return await work();
    } catch (cause) {
      throw storeError(operation, cause);
    }
  }

  /** How many puts at the head of the queue the next INSERT takes: up to maxBatch and maxBatchBytes, at least one. */
  function batchLength(): number {
    let bytes = queue[0]!.event.body.byteLength;
    let n = 1;
    while (n < queue.length && n < maxBatch) {
      bytes += queue[n]!.event.body.byteLength;
      if (bytes > maxBatchBytes) break;
      n++;
    }
    return n;
  }

  function schedule(): void {
    if (scheduled || queue.length === 0 || inFlight >= maxConcurrent) return;
    scheduled = true;
    // Puts of the same event-loop turn (and those arriving while every connection is busy) share one INSERT.
    setImmediate(() => {
      scheduled = false;
      while (queue.length > 0 && inFlight < maxConcurrent) {
        const batch = queue.splice(0, batchLength());
        inFlight++;
        const flush = insertBatch(batch).finally(() => {
          inFlight--;
          flushes.delete(flush);
          schedule();
        });
        flushes.add(flush);
      }
    });
  }

  // One statement text for every batch size, prepared once per connection (a VALUES list of N rows was
  // a new text for each N: PostgreSQL parsed and planned every group commit). The bodies travel as one
  // binary parameter, cut back into rows by offset and length; per-row text and numbers go as arrays.
  const insertName = `connectors_inbox_put_${createHash('sha256').update(t).digest('hex').slice(0, 16)}`;
  const insertText = `INSERT INTO ${t} (source, event_id, type, event_ts, received_at, headers, body, state, due_at)
     SELECT u.source, u.event_id, u.type, u.event_ts, u.received_at, u.headers, substring($8::bytea FROM u.off FOR u.len), 'pending', u.received_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::int[], $9::int[])
       WITH ORDINALITY AS u(source, event_id, type, event_ts, received_at, headers, off, len, n)
     ORDER BY u.n
     ON CONFLICT (source, event_id) DO NOTHING RETURNING source, event_id`;

  async function insertBatch(batch: PendingPut[]): Promise<void> {
    try {
      await ready;
      const n = batch.length;
      const sources: string[] = new Array(n);
      const ids: string[] = new Array(n);
      const types: (string | null)[] = new Array(n);
      const timestamps: (number | null)[] = new Array(n);
      const received: number[] = new Array(n);
      const headers: string[] = new Array(n);
      const offsets: number[] = new Array(n);
      const lengths: number[] = new Array(n);
      const bodies: Uint8Array[] = new Array(n);
      let size = 0;
      for (let i = 0; i < n; i++) {
        const { event } = batch[i]!;
        sources[i] = event.source;
        ids[i] = event.id;
        types[i] = event.type ?? null;
        timestamps[i] = event.timestamp ?? null;
        received[i] = event.receivedAt;
        headers[i] = JSON.stringify(event.headers);
        bodies[i] = event.body;
        offsets[i] = size + 1; // substring() counts from 1
        lengths[i] = event.body.byteLength;
        size += event.body.byteLength;
      }
      // One statement, so one implicit transaction: it resolves only after PostgreSQL committed (and flushed) it.
      const { rows } = await pool.query<{ source: string; event_id: string }>({
        name: insertName,
        text: insertText,
        values: [sources, ids, types, timestamps, received, headers, offsets, Buffer.concat(bodies, size), lengths],
      });
      const stored = new Set(rows.map((row) => eventKey(row.source, row.event_id)));
      for (const put of batch) {
        const key = eventKey(put.event.source, put.event.id);
        // The first of several identical puts in one batch is the one that was stored.
        put.resolve(stored.delete(key) ? 'stored' : 'duplicate');
      }
    } catch (cause) {
      const error = storeError('put', cause);
      for (const put of batch) put.reject(error);
    }
  }

  async function update(operation: string, sql: string, key: string, params: unknown[]): Promise<boolean> {
    const parts = splitEventKey(key);
    if (!parts) return false;
    return run(operation, async () => ((await pool.query(sql, [parts.source, parts.id, ...params])).rowCount ?? 0) === 1);
  }

  function deadFilterSql(filter: DeadLetterFilter): { where: string; params: unknown[] } {
    const clauses = [`state = 'dead'`];
    const params: unknown[] = [];
    const add = (clause: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      clauses.push(clause(`$${params.length}`));
    };
    if (filter.source !== undefined) add((p) => `source = ${p}`, filter.source);
    if (filter.type !== undefined) add((p) => `type = ${p}`, filter.type);
    const since = toEpochMs(filter.since);
    const until = toEpochMs(filter.until);
    if (since !== undefined) add((p) => `changed_at >= ${p}`, since);
    if (until !== undefined) add((p) => `changed_at < ${p}`, until);
    if (filter.keys !== undefined) {
      const pairs = filter.keys.map(splitEventKey).filter((p) => p !== undefined);
      add((p) => `(source, event_id) IN (SELECT * FROM unnest(${p}::text[], $${params.length + 1}::text[]))`, pairs.map((pair) => pair.source));
      params.push(pairs.map((pair) => pair.id));
    }
    const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    return { where: `${clauses.join(' AND ')} ORDER BY changed_at, seq${limit}`, params };
  }

  const store: PostgresInboxStore = {
    schema,
    table,
    ready: () => ready,

    put(event) {
      if (closed) return Promise.reject(new InboxStoreError('The PostgreSQL inbox store is closed.', { store: 'postgres', operation: 'put' }));
      return new Promise<PutOutcome>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        schedule();
      });
    },

    lease({ limit, leaseMs, now }) {
      return run('lease', async () => {
        if (now - lastPurge >= PURGE_EVERY_MS) {
          lastPurge = now;
          // Retention: processed and discarded keys past their time stop marking redeliveries as duplicates.
          await pool.query(`DELETE FROM ${t} WHERE seq IN (SELECT seq FROM ${t} WHERE state IN ('processed', 'discarded') AND due_at <= $1 LIMIT 5000)`, [now]);
        }
        const leaseUntil = now + leaseMs;
        const token = `${now.toString(36)}-${randomBytes(6).toString('hex')}`;
        // SKIP LOCKED: rows another worker is leasing right now (or holds in a transactional handler) are passed over, never waited for.
        const { rows } = await pool.query<Row & { old_due: string }>(
          `WITH picked AS (
             SELECT seq, due_at AS old_due FROM ${t} WHERE state IN ('pending', 'leased') AND due_at <= $1
             ORDER BY due_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED)
           UPDATE ${t} AS e SET state = 'leased', attempts = e.attempts + 1, due_at = $3, lease_token = $4 || '.' || e.seq
           FROM picked WHERE e.seq = picked.seq
           RETURNING ${COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')}, picked.old_due`,
          [now, limit, leaseUntil, token],
        );
        rows.sort((a, b) => Number(a.old_due) - Number(b.old_due) || Number(a.seq) - Number(b.seq));
        return rows.map((row): LeasedInboxEvent => ({ ...toEvent(row), leaseToken: row.lease_token!, leaseUntil }));
      });
    },

    renewLease(key, leaseToken, leaseUntil) {
      return update('renewLease', `UPDATE ${t} SET due_at = $4 WHERE source = $1 AND event_id = $2 AND state = 'leased' AND lease_token = $3`, key, [leaseToken, leaseUntil]);
    },

    markProcessed(key, leaseToken, { now, retainMs }) {
      return update(
        'markProcessed',
        `UPDATE ${t} SET state = 'processed', body = '\\x', lease_token = NULL, due_at = $5, changed_at = $4 WHERE source = $1 AND event_id = $2 AND state = 'leased' AND lease_token = $3`,
        key,
        [leaseToken, now, now + retainMs],
      );
    },

    scheduleRetry(key, leaseToken, { retryAt, error }) {
      return update(
        'scheduleRetry',
        `UPDATE ${t} SET state = 'pending', due_at = $4, lease_token = NULL, last_error = $5 WHERE source = $1 AND event_id = $2 AND state = 'leased' AND lease_token = $3`,
        key,
        [leaseToken, retryAt, error],
      );
    },

    deadLetter(key, leaseToken, { now, error }) {
      return update(
        'deadLetter',
        `UPDATE ${t} SET state = 'dead', due_at = $4, changed_at = $4, lease_token = NULL, last_error = $5 WHERE source = $1 AND event_id = $2 AND state = 'leased' AND lease_token = $3`,
        key,
        [leaseToken, now, error],
      );
    },

    get(key) {
      const parts = splitEventKey(key);
      if (!parts) return Promise.resolve(undefined);
      return run('get', async () => {
        const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM ${t} WHERE source = $1 AND event_id = $2`, [parts.source, parts.id]);
        return rows[0] ? toEvent(rows[0]) : undefined;
      });
    },

    listDeadLetters(filter = {}) {
      return run('listDeadLetters', async () => {
        const { where, params } = deadFilterSql(filter);
        const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM ${t} WHERE ${where}`, params);
        return rows.map(toEvent).filter((event) => matchesDeadLetterFilter(event, filter));
      });
    },

    replayDeadLetters(filter, { now }) {
      return run('replayDeadLetters', async () => {
        const { where, params } = deadFilterSql(filter);
        const n = params.length;
        const result = await pool.query(
          `UPDATE ${t} SET state = 'pending', attempts = 0, due_at = $${n + 1} WHERE seq IN (SELECT seq FROM ${t} WHERE ${where} FOR UPDATE) AND state = 'dead'`,
          [...params, now],
        );
        return result.rowCount ?? 0;
      });
    },

    discardDeadLetters(filter, { now, retainMs }) {
      return run('discardDeadLetters', async () => {
        const { where, params } = deadFilterSql(filter);
        const n = params.length;
        const result = await pool.query(
          `UPDATE ${t} SET state = 'discarded', body = '\\x', due_at = $${n + 2}, changed_at = $${n + 1} WHERE seq IN (SELECT seq FROM ${t} WHERE ${where} FOR UPDATE) AND state = 'dead'`,
          [...params, now, now + retainMs],
        );
        return result.rowCount ?? 0;
      });
    },

    stats() {
      return run('stats', async () => {
        const { rows } = await pool.query<{ pending: string; leased: string; dead: string }>(
          `SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'leased') AS leased, count(*) FILTER (WHERE state = 'dead') AS dead
           FROM ${t} WHERE state IN ('pending', 'leased', 'dead')`,
        );
        const row = rows[0]!;
        return { pending: Number(row.pending), leased: Number(row.leased), deadLetters: Number(row.dead) } satisfies InboxStats;
      });
    },

    inspector() {
      return {
        get: async (key, { now = Date.now() } = {}) => {
          const event = await store.get(key);
          return event && inspectedEvent(event, now);
        },
        listDeadLetters: (filter) => store.listDeadLetters(filter),
        stats: ({ now = Date.now() } = {}) =>
          run('stats', async () => {
            const { rows } = await pool.query<{ pending: string; leased: string; expired: string; dead: string }>(
              `SELECT count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'leased' AND due_at > $1) AS leased,
                      count(*) FILTER (WHERE state = 'leased' AND due_at <= $1) AS expired, count(*) FILTER (WHERE state = 'dead') AS dead
               FROM ${t} WHERE state IN ('pending', 'leased', 'dead')`,
              [now],
            );
            const row = rows[0]!;
            return { pending: Number(row.pending), leased: Number(row.leased), expiredLeases: Number(row.expired), deadLetters: Number(row.dead) };
          }),
        close: async () => {},
      };
    },

    watch(onReady) {
      return closed ? () => {} : listener.add(onReady);
    },

    async transaction<T>(key: string, leaseToken: string, options: { now: () => number; retainMs: number }, work: (client: pg.PoolClient) => Promise<T> | T): Promise<TransactionOutcome<T>> {
      const parts = splitEventKey(key);
      if (!parts) return { kind: 'lease-lost' };
      const client = await run('transaction', () => pool.connect());
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        // Locks the event's row for the whole transaction: leases taken meanwhile skip it (SKIP LOCKED),
        // so even after our lease time ran out nobody runs it beside us. Not ours any more: nothing runs.
        const held = await client.query(`SELECT seq FROM ${t} WHERE source = $1 AND event_id = $2 AND state = 'leased' AND lease_token = $3 FOR UPDATE`, [parts.source, parts.id, leaseToken]);
        if (held.rowCount !== 1) {
          await client.query('ROLLBACK');
          return { kind: 'lease-lost' };
        }
        let value: T;
        try {
          value = await work(client);
        } catch (error) {
          await client.query('ROLLBACK').catch((cause: Error) => (broken = cause));
          return { kind: 'failed', error };
        }
        const now = options.now();
        await client.query(
          `UPDATE ${t} SET state = 'processed', body = '\\x', lease_token = NULL, due_at = $4, changed_at = $3 WHERE seq = $1 AND lease_token = $2`,
          [held.rows[0].seq, leaseToken, now, now + options.retainMs],
        );
        await client.query('COMMIT');
        return { kind: 'committed', value };
      } catch (cause) {
        broken = cause instanceof Error ? cause : new Error(String(cause));
        await client.query('ROLLBACK').catch(() => {});
        throw storeError('transaction', cause);
      } finally {
        client.release(broken ?? undefined);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      schedule();
      while (flushes.size > 0 || queue.length > 0) {
        if (flushes.size > 0) await Promise.allSettled([...flushes]);
        else await new Promise((resolve) => setImmediate(resolve));
      }
      await listener.close();
      await ready.catch(() => {});
      if (owned) await pool.end();
    },
  };
  return store;
}
