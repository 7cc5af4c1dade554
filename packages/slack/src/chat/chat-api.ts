import type { HttpClient } from '@connectors/core';
import { call, type SlackCallOptions } from '../internal/slack-call.ts';
import { deleteMessageSchema, postMessageSchema, updateMessageSchema, type DeletedMessage, type PostedMessage, type UpdatedMessage } from './chat-schemas.ts';

/** What a message carries: `text` (also the notification fallback when `blocks` are given), `blocks`, or `attachments`. */
export interface MessageContent {
  text?: string;
  /** Block Kit blocks, sent as a JSON string the way Slack reads them. */
  blocks?: readonly Record<string, unknown>[];
  attachments?: readonly Record<string, unknown>[];
  mrkdwn?: boolean;
  /** Structured metadata: `{ event_type, event_payload }`. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface PostMessageParams extends MessageContent {
  /** A channel, DM or group id (`C123...`), or a user id to DM them. */
  channel: string;
  /** Reply in this thread. */
  thread_ts?: string;
  reply_broadcast?: boolean;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
  link_names?: boolean;
  parse?: 'full' | 'none';
}

export interface UpdateMessageParams extends MessageContent {
  channel: string;
  /** The message to change. */
  ts: string;
  reply_broadcast?: boolean;
  link_names?: boolean;
  parse?: 'full' | 'none';
}

/** `slack.chat`. */
export interface ChatApi {
  /**
   * `chat.postMessage` (special tier: about 1 message per second per channel, paced per channel).
   * Slack has no idempotency key for it, so it is retried only when Slack says it did not apply it
   * (HTTP 429 / `ratelimited`, `token_expired` after a refresh), never after an ambiguous failure:
   * a message is never posted twice.
   */
  postMessage(params: PostMessageParams, options?: SlackCallOptions): Promise<PostedMessage>;
  /** `chat.update` (Tier 3). Repeating it sets the same content, so it is retried like a read. */
  update(params: UpdateMessageParams, options?: SlackCallOptions): Promise<UpdatedMessage>;
  /** `chat.delete` (Tier 3). A repeat after success would fail with `message_not_found`, so it is retried only when not applied. */
  delete(params: { channel: string; ts: string; as_user?: boolean }, options?: SlackCallOptions): Promise<DeletedMessage>;
}

function checkContent(method: string, params: MessageContent & { channel?: unknown }): void {
  if (!params || typeof params.channel !== 'string' || params.channel === '') throw new TypeError(`slack ${method}: \`channel\` is required (a channel id such as C0123ABC, or a user id to DM)`);
  if (params.text === undefined && !params.blocks?.length && !params.attachments?.length) {
    throw new TypeError(`slack ${method}: give \`text\`, \`blocks\` or \`attachments\` (with blocks, also give \`text\` as the notification fallback)`);
  }
}

export function createChatApi(http: HttpClient): ChatApi {
  return {
    postMessage: (params, options = {}) => {
      checkContent('chat.postMessage', params);
      return call(http, 'chat.postMessage', { ...params }, postMessageSchema, { ...options, safe: false });
    },
    update: (params, options = {}) => {
      checkContent('chat.update', params);
      return call(http, 'chat.update', { ...params }, updateMessageSchema, { ...options, safe: true });
    },
    delete: (params, options = {}) => call(http, 'chat.delete', { ...params }, deleteMessageSchema, { ...options, safe: false }),
  };
}
