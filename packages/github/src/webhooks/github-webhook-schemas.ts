import * as v from 'valibot';
import { openEnum } from '@connectors/core';
import { issueSchema } from '../issues/issue-schemas.ts';
import { pullRequestSchema } from '../pulls/pull-schemas.ts';
import { simpleUserSchema } from '../users/user-schemas.ts';

/**
 * Webhook payloads differ from REST responses in small ways (a push's repository has integer
 * `created_at`/`pushed_at`, an owner with `name`/`email`), so they get their own loose shapes.
 */
const timestamp = v.union([v.string(), v.number()]);

/** The repository as webhooks embed it. */
export const webhookRepositorySchema = v.looseObject({
  id: v.number(),
  node_id: v.string(),
  name: v.string(),
  full_name: v.string(),
  private: v.boolean(),
  owner: v.looseObject({ login: v.string(), id: v.number() }),
  html_url: v.string(),
  default_branch: v.optional(v.string()),
  created_at: v.optional(v.nullable(timestamp)),
  pushed_at: v.optional(v.nullable(timestamp)),
});

/** Present when the webhook was configured by a GitHub App: the installation to act as when replying. */
export const webhookInstallationRefSchema = v.looseObject({ id: v.number(), node_id: v.optional(v.string()) });

const common = {
  sender: simpleUserSchema,
  installation: v.optional(webhookInstallationRefSchema),
  organization: v.optional(v.looseObject({ login: v.string(), id: v.number() })),
};

const gitActor = v.looseObject({ name: v.string(), email: v.nullable(v.string()), username: v.optional(v.string()) });

export const webhookCommitSchema = v.looseObject({
  id: v.string(),
  tree_id: v.string(),
  distinct: v.boolean(),
  message: v.string(),
  timestamp: v.string(),
  url: v.string(),
  author: gitActor,
  committer: gitActor,
  added: v.optional(v.array(v.string())),
  removed: v.optional(v.array(v.string())),
  modified: v.optional(v.array(v.string())),
});

/** `push`: commits pushed to a branch or tag. */
export const pushEventSchema = v.looseObject({
  ...common,
  ref: v.string(),
  before: v.string(),
  after: v.string(),
  created: v.boolean(),
  deleted: v.boolean(),
  forced: v.boolean(),
  base_ref: v.nullable(v.string()),
  compare: v.string(),
  commits: v.array(webhookCommitSchema),
  head_commit: v.nullable(webhookCommitSchema),
  pusher: v.looseObject({ name: v.string(), email: v.nullish(v.string()) }),
  repository: webhookRepositorySchema,
});
export type PushEvent = v.InferOutput<typeof pushEventSchema>;

/** `issues`: an issue was opened, edited, closed, labeled... */
export const issuesEventSchema = v.looseObject({
  ...common,
  action: openEnum([
    'opened', 'edited', 'deleted', 'closed', 'reopened', 'assigned', 'unassigned', 'labeled', 'unlabeled',
    'locked', 'unlocked', 'transferred', 'pinned', 'unpinned', 'milestoned', 'demilestoned', 'typed', 'untyped',
  ]),
  issue: issueSchema,
  changes: v.optional(v.record(v.string(), v.unknown())),
  repository: webhookRepositorySchema,
});
export type IssuesEvent = v.InferOutput<typeof issuesEventSchema>;

/** `pull_request`: a pull request was opened, synchronized, closed (check `pull_request.merged`)... */
export const pullRequestEventSchema = v.looseObject({
  ...common,
  action: openEnum([
    'opened', 'edited', 'closed', 'reopened', 'synchronize', 'assigned', 'unassigned', 'labeled', 'unlabeled',
    'ready_for_review', 'converted_to_draft', 'review_requested', 'review_request_removed', 'locked', 'unlocked',
    'auto_merge_enabled', 'auto_merge_disabled', 'enqueued', 'dequeued', 'milestoned', 'demilestoned',
  ]),
  number: v.number(),
  pull_request: pullRequestSchema,
  repository: webhookRepositorySchema,
});
export type PullRequestEvent = v.InferOutput<typeof pullRequestEventSchema>;

/** `installation`: the app was installed, uninstalled, suspended, or its permissions changed. */
export const installationEventSchema = v.looseObject({
  ...common,
  action: openEnum(['created', 'deleted', 'suspend', 'unsuspend', 'new_permissions_accepted']),
  installation: v.looseObject({
    id: v.number(),
    account: v.nullable(v.looseObject({ login: v.optional(v.string()), id: v.number() })),
    app_id: v.number(),
    target_type: v.string(),
    repository_selection: openEnum(['all', 'selected']),
    permissions: v.record(v.string(), v.string()),
    events: v.array(v.string()),
  }),
  repositories: v.optional(
    v.array(v.looseObject({ id: v.number(), node_id: v.string(), name: v.string(), full_name: v.string(), private: v.boolean() })),
  ),
});
export type InstallationEvent = v.InferOutput<typeof installationEventSchema>;

/** The payload schema for each event name (`X-GitHub-Event`) this package types. */
export const githubWebhookSchemas = {
  push: pushEventSchema,
  issues: issuesEventSchema,
  pull_request: pullRequestEventSchema,
  installation: installationEventSchema,
} as const;

export type GitHubWebhookEventName = keyof typeof githubWebhookSchemas;
