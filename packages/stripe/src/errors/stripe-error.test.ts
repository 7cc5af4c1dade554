import { HttpError, type HttpErrorFactoryInput } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import cardDeclined from './__fixtures__/card-declined.json' with { type: 'json' };
import resourceMissing from './__fixtures__/resource-missing.json' with { type: 'json' };
import { StripeError, toStripeError } from './stripe-error.ts';

const failure = (status: number, body: unknown): HttpErrorFactoryInput => ({
  message: `stripe paymentIntents.confirm: POST /v1/payment_intents/{id}/confirm failed with ${status}`,
  init: { connector: 'stripe', operation: 'paymentIntents.confirm', status, retryable: false, reason: 'client error', attempts: 1, requestId: 'req_7QXpjDBSXzyeEl' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers: new Headers(),
});

describe('toStripeError', () => {
  it('turns a card decline into a StripeError with the fields to branch on', () => {
    const error = toStripeError(failure(402, cardDeclined));
    expect(error).toBeInstanceOf(StripeError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      declineCode: 'insufficient_funds',
      stripeMessage: 'Your card has insufficient funds.',
      paymentIntentId: 'pi_3MtwBwLkdIwHu7ix28a3tqPa',
      status: 402,
      requestId: 'req_7QXpjDBSXzyeEl',
    });
    expect(error?.message).toContain('card_error (card_declined/insufficient_funds): Your card has insufficient funds.');
    expect(error?.toJSON()).toMatchObject({ name: 'StripeError', code: 'card_declined', docUrl: 'https://stripe.com/docs/error-codes/card-declined' });
  });

  it('names the parameter of an invalid request', () => {
    const error = toStripeError(failure(404, resourceMissing));
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'id' });
    expect(error?.message).toContain("No such customer: 'cus_missing' [param: id]");
  });

  it('keeps the plain HttpError for bodies that are not Stripe errors (a proxy page)', () => {
    expect(toStripeError(failure(502, '<html>Bad Gateway</html>'))).toBeUndefined();
    expect(toStripeError(failure(500, { message: 'not stripe' }))).toBeUndefined();
  });
});
