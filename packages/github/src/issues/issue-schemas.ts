import * as v from 'valibot';
import { openEnum } from '@connectors/core';
import { simpleUserSchema } from '../users/user-schemas.ts';

export const labelSchema = v.looseObject({
  id: v.number(),
  node_id: v.string(),
  url: v.string(),
  name: v.string(),
  description: v.nullish(v.string()),
  color: v.nullish(v.string()),
  default: v.optional(v.boolean()),
});
export type Label = v.InferOutput<typeof labelSchema>;

export const milestoneSchema = v.looseObject({
  id: v.number(),
  node_id: v.string(),
  number: v.number(),
  title: v.string(),
  state: openEnum(['open', 'closed']),
  description: v.nullish(v.string()),
  due_on: v.nullish(v.string()),
});

export const authorAssociationSchema = openEnum([
  'COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIMER', 'FIRST_TIME_CONTRIBUTOR', 'MANNEQUIN', 'MEMBER', 'NONE', 'OWNER',
]);

/**
 * An issue. GitHub's issues API also returns pull requests: those carry `pull_request`.
 */
export const issueSchema = v.looseObject({
  id: v.number(),
  node_id: v.string(),
  url: v.string(),
  repository_url: v.string(),
  html_url: v.string(),
  number: v.number(),
  state: openEnum(['open', 'closed']),
  state_reason: v.nullish(openEnum(['completed', 'reopened', 'not_planned', 'duplicate'])),
  title: v.string(),
  body: v.nullish(v.string()),
  user: v.nullable(simpleUserSchema),
  // Labels are objects, but the schema allows bare names as GitHub's own spec does.
  labels: v.array(v.union([v.string(), labelSchema])),
  assignee: v.nullish(simpleUserSchema),
  assignees: v.nullish(v.array(simpleUserSchema)),
  milestone: v.nullable(milestoneSchema),
  locked: v.boolean(),
  active_lock_reason: v.nullish(v.string()),
  comments: v.number(),
  pull_request: v.optional(
    v.looseObject({
      url: v.nullable(v.string()),
      html_url: v.nullable(v.string()),
      diff_url: v.nullable(v.string()),
      patch_url: v.nullable(v.string()),
      merged_at: v.nullish(v.string()),
    }),
  ),
  closed_at: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
  author_association: authorAssociationSchema,
});
export type Issue = v.InferOutput<typeof issueSchema>;

export const issueCommentSchema = v.looseObject({
  id: v.number(),
  node_id: v.string(),
  url: v.string(),
  html_url: v.string(),
  issue_url: v.string(),
  body: v.optional(v.string()),
  user: v.nullable(simpleUserSchema),
  created_at: v.string(),
  updated_at: v.string(),
  author_association: authorAssociationSchema,
});
export type IssueComment = v.InferOutput<typeof issueCommentSchema>;
