import { syncCrmObjects, type HubSpot, type SyncCrmObjectsResult } from '@connectors/hubspot';
import type { HubSpotStore } from './hubspot-store.ts';

export interface HubSpotSyncResult {
  contacts: SyncCrmObjectsResult;
  deals: SyncCrmObjectsResult;
}

/**
 * Incremental sync of contacts and deals into the app's store: each run reads what was modified since the
 * last one (search sorted by the last-modified date, re-sliced past HubSpot's 10,000-result cap);
 * a page's rows are written before its checkpoint, so a crash repeats a page at worst, never skips one.
 */
export async function syncHubSpot(client: HubSpot, store: HubSpotStore, options: { onPage?: (label: string, rows: number) => void; signal?: AbortSignal } = {}): Promise<HubSpotSyncResult> {
  const contacts = await syncCrmObjects({
    objects: client.contacts, key: 'hubspot:contacts', store: store.syncState, properties: ['email', 'firstname', 'lastname'],
    onPage: async (rows) => {
      await store.upsertContacts(rows);
      options.onPage?.('hubspot contacts', rows.length);
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const deals = await syncCrmObjects({
    objects: client.deals, key: 'hubspot:deals', store: store.syncState, properties: ['dealname', 'amount', 'dealstage'],
    onPage: async (rows) => {
      await store.upsertDeals(rows);
      options.onPage?.('hubspot deals', rows.length);
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { contacts, deals };
}
