import type { HttpClient, Paginated } from '@connectors/core';
import { call, list, type SlackCallOptions, type SlackListOptions } from '../internal/slack-call.ts';
import {
  conversationHistorySchema,
  conversationInfoSchema,
  conversationJoinSchema,
  conversationsListSchema,
  type Conversation,
  type Message,
} from './conversation-schemas.ts';

export interface ConversationListParams {
  /** Comma-separated: `public_channel`, `private_channel`, `mpim`, `im`. Default `public_channel`. */
  types?: string;
  exclude_archived?: boolean;
  team_id?: string;
}

export interface ConversationHistoryParams {
  channel: string;
  /** Only messages after this ts. */
  oldest?: string;
  /** Only messages before this ts. */
  latest?: string;
  inclusive?: boolean;
  include_all_metadata?: boolean;
}

export interface ConversationRepliesParams extends ConversationHistoryParams {
  /** The thread's parent message ts. */
  ts: string;
}

/** `slack.conversations`. */
export interface ConversationsApi {
  /** `conversations.list` (Tier 2), every page: the items are `channels`. */
  list(params?: ConversationListParams, options?: SlackListOptions): Paginated<Conversation>;
  /** `conversations.history` (Tier 3), newest first, every page: the items are `messages`. The bot must be in the channel (`not_in_channel` otherwise: `join` it). */
  history(params: ConversationHistoryParams, options?: SlackListOptions): Paginated<Message>;
  /** `conversations.replies` (Tier 3): a thread, parent first, every page. */
  replies(params: ConversationRepliesParams, options?: SlackListOptions): Paginated<Message>;
  /** `conversations.info` (Tier 3). */
  info(channel: string, params?: { include_locale?: boolean; include_num_members?: boolean }, options?: SlackCallOptions): Promise<Conversation>;
  /** `conversations.join` (Tier 3): safe to repeat (Slack answers `warning: already_in_channel`). */
  join(channel: string, options?: SlackCallOptions): Promise<Conversation>;
}

export function createConversationsApi(http: HttpClient): ConversationsApi {
  return {
    list: (params, options) => list(http, 'conversations.list', { ...params }, 'channels', conversationsListSchema, options),
    history: (params, options) => list(http, 'conversations.history', { ...params }, 'messages', conversationHistorySchema, options),
    replies: (params, options) => list(http, 'conversations.replies', { ...params }, 'messages', conversationHistorySchema, options),
    info: async (channel, params = {}, options = {}) => (await call(http, 'conversations.info', { channel, ...params }, conversationInfoSchema, { ...options, safe: true })).channel,
    join: async (channel, options = {}) => (await call(http, 'conversations.join', { channel }, conversationJoinSchema, { ...options, safe: true })).channel,
  };
}
