// A worker process on a SQLite inbox file, for the crash test. Its handler applies an effect that is
// idempotent by event key (a row keyed by it in a table of its own) and records every run.
// Mode `hang-after-effect`: for the event `victim`, the effect is applied, then the handler never
// returns, so the parent can SIGKILL the process between the effect and the acknowledgement.
import Database from 'better-sqlite3';
import { sqliteInboxStore } from '../../stores/sqlite-inbox-store.ts';
import { createWebhookWorker } from '../create-webhook-worker.ts';

const [dbPath, mode] = process.argv.slice(2);
if (!dbPath) throw new Error('usage: sqlite-worker-process.ts <db> [hang-after-effect]');

const store = sqliteInboxStore({ path: dbPath });
const effects = new Database(dbPath, { timeout: 5000 });
effects.exec('CREATE TABLE IF NOT EXISTS effects (event_key TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
effects.exec('CREATE TABLE IF NOT EXISTS runs (event_key TEXT NOT NULL, pid INTEGER NOT NULL, attempt INTEGER NOT NULL)');
const applyEffect = effects.prepare('INSERT INTO effects (event_key, applied_at) VALUES (?, ?) ON CONFLICT (event_key) DO NOTHING');
const recordRun = effects.prepare('INSERT INTO runs (event_key, pid, attempt) VALUES (?, ?, ?)');

const worker = createWebhookWorker({
  store,
  leaseMs: 300,
  pollIntervalMs: 20,
  handlers: {
    github: async (event, { idempotencyKey, attempt }) => {
      recordRun.run(idempotencyKey, process.pid, attempt);
      applyEffect.run(idempotencyKey, Date.now());
      if (mode === 'hang-after-effect' && event.id === 'victim') {
        process.stdout.write('effect-applied\n');
        await new Promise(() => {});
      }
    },
  },
});
worker.start();
process.on('SIGTERM', () => {
  void worker.stop().then(async () => {
    await store.close();
    effects.close();
    process.exit(0);
  });
});
process.stdout.write('ready\n');
