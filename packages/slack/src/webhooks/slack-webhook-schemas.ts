import * as v from 'valibot';

/**
 * Events API payloads (https://docs.slack.dev/apis/events-api/), shaped after Slack's documented
 * examples. The envelope and the four events typed here are `v.object`s of their documented fields;
 * any other event type passes as `{ type, ... }`.
 */

/** Message and event timestamps (`"1515449522.000016"`). */
const ts = v.string();

export const messageEventSchema = v.object({
  type: v.literal('message'),
  subtype: v.optional(v.string()),
  channel: v.string(),
  channel_type: v.optional(v.string()),
  user: v.optional(v.string()),
  bot_id: v.optional(v.string()),
  text: v.optional(v.string()),
  ts,
  event_ts: v.optional(ts),
  thread_ts: v.optional(ts),
  client_msg_id: v.optional(v.string()),
  team: v.optional(v.string()),
  blocks: v.optional(v.array(v.looseObject({ type: v.string() }))),
  attachments: v.optional(v.array(v.looseObject({}))),
  files: v.optional(v.array(v.looseObject({ id: v.string() }))),
  /** `message_changed`: the new version; `message_deleted`: the deleted message's ts. */
  message: v.optional(v.looseObject({ ts: v.optional(ts), text: v.optional(v.string()) })),
  previous_message: v.optional(v.looseObject({ ts: v.optional(ts) })),
  deleted_ts: v.optional(ts),
  hidden: v.optional(v.boolean()),
  edited: v.optional(v.looseObject({ user: v.string(), ts })),
  parent_user_id: v.optional(v.string()),
});

export const appMentionEventSchema = v.object({
  type: v.literal('app_mention'),
  user: v.string(),
  text: v.string(),
  ts,
  channel: v.string(),
  event_ts: ts,
  thread_ts: v.optional(ts),
  client_msg_id: v.optional(v.string()),
  team: v.optional(v.string()),
  blocks: v.optional(v.array(v.looseObject({ type: v.string() }))),
});

export const reactionAddedEventSchema = v.object({
  type: v.literal('reaction_added'),
  user: v.string(),
  reaction: v.string(),
  item_user: v.optional(v.string()),
  /** What was reacted to: a message (`channel`, `ts`), a file or a file comment. */
  item: v.looseObject({ type: v.string(), channel: v.optional(v.string()), ts: v.optional(ts), file: v.optional(v.string()) }),
  event_ts: ts,
});

export const memberJoinedChannelEventSchema = v.object({
  type: v.literal('member_joined_channel'),
  user: v.string(),
  channel: v.string(),
  /** `C` public, `G` private. */
  channel_type: v.string(),
  team: v.string(),
  inviter: v.optional(v.string()),
  event_ts: v.optional(ts),
  enterprise: v.optional(v.string()),
});

/** An event type this package does not describe (`channel_created`, `team_join`...): its fields as sent. */
export const otherEventSchema = v.looseObject({ type: v.string() });

export const slackEventSchema = v.variant('type', [messageEventSchema, appMentionEventSchema, reactionAddedEventSchema, memberJoinedChannelEventSchema]);

export const authorizationSchema = v.object({
  enterprise_id: v.nullable(v.string()),
  team_id: v.nullable(v.string()),
  user_id: v.string(),
  is_bot: v.boolean(),
  is_enterprise_install: v.optional(v.boolean()),
});

/** The outer `event_callback` envelope: `event_id` is stable across Slack's retries, so it is the dedupe key. */
export const eventCallbackSchema = v.object({
  type: v.literal('event_callback'),
  /** The deprecated verification token: never rely on it, the signature is what counts. */
  token: v.optional(v.string()),
  team_id: v.string(),
  api_app_id: v.string(),
  enterprise_id: v.optional(v.nullable(v.string())),
  context_team_id: v.optional(v.nullable(v.string())),
  context_enterprise_id: v.optional(v.nullable(v.string())),
  event: v.union([slackEventSchema, otherEventSchema]),
  event_id: v.string(),
  event_time: v.number(),
  event_context: v.optional(v.string()),
  authorizations: v.optional(v.array(authorizationSchema)),
  authed_users: v.optional(v.array(v.string())),
  is_ext_shared_channel: v.optional(v.boolean()),
});

/** Slack's handshake when you set the Request URL; the inbox answers it with the challenge. */
export const urlVerificationSchema = v.object({ type: v.literal('url_verification'), token: v.optional(v.string()), challenge: v.string() });

/** `app_rate_limited`: Slack paused deliveries because the app answered too slowly or too often with errors. */
export const appRateLimitedSchema = v.object({ type: v.literal('app_rate_limited'), token: v.optional(v.string()), team_id: v.string(), minute_rate_limited: v.number(), api_app_id: v.string() });

export const eventsApiPayloadSchema = v.variant('type', [eventCallbackSchema, urlVerificationSchema, appRateLimitedSchema]);

/**
 * An interactivity payload (https://docs.slack.dev/interactivity/handling-user-interaction): the JSON
 * in the `payload` form field. Its shape depends on `type` (`block_actions`, `view_submission`,
 * `shortcut`, `message_action`...): the common fields are typed, the rest kept as sent.
 */
export const interactionPayloadSchema = v.looseObject({
  type: v.string(),
  team: v.nullable(v.looseObject({ id: v.string(), domain: v.optional(v.string()) })),
  user: v.looseObject({ id: v.string(), username: v.optional(v.string()), name: v.optional(v.string()), team_id: v.optional(v.string()) }),
  api_app_id: v.optional(v.string()),
  token: v.optional(v.string()),
  trigger_id: v.optional(v.string()),
  response_url: v.optional(v.string()),
  channel: v.optional(v.looseObject({ id: v.string(), name: v.optional(v.string()) })),
  actions: v.optional(v.array(v.looseObject({ action_id: v.optional(v.string()), block_id: v.optional(v.string()), type: v.optional(v.string()), value: v.optional(v.string()) }))),
  view: v.optional(v.looseObject({ id: v.string(), callback_id: v.optional(v.string()) })),
  callback_id: v.optional(v.string()),
});

/** A slash command (https://docs.slack.dev/interactivity/implementing-slash-commands): form fields. */
export const slashCommandSchema = v.object({
  token: v.optional(v.string()),
  team_id: v.string(),
  team_domain: v.optional(v.string()),
  enterprise_id: v.optional(v.string()),
  enterprise_name: v.optional(v.string()),
  channel_id: v.string(),
  channel_name: v.optional(v.string()),
  user_id: v.string(),
  user_name: v.optional(v.string()),
  command: v.string(),
  text: v.string(),
  response_url: v.string(),
  trigger_id: v.string(),
  api_app_id: v.optional(v.string()),
  is_enterprise_install: v.optional(v.string()),
});

export type SlackEvent = v.InferOutput<typeof slackEventSchema> | v.InferOutput<typeof otherEventSchema>;
export type MessageEvent = v.InferOutput<typeof messageEventSchema>;
export type AppMentionEvent = v.InferOutput<typeof appMentionEventSchema>;
export type ReactionAddedEvent = v.InferOutput<typeof reactionAddedEventSchema>;
export type MemberJoinedChannelEvent = v.InferOutput<typeof memberJoinedChannelEventSchema>;
export type EventCallback = v.InferOutput<typeof eventCallbackSchema>;
export type EventsApiPayload = v.InferOutput<typeof eventsApiPayloadSchema>;
export type InteractionPayload = v.InferOutput<typeof interactionPayloadSchema>;
export type SlashCommand = v.InferOutput<typeof slashCommandSchema>;
