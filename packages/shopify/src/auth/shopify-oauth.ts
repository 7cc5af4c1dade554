import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthError, oauth2Auth, type OAuth2Auth, type SecretOption, type TokenRecord, type TokenStore } from '@connectors/core';
import { SHOPIFY_ACCESS_TOKEN_HEADER } from './shopify-access-token-auth.ts';
import { normalizeShopDomain } from './shop-domain.ts';

/**
 * Shopify's OAuth authorization-code grant for public apps, following Shopify's docs
 * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant)
 * and `@shopify/shopify-api` (`auth.begin`, `auth.callback`, `auth.refreshToken`): the token endpoint
 * is the shop's own `https://{shop}/admin/oauth/access_token`; offline tokens are the default; with
 * `expiring: '1'` they last 60 minutes and come with a refresh token that Shopify replaces on every
 * refresh (https://shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh).
 */

/** The token endpoint of a shop. */
export function shopifyTokenUrl(shop: string, origin?: string): string {
  return `${origin ?? `https://${normalizeShopDomain(shop)}`}/admin/oauth/access_token`;
}

export interface ShopifyAuthorizationUrlOptions {
  shop: string;
  /** The app's client id (API key). */
  clientId: string;
  scopes: readonly string[];
  /** Must be listed in the app's allowed redirection URLs. */
  redirectUri: string;
  /** CSRF nonce; generated when omitted. Keep it (a signed cookie) and compare on the callback. */
  state?: string;
  /** `online`: a token tied to the user (`grant_options[]=per-user`). Default `offline`. */
  accessMode?: 'offline' | 'online';
}

/** The URL to send the merchant to, and the `state` to check on the callback. */
export function shopifyAuthorizationUrl(options: ShopifyAuthorizationUrlOptions): { url: URL; state: string } {
  const shop = normalizeShopDomain(options.shop);
  const state = options.state ?? randomBytes(16).toString('hex');
  const url = new URL(`https://${shop}/admin/oauth/authorize`);
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('scope', options.scopes.join(','));
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('state', state);
  if (options.accessMode === 'online') url.searchParams.append('grant_options[]', 'per-user');
  return { url, state };
}

export interface ShopifyCallbackCheck {
  shop: string;
  code: string;
}

/**
 * Checks an OAuth callback before its code is used: the `hmac` parameter (hex HMAC-SHA256 of the
 * other parameters, sorted, with the client secret), the `state` you issued, and a valid shop domain.
 * Returns the shop and code; throws `AuthError` (code `rejected`) when any check fails.
 */
