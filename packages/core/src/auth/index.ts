export type { AuthStrategy, AuthRequest, AuthContext } from './auth-strategy.ts';
export { apiKeyAuth, type ApiKeyAuthOptions, type ApiKeyPlacement, type SecretInput } from './api-key-auth.ts';
export { bearerAuth, type BearerAuthOptions } from './bearer-auth.ts';
export { basicAuth, type BasicAuthOptions } from './basic-auth.ts';
export type { RotatableAuth, StaticCredentialOptions } from './static-credential-auth.ts';
export { oauth2Auth, type InitialTokens, type OAuth2Auth, type OAuth2AuthOptions, type SecretOption } from './oauth2-auth.ts';
export {
  createPkcePair,
  buildAuthorizationUrl,
  exchangeAuthorizationCode,
  type PkcePair,
  type AuthorizationUrlOptions,
  type ExchangeAuthorizationCodeOptions,
} from './authorization-code.ts';
export { tokenProviderAuth, type TokenProviderAuth, type TokenProviderAuthOptions, type ProvidedToken } from './token-provider-auth.ts';
export { signJwtRs256 } from './sign-jwt-rs256.ts';
export { memoryTokenStore, type TokenStore, type TokenRecord, type TokenLock } from './token-store.ts';
export type { ClientAuthMethod } from './token-endpoint.ts';
export type { RefreshReason } from './token-refresher.ts';
