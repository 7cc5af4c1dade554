import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import balance from './balance/__fixtures__/balance.json' with { type: 'json' };
import { balanceSchema } from './balance/balance-schemas.ts';
import customerDeleted from './customers/__fixtures__/customer-deleted.json' with { type: 'json' };
import customer from './customers/__fixtures__/customer.json' with { type: 'json' };
import customersList from './customers/__fixtures__/customers-list.json' with { type: 'json' };
import customersSearch from './customers/__fixtures__/customers-search.json' with { type: 'json' };
import { customerOrDeletedSchema, customerSchema } from './customers/customer-schemas.ts';
import event from './events/__fixtures__/event.json' with { type: 'json' };
import eventsList from './events/__fixtures__/events-list.json' with { type: 'json' };
import { stripeEventSchema } from './events/event-schemas.ts';
import invoice from './invoices/__fixtures__/invoice.json' with { type: 'json' };
import invoicesList from './invoices/__fixtures__/invoices-list.json' with { type: 'json' };
import { invoiceSchema } from './invoices/invoice-schemas.ts';
import { stripeList, stripeSearchResult } from './lists/list-schemas.ts';
import paymentIntentConfirmed from './payment-intents/__fixtures__/payment-intent-confirmed.json' with { type: 'json' };
import paymentIntent from './payment-intents/__fixtures__/payment-intent.json' with { type: 'json' };
import paymentIntentsList from './payment-intents/__fixtures__/payment-intents-list.json' with { type: 'json' };
import { paymentIntentSchema } from './payment-intents/payment-intent-schemas.ts';
import subscription from './subscriptions/__fixtures__/subscription.json' with { type: 'json' };
import subscriptionsList from './subscriptions/__fixtures__/subscriptions-list.json' with { type: 'json' };
import { subscriptionSchema } from './subscriptions/subscription-schemas.ts';

describe('schemas accept the documented responses (fixtures) and keep every field', () => {
  it.each([
    ['customer', customerSchema, customer],
    ['deleted customer', customerOrDeletedSchema, customerDeleted],
    ['payment intent', paymentIntentSchema, paymentIntent],
    ['confirmed payment intent', paymentIntentSchema, paymentIntentConfirmed],
    ['invoice', invoiceSchema, invoice],
    ['subscription', subscriptionSchema, subscription],
    ['event', stripeEventSchema, event],
    ['balance', balanceSchema, balance],
    ['customer list', stripeList(customerSchema), customersList],
    ['customer search', stripeSearchResult(customerSchema), customersSearch],
    ['payment intent list', stripeList(paymentIntentSchema), paymentIntentsList],
    ['invoice list', stripeList(invoiceSchema), invoicesList],
    ['subscription list', stripeList(subscriptionSchema), subscriptionsList],
    ['event list', stripeList(stripeEventSchema), eventsList],
  ] as const)('%s', (_, schema, fixture) => {
    expect(v.parse(schema as v.GenericSchema, fixture)).toEqual(fixture);
  });

  it('names the field when a response has the wrong shape', () => {
    const result = v.safeParse(paymentIntentSchema, { ...paymentIntent, amount: '2000' });
    expect(result.issues?.map((i) => v.getDotPath(i))).toEqual(['amount']);
  });
});
