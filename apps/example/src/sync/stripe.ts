import type { Customer, PaymentIntent, Stripe } from '@connectors/stripe';
import { customerRow, paymentIntentRow } from '../store/app-rows.ts';
import type { AppStore } from '../store/app-store.ts';
import { type ListingResult, type ListingRunOptions, type ListingSpec, runListing } from './run-listing.ts';

/** Stripe's `created` is its own clock: start a little earlier so clock skew never loses an object. */
const CLOCK_SKEW_MS = 60_000;

export interface StripeSyncOptions extends ListingRunOptions {
  /** Objects per page, 1-100. Default 100. */
  pageSize?: number;
}

/**
 * New objects since the last run, by `created`. Stripe lists have no "updated since" filter: changes
 * to objects already synced arrive as webhooks (`customer.updated`, `payment_intent.succeeded`...).
 */
function createdFilter(highWater: number | null): Record<string, string> {
  return highWater === null ? {} : { created_gte: String(Math.floor((highWater - CLOCK_SKEW_MS) / 1000)) };
}

function created(filter: Record<string, string>): { created?: { gte: number } } {
  return filter['created_gte'] ? { created: { gte: Number(filter['created_gte']) } } : {};
}

export function stripeCustomersListing(client: Stripe, pageSize = 100): ListingSpec<Customer> {
  return {
    listing: 'stripe:customers',
    label: 'stripe customers',
    filter: createdFilter,
    open: (filter, checkpoint, signal) =>
      client.customers.list(created(filter), { limit: pageSize, ...(checkpoint ? { checkpoint } : {}), ...(signal ? { signal } : {}) }),
    rows: (customers) => ({ customers: customers.map((customer) => customerRow(customer)) }),
  };
}

export function stripePaymentIntentsListing(client: Stripe, pageSize = 100): ListingSpec<PaymentIntent> {
  return {
    listing: 'stripe:payment_intents',
    label: 'stripe payment intents',
    filter: createdFilter,
    open: (filter, checkpoint, signal) =>
      client.paymentIntents.list(created(filter), { limit: pageSize, ...(checkpoint ? { checkpoint } : {}), ...(signal ? { signal } : {}) }),
    rows: (intents) => ({ paymentIntents: intents.map((intent) => paymentIntentRow(intent)) }),
  };
}

/** Syncs customers, then payment intents (which refer to them), resuming an interrupted run. */
export async function syncStripe(client: Stripe, store: AppStore, options: StripeSyncOptions = {}): Promise<ListingResult[]> {
  const customers = await runListing(store, stripeCustomersListing(client, options.pageSize), options);
  const intents = await runListing(store, stripePaymentIntentsListing(client, options.pageSize), options);
  return [customers, intents];
}
