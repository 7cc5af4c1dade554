import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  AuthError,
  ConnectorError,
  createHttpClient,
  HttpError,
  signJwtRs256,
  systemClock,
  tokenProviderAuth,
  type AuthContext,
  type AuthRequest,
  type AuthStrategy,
  type Clock,
  type HttpClient,
  type TokenStore,
} from '@connectors/core';
import * as v from 'valibot';

/** How to authenticate as a GitHub App installation. */
export interface GitHubAppCredentials {
  /** The App ID (a number) or the app's Client ID (`Iv1.…`); GitHub accepts either as the JWT issuer. */
  appId: string | number;
  /**
   * The app's private key, PEM as GitHub downloads it (`-----BEGIN RSA PRIVATE KEY-----`). A key kept in
   * an environment variable with literal `\n` sequences is accepted too.
   */
  privateKey: string;
  /** The installation to act as (the number in `https://github.com/settings/installations/<id>`). */
  installationId: string | number;
  /**
   * Share installation tokens across processes (`sqliteTokenStore`, `redisTokenStore` from core), so
   * a fleet of workers mints one token per hour instead of one each. Default: in memory.
   */
  store?: TokenStore;
  /** Mint a new installation token this long before the current one expires. Default 5 min. */
  refreshMarginMs?: number;
}

/** Everything the strategy needs besides the credentials; the connector fills these in. */
export interface GitHubAppAuthOptions extends GitHubAppCredentials {
  baseUrl: string;
  apiVersion: string;
  userAgent: string;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
}

/** A GitHub App installation strategy: what `githubAppAuth` returns. */
export interface GitHubAppAuth extends AuthStrategy {
  /** A JWT for the app itself (cached until a minute before it expires), for the `/app` routes. */
  appJwt(): string;
}

const installationTokenSchema = v.looseObject({
  token: v.string(),
  expires_at: v.string(),
  permissions: v.optional(v.record(v.string(), v.string())),
  repository_selection: v.optional(v.string()),
});

/** A JWT lives at most 10 minutes; GitHub recommends backdating `iat` 60 s against clock drift. */
const JWT_BACKDATE_S = 60;
const JWT_LIFETIME_S = 9 * 60;
const JWT_REUSE_MARGIN_MS = 60_000;
const CONNECTOR = 'github';
const MINT_OPERATION = 'apps.createInstallationAccessToken';

/**
 * Authenticates as a GitHub App installation: signs an RS256 JWT with the app's private key,
 * exchanges it at `POST /app/installations/{id}/access_tokens` for an installation token, and caches
 * that token until `refreshMarginMs` before its own `expires_at` (Octokit's auth-app keeps a fixed
 * 59-minute TTL and ignores `expires_at`). Concurrent calls share one mint (core `tokenProviderAuth`,
 * across processes too with a shared `store`). Routes under `/app`, which only accept the JWT, are
 * sent with the JWT. A 401 with the cached token renews it once.
 */
