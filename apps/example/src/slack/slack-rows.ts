import type { Conversation, Message } from '@connectors/slack';

/** A channel as the app keeps it. */
export interface SlackChannelRow {
  id: string;
  name: string | null;
  is_private: number;
  is_archived: number;
  is_member: number;
  created: number;
  topic: string | null;
}

/** A message, keyed by channel and ts (Slack's message id). `source`: how it arrived. */
export interface SlackMessageRow {
  channel: string;
  ts: string;
  user: string | null;
  text: string | null;
  thread_ts: string | null;
  reply_count: number;
  source: 'sync' | 'post' | 'event';
}

export function slackChannelRow(channel: Conversation): SlackChannelRow {
  return {
    id: channel.id,
    name: channel.name ?? null,
    is_private: channel.is_private ? 1 : 0,
    is_archived: channel.is_archived ? 1 : 0,
    is_member: channel.is_member ? 1 : 0,
    created: channel.created,
    topic: channel.topic?.value || null,
  };
}

/** The fields a message row is built from, whether it came from `conversations.history`, `chat.postMessage` or an event. */
export type MessageLike = Pick<Message, 'ts' | 'user' | 'text' | 'thread_ts' | 'reply_count'>;

export function slackMessageRow(channel: string, message: MessageLike, source: SlackMessageRow['source']): SlackMessageRow {
  return { channel, ts: message.ts, user: message.user ?? null, text: message.text ?? null, thread_ts: message.thread_ts ?? null, reply_count: message.reply_count ?? 0, source };
}
