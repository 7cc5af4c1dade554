import { defineConnector, type CommonConnectorOptions, type Connector, type HttpClient } from '@connectors/core';
import { githubClientOptions, type GitHubOptions } from './github-client.ts';
import { createRestApi, type RestApi } from './generated/rest-api.ts';
import { createIssuesApi, type IssuesApi } from './issues/issues-api.ts';
import { listings } from './listings.ts';
import { createPullsApi, type PullsApi } from './pulls/pulls-api.ts';
import { createReposApi, type ReposApi } from './repos/repos-api.ts';
import { createUsersApi, type UsersApi } from './users/users-api.ts';

export { GITHUB_API_VERSION, GITHUB_BASE_URL, type GitHubOptions } from './github-client.ts';

/** A generated resource with the hand-written operations laid over it (they win on a shared name). */
type Over<Generated, HandWritten> = Omit<Generated, keyof HandWritten> & HandWritten;

/**
 * The typed surface of a GitHub connector: every operation of GitHub's REST description, grouped by
 * resource as Octokit names them (`gh.actions.listWorkflowRuns`, `gh.repos.listCommits`), with the
 * hand-written operations of `repos`, `issues`, `pulls` and `users` laid over the generated ones.
 * `gh.rest` is the generated surface alone: `gh.rest.issues.list` is GitHub's `GET /issues`, where
 * `gh.issues.list` is the hand-written repository listing.
 */
export interface GitHubApi extends Omit<RestApi, 'repos' | 'issues' | 'pulls' | 'users'> {
  repos: Over<RestApi['repos'], ReposApi>;
  issues: Over<RestApi['issues'], IssuesApi>;
  pulls: Over<RestApi['pulls'], PullsApi>;
  users: Over<RestApi['users'], UsersApi>;
  /** Every generated operation, none replaced by a hand-written one. */
  rest: RestApi;
}

/**
 * A GitHub connector instance: the typed surface plus `http`, `name`, `verifyCredentials()`, and
 * `request` / `paginate` for any other route, with the same auth, version pin, retries and events:
 * `gh.request({ path: '/repos/{owner}/{repo}/releases/latest', params: { owner, repo }, schema })`;
 * `for await (const release of gh.paginate({ path: '/repos/{owner}/{repo}/releases', params }))`
 * (following the `Link` header, 100 per page unless `query.per_page` says otherwise).
 */
export type GitHub = Connector<GitHubApi>;

/**
 * The GitHub connector.
 * @example
 * import { github } from '@connectors/github';
 * const gh = github.create({ token: process.env.GITHUB_TOKEN });
 * await gh.verifyCredentials(); // fails the deploy, not the first user action
 * for await (const issue of gh.issues.list({ owner: 'octocat', repo: 'Hello-World', state: 'all' })) console.log(issue.title);
 * for await (const run of gh.actions.listWorkflowRunsForRepo({ owner: 'octocat', repo: 'Hello-World' })) console.log(run.status);
 */
export const github = defineConnector<GitHubOptions & CommonConnectorOptions, GitHubApi>({
  name: 'github',
  // GitHub's Statuspage (octokit.rb's ServiceStatus reads /api/v2/summary.json there).
  statusPage: 'https://www.githubstatus.com',
  client: githubClientOptions,
  api(http: HttpClient): GitHubApi {
    const rest = createRestApi({ http });
    return {
      ...rest,
      repos: { ...rest.repos, ...createReposApi(http) },
      issues: { ...rest.issues, ...createIssuesApi(http) },
      pulls: { ...rest.pulls, ...createPullsApi(http) },
      users: { ...rest.users, ...createUsersApi(http) },
      rest,
    };
  },
  listings,
});
