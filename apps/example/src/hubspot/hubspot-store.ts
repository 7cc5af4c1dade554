import type { Contact, Deal, SyncState, SyncStateStore } from '@connectors/hubspot';
import type Database from 'better-sqlite3';

/**
 * The HubSpot tables of the example app: contacts and deals as synced, the sync state of each object
 * type, and the webhook events applied (keyed by the inbox's idempotency key, so each is applied once).
 */
export interface HubSpotStore {
  readonly sqlite: Database.Database;
  /** Sync state kept in SQLite: the sync helper's checkpoint survives restarts. */
  readonly syncState: SyncStateStore;
  upsertContacts(contacts: readonly Contact[]): void;
  upsertDeals(deals: readonly Deal[]): void;
  /** Applies a webhook event's effect once; false when the key was applied before. */
  applyEvent(key: string, effect: () => void): boolean;
  count(table: 'hubspot_contacts' | 'hubspot_deals' | 'hubspot_applied_events'): number;
  contact(id: string): { id: string; email: string | null; firstname: string | null; lastname: string | null; updated_at: string; deleted: number } | undefined;
}

export function openHubSpotStore(sqlite: Database.Database): HubSpotStore {
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
  const getState = sqlite.prepare('SELECT state FROM hubspot_sync_state WHERE key = ?');
  const setState = sqlite.prepare('INSERT INTO hubspot_sync_state (key, state) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state');
  const markApplied = sqlite.prepare('INSERT OR IGNORE INTO hubspot_applied_events (key, applied_at) VALUES (?, ?)');
  const contacts = sqlite.transaction((rows: readonly Contact[]) => {
    for (const c of rows) upsertContact.run({ id: c.id, email: c.properties.email ?? null, firstname: c.properties.firstname ?? null, lastname: c.properties.lastname ?? null, updated_at: c.updatedAt });
  });
  const deals = sqlite.transaction((rows: readonly Deal[]) => {
    for (const d of rows) upsertDeal.run({ id: d.id, dealname: d.properties.dealname ?? null, amount: d.properties.amount ?? null, dealstage: d.properties.dealstage ?? null, updated_at: d.updatedAt });
  });
  const apply = sqlite.transaction((key: string, effect: () => void) => {
    if (markApplied.run(key, Date.now()).changes === 0) return false;
    effect();
    return true;
  });
  return {
    sqlite,
    syncState: {
      get: (key) => {
        const row = getState.get(key) as { state: string } | undefined;
        return row ? (JSON.parse(row.state) as SyncState) : undefined;
      },
      set: (key, state) => void setState.run(key, JSON.stringify(state)),
    },
    upsertContacts: (rows) => contacts(rows),
    upsertDeals: (rows) => deals(rows),
    applyEvent: (key, effect) => apply(key, effect),
    count: (table) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    contact: (id) => sqlite.prepare('SELECT * FROM hubspot_contacts WHERE id = ?').get(id) as ReturnType<HubSpotStore['contact']>,
  };
}
