// A separate process that takes a credential's refresh lock in a PostgreSQL token store and then
// hangs, so a test can SIGKILL it while it holds the lock. Reports `locked` over IPC.
import { postgresTokenStore } from '../postgres-token-store.ts';

const { url, schema, credentialId, ttlMs } = JSON.parse(process.argv[2] ?? '{}') as { url: string; schema: string; credentialId: string; ttlMs: number };
const store = postgresTokenStore({ connectionString: url, schema });
const lock = await store.tryLock(credentialId, ttlMs);
process.send!({ type: lock ? 'locked' : 'busy' });
setInterval(() => {}, 60_000);
