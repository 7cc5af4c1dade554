import { describe, expect, it } from 'vitest';
import { classifyStripeResponse } from './classify-stripe-response.ts';

const verdict = (status: number, headers: Record<string, string> = {}) => classifyStripeResponse({ status, headers: new Headers(headers) });

describe('classifyStripeResponse', () => {
  it('never retries when Stripe-Should-Retry is false, whatever the status', () => {
    for (const status of [409, 429, 500, 503]) expect(verdict(status, { 'stripe-should-retry': 'false' })).toMatchObject({ retryable: false });
  });

  it('retries when Stripe-Should-Retry is true, even a 400 or 409', () => {
    for (const status of [400, 409, 500]) expect(verdict(status, { 'stripe-should-retry': 'true' })).toMatchObject({ retryable: true });
    expect(verdict(429, { 'stripe-should-retry': 'true' })).toMatchObject({ retryable: true, rateLimited: true });
  });

  it('retries a 409 conflict without the header, as stripe-node does', () => {
    expect(verdict(409)).toMatchObject({ retryable: true });
  });

  it('leaves everything else to the core defaults (429 and 5xx retried, other 4xx not)', () => {
    for (const status of [400, 401, 402, 404, 429, 500]) expect(verdict(status)).toBeUndefined();
  });
});
