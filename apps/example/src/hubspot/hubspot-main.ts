// `node src/hubspot/hubspot-main.ts`: the HubSpot sync against a real account, once. A private app
// token from HUBSPOT_ACCESS_TOKEN, or OAuth from HUBSPOT_CLIENT_ID / HUBSPOT_CLIENT_SECRET /
// HUBSPOT_REFRESH_TOKEN (tokens kept in data/hubspot-tokens.db, so the rotated refresh token survives).
// With DATABASE_URL, the rows, the sync state and the tokens go to PostgreSQL instead, like the app's.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { hubspot, type HubSpotOptions } from '@connectors/hubspot';
import { openBackend } from '../store/backend.ts';
import { openHubSpotData } from './open-hubspot-data.ts';
import { syncHubSpot } from './hubspot-sync.ts';

const env = process.env;
const databasePath = env['DATABASE_PATH'] ?? 'data/example.db';
const databaseUrl = env['DATABASE_URL'];
if (!databaseUrl) mkdirSync(dirname(databasePath), { recursive: true });
const backend = openBackend({ databasePath, ...(databaseUrl ? { databaseUrl } : {}) });
const encryption = env['CONNECTORS_TOKEN_KEY'] ? { keyEnv: 'CONNECTORS_TOKEN_KEY' } : undefined;
let auth: HubSpotOptions;
if (env['HUBSPOT_CLIENT_ID'] && env['HUBSPOT_CLIENT_SECRET'] && env['HUBSPOT_REFRESH_TOKEN']) {
  const store = backend.kind === 'sqlite' ? backend.tokenStore(encryption, { file: 'hubspot-tokens.db' }) : backend.tokenStore(encryption);
  auth = { oauth: { clientId: env['HUBSPOT_CLIENT_ID'], clientSecret: { env: 'HUBSPOT_CLIENT_SECRET' }, refreshToken: { env: 'HUBSPOT_REFRESH_TOKEN' }, store, credentialId: 'hubspot:example' } };
} else if (env['HUBSPOT_ACCESS_TOKEN']) {
  auth = {};
} else {
  console.error('Set HUBSPOT_ACCESS_TOKEN (a private app token with crm.objects.contacts.read and crm.objects.deals.read), or HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN; or run `pnpm demo` to see it against the sandbox.');
  await backend.close();
  process.exit(1);
}
// HUBSPOT_API_URL points the connector elsewhere (a proxy, the sandbox).
const client = hubspot.create({ ...auth, ...(env['HUBSPOT_API_URL'] ? { baseUrl: env['HUBSPOT_API_URL'] } : {}) });
const { identity } = await client.verifyCredentials();
const { scopes } = await client.account.tokenInfo();
console.log(`HubSpot ${identity}; scopes: ${scopes.join(', ')}`);
const { store } = openHubSpotData(backend);
const result = await syncHubSpot(client, store, { onPage: (label, rows) => console.log(`${label}: ${rows} rows`) });
console.log(`synced ${result.contacts.records} contacts and ${result.deals.records} deals changed since the last run into ${backend.kind === 'sqlite' ? databasePath : `PostgreSQL (schema ${backend.appSchema})`}`);
await client.http.close();
await store.close();
await backend.close();
