// A worker process on a PostgreSQL inbox, for the crash test. Every handler run is recorded outside
// any transaction (table `runs`); the effect (a row in `effects`, deliberately without a unique key,
// so a second application would show) is written through the inbox's transaction in mode
// `transactional`, or straight to the database in mode `plain`. Handlers hold the event ~15 ms so a
// SIGKILL lands in the middle of some of them.
import pg from 'pg';
import { postgresInboxStore } from '../../stores/postgres-inbox-store.ts';
import { createTransactionalWebhookWorker } from '../create-transactional-webhook-worker.ts';
import { createWebhookWorker, type WebhookWorker } from '../create-webhook-worker.ts';

const [url, schema, mode] = process.argv.slice(2) as [string, string, 'transactional' | 'plain'];
const pool = new pg.Pool({ connectionString: url, max: 12 });
const store = postgresInboxStore({ pool, schema });
await store.ready();
const pause = () => new Promise((resolve) => setTimeout(resolve, 15));
const options = { store, concurrency: 8, leaseMs: 1000, pollIntervalMs: 50 };

const worker: WebhookWorker =
  mode === 'transactional'
    ? createTransactionalWebhookWorker<pg.PoolClient>({
        ...options,
        handlers: {
          github: async (event, { tx, attempt }) => {
            await pool.query(`INSERT INTO "${schema}".runs (event_key, pid, attempt) VALUES ($1, $2, $3)`, [event.key, process.pid, attempt]);
            await tx.query(`INSERT INTO "${schema}".effects (event_key, pid) VALUES ($1, $2)`, [event.key, process.pid]);
            await pause();
          },
        },
      })
    : createWebhookWorker({
        ...options,
        handlers: {
          github: async (event, { attempt }) => {
            await pool.query(`INSERT INTO "${schema}".runs (event_key, pid, attempt) VALUES ($1, $2, $3)`, [event.key, process.pid, attempt]);
            await pool.query(`INSERT INTO "${schema}".effects (event_key, pid) VALUES ($1, $2)`, [event.key, process.pid]);
            await pause();
          },
        },
      });
worker.start();
process.on('SIGTERM', () => {
  void worker.stop().then(async () => {
    await store.close();
    await pool.end();
    process.exit(0);
  });
});
process.stdout.write('ready\n');
