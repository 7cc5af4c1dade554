/**
 * `@connectors/stripe/sandbox`: Stripe for the testing kit's local sandbox. Needs `@connectors/testing`
 * (a development dependency: the sandbox is for tests, demos and local development).
 */
export {
  stripeSandboxProvider,
  stripeSandboxWebhookEvents,
  STRIPE_SANDBOX_SECRET_KEY,
  STRIPE_SANDBOX_RESTRICTED_KEY,
  STRIPE_SANDBOX_WEBHOOK_SECRET,
  STRIPE_SANDBOX_DECLINED_PAYMENT_METHOD,
} from './stripe-sandbox-provider.ts';
