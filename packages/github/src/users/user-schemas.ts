import * as v from 'valibot';
import { openEnum } from '@connectors/core';

/**
 * Objects are `looseObject`s throughout: GitHub adds fields often, and extra fields are kept in the
 * output (never dropped) instead of failing validation.
 */

/** `simple-user`: the actor embedded in issues, pull requests, repositories and events. */
export const simpleUserSchema = v.looseObject({
  login: v.string(),
  id: v.number(),
  node_id: v.string(),
  avatar_url: v.string(),
  html_url: v.string(),
  url: v.string(),
  type: openEnum(['User', 'Organization', 'Bot']),
  site_admin: v.boolean(),
});
export type SimpleUser = v.InferOutput<typeof simpleUserSchema>;

/** `GET /user`: the public profile plus the private fields a user-to-server token may see. */
export const authenticatedUserSchema = v.looseObject({
  ...simpleUserSchema.entries,
  name: v.nullable(v.string()),
  company: v.nullable(v.string()),
  blog: v.nullable(v.string()),
  location: v.nullable(v.string()),
  email: v.nullable(v.string()),
  bio: v.nullable(v.string()),
  public_repos: v.number(),
  followers: v.number(),
  following: v.number(),
  created_at: v.string(),
  updated_at: v.string(),
});
export type AuthenticatedUser = v.InferOutput<typeof authenticatedUserSchema>;
