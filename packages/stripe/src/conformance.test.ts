import { describeConnectorConformance } from '@connectors/testing/conformance';
import balance from './balance/__fixtures__/balance.json' with { type: 'json' };
import customer from './customers/__fixtures__/customer.json' with { type: 'json' };
import { stripe } from './stripe-connector.ts';
import customerCreated from './webhooks/__fixtures__/customer-created.json' with { type: 'json' };
import { stripeScheme, verifyStripeWebhook } from './webhooks/stripe-webhooks.ts';

const KEY = 'sk_test_conformance-key';
const API = 'https://api.stripe.com';
const page = (ids: string[], hasMore: boolean) => ({ object: 'list', url: '/v1/customers', has_more: hasMore, data: ids.map((id) => ({ ...customer, id })) });

describeConnectorConformance(stripe, {
  create: (common) => stripe.create({ secretKey: KEY, ...common }),
  baseUrl: API,
  secrets: [KEY],
  credentials: {
    method: 'GET',
    path: '/v1/balance',
    ok: { status: 200, body: balance },
    identity: 'test mode, secret key',
    unauthorized: { status: 401, body: { error: { message: 'Invalid API Key provided: sk_test_****0000', type: 'invalid_request_error' } } },
  },
  sample: {
    method: 'GET',
    path: '/v1/customers/cus_NffrFeUfNV2Hib',
    call: (client) => client.customers.get('cus_NffrFeUfNV2Hib'),
    ok: { status: 200, body: customer },
    corrupt: (body) => ({ ...(body as object), balance: 'zero' }),
  },
  pagination: {
    call: async (client) => {
      const all: unknown[] = [];
      for await (const item of client.customers.list()) all.push(item);
      return all;
    },
    pages: [
      { method: 'GET', path: '/v1/customers', query: { limit: '100' }, response: { status: 200, body: page(['cus_1', 'cus_2'], true) } },
      { method: 'GET', path: '/v1/customers', query: { limit: '100', starting_after: 'cus_2' }, response: { status: 200, body: page(['cus_3', 'cus_4'], true) } },
      { method: 'GET', path: '/v1/customers', query: { limit: '100', starting_after: 'cus_4' }, response: { status: 200, body: page(['cus_5'], false) } },
    ],
    expectedItems: 5,
  },
  webhook: {
    scheme: stripeScheme,
    secret: 'whsec_conformance_secret',
    payload: customerCreated,
    verify: (delivery) => verifyStripeWebhook({ body: delivery.body, headers: delivery.headers, secret: delivery.secret }),
  },
});
