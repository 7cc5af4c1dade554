import * as v from 'valibot';

/** `GET /account-info/v3/details`. Source: https://developers.hubspot.com/docs/api-reference/latest/account/account-information/get-account-details */
export const accountDetailsSchema = v.looseObject({
  portalId: v.number(),
  accountType: v.optional(v.string()),
  timeZone: v.string(),
  companyCurrency: v.optional(v.string()),
  additionalCurrencies: v.optional(v.array(v.string())),
  utcOffset: v.optional(v.string()),
  utcOffsetMilliseconds: v.optional(v.number()),
  uiDomain: v.optional(v.string()),
  dataHostingLocation: v.optional(v.string()),
});
export type AccountDetails = v.InferOutput<typeof accountDetailsSchema>;

/**
 * `GET /oauth/v1/access-tokens/{token}`: the hub and scopes of an OAuth access token.
 * Source: https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/guide
 */
export const oauthTokenInfoSchema = v.looseObject({
  hub_id: v.number(),
  scopes: v.array(v.string()),
  user: v.optional(v.string()),
  hub_domain: v.optional(v.string()),
  app_id: v.optional(v.number()),
  expires_in: v.optional(v.number()),
  user_id: v.optional(v.number()),
  token_type: v.optional(v.string()),
});

/**
 * `POST /oauth/v2/private-apps/get/access-token-info` `{ tokenKey }`: the hub and scopes of a private app token.
 * Source: https://developers.hubspot.com/docs/apps/legacy-apps/private-apps/overview (token info endpoint).
 */
export const privateAppTokenInfoSchema = v.looseObject({
  hubId: v.number(),
  scopes: v.array(v.string()),
  appId: v.optional(v.number()),
  userId: v.optional(v.number()),
});

/** Who a token acts for and what it may do. */
export interface TokenInfo {
  hubId: number;
  scopes: string[];
  kind: 'oauth' | 'private-app';
  /** OAuth tokens: seconds left. */
  expiresIn?: number;
}
