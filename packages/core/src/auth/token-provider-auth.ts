import { AuthError } from '../errors/auth-error.ts';
import { isConnectorError } from '../errors/connector-error.ts';
import type { AuthContext, AuthStrategy } from './auth-strategy.ts';
import { toDate } from './env-secret.ts';
import { bearerOf } from './oauth2-auth.ts';
import { readExpiry } from './token-endpoint.ts';
import { DEFAULT_LOCK_POLL_MS, DEFAULT_LOCK_TTL_MS, DEFAULT_REFRESH_MARGIN_MS, TokenRefresher } from './token-refresher.ts';
import { memoryTokenStore, type TokenStore } from './token-store.ts';

/** What a token provider returns: the token and when it stops working. */
export interface ProvidedToken {
  token: string;
  /** Date, ISO 8601 string (GitHub's `expires_at`) or epoch ms. Without it the token is renewed only after a 401. */
  expiresAt?: Date | string | number;
}

export interface TokenProviderAuthOptions {
  /**
   * Fetches a new token, e.g. a GitHub App installation token requested with a JWT from
   * `signJwtRs256`. Called once per renewal whatever the number of concurrent calls.
   */
  getToken(context: { signal: AbortSignal }): Promise<ProvidedToken>;
  /** Renew when the token expires within this. Default 5 minutes. */
  refreshMarginMs?: number;
  /** Share tokens across processes (SQLite, Redis); `credentialId` is then required. Default: in memory. */
  store?: TokenStore;
  /** Key in the store; safe to show (appears in events). Default `token-provider`. */
  credentialId?: string;
  /** How the token is sent. Default `Authorization: Bearer <token>`. */
  scheme?: string;
  /** Longest `getToken` may take. Default 10 s. */
  timeoutMs?: number;
  lockTtlMs?: number;
  lockPollMs?: number;
  /** When the underlying credential (e.g. the app's private key) expires, if it does: drives `credential-expiring`. */
  expiresAt?: Date | string | number;
}

/** The strategy `tokenProviderAuth` returns. */
export interface TokenProviderAuth extends AuthStrategy {
  readonly credentialId: string;
  /** Renews now. Needs the strategy to be attached to a client. */
  refresh(): Promise<void>;
}

/**
 * Custom short-lived tokens with the same proactive, single-flight, cross-process machinery as
 * `oauth2Auth`: the token is cached until `refreshMarginMs` before its expiry, renewed once per
 * 401, and shared through the store so a fleet of workers mints one token, not one each.
 */
export function tokenProviderAuth(options: TokenProviderAuthOptions): TokenProviderAuth {
  const factory = 'tokenProviderAuth';
  if (typeof options.getToken !== 'function') throw new TypeError(`${factory}: \`getToken\` must be a function returning Promise<{ token, expiresAt }>`);
  if (options.store && !options.credentialId) throw new TypeError(`${factory}: \`credentialId\` is required with a shared \`store\`, so different tokens do not overwrite each other`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const lockTtlMs = options.lockTtlMs ?? Math.max(DEFAULT_LOCK_TTL_MS, timeoutMs + 5_000);
  if (lockTtlMs <= timeoutMs) throw new TypeError(`${factory}: lockTtlMs (${lockTtlMs} ms) must be longer than timeoutMs (${timeoutMs} ms)`);
  const credentialId = options.credentialId ?? 'token-provider';
  const scheme = options.scheme ?? 'Bearer';
  const declaredExpiry = toDate(options.expiresAt, `${factory}: expiresAt`);
  let attached: AuthContext | undefined;

  const refresher = new TokenRefresher({
    kind: 'token-provider',
    credentialId,
    store: options.store ?? memoryTokenStore(),
    refreshMarginMs: options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS,
    lockTtlMs,
    lockPollMs: options.lockPollMs ?? DEFAULT_LOCK_POLL_MS,
    async mint(_base, call, now) {
      const { connector } = call.context;
      const fail = (message: string, retryable: boolean, cause?: unknown) =>
        new AuthError(`${connector}: token provider '${credentialId}': ${message}`, { connector, operation: call.operation, code: 'refresh-failed', retryable, ...(cause ? { cause } : {}) });
      let provided: ProvidedToken;
      try {
        provided = await options.getToken({ signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        if (error instanceof AuthError) throw error;
        const timedOut = (error as { name?: string } | null)?.name === 'TimeoutError';
        if (timedOut) throw fail(`getToken did not finish within ${timeoutMs} ms`, true, error);
        // Keep the cause for debugging; only the error's class goes into our message.
        throw fail(`getToken failed (${error instanceof Error ? error.name : typeof error})`, isConnectorError(error) ? error.retryable : true, error);
      }
      if (!provided || typeof provided.token !== 'string' || provided.token === '') throw fail('getToken resolved without a `token` string', false);
      const expiresAt = readExpiry(undefined, provided.expiresAt, now);
      return { accessToken: provided.token, ...(expiresAt !== undefined ? { expiresAt } : {}), updatedAt: now };
    },
  });

  return {
    kind: 'token-provider',
    credential: credentialId,
    credentialId,
    init(context) {
      attached = context;
    },
    async authorize(request, context) {
      const record = await refresher.get({ context, operation: request.operation, signal: request.signal });
      request.headers.set('authorization', `${scheme} ${record.accessToken}`);
    },
    async onUnauthorized(request, context) {
      const value = request.headers.get('authorization');
      const sent = scheme === 'Bearer' ? bearerOf(request.headers) : value?.startsWith(`${scheme} `) ? value.slice(scheme.length + 1) : undefined;
      await refresher.replaceRejected(sent, { context, operation: request.operation, signal: request.signal });
      return true;
    },
    secrets: () => refresher.secrets(),
    settle: () => refresher.settle(),
    expiresAt: () => declaredExpiry,
    async refresh() {
      if (!attached) throw new TypeError(`${factory}.refresh(): attach the strategy to a client (createHttpClient({ auth })) first`);
      await refresher.force({ context: attached, operation: 'refresh' });
    },
  };
}
