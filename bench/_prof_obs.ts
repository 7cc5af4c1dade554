import { createHttpClient } from '@connectors/core';
import * as v from 'valibot';
import { closedLoop, startServer } from './lib.ts';
const server = await startServer('json-server');
const schema = v.object({ data: v.array(v.object({ id: v.number(), login: v.string(), name: v.string(), active: v.boolean(), score: v.number(), tags: v.array(v.string()) })), total: v.number() });
const client = createHttpClient({ connector: 'bench', baseUrl: server.url });
if (process.argv[2] === 'obs') { const { setupEverything } = await import('./observability-setup.ts'); await setupEverything(client); }
const rate = await closedLoop(() => client.request({ path: '/users', schema, operation: 'users.list' }), 32, 6000);
console.log('rate', Math.round(rate));
server.stop(); process.exit(0);
