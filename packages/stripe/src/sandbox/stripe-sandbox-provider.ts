import type { SandboxProvider, SandboxRequest, SandboxResponse, SandboxRouteContext, SandboxWebhookEvent } from '@connectors/testing/sandbox';
import { stripeScheme } from '@connectors/webhooks';
import balance from '../balance/__fixtures__/balance.json' with { type: 'json' };
import customerFixture from '../customers/__fixtures__/customer.json' with { type: 'json' };
import cardDeclined from '../errors/__fixtures__/card-declined.json' with { type: 'json' };
import eventFixture from '../events/__fixtures__/event.json' with { type: 'json' };
import invoiceFixture from '../invoices/__fixtures__/invoice.json' with { type: 'json' };
import paymentIntentFixture from '../payment-intents/__fixtures__/payment-intent.json' with { type: 'json' };
import subscriptionFixture from '../subscriptions/__fixtures__/subscription.json' with { type: 'json' };
import customerCreated from '../webhooks/__fixtures__/customer-created.json' with { type: 'json' };
import customerUpdated from '../webhooks/__fixtures__/customer-updated.json' with { type: 'json' };
import paymentIntentSucceeded from '../webhooks/__fixtures__/payment-intent-succeeded.json' with { type: 'json' };

/** The secret key the sandbox accepts (a placeholder: it works nowhere else). */
export const STRIPE_SANDBOX_SECRET_KEY = 'sk_test_sandbox-local-key';
/** A restricted key the sandbox accepts too. */
export const STRIPE_SANDBOX_RESTRICTED_KEY = 'rk_test_sandbox-local-key';
/** The secret the sandbox signs webhooks with (`Stripe-Signature`). */
export const STRIPE_SANDBOX_WEBHOOK_SECRET = 'whsec_sandbox-local-secret';
/** A payment method the sandbox declines (`card_declined` / `insufficient_funds`), like Stripe's test card. */
export const STRIPE_SANDBOX_DECLINED_PAYMENT_METHOD = 'pm_card_chargeDeclinedInsufficientFunds';

type Json = Record<string, unknown>;
const BASE_S = Math.floor(Date.parse('2025-06-01T00:00:00Z') / 1000);
const API_VERSION = '2025-09-30.clover';

/** Stripe ids are a prefix and 24 base62 characters; these are deterministic so runs are reproducible. */
function id(prefix: string, n: number): string {
  return `${prefix}_Sbx${String(n).padStart(21, '0')}`;
}

function seedCustomers(): Json[] {
  // Newest first, as Stripe lists them.
  return Array.from({ length: 60 }, (_, i) => {
    const n = 60 - i;
    return {
      ...customerFixture,
      id: id('cus', n),
      created: BASE_S + n * 3600,
      email: `customer${n}@example.com`,
      name: `Sandbox Customer ${n}`,
      invoice_prefix: `SBX${String(n).padStart(4, '0')}`,
      metadata: { plan: n % 3 === 0 ? 'pro' : 'free', seed: String(n) },
    };
  });
}

function seedPaymentIntents(): Json[] {
  const statuses = ['succeeded', 'requires_payment_method', 'succeeded', 'canceled', 'processing'] as const;
  return Array.from({ length: 40 }, (_, i) => {
    const n = 40 - i;
    const status = statuses[n % statuses.length]!;
    const amount = 1000 + n * 125;
    return {
      ...paymentIntentFixture,
      id: id('pi', n),
      client_secret: `${id('pi', n)}_secret_sandbox`,
      amount,
      amount_received: status === 'succeeded' ? amount : 0,
      created: BASE_S + n * 1800,
      customer: id('cus', ((n - 1) % 60) + 1),
      status,
      canceled_at: status === 'canceled' ? BASE_S + n * 1800 + 60 : null,
      cancellation_reason: status === 'canceled' ? 'requested_by_customer' : null,
      latest_charge: status === 'succeeded' ? id('ch', n) : null,
      payment_method: status === 'succeeded' ? id('pm', n) : null,
    };
  });
}

function seedInvoices(): Json[] {
  return Array.from({ length: 20 }, (_, i) => {
    const n = 20 - i;
    const paid = n % 2 === 0;
    return {
      ...invoiceFixture,
      id: id('in', n),
      customer: id('cus', n),
      customer_email: `customer${n}@example.com`,
      customer_name: `Sandbox Customer ${n}`,
      number: `SBX${String(n).padStart(4, '0')}-0001`,
      status: paid ? 'paid' : 'open',
      amount_due: 1099,
      amount_paid: paid ? 1099 : 0,
      amount_remaining: paid ? 0 : 1099,
      subtotal: 1099,
      total: 1099,
      created: BASE_S + n * 86_400,
      period_start: BASE_S + n * 86_400,
      period_end: BASE_S + n * 86_400,
    };
  });
}

