import {
  bearerAuth,
  defineConnector,
  linkHeaderPagination,
  type AuthStrategy,
  type CommonConnectorOptions,
  type Connector,
  type HttpClient,
  type HttpClientOptions,
} from '@connectors/core';
import { githubAppAuth, type GitHubAppCredentials } from './github-app-auth.ts';
import { createIssuesApi, type IssuesApi } from './issues/issues-api.ts';
import { createPullsApi, type PullsApi } from './pulls/pulls-api.ts';
import { classifyGitHubResponse } from './rate-limit/classify-github-response.ts';
import { githubRateLimit } from './rate-limit/github-rate-limit.ts';
import { createReposApi, type ReposApi } from './repos/repos-api.ts';
import { createUsersApi, type UsersApi } from './users/users-api.ts';

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

/** The typed surface of a GitHub connector. */
export interface GitHubApi {
  repos: ReposApi;
  issues: IssuesApi;
  pulls: PullsApi;
  users: UsersApi;
}

/**
 * A GitHub connector instance: the typed surface plus `http`, `name`, `verifyCredentials()`, and
 * `request` / `paginate` for any other route, with the same auth, version pin, retries and events:
 * `gh.request({ path: '/repos/{owner}/{repo}/releases/latest', params: { owner, repo }, schema })`;
 * `for await (const release of gh.paginate({ path: '/repos/{owner}/{repo}/releases', params }))`
 * (following the `Link` header, 100 per page unless `query.per_page` says otherwise).
 */
export type GitHub = Connector<GitHubApi>;

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
 * The GitHub connector.
 * @example
 * import { github } from '@connectors/github';
 * const gh = github.create({ token: process.env.GITHUB_TOKEN });
 * await gh.verifyCredentials(); // fails the deploy, not the first user action
 * for await (const issue of gh.issues.list({ owner: 'octocat', repo: 'Hello-World', state: 'all' })) console.log(issue.title);
 */
export const github = defineConnector<GitHubOptions & CommonConnectorOptions, GitHubApi>({
  name: 'github',
  client(options): Omit<HttpClientOptions, 'connector'> {
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
  },
  api(http: HttpClient): GitHubApi {
    return {
      repos: createReposApi(http),
      issues: createIssuesApi(http),
      pulls: createPullsApi(http),
      users: createUsersApi(http),
    };
  },
  listings: { pagination: linkHeaderPagination({ limit: 100 }) },
});
