import {
  bearerAuth,
  defineConnector,
  type AuthStrategy,
  type CommonConnectorOptions,
  type Connector,
  type HttpClientOptions,
} from '@connectors/core';
import { githubAppAuth, type GitHubAppCredentials } from './github-app-auth.ts';
import { listings } from './listings.ts';
import { classifyGitHubResponse } from './rate-limit/classify-github-response.ts';
import { githubRateLimit } from './rate-limit/github-rate-limit.ts';

/** The REST API version this package's schemas were written against. */
export const GITHUB_API_VERSION = '2022-11-28';
export const GITHUB_BASE_URL = 'https://api.github.com';
const USER_AGENT = 'connectors-github/0.1';

/**
 * How to reach GitHub. With no credentials option the token is read from `GITHUB_TOKEN` (on every
 * call, so rotating the variable needs no restart). Common options (`baseUrl` for GitHub Enterprise
 * Server, e.g. `https://ghe.example.com/api/v3`, `retry`, `timeout`, `onEvent`, `auth`...) apply too.
 */
export interface GitHubOptions {
  /** A personal access token (fine-grained or classic), an OAuth token, or any bearer token. */
  token?: string;
  /** Read the token from this environment variable instead. Default `GITHUB_TOKEN`. */
  tokenEnv?: string;
  /** Act as a GitHub App installation instead of a token. */
  app?: GitHubAppCredentials;
  /** `X-GitHub-Api-Version`. Default `2022-11-28`, the version the schemas describe. */
  apiVersion?: string;
  /** GitHub rejects requests without a User-Agent; name your app here. */
  userAgent?: string;
}

function resolveAuth(options: GitHubOptions & CommonConnectorOptions, baseUrl: string, apiVersion: string, userAgent: string): AuthStrategy {
  if (options.auth) return options.auth;
  const given = [options.token !== undefined && 'token', options.tokenEnv !== undefined && 'tokenEnv', options.app !== undefined && 'app'].filter(Boolean);
  if (given.length > 1) throw new TypeError(`github: pass one of \`token\`, \`tokenEnv\` or \`app\`, not ${given.join(' and ')}`);
  if (options.app) {
    return githubAppAuth({
      ...options.app,
      baseUrl,
      apiVersion,
      userAgent,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }
  if (options.token !== undefined) {
    if (typeof options.token !== 'string' || !options.token.trim()) {
      throw new TypeError('github: `token` is empty; pass a token, or leave it out to read GITHUB_TOKEN');
    }
    return bearerAuth({ token: options.token });
  }
  return bearerAuth({ env: options.tokenEnv ?? 'GITHUB_TOKEN' });
}

function installationIdentity(data: unknown): string | undefined {
  const d = data as { app_slug?: unknown; id?: unknown; account?: { login?: unknown } | null };
  const on = typeof d.account?.login === 'string' ? ` on ${d.account.login}` : '';
  return typeof d.app_slug === 'string' ? `app ${d.app_slug}, installation ${String(d.id)}${on}` : undefined;
}

/**
 * GitHub's client settings (auth, version pin, rate limits, credentials check) for a set of options:
 * shared by `github` (every operation) and `githubClient` (none, for apps that import only the
 * operations they call).
 */
export function githubClientOptions(options: GitHubOptions & CommonConnectorOptions): Omit<HttpClientOptions, 'connector'> {
  const baseUrl = options.baseUrl ?? GITHUB_BASE_URL;
  const apiVersion = options.apiVersion ?? GITHUB_API_VERSION;
  const userAgent = options.userAgent ?? USER_AGENT;
  const app = options.app && !options.auth ? options.app : undefined;
  return {
    baseUrl,
    auth: resolveAuth(options, baseUrl, apiVersion, userAgent),
    apiVersion: { header: 'X-GitHub-Api-Version', value: apiVersion },
    headers: { accept: 'application/vnd.github+json', 'user-agent': userAgent },
    requestIdHeaders: ['x-github-request-id'],
    retry: { classify: classifyGitHubResponse },
    // Paces on x-ratelimit-* per x-ratelimit-resource (core, search, graphql...) before GitHub refuses.
    rateLimit: { parse: githubRateLimit },
    credentialsCheck: app
      ? { path: `/app/installations/${encodeURIComponent(String(app.installationId))}`, operation: 'verifyCredentials', identify: installationIdentity }
      : { path: '/user', operation: 'verifyCredentials', identify: (data) => (data as { login?: string } | undefined)?.login },
  };
}

/**
 * A GitHub connector without the typed surface: `request`, `paginate`, `verifyCredentials` and
 * `http`. Pair it with the operations an app calls, imported one by one, so a bundle carries only
 * those and the schemas they reach:
 * @example
 * import { githubClient } from '@connectors/github/client';
 * import { listForRepo } from '@connectors/github/rest/issues';
 * const gh = githubClient.create({ token: process.env.GITHUB_TOKEN });
 * for await (const issue of listForRepo(gh, { owner: 'octocat', repo: 'Hello-World' })) console.log(issue.title);
 */
export const githubClient = defineConnector<GitHubOptions & CommonConnectorOptions, object>({
  name: 'github',
  client: githubClientOptions,
  api: () => ({}),
  listings,
});

/** A `githubClient` instance. */
export type GitHubClient = Connector<object>;
