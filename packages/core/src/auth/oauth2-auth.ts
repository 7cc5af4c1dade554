import { AuthError } from '../errors/auth-error.ts';
import type { AuthContext, AuthRequest, AuthStrategy } from './auth-strategy.ts';
import { EnvSecret, toDate } from './env-secret.ts';
import { type ClientAuthMethod, DEFAULT_TOKEN_TIMEOUT_MS, requestToken, type TokenEndpoint } from './token-endpoint.ts';
import {
  DEFAULT_LOCK_POLL_MS,
  DEFAULT_LOCK_TTL_MS,
  DEFAULT_REFRESH_MARGIN_MS,
  type RefreshCall,
  TokenRefresher,
} from './token-refresher.ts';
import { memoryTokenStore, type TokenStore } from './token-store.ts';

/** A secret given literally or as the name of the environment variable that holds it. */
export type SecretOption = string | { env: string };

export interface OAuth2AuthOptions {
  /** The provider's token endpoint. Must be https (plain http is accepted only for localhost). */
  tokenUrl: string | URL;
  clientId: string;
  /** Omit for public clients. */
  clientSecret?: SecretOption;
  /** When the client secret expires (Azure AD secrets do); drives `credential-expiring` events. */
  clientSecretExpiresAt?: Date | string | number;
  /** How the secret is sent to the token endpoint. Default `client_secret_post` (form body), which most providers accept. */
  clientAuth?: ClientAuthMethod;
  /**
   * `refresh_token`: a user's connection, renewed with its (possibly rotating) refresh token; the
   * first pair comes from `exchangeAuthorizationCode`. `client_credentials`: the app's own token, re-minted when it expires.
   */
  grant: 'refresh_token' | 'client_credentials';
  scopes?: readonly string[];
  /** Extra form fields for the token request (e.g. `audience`, `resource`). */
  extraParams?: Readonly<Record<string, string>>;
  /**
   * A refresh token to start from when the store holds none yet (first boot). Once the store has a
   * record it wins: a rotated token in the store is newer than any env var.
   */
  refreshToken?: SecretOption;
  /**
   * A token pair you already hold (from another library, a migration, your own OAuth flow), used
   * when the store holds none yet, like `refreshToken`. No need to know the store's record shape.
   */
  initialTokens?: InitialTokens;
  /** Where tokens are kept. Default: in memory, for this strategy only. Use SQLite or Redis to share across processes. */
  store?: TokenStore;
  /** The key in the store, one per connection (user/tenant). Default `oauth2:<token host>:<clientId>:<grant>`. Safe to show: appears in events. */
  credentialId?: string;
  /**
   * Refresh when the access token expires within this. Default 5 minutes. Capped at half the
   * token's lifetime (from when it was issued to when it expires), so that a short-lived token is
   * not refreshed on every call: the effective margin is `min(refreshMarginMs, lifetime / 2)`.
   */
  refreshMarginMs?: number;
  /** Timeout of one token request. Default 10 s. */
  timeoutMs?: number;
  /** How long a refresh may hold the store's lock before another process takes over. Default 15 s; must exceed `timeoutMs`. */
  lockTtlMs?: number;
  /** How often a process waiting for another's refresh re-reads the store. Default 50 ms. */
  lockPollMs?: number;
  /** Transport for token requests. Default: the global `fetch` at the time of the request. */
  fetch?: typeof globalThis.fetch;
}

/** A token pair handed to `oauth2Auth` as it is. */
export interface InitialTokens {
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires (a Date or epoch milliseconds); absent: renewed after a 401 only. */
  expiresAt?: Date | number;
  /** Granted scopes, space-separated or as a list. */
  scope?: string | readonly string[];
}

/** The strategy `oauth2Auth` returns. */
export interface OAuth2Auth extends AuthStrategy {
  readonly credentialId: string;
  /** Refreshes now (e.g. after scopes changed at the provider). Needs the strategy to be attached to a client. */
  refresh(): Promise<void>;
}

/**
 * OAuth 2.0 bearer tokens that renew themselves: proactively before expiry, once after a 401,
 * single-flight within the process and across processes sharing the store, and safe with
 * rotating refresh tokens.
 * @example
 * oauth2Auth({ tokenUrl: 'https://login.example.com/oauth/token', clientId: 'app', clientSecret: { env: 'EXAMPLE_CLIENT_SECRET' },
 *   grant: 'refresh_token', store: redisTokenStore({ redis }), credentialId: `example:${userId}` })
 */
