import channelFixture from '../conversations/__fixtures__/conversation-info.json' with { type: 'json' };
import userFixture from '../users/__fixtures__/user-info.json' with { type: 'json' };

type Json = Record<string, unknown>;

/** The sandbox workspace. */
export const SANDBOX_TEAM = { id: 'T0SBX00001', name: 'Sandbox Workspace', domain: 'sandbox-workspace' } as const;
/** The bot user the sandbox's tokens act as. */
export const SANDBOX_BOT = { userId: 'U0SBXBOT01', botId: 'B0SBXBOT01', appId: 'A0SBXAPP01', name: 'sandbox-bot' } as const;

/** Seeded sizes: enough channels and messages that listings take several pages at a small `limit`. */
export const SANDBOX_SIZES = { users: 24, publicChannels: 10, privateChannels: 2, messagesPerChannel: [42, 17, 5, 0, 33, 8, 12, 3, 25, 1] } as const;

const BASE_S = Math.floor(Date.parse('2025-06-01T00:00:00Z') / 1000);

/** Slack ids are a type letter and upper-case alphanumerics; these are deterministic. */
export function sandboxId(prefix: string, n: number): string {
  return `${prefix}0SBX${String(n).padStart(5, '0')}`;
}

/** A message ts: seconds, a dot, six digits (unique per channel). */
export function sandboxTs(seconds: number, n: number): string {
  return `${seconds}.${String(n % 1_000_000).padStart(6, '0')}`;
}

export function seedUsers(): Json[] {
  const people = Array.from({ length: SANDBOX_SIZES.users }, (_, i) => {
    const n = i + 1;
    const name = `member${n}`;
    return {
      ...userFixture.user,
      id: sandboxId('U', n),
      team_id: SANDBOX_TEAM.id,
      name,
      real_name: `Sandbox Member ${n}`,
      deleted: n % 11 === 0,
      is_admin: n === 1,
      updated: BASE_S + n * 60,
      profile: { ...userFixture.user.profile, real_name: `Sandbox Member ${n}`, display_name: name, real_name_normalized: `Sandbox Member ${n}`, display_name_normalized: name, email: `${name}@sandbox.example.com`, team: SANDBOX_TEAM.id },
    };
  });
  const bot = {
    id: SANDBOX_BOT.userId,
    team_id: SANDBOX_TEAM.id,
    name: SANDBOX_BOT.name,
    deleted: false,
    real_name: 'Sandbox Bot',
    profile: { real_name: 'Sandbox Bot', display_name: '', bot_id: SANDBOX_BOT.botId, api_app_id: SANDBOX_BOT.appId, team: SANDBOX_TEAM.id },
    is_bot: true,
    is_app_user: false,
    updated: BASE_S,
  };
  return [...people, bot];
}

export function seedChannels(): Json[] {
  const channels: Json[] = [];
  for (let i = 0; i < SANDBOX_SIZES.publicChannels + SANDBOX_SIZES.privateChannels; i++) {
    const n = i + 1;
    const isPrivate = i >= SANDBOX_SIZES.publicChannels;
    const name = n === 1 ? 'general' : isPrivate ? `private-${n}` : `channel-${n}`;
    channels.push({
      ...channelFixture.channel,
      id: sandboxId(isPrivate ? 'G' : 'C', n),
      name,
      name_normalized: name,
      is_channel: !isPrivate,
      is_group: isPrivate,
      is_private: isPrivate,
      is_general: n === 1,
      // The bot starts in a few channels; it must `conversations.join` the others before reading them.
      is_member: n <= 4 || isPrivate,
      is_archived: n === 8,
      created: BASE_S + n * 86_400,
      updated: (BASE_S + n * 86_400) * 1000,
      creator: sandboxId('U', 1),
      context_team_id: SANDBOX_TEAM.id,
      shared_team_ids: [SANDBOX_TEAM.id],
      previous_names: [],
      num_members: 3 + (n % 7),
      topic: { value: `Topic of #${name}`, creator: sandboxId('U', 1), last_set: BASE_S },
      purpose: { value: `Purpose of #${name}`, creator: sandboxId('U', 1), last_set: BASE_S },
    });
  }
  return channels;
}

/**
 * Messages, one record per message with its `channel` (stripped when served). Oldest first here;
 * `conversations.history` serves newest first. Every fifth message of the first channel starts a thread.
 */
export function seedMessages(channels: readonly Json[]): Json[] {
  const messages: Json[] = [];
  channels.slice(0, SANDBOX_SIZES.publicChannels).forEach((channel, c) => {
    const count = SANDBOX_SIZES.messagesPerChannel[c] ?? 0;
    const start = (channel['created'] as number) + 3600;
    for (let m = 1; m <= count; m++) {
      const ts = sandboxTs(start + m * 300, m);
      const user = sandboxId('U', ((c + m) % SANDBOX_SIZES.users) + 1);
      const message: Json = { channel: channel['id'], type: 'message', user, text: `Message ${m} in #${String(channel['name'])}`, ts, team: SANDBOX_TEAM.id };
      if (c === 0 && m % 5 === 0) {
        const replies = Array.from({ length: 3 }, (_, r) => ({ channel: channel['id'], type: 'message', user: sandboxId('U', r + 1), text: `Reply ${r + 1} to message ${m}`, ts: sandboxTs(start + m * 300 + 30 * (r + 1), m * 10 + r), thread_ts: ts, parent_user_id: user, team: SANDBOX_TEAM.id }));
        Object.assign(message, { thread_ts: ts, reply_count: replies.length, reply_users_count: 3, reply_users: replies.map((r) => r.user), latest_reply: replies.at(-1)!.ts });
        messages.push(message, ...replies);
      } else messages.push(message);
    }
  });
  return messages;
}
