import type { Contact, Deal, SyncStateStore } from '@connectors/hubspot';
import type { EffectStore, PostgresEffectStore } from '../store/effect-worker.ts';

/** A contact as synced (deleted: 1 after a `contact.deletion` webhook). */
export interface ContactRow {
  id: string;
  email: string | null;
  firstname: string | null;
  lastname: string | null;
  updated_at: string;
  deleted: number;
}

/** The contact properties a `contact.propertyChange` webhook may set; anything else is recorded as seen. */
export const CONTACT_PROPERTIES = ['email', 'firstname', 'lastname'] as const;
export type ContactProperty = (typeof CONTACT_PROPERTIES)[number];

/** What one HubSpot webhook event does to `hubspot_contacts` (nothing for other subscriptions). */
export interface HubSpotEffect {
  contactId: string;
  set?: { property: ContactProperty; value: string | null };
  deleted?: boolean;
}

export interface HubSpotCounts {
  contacts: number;
  deals: number;
  appliedEvents: number;
}

/**
 * The HubSpot tables of the example app: contacts and deals as synced, the sync state of each object
 * type, and the webhook events applied (keyed by the inbox's idempotency key, so each is applied
 * once). SQLite (`sqliteHubSpotStore`) or PostgreSQL (`postgresHubSpotStore`).
 */
export interface HubSpotStore extends EffectStore<HubSpotEffect> {
  /** The sync helper's checkpoint, kept beside the rows so it survives restarts. */
  readonly syncState: SyncStateStore;
  upsertContacts(contacts: readonly Contact[]): Promise<void>;
  upsertDeals(deals: readonly Deal[]): Promise<void>;
  /** Applies a webhook event's effect once; false when the key was applied before. */
  applyWebhook(key: string, effect: HubSpotEffect): Promise<boolean>;
  counts(): Promise<HubSpotCounts>;
  contact(id: string): Promise<ContactRow | undefined>;
  close(): Promise<void>;
}

export interface PostgresHubSpotStore extends HubSpotStore, PostgresEffectStore<HubSpotEffect> {}

export const contactRow = (c: Contact) => ({ id: c.id, email: c.properties.email ?? null, firstname: c.properties.firstname ?? null, lastname: c.properties.lastname ?? null, updated_at: c.updatedAt });
export const dealRow = (d: Deal) => ({ id: d.id, dealname: d.properties.dealname ?? null, amount: d.properties.amount ?? null, dealstage: d.properties.dealstage ?? null, updated_at: d.updatedAt });