function seedSubscriptions(): Json[] {
  return Array.from({ length: 10 }, (_, i) => {
    const n = 10 - i;
    return { ...subscriptionFixture, id: id('sub', n), customer: id('cus', n), created: BASE_S + n * 86_400, start_date: BASE_S + n * 86_400, status: n % 4 === 0 ? 'past_due' : 'active', latest_invoice: id('in', n) };
  });
}

function seedEvents(customers: readonly Json[]): Json[] {
  return customers.slice(0, 30).map((customer, i) => ({
    ...eventFixture,
    id: id('evt', 30 - i),
    created: customer['created'],
    data: { object: customer },
    request: { id: id('req', 30 - i), idempotency_key: null },
  }));
}

/** Turns the sandbox's flat form fields (`metadata[plan]`, `expand[0]`) back into nested values. */
function unflatten(body: unknown): Json {
  if (!body || typeof body !== 'object') return {};
  const out: Json = {};
  for (const [key, value] of Object.entries(body as Json)) {
    const parts = key.replace(/\]/g, '').split('[');
    let target: Json = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) target[part] = value;
      else target = (target[part] ??= {}) as Json;
    });
  }
  return out;
}

/**
 * Stripe answers a repeated Idempotency-Key with the first response, and refuses the key with other
 * parameters. The records live in the sandbox's own data, so each sandbox starts empty.
 */
function idempotent(request: SandboxRequest, context: SandboxRouteContext, run: () => SandboxResponse): SandboxResponse {
  const key = request.headers['idempotency-key'];
  if (!key) return run();
  const records = (context.data['idempotency_keys'] ??= []) as { key: string; path: string; body: string; response: SandboxResponse }[];
  const previous = records.find((r) => r.key === key);
  if (previous) {
    if (previous.path !== request.path || previous.body !== request.rawBody) {
      return { status: 400, body: { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } } };
    }
    return { ...previous.response, headers: { ...previous.response.headers, 'idempotent-replayed': 'true' } };
  }
  const response = run();
  records.push({ key, path: request.path, body: request.rawBody, response });
  return response;
}

function find(context: SandboxRouteContext, collection: string, objectId: string | undefined): Json | undefined {
  return (context.data[collection] as Json[]).find((item) => item['id'] === objectId);
}

function missing(kind: string, objectId: string | undefined): SandboxResponse {
  return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${objectId ?? ''}'`, param: 'id', doc_url: 'https://stripe.com/docs/error-codes/resource-missing' } } };
}