export function oauth2Auth(options: OAuth2AuthOptions): OAuth2Auth {
  const factory = 'oauth2Auth';
  const tokenUrl = checkedTokenUrl(options.tokenUrl, factory);
  if (!options.clientId || typeof options.clientId !== 'string') throw new TypeError(`${factory}: \`clientId\` is required`);
  if (options.grant !== 'refresh_token' && options.grant !== 'client_credentials') {
    throw new TypeError(`${factory}: \`grant\` must be 'refresh_token' or 'client_credentials'; got ${JSON.stringify(options.grant)}`);
  }
  if (options.grant === 'client_credentials' && options.refreshToken !== undefined) {
    throw new TypeError(`${factory}: \`refreshToken\` only applies to grant 'refresh_token'`);
  }
  const timeoutMs = positive(options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS, `${factory}: timeoutMs`);
  const lockTtlMs = positive(options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS, `${factory}: lockTtlMs`);
  if (lockTtlMs <= timeoutMs) {
    throw new TypeError(`${factory}: lockTtlMs (${lockTtlMs} ms) must be longer than the token request timeout (${timeoutMs} ms), or another process could refresh while this one still waits`);
  }
  const clientSecret = options.clientSecret === undefined ? undefined : secretFrom(options.clientSecret, 'client secret', factory);
  const initial = checkInitialTokens(options.initialTokens, factory);
  const seedRefreshToken = options.refreshToken === undefined ? undefined : secretFrom(options.refreshToken, 'refresh token', factory);
  const clientSecretExpiresAt = toDate(options.clientSecretExpiresAt, `${factory}: clientSecretExpiresAt`);
  const credentialId = options.credentialId ?? `oauth2:${tokenUrl.host}:${options.clientId}:${options.grant}`;
  const scope = options.scopes?.length ? options.scopes.join(' ') : undefined;
  let attached: AuthContext | undefined;

  const endpoint = (context: AuthContext, operation: string): TokenEndpoint => ({
    tokenUrl,
    clientId: options.clientId,
    clientSecret: clientSecret?.read(context.connector, operation),
    clientAuth: options.clientAuth ?? 'client_secret_post',
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs,
    connector: context.connector,
  });

  const refresher = new TokenRefresher({
    kind: 'oauth2',
    credentialId,
    store: options.store ?? memoryTokenStore(),
    refreshMarginMs: nonNegative(options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS, `${factory}: refreshMarginMs`),
    lockTtlMs,
    lockPollMs: positive(options.lockPollMs ?? DEFAULT_LOCK_POLL_MS, `${factory}: lockPollMs`),
    seed(now) {
      const refreshToken = initial?.refreshToken ?? seedRefreshToken?.peek();
      if (initial) {
        return {
          accessToken: initial.accessToken, updatedAt: now,
          ...(refreshToken ? { refreshToken } : {}), ...(initial.expiresAt !== undefined ? { expiresAt: initial.expiresAt } : {}),
          ...(initial.scope !== undefined ? { scope: initial.scope } : {}),
        };
      }
      // An empty access token with a past expiry: "refresh before first use".
      return refreshToken ? { accessToken: '', refreshToken, expiresAt: now - 1, updatedAt: now - 2 } : undefined;
    },
    async mint(base, call, now) {
      const { connector } = call.context;
      const params: Record<string, string> = { ...options.extraParams };
      if (scope) params.scope = scope;
      if (options.grant === 'client_credentials') {
        return requestToken(endpoint(call.context, call.operation), { ...params, grant_type: 'client_credentials' }, { operation: call.operation, now, secrets: [] });
      }
      const refreshToken = base?.refreshToken;
      if (!refreshToken) {
        throw new AuthError(
          base
            ? `${connector}: oauth2 credential '${credentialId}': the access token expired and the provider gave no refresh token; authorize the connection again (exchangeAuthorizationCode)`
            : `${connector}: oauth2 credential '${credentialId}': no tokens in the store yet; complete the authorization-code flow with exchangeAuthorizationCode({ store, credentialId: '${credentialId}' }) or pass \`refreshToken\``,
          { connector, operation: call.operation, code: base ? 'expired' : 'missing' },
        );
      }
      const minted = await requestToken(
        endpoint(call.context, call.operation),
        { ...params, grant_type: 'refresh_token', refresh_token: refreshToken },
        { operation: call.operation, now, secrets: [refreshToken, base.accessToken] },
      );
      // RFC 6749 6: without a new refresh token, the old one stays valid; never drop it.
      if (!minted.refreshToken) {
        minted.refreshToken = refreshToken;
        if (base.refreshTokenExpiresAt !== undefined && minted.refreshTokenExpiresAt === undefined) minted.refreshTokenExpiresAt = base.refreshTokenExpiresAt;
      }
      return minted;
    },
  });

  const call = (context: AuthContext, request: Pick<AuthRequest, 'operation' | 'signal'>): RefreshCall => ({ context, operation: request.operation, signal: request.signal });

  return {
    kind: 'oauth2',
    credential: credentialId,
    credentialId,
    init(context) {
      attached = context;
      clientSecret?.read(context.connector, 'init');
      seedRefreshToken?.read(context.connector, 'init');
    },
    async authorize(request, context) {
      const record = await refresher.get(call(context, request));
      request.headers.set('authorization', `Bearer ${record.accessToken}`);
    },
    async onUnauthorized(request, context) {
      await refresher.replaceRejected(bearerOf(request.headers), call(context, request));
      return true;
    },
    settle: () => refresher.settle(),
    secrets() {
      return [...refresher.secrets(), ...(clientSecret?.values() ?? []), ...(seedRefreshToken?.values() ?? []), initial?.accessToken ?? '', initial?.refreshToken ?? ''].filter((s) => s !== '');
    },
    expiresAt() {
      const times = [refresher.current?.refreshTokenExpiresAt, clientSecretExpiresAt?.getTime()].filter((t): t is number => t !== undefined);
      return times.length ? new Date(Math.min(...times)) : undefined;
    },
    async refresh() {
      if (!attached) throw new TypeError(`${factory}.refresh(): attach the strategy to a client (createHttpClient({ auth })) first`);
      await refresher.force({ context: attached, operation: 'refresh' });
    },
  };
}

