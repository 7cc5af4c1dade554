import type { Contact, Deal, SyncState } from '@connectors/hubspot';
import Database from 'better-sqlite3';
import { CONTACT_PROPERTIES, type ContactProperty, type ContactRow, contactRow, dealRow, type HubSpotEffect, type HubSpotStore } from './hubspot-store.ts';

/** The HubSpot tables in a SQLite file (the app's database). */
export function sqliteHubSpotStore(path: string): HubSpotStore {
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.exec(`
    CREATE TABLE IF NOT EXISTS hubspot_contacts (id TEXT PRIMARY KEY, email TEXT, firstname TEXT, lastname TEXT, updated_at TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS hubspot_deals (id TEXT PRIMARY KEY, dealname TEXT, amount TEXT, dealstage TEXT, updated_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS hubspot_sync_state (key TEXT PRIMARY KEY, state TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS hubspot_applied_events (key TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);
  `);
  const upsertContact = sqlite.prepare(`INSERT INTO hubspot_contacts (id, email, firstname, lastname, updated_at) VALUES (@id, @email, @firstname, @lastname, @updated_at)
    ON CONFLICT(id) DO UPDATE SET email = excluded.email, firstname = excluded.firstname, lastname = excluded.lastname, updated_at = excluded.updated_at`);
  const upsertDeal = sqlite.prepare(`INSERT INTO hubspot_deals (id, dealname, amount, dealstage, updated_at) VALUES (@id, @dealname, @amount, @dealstage, @updated_at)
    ON CONFLICT(id) DO UPDATE SET dealname = excluded.dealname, amount = excluded.amount, dealstage = excluded.dealstage, updated_at = excluded.updated_at`);
  const getState = sqlite.prepare<[string], { state: string }>('SELECT state FROM hubspot_sync_state WHERE key = ?');
  const setState = sqlite.prepare('INSERT INTO hubspot_sync_state (key, state) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state');
  const markApplied = sqlite.prepare('INSERT OR IGNORE INTO hubspot_applied_events (key, applied_at) VALUES (?, ?)');
  // One statement per property: the column name is never taken from the payload.
  const setProperty = Object.fromEntries(CONTACT_PROPERTIES.map((p) => [p, sqlite.prepare(`UPDATE hubspot_contacts SET ${p} = ? WHERE id = ?`)])) as Record<ContactProperty, Database.Statement>;
  const markDeleted = sqlite.prepare('UPDATE hubspot_contacts SET deleted = 1 WHERE id = ?');
  const contacts = sqlite.transaction((rows: readonly Contact[]) => {
    for (const c of rows) upsertContact.run(contactRow(c));
  });
  const deals = sqlite.transaction((rows: readonly Deal[]) => {
    for (const d of rows) upsertDeal.run(dealRow(d));
  });
  const apply = sqlite.transaction((key: string, effect: HubSpotEffect): boolean => {
    if (markApplied.run(key, Date.now()).changes === 0) return false;
    if (effect.set) setProperty[effect.set.property].run(effect.set.value, effect.contactId);
    if (effect.deleted) markDeleted.run(effect.contactId);
    return true;
  });
  const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    syncState: {
      get: (key) => {
        const row = getState.get(key);
        return row ? (JSON.parse(row.state) as SyncState) : undefined;
      },
      set: (key, state) => void setState.run(key, JSON.stringify(state)),
    },
    upsertContacts: async (rows) => contacts(rows),
    upsertDeals: async (rows) => deals(rows),
    applyWebhook: async (key, effect) => apply(key, effect),
    counts: async () => ({ contacts: count('hubspot_contacts'), deals: count('hubspot_deals'), appliedEvents: count('hubspot_applied_events') }),
    contact: async (id) => sqlite.prepare<[string], ContactRow>('SELECT * FROM hubspot_contacts WHERE id = ?').get(id),
    async close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
