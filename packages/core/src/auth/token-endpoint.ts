import { AuthError } from '../errors/auth-error.ts';
import { redactText, redactUrl } from '../internal/redact.ts';
import type { TokenRecord } from './token-store.ts';
import { systemErrorCode } from '../internal/system-error-code.ts';

/** How the client proves itself to the token endpoint (RFC 6749 2.3.1). */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic';

/** Default for token requests: long enough for a slow provider, well under a refresh lock's TTL. */
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

export interface TokenEndpoint {
  tokenUrl: URL;
  clientId: string;
  clientSecret: string | undefined;
  clientAuth: ClientAuthMethod;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  connector: string;
}

/** OAuth error codes worth trying again later; everything else needs a person. */
const TRANSIENT_OAUTH_ERRORS = new Set(['temporarily_unavailable', 'server_error', 'slow_down']);

const HINTS: Record<string, string> = {
  invalid_grant: 'the refresh token (or code) is expired, revoked or was already used; authorize the connection again',
  invalid_client: 'the token endpoint does not accept the client id/secret; check them (and `clientAuth`)',
  unauthorized_client: 'this client is not allowed to use this grant type; check the app settings at the provider',
  invalid_scope: 'the requested scopes are not allowed for this client',
  unsupported_grant_type: 'the provider does not support this grant type',
};

/**
 * POSTs a form to the token endpoint and turns the answer into a `TokenRecord`. Hand-written
 * rather than using an OAuth library because the whole exchange is one form POST, and this keeps
 * the timeout, the injectable fetch and the redaction of secrets under our control.
 * @param now when the request was sent (the client's clock): `expires_in` counts from here, so latency shortens, never extends, the token's life.
 * @param secrets values to scrub from anything the provider echoes (refresh token, code, verifier).
 */
export async function requestToken(
  endpoint: TokenEndpoint,
  params: Record<string, string>,
  context: { operation: string; now: number; secrets: readonly (string | undefined)[] },
): Promise<TokenRecord> {
  const { connector } = endpoint;
  const { operation } = context;
  const secrets = [...context.secrets, endpoint.clientSecret].filter((s): s is string => !!s);
  const where = redactUrl(endpoint.tokenUrl);
  const body = new URLSearchParams(params);
  const headers = new Headers({ accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' });
  body.set('client_id', endpoint.clientId);
  if (endpoint.clientSecret !== undefined) {
    if (endpoint.clientAuth === 'client_secret_basic') {
      // RFC 6749 2.3.1: both parts are form-encoded before base64.
      const user = encodeURIComponent(endpoint.clientId);
      const pass = encodeURIComponent(endpoint.clientSecret);
      headers.set('authorization', `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`);
      secrets.push(Buffer.from(`${user}:${pass}`).toString('base64'));
    } else {
      body.set('client_secret', endpoint.clientSecret);
    }
  }
  const fail = (message: string, extra: { retryable: boolean; providerError?: string; providerErrorDescription?: string; status?: number; cause?: unknown }) =>
    new AuthError(redactText(`${connector}: ${message}`, secrets), { connector, operation, code: 'refresh-failed', reason: message, ...extra });

  let response: Response;
  try {
    response = await endpoint.fetch(endpoint.tokenUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(endpoint.timeoutMs), redirect: 'error' });
  } catch (error) {
    const timedOut = (error as { name?: string } | null)?.name === 'TimeoutError';
    const code = systemErrorCode(error);
    // The cause is dropped on purpose: some fetch implementations put the request (and so the form body) in it.
    throw fail(
      timedOut
        ? `the token endpoint ${where} did not answer within ${endpoint.timeoutMs} ms`
        : `the token endpoint ${where} could not be reached${code ? ` (${code})` : ''}`,
      { retryable: true },
    );
  }

  let text = '';
  try {
    text = await response.text();
  } catch {
    // An unreadable body is handled below as "no access_token".
  }
  const payload = parsePayload(text, response.headers.get('content-type'));
  const providerError = typeof payload.error === 'string' ? payload.error : undefined;
  // Some providers (GitHub) answer 200 with an `error` field.
  if (!response.ok || providerError) {
    const description = typeof payload.error_description === 'string' ? redactText(payload.error_description, secrets).slice(0, 300) : undefined;
    const retryable = response.status >= 500 || response.status === 429 || (providerError !== undefined && TRANSIENT_OAUTH_ERRORS.has(providerError));
    const hint = providerError ? HINTS[providerError] : undefined;
    const detail = [response.status, providerError].filter(Boolean).join(' ') + (description ? `: ${description}` : '');
    throw fail(`the token endpoint ${where} refused to issue a token (${detail})${hint ? `; ${hint}` : ''}`, {
      retryable,
      status: response.status,
      ...(providerError ? { providerError } : {}),
      ...(description ? { providerErrorDescription: description } : {}),
    });
  }
  const accessToken = payload.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw fail(`the token endpoint ${where} answered ${response.status} without an access_token`, { retryable: false, status: response.status });
  }
  const record: TokenRecord = { accessToken, updatedAt: context.now };
  if (typeof payload.refresh_token === 'string' && payload.refresh_token) record.refreshToken = payload.refresh_token;
  const expiresAt = readExpiry(payload.expires_in, payload.expires_at, context.now);
  if (expiresAt !== undefined) record.expiresAt = expiresAt;
  const refreshExpiresAt = readExpiry(payload.refresh_token_expires_in, payload.refresh_token_expires_at, context.now);
  if (refreshExpiresAt !== undefined) record.refreshTokenExpiresAt = refreshExpiresAt;
  if (typeof payload.token_type === 'string') record.tokenType = payload.token_type;
  if (typeof payload.scope === 'string') record.scope = payload.scope;
  return record;
}

/**
 * Reads an expiry given as seconds from now (`expires_in`, a number or numeric string) or as an
 * absolute time (`expires_at`: ISO 8601, epoch seconds or epoch milliseconds).
 */
export function readExpiry(expiresIn: unknown, expiresAt: unknown, now: number): number | undefined {
  const seconds = typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : expiresIn;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) return now + seconds * 1000;
  if (typeof expiresAt === 'number' && Number.isFinite(expiresAt) && expiresAt > 0) {
    return expiresAt < 1e11 ? expiresAt * 1000 : expiresAt;
  }
  if (typeof expiresAt === 'string' && expiresAt) {
    const asNumber = Number(expiresAt);
    if (Number.isFinite(asNumber) && asNumber > 0) return asNumber < 1e11 ? asNumber * 1000 : asNumber;
    const parsed = Date.parse(expiresAt);
    if (!Number.isNaN(parsed)) return parsed;
  }
  if (expiresAt instanceof Date && !Number.isNaN(expiresAt.getTime())) return expiresAt.getTime();
  return undefined;
}

function parsePayload(text: string, contentType: string | null): Record<string, unknown> {
  if (!text) return {};
  if (!/json/i.test(contentType ?? '') && /^[\w.%+-]+=/.test(text)) {
    // Older endpoints (GitHub without Accept) answer form-encoded.
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

