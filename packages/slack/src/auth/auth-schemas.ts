import * as v from 'valibot';
import { slackResponse } from '../internal/slack-envelope.ts';

/** `auth.test` (https://docs.slack.dev/reference/methods/auth.test): who the token is. */
export const authTestSchema = slackResponse({
  url: v.string(),
  team: v.string(),
  user: v.string(),
  team_id: v.string(),
  user_id: v.string(),
  /** Present for bot tokens. */
  bot_id: v.optional(v.string()),
  app_id: v.optional(v.string()),
  app_name: v.optional(v.string()),
  enterprise_id: v.optional(v.string()),
  is_enterprise_install: v.optional(v.boolean()),
  /** Seconds left, for expiring (rotated) tokens. */
  expires_in: v.optional(v.number()),
});
export type AuthTest = v.InferOutput<typeof authTestSchema>;
