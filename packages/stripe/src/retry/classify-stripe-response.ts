import type { RetryVerdict } from '@connectors/core';

/**
 * Stripe's retry verdicts, run before the core defaults (`retry.classify`), the way stripe-node
 * decides, plus 429s (which stripe-node does not retry):
 * - `Stripe-Should-Retry: false`: never retry, whatever the status (the request will not succeed as is);
 * - `Stripe-Should-Retry: true`: retry, whatever the status (a 409 lock conflict, a 400 on a busy object);
 * - 409 without the header: a conflict on a concurrently modified object, worth retrying;
 * - anything else: the core defaults (429 and 5xx retried, other 4xx not).
 * Every POST carries an idempotency key, so a retried POST is never applied twice.
 */
export function classifyStripeResponse(response: { status: number; headers: Headers }): RetryVerdict | undefined {
  const shouldRetry = response.headers.get('stripe-should-retry')?.trim().toLowerCase();
  if (shouldRetry === 'false') return { retryable: false, reason: `Stripe-Should-Retry: false on ${response.status}; Stripe says the same request will fail again` };
  if (shouldRetry === 'true') {
    return { retryable: true, reason: `Stripe-Should-Retry: true on ${response.status}`, ...(response.status === 429 ? { rateLimited: true } : {}) };
  }
  if (response.status === 409) return { retryable: true, reason: 'Stripe 409 conflict (another request was modifying the object)' };
  return undefined;
}
