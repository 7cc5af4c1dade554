import { oauth2Auth, type OAuth2Auth, type SecretOption, type TokenStore } from '@connectors/core';

/** Slack's OAuth v2 token endpoint, used both for the code exchange and for token rotation. */
export const SLACK_TOKEN_URL = 'https://slack.com/api/oauth.v2.access';

export interface SlackOAuthOptions {
  clientId: string;
  /** Literal or `{ env: 'SLACK_CLIENT_SECRET' }`. */
  clientSecret: SecretOption;
  /**
   * The tokens from the installation (`oauth.v2.access` with the code): an expiring `xoxe.xoxb-` access
   * token and its `xoxe-1-` refresh token. Used only while the store is empty; after that the store's
   * rotated pair is newer.
   */
  initialTokens?: { accessToken: string; refreshToken: string; expiresAt?: Date | number; scope?: string };
  /** Or only a refresh token (the first call then rotates it). Literal or `{ env: 'SLACK_REFRESH_TOKEN' }`. */
  refreshToken?: SecretOption;
  /** Where rotated tokens live: share one store (SQLite, Redis) between every process using this installation. */
  store?: TokenStore;
  /** One per installation, e.g. `slack:T0123ABC`. Default `slack:<clientId>`. */
  credentialId?: string;
  /** Default `SLACK_TOKEN_URL` (a sandbox passes its own). */
  tokenUrl?: string | URL;
  /** Rotate this long before expiry. Default 5 minutes (Slack's tokens live 12 hours). */
  refreshMarginMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * OAuth v2 with token rotation (https://docs.slack.dev/authentication/using-token-rotation): access
 * tokens expire after 12 hours and are renewed with `grant_type=refresh_token` at `oauth.v2.access`,
 * which also rotates the refresh token. Built on the core's `oauth2Auth`: renewed before expiry,
 * single-flight across processes sharing the store, and once more when Slack answers `token_expired`.
 * Slack answers a bad refresh with HTTP 200 and `{ ok: false, error: 'invalid_refresh_token' }`; the
 * core's token request reads that `error` field and throws `AuthError` (`refresh-failed`).
 * @example
 * slackOAuth({ clientId: process.env.SLACK_CLIENT_ID!, clientSecret: { env: 'SLACK_CLIENT_SECRET' },
 *   refreshToken: { env: 'SLACK_REFRESH_TOKEN' }, store: sqliteTokenStore({ path: 'tokens.db' }), credentialId: 'slack:T0123ABC' })
 */
export function slackOAuth(options: SlackOAuthOptions): OAuth2Auth {
  if (!options || typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('slackOAuth: `clientId` is required (Basic Information > App Credentials in your app settings)');
  if (options.clientSecret === undefined) throw new TypeError('slackOAuth: `clientSecret` is required: Slack rotates tokens only for a confidential client');
  if (!options.initialTokens && options.refreshToken === undefined && !options.store) {
    throw new TypeError('slackOAuth: give `initialTokens` (from the installation), `refreshToken`, or a `store` that already holds the installation\'s tokens');
  }
  return oauth2Auth({
    tokenUrl: options.tokenUrl ?? SLACK_TOKEN_URL,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    grant: 'refresh_token',
    // Slack reads client_id/client_secret from the form body (or Basic); the body is what its docs show.
    clientAuth: 'client_secret_post',
    credentialId: options.credentialId ?? `slack:${options.clientId}`,
    ...(options.initialTokens ? { initialTokens: options.initialTokens } : {}),
    ...(options.refreshToken !== undefined ? { refreshToken: options.refreshToken } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
