import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '@connectors/testing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeError } from '../errors/stripe-error.ts';
import { stripe } from '../stripe-connector.ts';
import { verifyStripeWebhook, type StripeWebhookResult } from '../webhooks/stripe-webhooks.ts';
import {
  STRIPE_SANDBOX_DECLINED_PAYMENT_METHOD,
  STRIPE_SANDBOX_RESTRICTED_KEY,
  STRIPE_SANDBOX_SECRET_KEY,
  STRIPE_SANDBOX_WEBHOOK_SECRET,
  stripeSandboxProvider,
  stripeSandboxWebhookEvents,
} from './stripe-sandbox-provider.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ providers: [stripeSandboxProvider] });
});
afterAll(async () => {
  await sandbox.stop();
});

const connect = () => stripe.create({ secretKey: STRIPE_SANDBOX_SECRET_KEY, baseUrl: sandbox.urlFor('stripe') });

describe('stripeSandboxProvider', () => {
  it('lists the 60 seeded customers and 40 payment intents with starting_after / has_more', async () => {
    const client = connect();
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.customers.list({}, { limit: 25 }).pages()) {
      pages++;
      ids.push(...page.items.map((c) => c.id));
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(60);
    let intents = 0;
    for await (const intent of client.paymentIntents.list()) {
      expect(intent.object).toBe('payment_intent');
      intents++;
    }
    expect(intents).toBe(40);
  });

  it('verifies credentials (secret and restricted keys) and rejects others as AuthError', async () => {
    expect((await connect().verifyCredentials()).identity).toBe('test mode, secret key');
    const restricted = stripe.create({ secretKey: STRIPE_SANDBOX_RESTRICTED_KEY, baseUrl: sandbox.urlFor('stripe') });
    expect((await restricted.verifyCredentials()).identity).toBe('test mode, restricted key');
    const wrong = stripe.create({ secretKey: 'sk_test_wrong', baseUrl: sandbox.urlFor('stripe') });
    await expect(wrong.verifyCredentials()).rejects.toMatchObject({ name: 'AuthError' });
  });

  it('creates, updates and finds a customer, and pages search results with next_page', async () => {
    const client = connect();
    const created = await client.customers.create({ email: 'new@example.com', name: 'New', metadata: { plan: 'pro' } });
    expect(created.metadata).toEqual({ plan: 'pro' });
    const updated = await client.customers.update(created.id, { name: 'Renamed', metadata: { tier: 'gold' } });
    expect(updated).toMatchObject({ name: 'Renamed', metadata: { plan: 'pro', tier: 'gold' } });
    const found: string[] = [];
    for await (const c of client.customers.search({ query: "metadata['plan']:'pro'" }, { limit: 7 })) found.push(c.id);
    expect(found).toHaveLength(21);
    expect(found).toContain(created.id);
  });

  it('replays a repeated Idempotency-Key instead of creating twice', async () => {
    const client = connect();
    const first = await client.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: 'order-42' });
    const again = await client.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: 'order-42' });
    expect(again.id).toBe(first.id);
    const misuse = await client.paymentIntents.create({ amount: 3000, currency: 'usd' }, { idempotencyKey: 'order-42' }).catch((e: unknown) => e);
    expect(misuse).toMatchObject({ name: 'StripeError', type: 'idempotency_error', status: 400 });
  });

  it('declines the test payment method with a Stripe card error', async () => {
    const client = connect();
    const intent = await client.paymentIntents.create({ amount: 5000, currency: 'usd' });
    const error = await client.paymentIntents.confirm(intent.id, { payment_method: STRIPE_SANDBOX_DECLINED_PAYMENT_METHOD }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StripeError);
    expect(error).toMatchObject({ type: 'card_error', declineCode: 'insufficient_funds', paymentIntentId: intent.id });
    const paid = await client.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(paid.status).toBe('succeeded');
  });

  it('serves invoices, subscriptions and events', async () => {
    const client = connect();
    const invoices: string[] = [];
    for await (const invoice of client.invoices.list({ status: 'paid' })) invoices.push(invoice.id);
    expect(invoices).toHaveLength(10);
    expect((await client.invoices.get(invoices[0]!)).status).toBe('paid');
    const subscriptions: string[] = [];
    for await (const sub of client.subscriptions.list()) subscriptions.push(sub.id);
    expect(subscriptions).toHaveLength(10);
    const events: string[] = [];
    for await (const event of client.events.list({ type: 'customer.created' })) events.push(event.id);
    expect(events).toHaveLength(30);
    expect((await client.events.get(events[0]!)).type).toBe('customer.created');
  });

  it('signs webhooks a receiver verifies with verifyStripeWebhook', async () => {
    const received: StripeWebhookResult[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void verifyStripeWebhook({ body: Buffer.concat(chunks), headers: req.headers, secret: STRIPE_SANDBOX_WEBHOOK_SECRET }).then((result) => {
          received.push(result);
          res.writeHead(result.ok ? 200 : 400).end();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
      const results = await sandbox.sendWebhooks({ provider: 'stripe', url, events: stripeSandboxWebhookEvents() });
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(received.map((r) => (r.ok ? r.event.type : r.reason))).toEqual(['customer.created', 'customer.updated', 'payment_intent.succeeded']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
