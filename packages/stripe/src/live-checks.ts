// Read-only checks `pnpm test:live --filter @connectors/stripe` runs against api.stripe.com when
// STRIPE_SECRET_KEY is set (see scripts/test-live.ts). Test-mode keys only (`sk_test_` / `rk_test_`):
// a live key is refused before any call.
import { stripe } from './stripe-connector.ts';

type Stripe = ReturnType<typeof stripe.create>;

export const liveChecks = {
  env: ['STRIPE_SECRET_KEY'],
  refuse: (env: NodeJS.ProcessEnv) =>
    /^(sk|rk)_test_/.test(env['STRIPE_SECRET_KEY'] ?? '') ? undefined : 'STRIPE_SECRET_KEY is not a test-mode key (sk_test_... or rk_test_...); live checks never touch a live account',
  create: (common: Parameters<typeof stripe.create>[0]) => stripe.create({ ...common }),
  checks: [
    { name: 'verifyCredentials (GET /v1/balance)', run: (s: Stripe) => s.verifyCredentials() },
    { name: 'customers.list (first 20)', run: (s: Stripe) => take(s.customers.list(), 20) },
    { name: 'paymentIntents.list (first 20)', run: (s: Stripe) => take(s.paymentIntents.list(), 20) },
    { name: 'invoices.list (first 20)', run: (s: Stripe) => take(s.invoices.list(), 20) },
    { name: 'events.list (first 20)', run: (s: Stripe) => take(s.events.list(), 20) },
  ],
};

async function take<T>(items: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) if (out.push(item) >= count) break;
  return out;
}
