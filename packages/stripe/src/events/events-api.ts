import type { HttpClient, Paginated } from '@connectors/core';
import { callOptions, listing, type StripeListOptions, type TimestampFilter } from '../internal/stripe-request.ts';
import { stripeList } from '../lists/list-schemas.ts';
import { stripeEventSchema, type StripeEvent } from './event-schemas.ts';

export interface EventListParams {
  /** One type, or a prefix with `*` (`customer.*`). */
  type?: string;
  /** Up to 20 types. */
  types?: readonly string[];
  created?: TimestampFilter;
  /** Only events whose webhook delivery succeeded (true) or is still failing (false). */
  delivery_success?: boolean;
}

/** `stripe.events`: the last 30 days of events, for reconciling missed webhooks. */
export interface EventsApi {
  /** `GET /v1/events`, every page (newest first). */
  list(params?: EventListParams, options?: StripeListOptions): Paginated<StripeEvent>;
  /** `GET /v1/events/{id}`: re-read a webhook's event from the source of truth. */
  get(id: string, options?: { stripeAccount?: string; signal?: AbortSignal }): Promise<StripeEvent>;
}

const listSchema = stripeList(stripeEventSchema);

export function createEventsApi(http: HttpClient): EventsApi {
  return {
    list: (params, options) => http.paginate({ ...listing('events.list', '/v1/events', { ...params }, options), schema: listSchema }),
    get: (id, options = {}) => http.request({ path: '/v1/events/{id}', params: { id }, schema: stripeEventSchema, ...callOptions('events.get', options) }),
  };
}