/** Supports the search clauses the examples use: `email:'x'`, `name:'x'`, `metadata['k']:'v'`, joined by AND. */
function searchCustomers(request: SandboxRequest, context: SandboxRouteContext): SandboxResponse {
  const query = request.query.get('query') ?? '';
  if (!query.trim()) return { status: 400, body: { error: { type: 'invalid_request_error', message: 'Missing required param: query.', param: 'query' } } };
  const clauses = query.split(/\s+AND\s+/i).map((clause) => {
    const match = /^(?:metadata\['([^']+)'\]|(email|name)):'([^']*)'$/.exec(clause.trim());
    if (!match) return undefined;
    const [, metaKey, field, value] = match;
    return (c: Json) => (metaKey ? (c['metadata'] as Json)[metaKey] === value : c[field!] === value);
  });
  if (clauses.some((c) => c === undefined)) {
    return { status: 400, body: { error: { type: 'invalid_request_error', message: `The sandbox supports email:'...', name:'...' and metadata['key']:'...' clauses joined by AND; got ${query}`, param: 'query' } } };
  }
  const matches = (context.data['customers'] as Json[]).filter((c) => clauses.every((test) => test!(c)));
  const limit = Math.min(100, Math.max(1, Number(request.query.get('limit') ?? 10) || 10));
  const start = request.query.get('page') ? Number(Buffer.from(request.query.get('page')!, 'base64url').toString()) || 0 : 0;
  const data = matches.slice(start, start + limit);
  const hasMore = start + limit < matches.length;
  return {
    body: {
      object: 'search_result',
      url: '/v1/customers/search',
      has_more: hasMore,
      next_page: hasMore ? Buffer.from(String(start + limit)).toString('base64url') : null,
      total_count: matches.length,
      data,
    },
  };
}

function createCustomer(request: SandboxRequest, context: SandboxRouteContext): SandboxResponse {
  const input = unflatten(request.body);
  const customers = context.data['customers'] as Json[];
  const customer = {
    ...customerFixture,
    id: id('cus', 1000 + customers.length),
    created: Math.floor(context.now() / 1000),
    email: input['email'] ?? null,
    name: input['name'] ?? null,
    description: input['description'] ?? null,
    phone: input['phone'] ?? null,
    metadata: (input['metadata'] as Json | undefined) ?? {},
  };
  customers.unshift(customer);
  return { body: customer };
}

function updateCustomer(request: SandboxRequest, context: SandboxRouteContext): SandboxResponse {
  const customer = find(context, 'customers', request.params['id']);
  if (!customer) return missing('customer', request.params['id']);
  const input = unflatten(request.body);
  for (const field of ['email', 'name', 'description', 'phone'] as const) if (field in input) customer[field] = input[field] === '' ? null : input[field];
  if (input['metadata']) customer['metadata'] = { ...(customer['metadata'] as Json), ...(input['metadata'] as Json) };
  return { body: customer };
}

function createPaymentIntent(request: SandboxRequest, context: SandboxRouteContext): SandboxResponse {
  const input = unflatten(request.body);
  const amount = Number(input['amount']);
  if (!Number.isInteger(amount) || amount < 50) {
    return { status: 400, body: { error: { type: 'invalid_request_error', code: 'amount_too_small', message: 'Amount must be at least $0.50 usd', param: 'amount' } } };
  }
  if (typeof input['currency'] !== 'string') return { status: 400, body: { error: { type: 'invalid_request_error', code: 'parameter_missing', message: 'Missing required param: currency.', param: 'currency' } } };
  const intents = context.data['payment_intents'] as Json[];
  const n = 1000 + intents.length;
  const intent: Json = {
    ...paymentIntentFixture,
    id: id('pi', n),
    client_secret: `${id('pi', n)}_secret_sandbox`,
    amount,
    currency: input['currency'],
    customer: input['customer'] ?? null,
    description: input['description'] ?? null,
    metadata: (input['metadata'] as Json | undefined) ?? {},
    created: Math.floor(context.now() / 1000),
    status: 'requires_payment_method',
  };
  intents.unshift(intent);
  if (input['confirm'] === 'true' && input['payment_method']) return confirm(intent, String(input['payment_method']));
  return { body: intent };
}

function confirm(intent: Json, paymentMethod: string | undefined): SandboxResponse {
  if (!paymentMethod && !intent['payment_method']) {
    return { status: 400, body: { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'You cannot confirm this PaymentIntent because it\'s missing a payment method.', param: 'payment_method' } } };
  }
  if (paymentMethod === STRIPE_SANDBOX_DECLINED_PAYMENT_METHOD) {
    intent['last_payment_error'] = { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' };
    intent['status'] = 'requires_payment_method';
    return { status: 402, body: { error: { ...cardDeclined.error, payment_intent: intent } } };
  }
  Object.assign(intent, { payment_method: paymentMethod ?? intent['payment_method'], status: 'succeeded', amount_received: intent['amount'], latest_charge: `ch_${String(intent['id']).slice(3)}`, last_payment_error: null });
  return { body: intent };
}

const cursorEnvelope = ({ items, hasMore, url }: { items: readonly unknown[]; hasMore: boolean; url: string }) => ({
  object: 'list',
  data: items,
  has_more: hasMore,
  url: url.replace(/^\/stripe(?=\/)/, ''),
});

const byCustomer = (item: unknown, r: SandboxRequest) => !r.query.get('customer') || (item as Json)['customer'] === r.query.get('customer');

/**
 * Stripe, served by the testing kit's sandbox (`startSandbox({ providers: [stripeSandboxProvider] })`)
 * from this package's fixtures: 60 customers, 40 payment intents, invoices, subscriptions and
 * events, listed with `starting_after`/`has_more` (search with `next_page`); the secret key as Bearer
 * or Basic auth; Idempotency-Key replays; Stripe-shaped errors (a declined test payment method);
 * a 100 requests/s limit answered with 429; webhooks signed with `stripeScheme`.
 *
 * @example
 * const sandbox = await startSandbox({ providers: [stripeSandboxProvider] });
 * const client = stripe.create({ secretKey: STRIPE_SANDBOX_SECRET_KEY, baseUrl: sandbox.urlFor('stripe') });
 */
export const stripeSandboxProvider: SandboxProvider = (() => {
  const customers = seedCustomers();
  return {
    name: 'stripe',
    auth: { kind: 'basic', credentials: [{ username: STRIPE_SANDBOX_SECRET_KEY }, { username: STRIPE_SANDBOX_RESTRICTED_KEY }], bearerUsername: true },
    pagination: { style: 'cursor', cursorParam: 'starting_after', sizeParam: 'limit', idField: 'id', defaultSize: 10, maxSize: 100, envelope: cursorEnvelope },
    rateLimit: { limit: 100, windowMs: 1000, headers: 'none', status: 429 },
    errorBody: (status, message) => ({
      error: { type: status === 429 ? 'invalid_request_error' : status >= 500 ? 'api_error' : 'invalid_request_error', ...(status === 429 ? { code: 'rate_limit' } : {}), message },
    }),
    data: {
      customers,
      payment_intents: seedPaymentIntents(),
      invoices: seedInvoices(),
      subscriptions: seedSubscriptions(),
      events: seedEvents(customers),
      idempotency_keys: [],
    },
    webhooks: { scheme: stripeScheme, secret: STRIPE_SANDBOX_WEBHOOK_SECRET },
    routes: [
      { method: 'GET', path: '/v1/balance', fixture: { status: 200, body: balance } },
      { method: 'GET', path: '/v1/customers', collection: 'customers', filter: (item, r) => !r.query.get('email') || (item as Json)['email'] === r.query.get('email') },
      { method: 'GET', path: '/v1/customers/search', handler: searchCustomers },
      { method: 'GET', path: '/v1/customers/:id', handler: (r, c) => (find(c, 'customers', r.params['id']) ? { body: find(c, 'customers', r.params['id']) } : missing('customer', r.params['id'])) },
      { method: 'POST', path: '/v1/customers', handler: (r, c) => idempotent(r, c, () => createCustomer(r, c)) },
      { method: 'POST', path: '/v1/customers/:id', handler: (r, c) => idempotent(r, c, () => updateCustomer(r, c)) },
      { method: 'GET', path: '/v1/payment_intents', collection: 'payment_intents', filter: byCustomer },
      { method: 'GET', path: '/v1/payment_intents/:id', handler: (r, c) => (find(c, 'payment_intents', r.params['id']) ? { body: find(c, 'payment_intents', r.params['id']) } : missing('payment_intent', r.params['id'])) },
      { method: 'POST', path: '/v1/payment_intents', handler: (r, c) => idempotent(r, c, () => createPaymentIntent(r, c)) },
      {
        method: 'POST',
        path: '/v1/payment_intents/:id/confirm',
        handler: (r, c) =>
          idempotent(r, c, () => {
            const intent = find(c, 'payment_intents', r.params['id']);
            if (!intent) return missing('payment_intent', r.params['id']);
            const pm = unflatten(r.body)['payment_method'];
            return confirm(intent, typeof pm === 'string' ? pm : undefined);
          }),
      },
      { method: 'GET', path: '/v1/invoices', collection: 'invoices', filter: (item, r) => byCustomer(item, r) && (!r.query.get('status') || (item as Json)['status'] === r.query.get('status')) },
      { method: 'GET', path: '/v1/invoices/:id', handler: (r, c) => (find(c, 'invoices', r.params['id']) ? { body: find(c, 'invoices', r.params['id']) } : missing('invoice', r.params['id'])) },
      { method: 'GET', path: '/v1/subscriptions', collection: 'subscriptions', filter: byCustomer },
      { method: 'GET', path: '/v1/subscriptions/:id', handler: (r, c) => (find(c, 'subscriptions', r.params['id']) ? { body: find(c, 'subscriptions', r.params['id']) } : missing('subscription', r.params['id'])) },
      { method: 'GET', path: '/v1/events', collection: 'events', filter: (item, r) => !r.query.get('type') || (item as Json)['type'] === r.query.get('type') },
      { method: 'GET', path: '/v1/events/:id', handler: (r, c) => (find(c, 'events', r.params['id']) ? { body: find(c, 'events', r.params['id']) } : missing('event', r.params['id'])) },
    ],
  };
})();

/** Sample deliveries for `sandbox.sendWebhooks({ provider: 'stripe', events: stripeSandboxWebhookEvents(), url })`. */
export function stripeSandboxWebhookEvents(): SandboxWebhookEvent[] {
  return [customerCreated, customerUpdated, paymentIntentSucceeded].map((event) => ({ id: event.id, type: event.type, payload: { ...event, api_version: API_VERSION } }));
}
