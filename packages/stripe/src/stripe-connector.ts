import {
  cursorPagination,
  defineConnector,
  formBody,
  type CommonConnectorOptions,
  type Connector,
  type HttpClient,
  type HttpClientOptions,
} from '@connectors/core';
import { balanceSchema, type Balance } from './balance/balance-schemas.ts';
import { createCustomersApi, type CustomersApi } from './customers/customers-api.ts';
import { toStripeError } from './errors/stripe-error.ts';
import { createEventsApi, type EventsApi } from './events/events-api.ts';
import { callOptions } from './internal/stripe-request.ts';
import { createInvoicesApi, type InvoicesApi } from './invoices/invoices-api.ts';
import { createPaymentIntentsApi, type PaymentIntentsApi } from './payment-intents/payment-intents-api.ts';
import { classifyStripeResponse } from './retry/classify-stripe-response.ts';
import { stripeKeyAuth, type StripeKeyAuth } from './stripe-key-auth.ts';
import { createSubscriptionsApi, type SubscriptionsApi } from './subscriptions/subscriptions-api.ts';

/** The `Stripe-Version` this package's schemas were written against. Pin your own with `apiVersion`. */
export const STRIPE_API_VERSION = '2025-09-30.clover';
export const STRIPE_BASE_URL = 'https://api.stripe.com';
const USER_AGENT = 'connectors-stripe/0.1';

/**
 * How to reach Stripe. With no key option the key is read from `STRIPE_SECRET_KEY` (on every call,
 * so rotating it needs no restart). Common options (`baseUrl`, `retry`, `timeout`, `onEvent`,
 * `auth`, `rateLimit`...) apply too.
 */
export interface StripeOptions {
  /** A secret (`sk_...`) or restricted (`rk_...`) key. */
  secretKey?: string;
  /** Read the key from this environment variable instead. Default `STRIPE_SECRET_KEY`. */
  secretKeyEnv?: string;
  /**
   * `Stripe-Version` sent with every request. Default `STRIPE_API_VERSION`. Pin it: without the
   * header Stripe uses the account's default version, which changes when someone upgrades it.
   */
  apiVersion?: string;
  /** Act on this connected account for every call (Stripe Connect); per-call `stripeAccount` wins. */
  stripeAccount?: string;
}

/** The typed surface of a Stripe connector. */
export interface StripeApi {
  customers: CustomersApi;
  paymentIntents: PaymentIntentsApi;
  invoices: InvoicesApi;
  subscriptions: SubscriptionsApi;
  events: EventsApi;
  balance: { get(options?: { stripeAccount?: string; signal?: AbortSignal }): Promise<Balance> };
}

/**
 * A Stripe connector instance: the typed surface plus `http`, `name`, `verifyCredentials()`, and
 * `request` / `paginate` for any other route, with the same auth, version pin, form encoding,
 * idempotency keys, retries and events:
 * `stripe.request({ method: 'POST', path: '/v1/refunds', body: { payment_intent: 'pi_...' }, schema })`;
 * `for await (const refund of stripe.paginate({ path: '/v1/refunds' }))` (`starting_after` / `has_more`, 100 per page).
 */
export type Stripe = Connector<StripeApi, 'data'>;

function identify(auth: StripeKeyAuth | undefined) {
  return (data: unknown): string | undefined => {
    const livemode = (data as { livemode?: unknown } | undefined)?.livemode;
    const mode = livemode === true ? 'live mode' : livemode === false ? 'test mode' : 'unknown mode';
    const kind = auth?.keyKind();
    return kind && kind.type !== 'unknown' ? `${mode}, ${kind.type} key` : mode;
  };
}

/**
 * The Stripe connector.
 * @example
 * import { stripe } from '@connectors/stripe';
 * const client = stripe.create({ secretKey: process.env.STRIPE_SECRET_KEY });
 * await client.verifyCredentials(); // e.g. { identity: 'test mode, secret key' }
 * const customer = await client.customers.create({ email: 'jenny@example.com' }); // safe to retry: Idempotency-Key
 */
export const stripe = defineConnector<StripeOptions & CommonConnectorOptions, StripeApi, 'data'>({
  name: 'stripe',
  // No `statusPage`: status.stripe.com is Stripe's own site (stripe.com/blog/stripe-status), not an
  // Atlassian Statuspage; status clients read its own JSON (`/current/full`, up/degraded/down), which
  // the Statuspage watcher does not parse. Naming it here would show "unreachable" for ever.
  client(options): Omit<HttpClientOptions, 'connector'> {
    const keyAuth = options.auth ? undefined : stripeKeyAuth({ ...(options.secretKey !== undefined ? { secretKey: options.secretKey } : {}), ...(options.secretKeyEnv !== undefined ? { env: options.secretKeyEnv } : {}) });
    return {
      baseUrl: options.baseUrl ?? STRIPE_BASE_URL,
      auth: options.auth ?? keyAuth!,
      apiVersion: { header: 'Stripe-Version', value: options.apiVersion ?? STRIPE_API_VERSION },
      headers: { 'user-agent': USER_AGENT, ...(options.stripeAccount ? { 'stripe-account': options.stripeAccount } : {}) },
      bodyEncoder: formBody,
      requestIdHeaders: ['request-id'],
      // Every POST gets a key (the same on each retry), so Stripe applies it at most once.
      idempotency: { header: 'Idempotency-Key', auto: true },
      retry: { classify: classifyStripeResponse },
      httpError: toStripeError,
      credentialsCheck: { path: '/v1/balance', operation: 'verifyCredentials', schema: balanceSchema, identify: identify(keyAuth) },
    };
  },
  api(http: HttpClient): StripeApi {
    return {
      customers: createCustomersApi(http),
      paymentIntents: createPaymentIntentsApi(http),
      invoices: createInvoicesApi(http),
      subscriptions: createSubscriptionsApi(http),
      events: createEventsApi(http),
      balance: { get: (options = {}) => http.request({ path: '/v1/balance', schema: balanceSchema, ...callOptions('balance.get', options) }) },
    };
  },
  listings: {
    pagination: cursorPagination({ cursorParam: 'starting_after', nextCursor: { lastItem: 'id' }, hasMore: 'has_more', limit: 100 }),
    items: 'data',
  },
});
