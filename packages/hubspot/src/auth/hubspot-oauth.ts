import { oauth2Auth, type OAuth2Auth, type OAuth2AuthOptions } from '@connectors/core';

/** HubSpot's OAuth token endpoint (v1). Source: https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide */
export const HUBSPOT_TOKEN_URL = 'https://api.hubapi.com/oauth/v1/token';

/** HubSpot access tokens live 30 minutes (`expires_in: 1800`); refresh ahead of that, not at the generic 5-minute margin of a 1-hour token. */
export const HUBSPOT_REFRESH_MARGIN_MS = 2 * 60_000;

/** What `hubspotOAuth` takes: your app's client id and secret and where the rotating tokens live. */
export interface HubSpotOAuthOptions extends Omit<OAuth2AuthOptions, 'tokenUrl' | 'grant' | 'clientSecret'> {
  /** The app's client secret, or `{ env: 'HUBSPOT_CLIENT_SECRET' }`. */
  clientSecret: OAuth2AuthOptions['clientSecret'] & {};
  /** Default `https://api.hubapi.com/oauth/v1/token`. */
  tokenUrl?: string | URL;
}

/**
 * OAuth 2.0 for a HubSpot public app: 30-minute access tokens renewed with the refresh token,
 * before expiry and once after a 401, single-flight across every process that shares `store`
 * (`redisTokenStore`, `sqliteTokenStore`), so a fleet refreshes once per expiry. The first pair
 * comes from the install redirect (`exchangeAuthorizationCode`), or pass `refreshToken`.
 * The client id and secret go in the form body (`client_secret_post`), as HubSpot's token endpoint expects.
 *
 * @example
 * const auth = hubspotOAuth({ clientId: process.env.HUBSPOT_CLIENT_ID!, clientSecret: { env: 'HUBSPOT_CLIENT_SECRET' },
 *   refreshToken: { env: 'HUBSPOT_REFRESH_TOKEN' }, store: redisTokenStore({ redis }), credentialId: `hubspot:${portalId}` });
 * const client = hubspot.create({ auth });
 */
export function hubspotOAuth(options: HubSpotOAuthOptions): OAuth2Auth {
  return oauth2Auth({
    refreshMarginMs: HUBSPOT_REFRESH_MARGIN_MS,
    ...options,
    tokenUrl: options.tokenUrl ?? HUBSPOT_TOKEN_URL,
    grant: 'refresh_token',
    clientAuth: options.clientAuth ?? 'client_secret_post',
  });
}
