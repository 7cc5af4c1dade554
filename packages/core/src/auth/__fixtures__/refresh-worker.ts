// A separate process sharing a Redis token store, driven by the cross-process tests over IPC.
// Run with the same Node as the tests (type stripping), e.g. child_process.fork(thisFile, [json]).
import { Redis } from 'ioredis';
import { createHttpClient } from '../../http/create-http-client.ts';
import type { ConnectorEvent } from '../../http/events.ts';
import { oauth2Auth } from '../oauth2-auth.ts';
import { redisTokenStore } from '../redis-token-store.ts';

interface WorkerConfig {
  prefix: string;
  tokenUrl: string;
  apiOrigin: string;
  clientId: string;
  credentialId: string;
  lockTtlMs: number;
  timeoutMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
const events: ConnectorEvent[] = [];
const client = createHttpClient({
  connector: 'acme',
  baseUrl: config.apiOrigin,
  onEvent: (event) => void events.push(event),
  retry: { maxAttempts: 1 },
  auth: oauth2Auth({
    tokenUrl: config.tokenUrl,
    clientId: config.clientId,
    clientSecret: { env: 'WORKER_CLIENT_SECRET' },
    grant: 'refresh_token',
    store: redisTokenStore({ redis, prefix: config.prefix }),
    credentialId: config.credentialId,
    lockTtlMs: config.lockTtlMs,
    timeoutMs: config.timeoutMs,
    lockPollMs: 20,
  }),
});

process.on('message', async (message: { type: 'go'; calls: number }) => {
  if (message.type !== 'go') return;
  const outcomes = await Promise.allSettled(Array.from({ length: message.calls }, () => client.request({ path: '/api/me' })));
  const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [JSON.stringify(o.reason)] : []));
  process.send!({ type: 'done', ok: outcomes.length - errors.length, errors, events });
  await redis.quit();
  process.disconnect();
});

await redis.ping();
process.send!({ type: 'ready' });
