// A worker process on a shared Redis inbox, for the two-worker test. Every run is recorded as
// `key|pid` in a list under the same prefix, so the parent can check each event ran exactly once.
import { Redis } from 'ioredis';
import { redisInboxStore } from '../../stores/redis-inbox-store.ts';
import { createWebhookWorker } from '../create-webhook-worker.ts';

const [redisUrl, prefix] = process.argv.slice(2);
if (!redisUrl || !prefix) throw new Error('usage: redis-worker-process.ts <redis url> <prefix>');

const redis = new Redis(redisUrl);
const store = redisInboxStore({ redis, prefix });
const runs = `${store.keyPrefix}:test-runs`;

const worker = createWebhookWorker({
  store,
  concurrency: 2,
  leaseMs: 5000,
  pollIntervalMs: 10,
  handlers: {
    github: async (_event, { idempotencyKey }) => {
      await redis.rpush(runs, `${idempotencyKey}|${process.pid}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  },
});
worker.start();
process.on('SIGTERM', () => {
  void worker.stop().then(async () => {
    await redis.quit();
    process.exit(0);
  });
});
process.stdout.write('ready\n');
