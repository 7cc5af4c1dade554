// `node src/hubspot/hubspot-main.ts`: the HubSpot sync against a real account, once. A private app
// token from HUBSPOT_ACCESS_TOKEN, or OAuth from HUBSPOT_CLIENT_ID / HUBSPOT_CLIENT_SECRET /
// HUBSPOT_REFRESH_TOKEN (tokens kept in data/hubspot-tokens.db, so the rotated refresh token survives).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteTokenStore } from '@connectors/core/sqlite';
import { hubspot, type HubSpotOptions } from '@connectors/hubspot';
import Database from 'better-sqlite3';
import { openHubSpotStore } from './hubspot-store.ts';
import { syncHubSpot } from './hubspot-sync.ts';

const env = process.env;
const databasePath = env['DATABASE_PATH'] ?? 'data/example.db';
mkdirSync(dirname(databasePath), { recursive: true });
let auth: HubSpotOptions;
if (env['HUBSPOT_CLIENT_ID'] && env['HUBSPOT_CLIENT_SECRET'] && env['HUBSPOT_REFRESH_TOKEN']) {
  auth = { oauth: { clientId: env['HUBSPOT_CLIENT_ID'], clientSecret: { env: 'HUBSPOT_CLIENT_SECRET' }, refreshToken: { env: 'HUBSPOT_REFRESH_TOKEN' }, store: sqliteTokenStore({ path: `${dirname(databasePath)}/hubspot-tokens.db`, ...(env['CONNECTORS_TOKEN_KEY'] ? { encryption: { keyEnv: 'CONNECTORS_TOKEN_KEY' } } : {}) }), credentialId: 'hubspot:example' } };
} else if (env['HUBSPOT_ACCESS_TOKEN']) {
  auth = {};
} else {
  console.error('Set HUBSPOT_ACCESS_TOKEN (a private app token with crm.objects.contacts.read and crm.objects.deals.read), or HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN; or run `pnpm demo` to see it against the sandbox.');
  process.exit(1);
}
// HUBSPOT_API_URL points the connector elsewhere (a proxy, the sandbox).
const client = hubspot.create({ ...auth, ...(env['HUBSPOT_API_URL'] ? { baseUrl: env['HUBSPOT_API_URL'] } : {}) });
const { identity } = await client.verifyCredentials();
const { scopes } = await client.account.tokenInfo();
console.log(`HubSpot ${identity}; scopes: ${scopes.join(', ')}`);
const sqlite = new Database(databasePath);
sqlite.pragma('journal_mode = WAL');
const result = await syncHubSpot(client, openHubSpotStore(sqlite), { onPage: (label, rows) => console.log(`${label}: ${rows} rows`) });
console.log(`synced ${result.contacts.records} contacts and ${result.deals.records} deals changed since the last run into ${databasePath}`);
sqlite.close();
await client.http.close();
