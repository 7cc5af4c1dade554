import type { HttpClient, Paginated } from '@connectors/core';
import { callOptions, listing, stripeQuery, withExpand, type StripeListOptions, type StripeReadOptions, type StripeWriteOptions, type TimestampFilter } from '../internal/stripe-request.ts';
import { stripeList } from '../lists/list-schemas.ts';
import { paymentIntentSchema, type PaymentIntent } from './payment-intent-schemas.ts';

export interface PaymentIntentListParams {
  customer?: string;
  created?: TimestampFilter;
}

export interface PaymentIntentCreateParams {
  /** In the smallest currency unit (cents). */
  amount: number;
  currency: string;
  customer?: string;
  payment_method?: string;
  payment_method_types?: readonly string[];
  automatic_payment_methods?: { enabled: boolean; allow_redirects?: 'always' | 'never' };
  confirm?: boolean;
  capture_method?: 'automatic' | 'automatic_async' | 'manual';
  description?: string;
  receipt_email?: string;
  metadata?: Record<string, string>;
  return_url?: string;
  [key: string]: unknown;
}

export interface PaymentIntentConfirmParams {
  payment_method?: string;
  return_url?: string;
  receipt_email?: string;
  [key: string]: unknown;
}

/** `stripe.paymentIntents`. */
export interface PaymentIntentsApi {
  /** `GET /v1/payment_intents`, every page. */
  list(params?: PaymentIntentListParams, options?: StripeListOptions): Paginated<PaymentIntent>;
  /** `GET /v1/payment_intents/{id}`. */
  get(id: string, options?: StripeReadOptions): Promise<PaymentIntent>;
  /** `POST /v1/payment_intents`, with an idempotency key so a retry never charges twice. */
  create(params: PaymentIntentCreateParams, options?: StripeWriteOptions): Promise<PaymentIntent>;
  /**
   * `POST /v1/payment_intents/{id}/confirm`. A declined card throws `StripeError` with
   * `type: 'card_error'`, `code`, `declineCode` and `paymentIntentId`.
   */
  confirm(id: string, params?: PaymentIntentConfirmParams, options?: StripeWriteOptions): Promise<PaymentIntent>;
}

const listSchema = stripeList(paymentIntentSchema);

export function createPaymentIntentsApi(http: HttpClient): PaymentIntentsApi {
  return {
    list: (params, options) => http.paginate({ ...listing('paymentIntents.list', '/v1/payment_intents', { ...params }, options), schema: listSchema }),
    get: (id, options = {}) =>
      http.request({ path: '/v1/payment_intents/{id}', params: { id }, query: stripeQuery({ expand: options.expand }), schema: paymentIntentSchema, ...callOptions('paymentIntents.get', options) }),
    create: (params, options = {}) =>
      http.request({ method: 'POST', path: '/v1/payment_intents', body: withExpand(params, options), schema: paymentIntentSchema, ...callOptions('paymentIntents.create', options) }),
    confirm: (id, params = {}, options = {}) =>
      http.request({
        method: 'POST',
        path: '/v1/payment_intents/{id}/confirm',
        params: { id },
        body: withExpand(params, options),
        schema: paymentIntentSchema,
        ...callOptions('paymentIntents.confirm', options),
      }),
  };
}
