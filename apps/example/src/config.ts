import type { RetryOptions, TokenEncryptionOptions } from '@connectors/core';
import { SLACK_ENVIRONMENT_HELP, type SlackConfig, slackConfigFromEnv } from './slack/slack-config.ts';

/** How the app authenticates to GitHub: a token, or a GitHub App user token that expires and is refreshed. */
export type GitHubAuthConfig =
  | { kind: 'token'; token: string }
  | {
      kind: 'oauth';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      /** Seeds the token store on first boot only; after that the rotated token in the database wins. */
      refreshToken: string;
    };

/** Everything the app needs to run, whether it comes from the environment (`pnpm start`) or the demo. */
export interface AppConfig {
  /** The app's SQLite database (unless `databaseUrl` is set). The webhook inbox lives next to it (`<name>.inbox.db`). */
  databasePath: string;
  /** HTTP port for webhooks, /health and /metrics; 0 picks a free one. */
  port: number;
  github: {
    repo: { owner: string; repo: string };
    auth: GitHubAuthConfig;
    /** GitHub Enterprise Server, a proxy or the sandbox. Default https://api.github.com. */
    baseUrl?: string;
    /** Without it, /webhooks/github is not mounted. */
    webhookSecret?: string;
    /** Issues per page, 1-100. Default 100. */
    perPage?: number;
  };
  stripe: {
    secretKey: string;
    baseUrl?: string;
    /** Without it, /webhooks/stripe is not mounted. */
    webhookSecret?: string;
    /** Objects per page, 1-100. Default 100. */
    pageSize?: number;
  };
  /** Optional: Slack channels and history, a message, Events API webhooks. */
  slack?: SlackConfig;
  /** How often `pnpm start` syncs again. Default 15 minutes. */
  syncIntervalMs: number;
  /** Passed to both connectors (the demo shortens the backoff so it finishes quickly). */
  retry?: RetryOptions;
  /**
   * A PostgreSQL database (postgres://...) for everything instead of SQLite files: the synced rows,
   * the listings' checkpoints and the webhook effects (schema `app`), the OAuth tokens and the
   * webhook inbox (schema `connectors`). `databasePath` is then not used.
   */
  databaseUrl?: string;
  /** Encrypts the OAuth tokens the app stores (AES-256-GCM, key from an environment variable). Required with a GitHub App user token. */
  tokenEncryption?: TokenEncryptionOptions;
}

/** The result of reading the environment: a config, or every problem at once (never just the first). */
export type EnvConfigResult = { ok: true; config: AppConfig } | { ok: false; problems: string[] };

