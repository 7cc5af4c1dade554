export { github, GITHUB_API_VERSION, GITHUB_BASE_URL, type GitHub, type GitHubApi, type GitHubOptions } from './github-connector.ts';
export { githubAppAuth, type GitHubAppAuth, type GitHubAppAuthOptions, type GitHubAppCredentials } from './github-app-auth.ts';
export { classifyGitHubResponse, SECONDARY_LIMIT_FALLBACK_MS } from './rate-limit/classify-github-response.ts';
export { githubRateLimit } from './rate-limit/github-rate-limit.ts';
export type { ListOptions } from './internal/list-options.ts';

export { createReposApi, type ReposApi, type GetRepositoryParams, type ListOrgRepositoriesParams, type ListUserRepositoriesParams } from './repos/repos-api.ts';
export { repositorySchema, type Repository } from './repos/repo-schemas.ts';
export {
  createIssuesApi,
  type IssuesApi,
  type RepoRef,
  type IssueRef,
  type ListIssuesParams,
  type CreateIssueParams,
  type UpdateIssueParams,
  type ListCommentsParams,
  type CreateCommentParams,
} from './issues/issues-api.ts';
export { issueSchema, issueCommentSchema, labelSchema, milestoneSchema, type Issue, type IssueComment, type Label } from './issues/issue-schemas.ts';
export { createPullsApi, type PullsApi, type ListPullRequestsParams, type PullRequestRef } from './pulls/pulls-api.ts';
export { pullRequestSchema, pullRequestSimpleSchema, type PullRequest, type PullRequestSimple } from './pulls/pull-schemas.ts';
export { createUsersApi, type UsersApi } from './users/users-api.ts';
export { simpleUserSchema, authenticatedUserSchema, type SimpleUser, type AuthenticatedUser } from './users/user-schemas.ts';

export {
  githubScheme,
  verifyGitHubWebhook,
  parseGitHubWebhook,
  isTypedGitHubEvent,
  type GitHubWebhook,
  type GitHubWebhookResult,
  type TypedGitHubWebhook,
  type UntypedGitHubWebhook,
} from './webhooks/github-webhooks.ts';
export {
  githubWebhookSchemas,
  pushEventSchema,
  issuesEventSchema,
  pullRequestEventSchema,
  installationEventSchema,
  type GitHubWebhookEventName,
  type PushEvent,
  type IssuesEvent,
  type PullRequestEvent,
  type InstallationEvent,
} from './webhooks/github-webhook-schemas.ts';
