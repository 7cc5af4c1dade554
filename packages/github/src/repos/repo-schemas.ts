import * as v from 'valibot';
import { openEnum } from '@connectors/core';
import { simpleUserSchema } from '../users/user-schemas.ts';

/** A repository as `GET /repos/{owner}/{repo}` and the list endpoints return it. */
export const repositorySchema = v.looseObject({
  id: v.number(),
  node_id: v.string(),
  name: v.string(),
  full_name: v.string(),
  private: v.boolean(),
  owner: simpleUserSchema,
  html_url: v.string(),
  description: v.nullable(v.string()),
  fork: v.boolean(),
  url: v.string(),
  created_at: v.nullable(v.string()),
  updated_at: v.nullable(v.string()),
  pushed_at: v.nullable(v.string()),
  homepage: v.nullish(v.string()),
  language: v.nullish(v.string()),
  default_branch: v.optional(v.string()),
  visibility: v.optional(openEnum(['public', 'private', 'internal'])),
  archived: v.optional(v.boolean()),
  disabled: v.optional(v.boolean()),
  stargazers_count: v.optional(v.number()),
  watchers_count: v.optional(v.number()),
  forks_count: v.optional(v.number()),
  open_issues_count: v.optional(v.number()),
  topics: v.optional(v.array(v.string())),
  permissions: v.optional(v.record(v.string(), v.boolean())),
});
export type Repository = v.InferOutput<typeof repositorySchema>;
