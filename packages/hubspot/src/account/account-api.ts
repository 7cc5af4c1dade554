import type { AuthStrategy, HttpClient } from '@connectors/core';
import { accountDetailsSchema, oauthTokenInfoSchema, privateAppTokenInfoSchema, type AccountDetails, type TokenInfo } from './account-schemas.ts';

/** `hubspot.account`. */
export interface AccountApi {
  /** `GET /account-info/v3/details`: portal (hub) id, time zone, currency. */
  details(options?: { signal?: AbortSignal }): Promise<AccountDetails>;
  /**
   * The hub id and granted scopes of the token in use: `GET /oauth/v1/access-tokens/{token}` for an
   * OAuth token, `POST /oauth/v2/private-apps/get/access-token-info` for a private app token (`pat-...`).
   * Check it at startup against the scopes your sync needs.
   */
  tokenInfo(options?: { signal?: AbortSignal }): Promise<TokenInfo>;
}

/** The bearer token the strategy would send now (after any refresh it needs). Never logged. */
async function currentToken(http: HttpClient, auth: AuthStrategy | undefined): Promise<string> {
  if (!auth) throw new TypeError('hubspot account.tokenInfo: the client has no auth strategy');
  const headers = new Headers();
  await auth.authorize(
    { method: 'GET', url: http.resolveUrl('/account-info/v3/details'), headers, operation: 'account.tokenInfo' },
    { connector: http.connector, emit: () => undefined },
  );
  const token = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  if (!token) throw new TypeError(`hubspot account.tokenInfo: the ${auth.kind} strategy sends no bearer token, so there is no token to describe`);
  return token;
}

export function createAccountApi(http: HttpClient, auth: () => AuthStrategy | undefined): AccountApi {
  const signalOf = (options?: { signal?: AbortSignal }) => (options?.signal ? { signal: options.signal } : {});
  return {
    details: (options) => http.request({ path: '/account-info/v3/details', schema: accountDetailsSchema, operation: 'account.details', ...signalOf(options) }),
    async tokenInfo(options) {
      const token = await currentToken(http, auth());
      if (token.startsWith('pat-')) {
        const info = await http.request({
          method: 'POST', path: '/oauth/v2/private-apps/get/access-token-info', body: { tokenKey: token }, schema: privateAppTokenInfoSchema,
          operation: 'account.tokenInfo', idempotent: true, ...signalOf(options),
        });
        return { hubId: info.hubId, scopes: info.scopes, kind: 'private-app' };
      }
      const info = await http.request({ path: '/oauth/v1/access-tokens/{token}', params: { token }, schema: oauthTokenInfoSchema, operation: 'account.tokenInfo', ...signalOf(options) });
      return { hubId: info.hub_id, scopes: info.scopes, kind: 'oauth', ...(info.expires_in !== undefined ? { expiresIn: info.expires_in } : {}) };
    },
  };
}
