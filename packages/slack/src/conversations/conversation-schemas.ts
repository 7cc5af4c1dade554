import * as v from 'valibot';
import { slackResponse, topicSchema, tsSchema } from '../internal/slack-envelope.ts';

/**
 * A conversation object (https://docs.slack.dev/reference/objects/conversation-object): a public or
 * private channel, a DM or a group DM. The fields are those of Slack's documented examples and of
 * `@slack/web-api`'s `ConversationsListResponse`/`ConversationsInfoResponse`; which appear depends on
 * the conversation type, so most are optional.
 */
export const conversationSchema = v.object({
  id: v.string(),
  name: v.optional(v.string()),
  name_normalized: v.optional(v.string()),
  is_channel: v.optional(v.boolean()),
  is_group: v.optional(v.boolean()),
  is_im: v.optional(v.boolean()),
  is_mpim: v.optional(v.boolean()),
  is_private: v.optional(v.boolean()),
  is_archived: v.optional(v.boolean()),
  is_general: v.optional(v.boolean()),
  is_member: v.optional(v.boolean()),
  is_shared: v.optional(v.boolean()),
  is_ext_shared: v.optional(v.boolean()),
  is_org_shared: v.optional(v.boolean()),
  is_pending_ext_shared: v.optional(v.boolean()),
  is_frozen: v.optional(v.boolean()),
  is_open: v.optional(v.boolean()),
  is_user_deleted: v.optional(v.boolean()),
  created: v.number(),
  updated: v.optional(v.number()),
  creator: v.optional(v.string()),
  /** For a DM: the other user. */
  user: v.optional(v.string()),
  unlinked: v.optional(v.number()),
  context_team_id: v.optional(v.string()),
  parent_conversation: v.optional(v.nullable(v.string())),
  shared_team_ids: v.optional(v.array(v.string())),
  pending_shared: v.optional(v.array(v.string())),
  pending_connected_team_ids: v.optional(v.array(v.string())),
  internal_team_ids: v.optional(v.array(v.string())),
  previous_names: v.optional(v.array(v.string())),
  topic: v.optional(topicSchema),
  purpose: v.optional(topicSchema),
  /** Channel tabs, canvas and posting settings: shape varies, kept as Slack sends it. */
  properties: v.optional(v.looseObject({})),
  num_members: v.optional(v.number()),
  priority: v.optional(v.number()),
  last_read: v.optional(v.string()),
  locale: v.optional(v.string()),
});
export type Conversation = v.InferOutput<typeof conversationSchema>;

/** A reaction on a message: emoji name, count and (up to a limit) who reacted. */
export const reactionSchema = v.looseObject({ name: v.string(), count: v.number(), users: v.optional(v.array(v.string())) });

/**
 * A message as `conversations.history`/`replies` return it (https://docs.slack.dev/reference/objects/message-object).
 * Blocks, attachments and files have many shapes; they are kept as Slack sends them.
 */
export const messageSchema = v.object({
  type: v.literal('message'),
  subtype: v.optional(v.string()),
  ts: tsSchema,
  user: v.optional(v.string()),
  bot_id: v.optional(v.string()),
  app_id: v.optional(v.string()),
  username: v.optional(v.string()),
  team: v.optional(v.string()),
  text: v.optional(v.string()),
  thread_ts: v.optional(tsSchema),
  parent_user_id: v.optional(v.string()),
  reply_count: v.optional(v.number()),
  reply_users_count: v.optional(v.number()),
  reply_users: v.optional(v.array(v.string())),
  latest_reply: v.optional(v.string()),
  last_read: v.optional(v.string()),
  unread_count: v.optional(v.number()),
  subscribed: v.optional(v.boolean()),
  is_locked: v.optional(v.boolean()),
  client_msg_id: v.optional(v.string()),
  edited: v.optional(v.looseObject({ user: v.string(), ts: v.string() })),
  reactions: v.optional(v.array(reactionSchema)),
  blocks: v.optional(v.array(v.looseObject({ type: v.string() }))),
  attachments: v.optional(v.array(v.looseObject({}))),
  files: v.optional(v.array(v.looseObject({ id: v.string() }))),
  upload: v.optional(v.boolean()),
  display_as_bot: v.optional(v.boolean()),
  bot_profile: v.optional(v.looseObject({ id: v.string() })),
  icons: v.optional(v.looseObject({})),
  metadata: v.optional(v.looseObject({ event_type: v.string() })),
});
export type Message = v.InferOutput<typeof messageSchema>;

export const conversationsListSchema = slackResponse({ channels: v.array(conversationSchema) });
export const conversationInfoSchema = slackResponse({ channel: conversationSchema });
/** `conversations.join`: the channel, plus `warning: already_in_channel` when the bot was in it already. */
export const conversationJoinSchema = slackResponse({ channel: conversationSchema });
export const conversationHistorySchema = slackResponse({
  messages: v.array(messageSchema),
  has_more: v.optional(v.boolean()),
  pin_count: v.optional(v.number()),
  channel_actions_ts: v.optional(v.nullable(v.string())),
  channel_actions_count: v.optional(v.number()),
  /** `conversations.history` with `latest`/`oldest` echoes them. */
  latest: v.optional(v.string()),
  oldest: v.optional(v.string()),
});
