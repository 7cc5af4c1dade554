import { AuthError, InvalidRequestError, RateLimitError } from '@connectors/core';
import { createFakeClock } from '@connectors/testing';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import balance from './balance/__fixtures__/balance.json' with { type: 'json' };
import customerDeleted from './customers/__fixtures__/customer-deleted.json' with { type: 'json' };
import customer from './customers/__fixtures__/customer.json' with { type: 'json' };
import customersSearch from './customers/__fixtures__/customers-search.json' with { type: 'json' };
import cardDeclined from './errors/__fixtures__/card-declined.json' with { type: 'json' };
import paymentIntentConfirmed from './payment-intents/__fixtures__/payment-intent-confirmed.json' with { type: 'json' };
import paymentIntent from './payment-intents/__fixtures__/payment-intent.json' with { type: 'json' };
import { StripeError } from './errors/stripe-error.ts';
import { STRIPE_API_VERSION, stripe } from './stripe-connector.ts';

const API = 'https://api.stripe.com';
const KEY = 'sk_test_connectors-key';

function setup(options: { apiVersion?: string; stripeAccount?: string } = {}) {
  const clock = createFakeClock();
  const client = stripe.create({ secretKey: KEY, clock, random: () => 0, ...options });
  return { client, clock };
}

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('stripe connector: requests', () => {
  it('pins Stripe-Version, sends the key as Bearer and form-encodes nested parameters with brackets', async () => {
    let body = '';
    const scope = nock(API, { reqheaders: { 'stripe-version': STRIPE_API_VERSION, authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' } })
      .post('/v1/customers', (b: unknown) => {
        body = typeof b === 'string' ? b : new URLSearchParams(b as Record<string, string>).toString();
        return true;
      })
      .reply(200, customer);
    const { client } = setup();
    await client.customers.create(
      { email: 'jenny@example.com', metadata: { order_id: '6735', plan: 'pro' }, address: { line1: '1 Main St', city: 'SF' }, preferred_locales: ['en', 'fr'] },
      { expand: ['invoice_settings.default_payment_method'] },
    );
    expect(decodeURIComponent(body)).toBe(
      'email=jenny@example.com&metadata[order_id]=6735&metadata[plan]=pro&address[line1]=1+Main+St&address[city]=SF&preferred_locales[0]=en&preferred_locales[1]=fr&expand[0]=invoice_settings.default_payment_method',
    );
    scope.done();
  });

  it('lets the API version be pinned per client and the connected account be set per call', async () => {
    const scope = nock(API, { reqheaders: { 'stripe-version': '2024-06-20', 'stripe-account': 'acct_1032D82eZvKYlo2C' } })
      .get('/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa')
      .query({ 'expand[0]': 'customer' })
      .reply(200, paymentIntent);
    const { client } = setup({ apiVersion: '2024-06-20' });
    const got = await client.paymentIntents.get('pi_3MtwBwLkdIwHu7ix28a3tqPa', { expand: ['customer'], stripeAccount: 'acct_1032D82eZvKYlo2C' });
    expect(got.status).toBe('requires_payment_method');
    scope.done();
  });

  it('refuses an empty id before sending anything', async () => {
    const { client } = setup();
    await expect(client.customers.get('')).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('returns a deleted customer as { deleted: true } rather than failing validation', async () => {
    nock(API).get('/v1/customers/cus_NffrFeUfNV2Hib').reply(200, customerDeleted);
    const { client } = setup();
    const got = await client.customers.get('cus_NffrFeUfNV2Hib');
    expect('deleted' in got && got.deleted).toBe(true);
  });
});

describe('stripe connector: idempotency and retries', () => {
  it('sends the same Idempotency-Key on every attempt of a POST, so a retried create is applied once', async () => {
    const keys: string[] = [];
    const scope = nock(API)
      .post('/v1/payment_intents')
      .times(3)
      // nock 15 reply functions do not see headers, so the key is read by a header matcher.
      .matchHeader('idempotency-key', (value: string | null) => {
        if (value) keys.push(value);
        return true;
      })
      .reply(() => (keys.length < 3 ? [500, { error: { type: 'api_error', message: 'An unknown error occurred' } }] : [200, paymentIntent]));
    const { client, clock } = setup();
    const events: string[] = [];
    client.http.subscribe((e) => events.push(e.type));
    const created = await client.paymentIntents.create({ amount: 2000, currency: 'usd', automatic_payment_methods: { enabled: true } });
    expect(created.id).toBe(paymentIntent.id);
    const distinct = [...new Set(keys)];
    expect(distinct).toHaveLength(1);
    expect(distinct[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(clock.sleeps).toHaveLength(2);
    expect(events.filter((t) => t === 'retry')).toHaveLength(2);
    scope.done();
  });

  it('uses the caller’s idempotency key when given', async () => {
    const scope = nock(API, { reqheaders: { 'idempotency-key': 'order-6735-charge' } }).post('/v1/payment_intents/pi_1/confirm').reply(200, paymentIntentConfirmed);
    const { client } = setup();
    await client.paymentIntents.confirm('pi_1', { payment_method: 'pm_card_visa' }, { idempotencyKey: 'order-6735-charge' });
    scope.done();
  });

  it('never retries when Stripe says Stripe-Should-Retry: false', async () => {
    nock(API).post('/v1/customers').reply(500, { error: { type: 'api_error', message: 'Do not retry' } }, { 'stripe-should-retry': 'false' });
    const { client, clock } = setup();
    const error = await client.customers.create({ email: 'a@b.c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StripeError);
    expect(error).toMatchObject({ status: 500, attempts: 1, retryable: false });
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a 400 when Stripe says Stripe-Should-Retry: true, and a 409 lock conflict', async () => {
    const scope = nock(API)
      .post('/v1/customers/cus_1')
      .reply(400, { error: { type: 'invalid_request_error', code: 'lock_timeout', message: 'This object cannot be accessed right now' } }, { 'stripe-should-retry': 'true' })
      .post('/v1/customers/cus_1')
      .reply(409, { error: { type: 'invalid_request_error', code: 'idempotency_key_in_use', message: 'in use' } })
      .post('/v1/customers/cus_1')
      .reply(200, customer);
    const { client } = setup();
    await client.customers.update('cus_1', { name: 'Jenny' });
    scope.done();
  });

  it('retries 429s (stripe-node does not), and hands back RateLimitError when retries run out', async () => {
    const scope = nock(API).get('/v1/customers/cus_1').reply(429, { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' } }).get('/v1/customers/cus_1').reply(200, customer);
    const { client, clock } = setup();
    await client.customers.get('cus_1');
    expect(clock.sleeps).toHaveLength(1);
    scope.done();

    nock(API).get('/v1/customers/cus_2').times(4).reply(429, { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' } });
    const error = await client.customers.get('cus_2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAt).toBeInstanceOf(Date);
  });

  it('surfaces a card decline as StripeError with the decline code and the PaymentIntent', async () => {
    nock(API).post('/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa/confirm').reply(402, cardDeclined, { 'request-id': 'req_7QXpjDBSXzyeEl' });
    const { client } = setup();
    const error = await client.paymentIntents.confirm('pi_3MtwBwLkdIwHu7ix28a3tqPa', { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StripeError);
    expect(error).toMatchObject({ type: 'card_error', code: 'card_declined', declineCode: 'insufficient_funds', requestId: 'req_7QXpjDBSXzyeEl', attempts: 1 });
    expect(String(error)).not.toContain(KEY);
  });
});

describe('stripe connector: credentials', () => {
  it('verifies with GET /v1/balance and reports mode and key type, never the key', async () => {
    nock(API).get('/v1/balance').reply(200, balance);
    const { client } = setup();
    const verified = await client.verifyCredentials();
    expect(verified.identity).toBe('test mode, secret key');
    nock(API).get('/v1/balance').reply(200, { ...balance, livemode: true });
    const restricted = stripe.create({ secretKey: 'rk_live_connectors-key' });
    expect((await restricted.verifyCredentials()).identity).toBe('live mode, restricted key');
  });

  it('reads STRIPE_SECRET_KEY, and refuses a publishable key or a webhook secret at creation', () => {
    const previous = process.env['STRIPE_SECRET_KEY'];
    try {
      delete process.env['STRIPE_SECRET_KEY'];
      expect(() => stripe.create({})).toThrow(/STRIPE_SECRET_KEY is not set/);
      process.env['STRIPE_SECRET_KEY'] = 'pk_test_connectors-key';
      expect(() => stripe.create({})).toThrow(AuthError);
      expect(() => stripe.create({})).toThrow(/publishable key/);
      expect(() => stripe.create({ secretKey: 'whsec_connectors' })).toThrow(/webhook signing secret/);
      process.env['STRIPE_SECRET_KEY'] = KEY;
      expect(() => stripe.create({})).not.toThrow();
    } finally {
      if (previous === undefined) delete process.env['STRIPE_SECRET_KEY'];
      else process.env['STRIPE_SECRET_KEY'] = previous;
    }
  });

  it('turns an invalid key into AuthError without echoing it', async () => {
    nock(API).get('/v1/balance').reply(401, { error: { message: `Invalid API Key provided: ${KEY}`, type: 'invalid_request_error' } });
    const { client } = setup();
    const error = await client.verifyCredentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(JSON.stringify((error as AuthError).toJSON()) + String(error)).not.toContain(KEY);
  });
});

describe('stripe connector: pagination', () => {
  const page = (ids: string[], hasMore: boolean) => ({ object: 'list', url: '/v1/customers', has_more: hasMore, data: ids.map((id) => ({ ...customer, id })) });

  it('follows starting_after with the last id until has_more is false, with bracketed filters', async () => {
    const scope = nock(API)
      .get('/v1/customers')
      .query({ limit: '2', 'created[gte]': '1680000000' })
      .reply(200, page(['cus_1', 'cus_2'], true))
      .get('/v1/customers')
      .query({ limit: '2', 'created[gte]': '1680000000', starting_after: 'cus_2' })
      .reply(200, page(['cus_3', 'cus_4'], true))
      .get('/v1/customers')
      .query({ limit: '2', 'created[gte]': '1680000000', starting_after: 'cus_4' })
      .reply(200, page(['cus_5'], false));
    const { client } = setup();
    const ids: string[] = [];
    for await (const c of client.customers.list({ created: { gte: 1680000000 } }, { limit: 2 })) ids.push(c.id);
    expect(ids).toEqual(['cus_1', 'cus_2', 'cus_3', 'cus_4', 'cus_5']);
    scope.done();
  });

  it('follows next_page for search', async () => {
    const scope = nock(API)
      .get('/v1/customers/search')
      .query({ query: "metadata['foo']:'bar'", limit: '100' })
      .reply(200, { ...customersSearch, has_more: true, next_page: 'WzE2ODA4OTM5OTNd' })
      .get('/v1/customers/search')
      .query({ query: "metadata['foo']:'bar'", limit: '100', page: 'WzE2ODA4OTM5OTNd' })
      .reply(200, { ...customersSearch, data: [{ ...customer, id: 'cus_2' }] });
    const { client } = setup();
    const ids: string[] = [];
    for await (const c of client.customers.search({ query: "metadata['foo']:'bar'" })) ids.push(c.id);
    expect(ids).toEqual(['cus_NffrFeUfNV2Hib', 'cus_2']);
    scope.done();
  });

  it('keeps the whole pipeline for endpoints without a typed operation', async () => {
    const refund = { id: 're_1', object: 'refund', amount: 100 };
    const scope = nock(API, { reqheaders: { 'stripe-version': STRIPE_API_VERSION } })
      .get('/v1/refunds')
      .query({ limit: '100' })
      .reply(200, { object: 'list', url: '/v1/refunds', has_more: false, data: [refund] })
      .post('/v1/refunds', 'payment_intent=pi_1')
      .matchHeader('idempotency-key', /.+/)
      .reply(200, refund);
    const { client } = setup();
    const all: unknown[] = [];
    for await (const r of client.paginate({ path: '/v1/refunds' })) all.push(r);
    expect(all).toEqual([refund]);
    expect(await client.request({ method: 'POST', path: '/v1/refunds', body: { payment_intent: 'pi_1' } })).toEqual(refund);
    scope.done();
  });
});
