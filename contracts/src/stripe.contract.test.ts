import { balanceSchema, customerSchema, stripe } from '@connectors/stripe';
import { STRIPE_SANDBOX_SECRET_KEY, stripeSandboxProvider } from '@connectors/stripe/sandbox';
import { describe, expect, it } from 'vitest';
import balance from '../../packages/stripe/src/balance/__fixtures__/balance.json' with { type: 'json' };
import customer from '../../packages/stripe/src/customers/__fixtures__/customer.json' with { type: 'json' };
import { consumerPact, contractShape, listShape, pactFile, verifyAgainstSandbox } from './contract-kit.ts';

// What @connectors/stripe expects of Stripe (requests its operations send, responses its schemas
// accept, shaped by its fixtures), replayed against the Stripe sandbox provider.
const CONSUMER = 'connectors-stripe';
const PROVIDER = 'stripe';
const STATE = 'the seeded test-mode account';
const auth = { Authorization: `Bearer ${STRIPE_SANDBOX_SECRET_KEY}` };
const connect = (baseUrl: string) => stripe.create({ secretKey: STRIPE_SANDBOX_SECRET_KEY, baseUrl, retry: { maxAttempts: 1 } });

describe('Stripe contract', () => {
  const pact = consumerPact(CONSUMER, PROVIDER);

  it('verifyCredentials reads the balance', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for the balance')
      .withRequest('GET', '/v1/balance', (b) => b.headers(auth))
      .willRespondWith(200, (b) => b.jsonBody(contractShape(balanceSchema, balance)))
      .executeTest(async (server) => {
        expect((await connect(server.url).verifyCredentials()).ok).toBe(true);
      });
  });

  it('customers.list reads the first page of customers', async () => {
    await pact
      .addInteraction()
      .given(STATE)
      .uponReceiving('a request for the first page of customers')
      .withRequest('GET', '/v1/customers', (b) => b.headers(auth).query({ limit: '100' }))
      .willRespondWith(200, (b) =>
        b.jsonBody({ object: 'list', url: '/v1/customers', has_more: false, data: listShape(customerSchema, [customer]) }),
      )
      .executeTest(async (server) => {
        const ids: string[] = [];
        for await (const item of connect(server.url).customers.list()) ids.push(item.id);
        expect(ids).toEqual([customer.id]);
      });
  });

  it('the Stripe sandbox provider honours the contract', async () => {
    await verifyAgainstSandbox({ provider: PROVIDER, sandbox: stripeSandboxProvider, pactFile: pactFile(CONSUMER, PROVIDER), states: [STATE] });
  });
});
