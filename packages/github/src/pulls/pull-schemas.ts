import * as v from 'valibot';
import { authorAssociationSchema, labelSchema, milestoneSchema } from '../issues/issue-schemas.ts';
import { openEnum } from '@connectors/core';
import { repositorySchema } from '../repos/repo-schemas.ts';
import { simpleUserSchema } from '../users/user-schemas.ts';

/** One side of a pull request. `repo` is null when the fork was deleted. */
export const pullRequestRefSchema = v.looseObject({
  label: v.string(),
  ref: v.string(),
  sha: v.string(),
  user: v.nullable(simpleUserSchema),
  repo: v.nullable(repositorySchema),
});

/** A pull request as `GET /repos/{owner}/{repo}/pulls` lists it. */
export const pullRequestSimpleSchema = v.looseObject({
  id: v.number(),
  node_id: v.string(),
  url: v.string(),
  html_url: v.string(),
  diff_url: v.string(),
  patch_url: v.string(),
  issue_url: v.string(),
  number: v.number(),
  state: openEnum(['open', 'closed']),
  locked: v.boolean(),
  title: v.string(),
  user: v.nullable(simpleUserSchema),
  body: v.nullable(v.string()),
  labels: v.array(labelSchema),
  milestone: v.nullable(milestoneSchema),
  created_at: v.string(),
  updated_at: v.string(),
  closed_at: v.nullable(v.string()),
  merged_at: v.nullable(v.string()),
  merge_commit_sha: v.nullable(v.string()),
  assignee: v.nullish(simpleUserSchema),
  assignees: v.nullish(v.array(simpleUserSchema)),
  requested_reviewers: v.nullish(v.array(simpleUserSchema)),
  head: pullRequestRefSchema,
  base: pullRequestRefSchema,
  author_association: authorAssociationSchema,
  draft: v.optional(v.boolean()),
});
export type PullRequestSimple = v.InferOutput<typeof pullRequestSimpleSchema>;

/** A pull request as `GET /repos/{owner}/{repo}/pulls/{pull_number}` returns it: the list shape plus merge state and counts. */
export const pullRequestSchema = v.looseObject({
  ...pullRequestSimpleSchema.entries,
  merged: v.boolean(),
  // null while GitHub is still computing mergeability in the background.
  mergeable: v.nullable(v.boolean()),
  mergeable_state: v.string(),
  merged_by: v.nullable(simpleUserSchema),
  comments: v.number(),
  review_comments: v.number(),
  commits: v.number(),
  additions: v.number(),
  deletions: v.number(),
  changed_files: v.number(),
});
export type PullRequest = v.InferOutput<typeof pullRequestSchema>;
