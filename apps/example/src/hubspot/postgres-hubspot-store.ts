import { assertIdentifier, migratePostgres } from '@connectors/core/postgres';
import type { SyncState } from '@connectors/hubspot';
import type pg from 'pg';
import { inTransaction, insertRows, type Queryable, selectRows } from '../store/postgres-sql.ts';
import { type ContactRow, contactRow, dealRow, type HubSpotEffect, type PostgresHubSpotStore } from './hubspot-store.ts';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE {schema}.hubspot_contacts (id text PRIMARY KEY, email text, firstname text, lastname text, updated_at text NOT NULL, deleted integer NOT NULL DEFAULT 0);
      CREATE TABLE {schema}.hubspot_deals (id text PRIMARY KEY, dealname text, amount text, dealstage text, updated_at text NOT NULL);
      CREATE TABLE {schema}.hubspot_sync_state (key text PRIMARY KEY, state text NOT NULL);
      CREATE TABLE {schema}.hubspot_applied_events (key text PRIMARY KEY, applied_at bigint NOT NULL);
    `,
  },
];

/** The HubSpot tables in PostgreSQL, in the app's schema (created on first use), every value a parameter. */
export function postgresHubSpotStore(options: { pool: pg.Pool; schema: string }): PostgresHubSpotStore {
  assertIdentifier('postgresHubSpotStore', 'schema', options.schema);
  const { pool } = options;
  const s = `"${options.schema}"`;
  const ready = migratePostgres(pool, { schema: options.schema, component: 'example-hubspot', migrations: MIGRATIONS });
  ready.catch(() => {}); // every method awaits it and reports the failure there
  // One statement per property: the column name is never taken from the payload.
  const setProperty = {
    email: `UPDATE ${s}.hubspot_contacts SET email = $1 WHERE id = $2`,
    firstname: `UPDATE ${s}.hubspot_contacts SET firstname = $1 WHERE id = $2`,
    lastname: `UPDATE ${s}.hubspot_contacts SET lastname = $1 WHERE id = $2`,
  };

  async function applyWebhookIn(db: Queryable, key: string, effect: HubSpotEffect): Promise<boolean> {
    await ready;
    const claimed = await db.query(`INSERT INTO ${s}.hubspot_applied_events (key, applied_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [key, Date.now()]);
    if (claimed.rowCount === 0) return false;
    if (effect.set) await db.query(setProperty[effect.set.property], [effect.set.value, effect.contactId]);
    if (effect.deleted) await db.query(`UPDATE ${s}.hubspot_contacts SET deleted = 1 WHERE id = $1`, [effect.contactId]);
    return true;
  }

  async function count(table: string): Promise<number> {
    await ready;
    const [row] = await selectRows<{ n: number }>(pool, `SELECT count(*)::integer AS n FROM ${s}.${table}`);
    return row?.n ?? 0;
  }

  return {
    syncState: {
      async get(key) {
        await ready;
        const [row] = await selectRows<{ state: string }>(pool, `SELECT state FROM ${s}.hubspot_sync_state WHERE key = $1`, [key]);
        return row ? (JSON.parse(row.state) as SyncState) : undefined;
      },
      async set(key, state) {
        await ready;
        await pool.query(`INSERT INTO ${s}.hubspot_sync_state (key, state) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET state = excluded.state`, [key, JSON.stringify(state)]);
      },
    },
    async upsertContacts(rows) {
      await ready;
      await inTransaction(pool, (client) => insertRows(client, `${s}.hubspot_contacts`, ['id', 'email', 'firstname', 'lastname', 'updated_at'], rows.map(contactRow),
        'ON CONFLICT (id) DO UPDATE SET email = excluded.email, firstname = excluded.firstname, lastname = excluded.lastname, updated_at = excluded.updated_at', (row) => row.id));
    },
    async upsertDeals(rows) {
      await ready;
      await inTransaction(pool, (client) => insertRows(client, `${s}.hubspot_deals`, ['id', 'dealname', 'amount', 'dealstage', 'updated_at'], rows.map(dealRow),
        'ON CONFLICT (id) DO UPDATE SET dealname = excluded.dealname, amount = excluded.amount, dealstage = excluded.dealstage, updated_at = excluded.updated_at', (row) => row.id));
    },
    async applyWebhook(key, effect) {
      await ready;
      return inTransaction(pool, (client) => applyWebhookIn(client, key, effect));
    },
    applyWebhookIn,
    counts: async () => ({ contacts: await count('hubspot_contacts'), deals: await count('hubspot_deals'), appliedEvents: await count('hubspot_applied_events') }),
    async contact(id) {
      await ready;
      const [row] = await selectRows<ContactRow>(pool, `SELECT * FROM ${s}.hubspot_contacts WHERE id = $1`, [id]);
      return row;
    },
    async close() {
      await ready.catch(() => {});
    },
  };
}
