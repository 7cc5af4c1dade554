import * as v from 'valibot';
import {
  installationWebhookSchema,
  issueCommentWebhookSchema,
  issuesWebhookSchema,
  pullRequestWebhookSchema,
  pushWebhookSchema,
  type InstallationWebhookEvent,
  type IssueCommentWebhookEvent,
  type IssuesWebhookEvent,
  type PullRequestWebhookEvent,
  type PushWebhookEvent,
} from '../generated/webhooks/webhook-events.ts';

/*
 * Payload schemas generated from GitHub's webhook description (@octokit/openapi-webhooks, see
 * openapi/manifest.json), one shape per `action`: an `issues` delivery with action `pinned` carries
 * an issue without `state`, `labels` or `locked`, which the REST issue schema (reused here before)
 * required. An action the description does not list yet passes (a new action must not fail every
 * delivery); the generated types narrow on `action`. Each schema is built on first use.
 */

/** `push`: commits pushed to a branch or tag. */
export const pushEventSchema = v.lazy(() => pushWebhookSchema());
export type PushEvent = PushWebhookEvent;

/** `issues`: an issue was opened, edited, closed, labeled, pinned... Narrow on `action`. */
export const issuesEventSchema = v.lazy(() => issuesWebhookSchema());
export type IssuesEvent = IssuesWebhookEvent;

/** `issue_comment`: a comment on an issue or pull request was created, edited or deleted. */
export const issueCommentEventSchema = v.lazy(() => issueCommentWebhookSchema());
export type IssueCommentEvent = IssueCommentWebhookEvent;

/** `pull_request`: a pull request was opened, synchronized, closed (check `pull_request.merged`)... */
export const pullRequestEventSchema = v.lazy(() => pullRequestWebhookSchema());
export type PullRequestEvent = PullRequestWebhookEvent;

/** `installation`: the app was installed, uninstalled, suspended, or its permissions changed. */
export const installationEventSchema = v.lazy(() => installationWebhookSchema());
export type InstallationEvent = InstallationWebhookEvent;

/** The payload schema for each event name (`X-GitHub-Event`) this package types. */
export const githubWebhookSchemas = {
  push: pushEventSchema,
  issues: issuesEventSchema,
  issue_comment: issueCommentEventSchema,
  pull_request: pullRequestEventSchema,
  installation: installationEventSchema,
} as const;

export type GitHubWebhookEventName = keyof typeof githubWebhookSchemas;