export function githubAppAuth(options: GitHubAppAuthOptions): GitHubAppAuth {
  const factory = 'githubAppAuth';
  const appId = String(options.appId ?? '').trim();
  const installationId = String(options.installationId ?? '').trim();
  if (!appId) throw new TypeError(`${factory}: \`appId\` is required (the App ID or Client ID from the app's settings page)`);
  if (!/^\d+$/.test(installationId)) {
    throw new TypeError(`${factory}: \`installationId\` must be the numeric installation id; got ${JSON.stringify(options.installationId)}`);
  }
  const pem = normalizePem(options.privateKey, factory);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new TypeError(`${factory}: \`privateKey\` is not a readable PEM private key; paste the whole .pem file GitHub generated for the app`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError(`${factory}: \`privateKey\` must be an RSA key (GitHub App keys are RSA)`);

  const clock = options.clock ?? systemClock;
  const basePath = new URL(options.baseUrl).pathname.replace(/\/+$/, '');
  let jwt: { value: string; expiresAt: number } | undefined;
  let context: AuthContext | undefined;

  const appJwt = (): string => {
    const now = clock.now();
    if (jwt && jwt.expiresAt - now > JWT_REUSE_MARGIN_MS) return jwt.value;
    const nowS = Math.floor(now / 1000);
    jwt = { value: signJwtRs256({ iat: nowS - JWT_BACKDATE_S, exp: nowS + JWT_LIFETIME_S, iss: appId }, key), expiresAt: (nowS + JWT_LIFETIME_S) * 1000 };
    return jwt.value;
  };

  // The exchange has its own client so it gets retries, timeouts and events, with the JWT as credential.
  let minter: HttpClient | undefined;
  const tokenClient = (): HttpClient => {
    minter ??= createHttpClient({
      connector: CONNECTOR,
      baseUrl: options.baseUrl,
      apiVersion: { header: 'X-GitHub-Api-Version', value: options.apiVersion },
      headers: { accept: 'application/vnd.github+json', 'user-agent': options.userAgent },
      clock,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      onEvent: (event) => context?.emit(event),
      auth: { kind: 'github-app-jwt', authorize: (request) => void request.headers.set('authorization', `Bearer ${appJwt()}`), secrets: () => [pem, ...(jwt ? [jwt.value] : [])] },
    });
    return minter;
  };

  const installation = tokenProviderAuth({
    credentialId: `github-app-${appId}-installation-${installationId}`,
    ...(options.store ? { store: options.store } : {}),
    ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
    async getToken({ signal }) {
      try {
        const data = await tokenClient().request({
          method: 'POST',
          path: '/app/installations/{installation_id}/access_tokens',
          params: { installation_id: installationId },
          schema: installationTokenSchema,
          operation: MINT_OPERATION,
          signal,
          // Minting twice only yields two valid tokens, so the exchange is retried like a read.
          idempotent: true,
        });
        return { token: data.token, expiresAt: data.expires_at };
      } catch (error) {
        throw mintError(error, installationId);
      }
    },
  });

  const isAppRoute = (url: URL): boolean => {
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
    return path === '/app' || path.startsWith('/app/');
  };

  return {
    kind: 'github-app',
    init(ctx) {
      context = ctx;
      installation.init?.(ctx);
    },
    async authorize(request: AuthRequest, ctx) {
      if (isAppRoute(request.url)) request.headers.set('authorization', `Bearer ${appJwt()}`);
      else await installation.authorize(request, ctx);
    },
    async onUnauthorized(request: AuthRequest, ctx) {
      // A rejected JWT will be rejected again: wrong app id, wrong key or a skewed clock.
      if (isAppRoute(request.url)) return false;
      return (await installation.onUnauthorized?.(request, ctx)) ?? false;
    },
    secrets: () => [pem, ...(jwt ? [jwt.value] : []), ...(installation.secrets?.() ?? [])],
    expiresAt: () => installation.expiresAt?.(),
    appJwt,
  };
}

/** Keys pasted into env vars often carry `\n` as two characters, or surrounding quotes. */
function normalizePem(input: unknown, factory: string): string {
  if (typeof input !== 'string' || !input.trim()) {
    throw new TypeError(`${factory}: \`privateKey\` is required: the PEM text of the app's private key`);
  }
  return input.trim().replace(/^["']|["']$/g, '').replace(/\\n/g, '\n');
}

/** Turns a failed exchange into an error that says what to fix. Transient failures keep their type and retryability. */
function mintError(error: unknown, installationId: string): unknown {
  const ids = (e: ConnectorError) => ({ attempts: e.attempts, cause: e, ...(e.requestId ? { requestId: e.requestId } : {}) });
  if (error instanceof AuthError) {
    return new AuthError(
      'github: GitHub rejected the app JWT (401) while minting an installation token; check that appId matches the private key and that the machine clock is right',
      { connector: CONNECTOR, operation: MINT_OPERATION, code: 'rejected', status: 401, ...ids(error) },
    );
  }
  if (error instanceof HttpError && (error.status === 404 || error.status === 403)) {
    return new AuthError(
      error.status === 404
        ? `github: installation ${installationId} was not found for this app; check installationId (the app may have been uninstalled)`
        : `github: the app may not mint a token for installation ${installationId} (403); the installation may be suspended`,
      { connector: CONNECTOR, operation: MINT_OPERATION, code: 'refresh-failed', status: error.status, ...ids(error) },
    );
  }
  return error;
}
