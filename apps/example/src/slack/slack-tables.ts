import type Database from 'better-sqlite3';
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

export interface SlackTables {
  upsertChannels(rows: readonly SlackChannelRow[]): void;
  /** Keeps the first `source` of a message (a posted message read back by a later sync stays `post`). */
  upsertMessages(rows: readonly SlackMessageRow[]): void;
  channels(): SlackChannelRow[];
  messages(channel?: string): SlackMessageRow[];
}

/** The app's Slack tables, in its own database. */
export function openSlackTables(sqlite: Database.Database): SlackTables {
  sqlite.exec(`
    CREATE TABLE IF NOT EXISTS slack_channels (
      id TEXT PRIMARY KEY, name TEXT, is_private INTEGER NOT NULL, is_archived INTEGER NOT NULL, is_member INTEGER NOT NULL,
      created INTEGER NOT NULL, topic TEXT
    );
    CREATE TABLE IF NOT EXISTS slack_messages (
      channel TEXT NOT NULL, ts TEXT NOT NULL, user TEXT, text TEXT, thread_ts TEXT, reply_count INTEGER NOT NULL, source TEXT NOT NULL,
      PRIMARY KEY (channel, ts)
    );
  `);
  const upsertChannel = sqlite.prepare<SlackChannelRow>(
    `INSERT INTO slack_channels (id, name, is_private, is_archived, is_member, created, topic) VALUES (@id, @name, @is_private, @is_archived, @is_member, @created, @topic)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, is_private = excluded.is_private, is_archived = excluded.is_archived, is_member = excluded.is_member, created = excluded.created, topic = excluded.topic`,
  );
  const upsertMessage = sqlite.prepare<SlackMessageRow>(
    `INSERT INTO slack_messages (channel, ts, user, text, thread_ts, reply_count, source) VALUES (@channel, @ts, @user, @text, @thread_ts, @reply_count, @source)
     ON CONFLICT (channel, ts) DO UPDATE SET user = excluded.user, text = excluded.text, thread_ts = excluded.thread_ts, reply_count = excluded.reply_count`,
  );
  const each = <T>(statement: { run(row: T): unknown }) => sqlite.transaction((rows: readonly T[]) => {
    for (const row of rows) statement.run(row);
  });
  return {
    upsertChannels: each(upsertChannel),
    upsertMessages: each(upsertMessage),
    channels: () => sqlite.prepare<[], SlackChannelRow>('SELECT * FROM slack_channels ORDER BY id').all(),
    messages: (channel) =>
      channel === undefined
        ? sqlite.prepare<[], SlackMessageRow>('SELECT * FROM slack_messages ORDER BY channel, ts').all()
        : sqlite.prepare<[string], SlackMessageRow>('SELECT * FROM slack_messages WHERE channel = ? ORDER BY ts').all(channel),
  };
}
