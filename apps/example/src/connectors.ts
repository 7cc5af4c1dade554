import { type EventListener, oauth2Auth, type TokenStore } from '@connectors/core';
import { type GitHub, github } from '@connectors/github';
import { type Stripe, stripe } from '@connectors/stripe';
import type { AppConfig } from './config.ts';

export interface Connectors {
  github: GitHub;
  stripe: Stripe;
}

/**
 * The GitHub connector from the config. Creating it already checks what can be checked without a
 * call (a malformed setting throws an error that names it). `tokenStore` is asked for only with a
 * GitHub App user token.
 */
export function createGitHub(config: AppConfig, tokenStore: () => TokenStore, onEvent: EventListener[]): GitHub {
  const auth = config.github.auth;
  return github.create({
    onEvent,
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.github.baseUrl ? { baseUrl: config.github.baseUrl } : {}),
    ...(auth.kind === 'token'
      ? { token: auth.token }
      : {
          // A GitHub App user token lasts 8 hours and every refresh rotates the refresh token: the
          // new one is written to the app's token store before it is used, so a restart never loses it.
          auth: oauth2Auth({
            tokenUrl: auth.tokenUrl,
            clientId: auth.clientId,
            clientSecret: auth.clientSecret,
            grant: 'refresh_token',
            refreshToken: auth.refreshToken,
            // Encrypted at rest (the app opens its token store with config.tokenEncryption): the database never holds a usable token.
            store: tokenStore(),
            credentialId: `github:${config.github.repo.owner}:${auth.clientId}`,
          }),
        }),
  });
}

/** The Stripe connector; a publishable key or a webhook secret in STRIPE_SECRET_KEY throws an `AuthError` that says so. */
export function createStripe(config: AppConfig, onEvent: EventListener[]): Stripe {
  return stripe.create({
    onEvent,
    ...(config.retry ? { retry: config.retry } : {}),
    secretKey: config.stripe.secretKey,
    ...(config.stripe.baseUrl ? { baseUrl: config.stripe.baseUrl } : {}),
  });
}
