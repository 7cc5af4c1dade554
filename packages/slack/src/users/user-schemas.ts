import * as v from 'valibot';
import { slackResponse } from '../internal/slack-envelope.ts';

/**
 * A user's profile (https://docs.slack.dev/reference/objects/user-object#profile). Loose on purpose:
 * custom profile fields and image sizes differ by workspace.
 */
export const userProfileSchema = v.looseObject({
  real_name: v.optional(v.string()),
  display_name: v.optional(v.string()),
  real_name_normalized: v.optional(v.string()),
  display_name_normalized: v.optional(v.string()),
  /** Only with the `users:read.email` scope. */
  email: v.optional(v.string()),
  title: v.optional(v.string()),
  phone: v.optional(v.string()),
  status_text: v.optional(v.string()),
  status_emoji: v.optional(v.string()),
  image_72: v.optional(v.string()),
  team: v.optional(v.string()),
});

/** A user object (https://docs.slack.dev/reference/objects/user-object), documented fields. */
export const userSchema = v.object({
  id: v.string(),
  team_id: v.optional(v.string()),
  name: v.string(),
  deleted: v.boolean(),
  color: v.optional(v.string()),
  real_name: v.optional(v.string()),
  tz: v.optional(v.nullable(v.string())),
  tz_label: v.optional(v.string()),
  tz_offset: v.optional(v.number()),
  profile: userProfileSchema,
  is_admin: v.optional(v.boolean()),
  is_owner: v.optional(v.boolean()),
  is_primary_owner: v.optional(v.boolean()),
  is_restricted: v.optional(v.boolean()),
  is_ultra_restricted: v.optional(v.boolean()),
  is_bot: v.boolean(),
  is_app_user: v.optional(v.boolean()),
  is_email_confirmed: v.optional(v.boolean()),
  is_workflow_bot: v.optional(v.boolean()),
  who_can_share_contact_card: v.optional(v.string()),
  updated: v.optional(v.number()),
  has_2fa: v.optional(v.boolean()),
  locale: v.optional(v.string()),
  enterprise_user: v.optional(v.looseObject({})),
});
export type User = v.InferOutput<typeof userSchema>;

export const usersListSchema = slackResponse({ members: v.array(userSchema), cache_ts: v.optional(v.number()) });
export const userInfoSchema = slackResponse({ user: userSchema });
