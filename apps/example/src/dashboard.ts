import { createCredentialsInventory, type CredentialDeclaration } from '@connectors/observability/credentials';
import { createDashboard, type Dashboard, type DeadLetterStore } from '@connectors/observability/dashboard';
import type { Observability } from '@connectors/observability';
import type { AppConfig } from './config.ts';

/** The credentials this app uses, from its configuration: names and places, never values. */
export function appCredentials(config: AppConfig): CredentialDeclaration[] {
  const github = config.github.auth;
  return [
    github.kind === 'token'
      ? { name: 'GITHUB_TOKEN', kind: 'bearer', source: { env: 'GITHUB_TOKEN' }, connectors: ['github'] }
      : { name: `github:${config.github.repo.owner}:${github.clientId}`, kind: 'oauth2', source: { store: config.databaseUrl ? 'postgres-token-store (schema connectors)' : 'sqlite-token-store (app database)', key: `github:${config.github.repo.owner}:${github.clientId}` }, connectors: ['github'], notes: 'Refresh token rotates on every refresh; seeded from GITHUB_REFRESH_TOKEN.' },
    ...(github.kind === 'oauth' ? [{ name: 'GITHUB_CLIENT_SECRET', kind: 'oauth2-client-secret', source: { env: 'GITHUB_CLIENT_SECRET' }, connectors: ['github'] }] : []),
    { name: 'STRIPE_SECRET_KEY', kind: 'api-key', source: { env: 'STRIPE_SECRET_KEY' }, connectors: ['stripe'] },
    ...(config.github.webhookSecret ? [{ name: 'GITHUB_WEBHOOK_SECRET', kind: 'webhook-secret', source: { env: 'GITHUB_WEBHOOK_SECRET' }, connectors: ['webhooks/github'] }] : []),
    ...(config.stripe.webhookSecret ? [{ name: 'STRIPE_WEBHOOK_SECRET', kind: 'webhook-secret', source: { env: 'STRIPE_WEBHOOK_SECRET' }, connectors: ['webhooks/stripe'] }] : []),
  ];
}

/**
 * `/dashboard`: the operator page of @connectors/observability over this app's connectors, its
 * webhook dead letters and its credentials. Actions (replay, discard, payload bodies) need the
 * operator token: `DASHBOARD_TOKEN` for `pnpm start`, a fresh one per `pnpm demo --serve`.
 */
export function createAppDashboard(parts: { config: AppConfig; observability: Observability; deadLetters: DeadLetterStore | undefined; operatorToken: string | undefined }): Dashboard {
  return createDashboard({
    observability: parts.observability,
    title: 'connectors example',
    credentials: createCredentialsInventory(appCredentials(parts.config), { observability: parts.observability }),
    ...(parts.deadLetters ? { deadLetters: { webhooks: parts.deadLetters } } : {}),
    ...(parts.operatorToken ? { operatorToken: parts.operatorToken } : {}),
  });
}
