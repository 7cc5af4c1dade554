import type { HttpClient, Paginated } from '@connectors/core';
import { callOptions, listing, stripeQuery, type StripeListOptions, type StripeReadOptions, type TimestampFilter } from '../internal/stripe-request.ts';
import { stripeList } from '../lists/list-schemas.ts';
import { subscriptionSchema, type Subscription } from './subscription-schemas.ts';

export interface SubscriptionListParams {
  customer?: string;
  price?: string;
  /** Default: every status except `canceled`; `all` includes canceled ones. */
  status?: 'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused' | 'ended' | 'all';
  created?: TimestampFilter;
}

/** `stripe.subscriptions`. */
export interface SubscriptionsApi {
  /** `GET /v1/subscriptions`, every page. */
  list(params?: SubscriptionListParams, options?: StripeListOptions): Paginated<Subscription>;
  /** `GET /v1/subscriptions/{id}`. */
  get(id: string, options?: StripeReadOptions): Promise<Subscription>;
}

const listSchema = stripeList(subscriptionSchema);

export function createSubscriptionsApi(http: HttpClient): SubscriptionsApi {
  return {
    list: (params, options) => http.paginate({ ...listing('subscriptions.list', '/v1/subscriptions', { ...params }, options), schema: listSchema }),
    get: (id, options = {}) =>
      http.request({ path: '/v1/subscriptions/{id}', params: { id }, query: stripeQuery({ expand: options.expand }), schema: subscriptionSchema, ...callOptions('subscriptions.get', options) }),
  };
}