/** The token after `Bearer ` in an Authorization header, if any. */
export function bearerOf(headers: Headers): string | undefined {
  const value = headers.get('authorization');
  const match = value ? /^Bearer\s+(.+)$/i.exec(value) : null;
  return match?.[1];
}

export function secretFrom(input: SecretOption, what: string, factory: string): EnvSecret {
  if (typeof input === 'string') return new EnvSecret(what, { value: input }, factory);
  if (input && typeof input === 'object' && typeof input.env === 'string') return new EnvSecret(what, { env: input.env }, factory);
  throw new TypeError(`${factory}: the ${what} must be a string or { env: 'VARIABLE_NAME' }`);
}

export function checkedTokenUrl(input: string | URL, factory: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TypeError(`${factory}: tokenUrl must be an absolute URL; got ${JSON.stringify(String(input))}`);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TypeError(`${factory}: tokenUrl must use https (client secrets and refresh tokens travel in the request); got ${url.protocol}//${url.host}`);
  }
  return url;
}

function positive(value: number, label: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${label} must be a number of milliseconds > 0; got ${String(value)}`);
  return value;
}

function nonNegative(value: number, label: string): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${label} must be a number of milliseconds >= 0; got ${String(value)}`);
  return value;
}

function checkInitialTokens(tokens: InitialTokens | undefined, factory: string): { accessToken: string; refreshToken?: string; expiresAt?: number; scope?: string } | undefined {
  if (tokens === undefined) return undefined;
  if (typeof tokens !== 'object' || tokens === null || typeof tokens.accessToken !== 'string' || tokens.accessToken === '') {
    throw new TypeError(`${factory}: initialTokens needs a non-empty accessToken ({ accessToken, refreshToken?, expiresAt?, scope? })`);
  }
  const expiresAt = tokens.expiresAt instanceof Date ? tokens.expiresAt.getTime() : tokens.expiresAt;
  if (expiresAt !== undefined && !Number.isFinite(expiresAt)) {
    throw new TypeError(`${factory}: initialTokens.expiresAt must be a Date or epoch milliseconds; got ${String(tokens.expiresAt)}`);
  }
  if (tokens.refreshToken !== undefined && (typeof tokens.refreshToken !== 'string' || tokens.refreshToken === '')) {
    throw new TypeError(`${factory}: initialTokens.refreshToken must be a non-empty string when given`);
  }
  const scope = typeof tokens.scope === 'string' ? tokens.scope : tokens.scope?.join(' ');
  return {
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(scope !== undefined ? { scope } : {}),
  };
}