export function verifyShopifyCallback(query: URLSearchParams | Record<string, string>, options: { clientSecret: string; state: string }): ShopifyCallbackCheck {
  const params = query instanceof URLSearchParams ? query : new URLSearchParams(query);
  const fail = (why: string) => new AuthError(`shopify OAuth callback rejected: ${why}`, { connector: 'shopify', operation: 'verifyCallback', code: 'rejected' });
  const hmac = params.get('hmac');
  if (!hmac) throw fail('the hmac parameter is missing');
  const message = [...params.entries()]
    .filter(([key]) => key !== 'hmac' && key !== 'signature')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const expected = createHmac('sha256', options.clientSecret).update(message).digest();
  const given = Buffer.from(hmac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw fail('the hmac does not match the parameters (wrong client secret, or the URL was altered)');
  if (params.get('state') !== options.state) throw fail('the state does not match the one issued for this browser');
  const code = params.get('code');
  if (!code) throw fail('the code parameter is missing');
  let shop: string;
  try {
    shop = normalizeShopDomain(params.get('shop') ?? '');
  } catch {
    throw fail(`shop ${JSON.stringify(params.get('shop'))} is not a myshopify.com domain`);
  }
  return { shop, code };
}

export interface ExchangeShopifyCodeOptions {
  shop: string;
  clientId: string;
  clientSecret: SecretOption;
  code: string;
  /** Ask for an expiring offline token with a refresh token (`expiring: '1'`). Default true: public apps must by 2027. */
  expiring?: boolean;
  /** Save the tokens here under `credentialId`, ready for `shopifyOAuth({ store, credentialId })`. */
  store?: TokenStore;
  credentialId?: string;
  /** Token endpoint origin override (a sandbox). Default `https://{shop}`. */
  origin?: string;
  fetch?: typeof globalThis.fetch;
  /** Default 10 s. */
  timeoutMs?: number;
}

function secretValue(secret: SecretOption): string {
  const value = typeof secret === 'string' ? secret : process.env[secret.env];
  if (!value) throw new AuthError(`shopify: the client secret is empty${typeof secret === 'string' ? '' : ` (environment variable ${secret.env})`}`, { connector: 'shopify', operation: 'exchangeCode', code: 'missing' });
  return value;
}

/** Shopify's token response (`access_token`, `scope`, and for expiring tokens `expires_in`, `refresh_token`, `refresh_token_expires_in`). */
function toRecord(body: Record<string, unknown>, now: number): TokenRecord {
  const record: TokenRecord = { accessToken: String(body['access_token']), updatedAt: now };
  if (typeof body['scope'] === 'string') record.scope = body['scope'];
  if (typeof body['expires_in'] === 'number') record.expiresAt = now + body['expires_in'] * 1000;
  if (typeof body['refresh_token'] === 'string') record.refreshToken = body['refresh_token'];
  if (typeof body['refresh_token_expires_in'] === 'number') record.refreshTokenExpiresAt = now + body['refresh_token_expires_in'] * 1000;
  return record;
}

/**
 * Trades the callback's `code` for the shop's offline token (expiring, with a refresh token, by
 * default), as `@shopify/shopify-api`'s `auth.callback` does: a JSON POST to the shop's token endpoint.
 * @throws AuthError (code `refresh-failed`) with Shopify's error, e.g. a code that was already used.
 */
export async function exchangeShopifyCode(options: ExchangeShopifyCodeOptions): Promise<TokenRecord> {
  if (options.store && !options.credentialId) throw new TypeError('exchangeShopifyCode: `credentialId` is required with `store` (the key shopifyOAuth will read)');
  const secret = secretValue(options.clientSecret);
  const now = Date.now();
  const response = await (options.fetch ?? globalThis.fetch)(shopifyTokenUrl(options.shop, options.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ client_id: options.clientId, client_secret: secret, code: options.code, expiring: options.expiring === false ? '0' : '1' }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported below with the status
  }
  if (!response.ok || typeof body['access_token'] !== 'string') {
    const providerError = typeof body['error'] === 'string' ? body['error'] : undefined;
    const description = typeof body['error_description'] === 'string' ? body['error_description'] : undefined;
    throw new AuthError(`shopify: the code exchange failed (HTTP ${response.status}${providerError ? `, ${providerError}` : ''}${description ? `: ${description}` : ''}); send the merchant through the authorization URL again`, {
      connector: 'shopify',
      operation: 'exchangeCode',
      code: 'refresh-failed',
      status: response.status,
      ...(providerError ? { providerError } : {}),
      ...(description ? { providerErrorDescription: description } : {}),
    });
  }
  const record = toRecord(body, now);
  if (options.store && options.credentialId) await options.store.set(options.credentialId, record);
  return record;
}

export interface ShopifyOAuthOptions {
  shop: string;
  clientId: string;
  clientSecret: SecretOption;
  /** Where the shop's tokens live (Redis or SQLite to share a rotating refresh token across processes). Default: memory. */
  store?: TokenStore;
  /** Key in the store. Default `shopify:<shop domain>:<clientId>`. */
  credentialId?: string;
  /** Seeds the store when it is empty (tokens from `exchangeShopifyCode`, or a token you already hold). */
  initialTokens?: { accessToken: string; refreshToken?: string; expiresAt?: Date | number; scope?: string };
  /** Refresh when the token expires within this. Default 5 minutes (Shopify's tokens live 60). */
  refreshMarginMs?: number;
  /** Token endpoint origin override (a sandbox). Default `https://{shop}`. */
  origin?: string;
  fetch?: typeof globalThis.fetch;
}

/** The default credential id of a shop's tokens. */
export function shopifyCredentialId(shop: string, clientId: string): string {
  return `shopify:${normalizeShopDomain(shop)}:${clientId}`;
}

/**
 * A shop's expiring offline token, renewed before it expires (and once after a 401) with the
 * rotating refresh token, single-flight across processes that share the store: the core's
 * `oauth2Auth`, sending the token as `X-Shopify-Access-Token` instead of a Bearer header.
 */
export function shopifyOAuth(options: ShopifyOAuthOptions): OAuth2Auth {
  const inner = oauth2Auth({
    tokenUrl: shopifyTokenUrl(options.shop, options.origin),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    grant: 'refresh_token',
    credentialId: options.credentialId ?? shopifyCredentialId(options.shop, options.clientId),
    ...(options.store ? { store: options.store } : {}),
    ...(options.initialTokens ? { initialTokens: options.initialTokens } : {}),
    ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    ...inner,
    kind: 'shopify-oauth',
    async authorize(request, context) {
      await inner.authorize(request, context);
      const token = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      request.headers.delete('authorization');
      if (token) request.headers.set(SHOPIFY_ACCESS_TOKEN_HEADER, token);
    },
    async onUnauthorized(request, context) {
      // The core compares the rejected token with the stored one to refresh only once; hand it the
      // token the way it sent it.
      const headers = new Headers(request.headers);
      const sent = headers.get(SHOPIFY_ACCESS_TOKEN_HEADER);
      if (sent) headers.set('authorization', `Bearer ${sent}`);
      return inner.onUnauthorized ? inner.onUnauthorized({ ...request, headers, url: request.url, method: request.method, operation: request.operation }, context) : false;
    },
  };
}
