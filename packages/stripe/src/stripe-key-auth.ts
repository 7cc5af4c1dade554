import { AuthError, bearerAuth, type AuthStrategy } from '@connectors/core';

/** What kind of key is configured, for identities and errors: never the key itself. */
export interface StripeKeyKind {
  type: 'secret' | 'restricted' | 'unknown';
  mode: 'test' | 'live' | 'unknown';
}

/** Reads the kind of a Stripe key from its prefix (`sk_test_`, `rk_live_`...). */
export function stripeKeyKind(key: string): StripeKeyKind {
  const match = /^(sk|rk)_(test|live)_/.exec(key);
  if (!match) return { type: 'unknown', mode: 'unknown' };
  return { type: match[1] === 'sk' ? 'secret' : 'restricted', mode: match[2] as 'test' | 'live' };
}

/** Keys that are Stripe's but not for the server API: named so the error can say what to use instead. */
const WRONG_KEYS: readonly [string, string][] = [
  ['pk_', 'a publishable key (pk_...), which only works in browsers and apps; use the secret key (sk_...) or a restricted key (rk_...)'],
  ['whsec_', 'a webhook signing secret (whsec_...); it verifies webhooks, use the secret key (sk_...) for API calls'],
];

export interface StripeKeyAuthOptions {
  /** The secret (`sk_...`) or restricted (`rk_...`) key. */
  secretKey?: string;
  /** Read the key from this environment variable (on every call). Default `STRIPE_SECRET_KEY`. */
  env?: string;
}

/** A Stripe key strategy: Bearer auth plus a check that the key is a server-side key. */
export interface StripeKeyAuth extends AuthStrategy {
  /** The configured key's kind, or undefined when no key is configured. */
  keyKind(): StripeKeyKind | undefined;
}

/**
 * `Authorization: Bearer <key>` with a secret or restricted key, read from `STRIPE_SECRET_KEY` by
 * default. Fails at client creation with `AuthError` when the key is missing or is a publishable key
 * or webhook secret, so a misconfigured deploy fails at start, not at the first charge.
 */
export function stripeKeyAuth(options: StripeKeyAuthOptions = {}): StripeKeyAuth {
  if (options.secretKey !== undefined && options.env !== undefined) {
    throw new TypeError('stripe: pass `secretKey` or `secretKeyEnv`, not both');
  }
  if (options.secretKey !== undefined && (typeof options.secretKey !== 'string' || !options.secretKey.trim())) {
    throw new TypeError('stripe: `secretKey` is empty; pass the key, or leave it out to read STRIPE_SECRET_KEY');
  }
  const env = options.env ?? 'STRIPE_SECRET_KEY';
  const inner = options.secretKey !== undefined ? bearerAuth({ token: options.secretKey.trim() }) : bearerAuth({ env });
  const current = (): string | undefined => (options.secretKey ?? process.env[env])?.trim() || undefined;
  const check = (connector: string, operation: string): void => {
    const key = current();
    if (key === undefined) return; // the inner strategy reports a missing key, naming the variable
    const wrong = WRONG_KEYS.find(([prefix]) => key.startsWith(prefix));
    if (wrong) {
      const where = options.secretKey !== undefined ? 'The configured key' : `Environment variable ${env}`;
      throw new AuthError(`${connector}: ${where} holds ${wrong[1]}`, { connector, operation, code: 'rejected', reason: 'not a server-side API key' });
    }
  };
  return {
    kind: 'stripe-key',
    init(context) {
      inner.init?.(context);
      check(context.connector, 'init');
    },
    authorize(request, context) {
      check(context.connector, request.operation);
      return inner.authorize(request, context);
    },
    onUnauthorized: (request, context) => inner.onUnauthorized?.(request, context) ?? false,
    secrets: () => inner.secrets?.() ?? [],
    expiresAt: () => inner.expiresAt?.(),
    keyKind() {
      const key = current();
      return key === undefined ? undefined : stripeKeyKind(key);
    },
  };
}