/** The variables `pnpm start` reads, with what each is for; printed when something is missing. */
export const ENVIRONMENT_HELP = [
  'GITHUB_TOKEN            a GitHub token that can read the repository\'s issues (https://github.com/settings/tokens)',
  'GITHUB_REPO             the repository to sync, as owner/name',
  'STRIPE_SECRET_KEY       a Stripe secret or restricted key (sk_test_... is fine) that can read customers and payment intents',
  'optional:',
  'GITHUB_WEBHOOK_SECRET   enables /webhooks/github',
  'STRIPE_WEBHOOK_SECRET   enables /webhooks/stripe (whsec_...)',
  'GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, GITHUB_REFRESH_TOKEN   a GitHub App user token (expiring, rotating) instead of GITHUB_TOKEN',
  'CONNECTORS_TOKEN_KEY    with a GitHub App user token: 32 random bytes, base64 (openssl rand -base64 32); the stored tokens are encrypted with it',
  'CONNECTORS_TOKEN_KEY_PREVIOUS   while rotating that key: the old one, still accepted for reading',
  'GITHUB_API_URL, STRIPE_API_URL   other API hosts (GitHub Enterprise Server, a proxy)',
  'DASHBOARD_TOKEN         lets /dashboard replay and discard dead letters (16+ characters); without it the page is read-only',
  'DATABASE_URL            postgres://... : keep everything (synced rows, checkpoints, webhook inbox and effects, OAuth tokens) in PostgreSQL instead of SQLite files',
  'DATABASE_PATH (default data/example.db; not used with DATABASE_URL), PORT (default 3000), HOST (default 127.0.0.1), SYNC_INTERVAL_MINUTES (default 15)',
  ...SLACK_ENVIRONMENT_HELP,
];

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the configuration of `pnpm start` from environment variables. */
export function configFromEnv(env: Env): EnvConfigResult {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const repoText = get('GITHUB_REPO');
  const repoMatch = repoText ? /^([\w.-]+)\/([\w.-]+)$/.exec(repoText) : null;
  if (!repoText) problems.push('GITHUB_REPO is not set: name the repository to sync, e.g. GITHUB_REPO=octocat/Hello-World');
  else if (!repoMatch) problems.push(`GITHUB_REPO must look like owner/name; got ${JSON.stringify(repoText)}`);

  const oauthVars = ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', 'GITHUB_REFRESH_TOKEN'] as const;
  const oauthGiven = oauthVars.filter((name) => get(name) !== undefined);
  let auth: GitHubAuthConfig | undefined;
  if (oauthGiven.length > 0) {
    const missing = oauthVars.filter((name) => get(name) === undefined);
    if (missing.length) problems.push(`GitHub App user token: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set (all three are needed, or use GITHUB_TOKEN instead)`);
    else {
      auth = {
        kind: 'oauth',
        tokenUrl: get('GITHUB_TOKEN_URL') ?? 'https://github.com/login/oauth/access_token',
        clientId: get('GITHUB_CLIENT_ID')!,
        clientSecret: get('GITHUB_CLIENT_SECRET')!,
        refreshToken: get('GITHUB_REFRESH_TOKEN')!,
      };
      if (!get('CONNECTORS_TOKEN_KEY')) {
        problems.push('CONNECTORS_TOKEN_KEY is not set: the rotating GitHub refresh token is stored encrypted; set it to 32 random bytes in base64 (openssl rand -base64 32)');
      }
    }
  } else {
    const token = get('GITHUB_TOKEN');
    if (token) auth = { kind: 'token', token };
    else problems.push('GITHUB_TOKEN is not set: create a token that can read the repository\'s issues at https://github.com/settings/tokens');
  }

  const secretKey = get('STRIPE_SECRET_KEY');
  if (!secretKey) problems.push('STRIPE_SECRET_KEY is not set: copy a secret key (sk_test_... works) from https://dashboard.stripe.com/apikeys');

  const port = Number(get('PORT') ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`PORT must be a port number; got ${JSON.stringify(get('PORT'))}`);
  const minutes = Number(get('SYNC_INTERVAL_MINUTES') ?? 15);
  if (!(minutes > 0)) problems.push(`SYNC_INTERVAL_MINUTES must be a positive number; got ${JSON.stringify(get('SYNC_INTERVAL_MINUTES'))}`);

  const slack = slackConfigFromEnv(env);
  problems.push(...slack.problems);

  if (problems.length || !auth || !secretKey || !repoMatch) return { ok: false, problems };
  const githubWebhookSecret = get('GITHUB_WEBHOOK_SECRET');
  const stripeWebhookSecret = get('STRIPE_WEBHOOK_SECRET');
  const githubBaseUrl = get('GITHUB_API_URL');
  const stripeBaseUrl = get('STRIPE_API_URL');
  return {
    ok: true,
    config: {
      databasePath: get('DATABASE_PATH') ?? 'data/example.db',
      port,
      syncIntervalMs: minutes * 60_000,
      ...(get('DATABASE_URL') ? { databaseUrl: get('DATABASE_URL') } : {}),
      ...(get('CONNECTORS_TOKEN_KEY') ? { tokenEncryption: { keyEnv: get('CONNECTORS_TOKEN_KEY_PREVIOUS') ? ['CONNECTORS_TOKEN_KEY', 'CONNECTORS_TOKEN_KEY_PREVIOUS'] : 'CONNECTORS_TOKEN_KEY' } } : {}),
      github: {
        repo: { owner: repoMatch[1]!, repo: repoMatch[2]! },
        auth,
        ...(githubBaseUrl ? { baseUrl: githubBaseUrl } : {}),
        ...(githubWebhookSecret ? { webhookSecret: githubWebhookSecret } : {}),
      },
      stripe: {
        secretKey,
        ...(stripeBaseUrl ? { baseUrl: stripeBaseUrl } : {}),
        ...(stripeWebhookSecret ? { webhookSecret: stripeWebhookSecret } : {}),
      },
      ...(slack.config ? { slack: slack.config } : {}),
    },
  };
}
