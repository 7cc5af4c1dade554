// A process sharing a PostgreSQL token store, for the kill-mid-refresh test: it makes one call that
// needs a refresh and reports `calling` over IPC; the test kills it while the token endpoint holds the refresh.
import { createHttpClient } from '../../http/create-http-client.ts';
import { oauth2Auth } from '../oauth2-auth.ts';
import { postgresTokenStore } from '../postgres-token-store.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as { url: string; schema: string; tokenUrl: string; apiOrigin: string; clientId: string; lockTtlMs: number };
const store = postgresTokenStore({ connectionString: config.url, schema: config.schema });
await store.ready();
const client = createHttpClient({
  connector: 'acme',
  baseUrl: config.apiOrigin,
  retry: { maxAttempts: 1 },
  auth: oauth2Auth({
    tokenUrl: config.tokenUrl, clientId: config.clientId, clientSecret: { env: 'WORKER_CLIENT_SECRET' }, grant: 'refresh_token',
    store, credentialId: 'user-42', lockTtlMs: config.lockTtlMs, timeoutMs: 60_000, lockPollMs: 20,
  }),
});
process.send!({ type: 'calling' });
await client.request({ path: '/api/me' }).catch(() => undefined);
