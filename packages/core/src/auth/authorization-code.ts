import { createHash, randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../internal/clock.ts';
import { checkedTokenUrl, type SecretOption, secretFrom } from './oauth2-auth.ts';
import { type ClientAuthMethod, DEFAULT_TOKEN_TIMEOUT_MS, requestToken } from './token-endpoint.ts';
import type { TokenRecord, TokenStore } from './token-store.ts';

/** A PKCE verifier (keep it server-side, e.g. in the session) and the challenge sent in the authorization URL. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** Makes a PKCE pair (RFC 7636, S256): 32 random bytes, base64url. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), method: 'S256' };
}

export interface AuthorizationUrlOptions {
  /** The provider's authorization endpoint. */
  authorizationUrl: string | URL;
  clientId: string;
  redirectUri: string;
  scopes?: readonly string[];
  /** From `createPkcePair()`. */
  pkce: PkcePair;
  /** CSRF protection; generated when omitted. Store it and compare on the callback. */
  state?: string;
  /** Provider-specific parameters, e.g. `{ access_type: 'offline', prompt: 'consent' }` for Google. */
  extraParams?: Readonly<Record<string, string>>;
}

/** Builds the URL to send the user to; returns it with the `state` to check on the callback. */
export function buildAuthorizationUrl(options: AuthorizationUrlOptions): { url: URL; state: string } {
  let url: URL;
  try {
    url = new URL(options.authorizationUrl);
  } catch {
    throw new TypeError(`buildAuthorizationUrl: authorizationUrl must be an absolute URL; got ${JSON.stringify(String(options.authorizationUrl))}`);
  }
  const state = options.state ?? randomBytes(16).toString('base64url');
  const params: Record<string, string> = {
    ...options.extraParams,
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    state,
    code_challenge: options.pkce.challenge,
    code_challenge_method: options.pkce.method,
  };
  if (options.scopes?.length) params.scope = options.scopes.join(' ');
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { url, state };
}

export interface ExchangeAuthorizationCodeOptions {
  tokenUrl: string | URL;
  clientId: string;
  clientSecret?: SecretOption;
  clientAuth?: ClientAuthMethod;
  /** The `code` query parameter of the callback. */
  code: string;
  /** Exactly the redirect URI used in the authorization URL. */
  redirectUri: string;
  /** `pkce.verifier` from `createPkcePair()`. */
  codeVerifier: string;
  /** When given, the tokens are saved here under `credentialId`, ready for `oauth2Auth({ grant: 'refresh_token', store, credentialId })`. */
  store?: TokenStore;
  credentialId?: string;
  extraParams?: Readonly<Record<string, string>>;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  clock?: Clock;
  /** Name used in errors. Default `oauth2`. */
  connector?: string;
}

/**
 * Trades the callback's authorization code (with the PKCE verifier) for the first token pair.
 * @throws AuthError (code `refresh-failed`) with the provider's error, e.g. `invalid_grant` for a used or expired code.
 */
export async function exchangeAuthorizationCode(options: ExchangeAuthorizationCodeOptions): Promise<TokenRecord> {
  const factory = 'exchangeAuthorizationCode';
  if (options.store && !options.credentialId) throw new TypeError(`${factory}: \`credentialId\` is required with \`store\` (the key oauth2Auth will read)`);
  const connector = options.connector ?? 'oauth2';
  const secret = options.clientSecret === undefined ? undefined : secretFrom(options.clientSecret, 'client secret', factory);
  const now = (options.clock ?? systemClock).now();
  const record = await requestToken(
    {
      tokenUrl: checkedTokenUrl(options.tokenUrl, factory),
      clientId: options.clientId,
      clientSecret: secret?.read(connector, factory),
      clientAuth: options.clientAuth ?? 'client_secret_post',
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS,
      connector,
    },
    { ...options.extraParams, grant_type: 'authorization_code', code: options.code, redirect_uri: options.redirectUri, code_verifier: options.codeVerifier },
    { operation: factory, now, secrets: [options.code, options.codeVerifier] },
  );
  if (options.store && options.credentialId) await options.store.set(options.credentialId, record);
  return record;
}
