import type { SandboxRequest, SandboxResponse, SandboxRouteContext } from '@connectors/testing/sandbox';
import { failure, findChannel, findMessage, isAnswer, type Json, memberChannel, messagesOf, ok, page, safeJson, strip } from './slack-sandbox-answers.ts';
import { SANDBOX_BOT, SANDBOX_TEAM, sandboxId, sandboxTs } from './slack-sandbox-data.ts';
import type { SlackSandboxCounts, TokenRecord } from './slack-sandbox-types.ts';


/** One Web API method: its arguments (query and body), the sandbox's data, the request, who called, and the counters. */
export type SlackSandboxMethod = (args: Record<string, string>, context: SandboxRouteContext, request: SandboxRequest, caller: TokenRecord, counts: SlackSandboxCounts) => SandboxResponse;

/** The methods the sandbox serves, answered the way Slack documents them (errors as `ok: false` with HTTP 200). */
export const slackSandboxMethods: Record<string, SlackSandboxMethod> = {
  'auth.test': (_args, context, _request, caller) =>
    ok({
      url: `https://${SANDBOX_TEAM.domain}.slack.com/`,
      team: SANDBOX_TEAM.name,
      user: SANDBOX_BOT.name,
      team_id: SANDBOX_TEAM.id,
      user_id: SANDBOX_BOT.userId,
      bot_id: SANDBOX_BOT.botId,
      is_enterprise_install: false,
      ...(caller.expiresAt !== undefined ? { expires_in: Math.max(0, Math.floor((caller.expiresAt - context.now()) / 1000)) } : {}),
    }),
  'conversations.list': (args, context) => {
    const types = (args['types'] ?? 'public_channel').split(',').map((t) => t.trim());
    const excludeArchived = args['exclude_archived'] === 'true' || args['exclude_archived'] === '1';
    const list = (context.data['channels'] as Json[]).filter((c) => (c['is_private'] ? types.includes('private_channel') && c['is_member'] : types.includes('public_channel')) && !(excludeArchived && c['is_archived']));
    return page(list, args, 'channels');
  },
  'conversations.info': (args, context) => {
    const channel = findChannel(context, args['channel']);
    return channel ? ok({ channel }) : failure('channel_not_found');
  },
  'conversations.join': (args, context) => {
    const channel = findChannel(context, args['channel']);
    if (!channel) return failure('channel_not_found');
    if (channel['is_archived']) return failure('is_archived');
    if (channel['is_private']) return failure('method_not_supported_for_channel_type');
    if (channel['is_member']) return ok({ channel, warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } });
    channel['is_member'] = true;
    return ok({ channel });
  },
  'conversations.history': (args, context) => {
    const channel = memberChannel(context, args['channel']);
    if (isAnswer(channel)) return channel;
    const oldest = Number(args['oldest'] ?? 0);
    const latest = args['latest'] === undefined ? Infinity : Number(args['latest']);
    const inclusive = args['inclusive'] === 'true' || args['inclusive'] === '1';
    const inRange = (ts: number) => (inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest);
    // Top-level messages and thread parents, newest first; replies stay in their thread.
    const history = messagesOf(context, String(channel['id']))
      .filter((m) => (m['thread_ts'] === undefined || m['thread_ts'] === m['ts']) && inRange(Number(m['ts'])))
      .sort((a, b) => Number(b['ts']) - Number(a['ts']))
      .map(strip);
    return page(history, args, 'messages', 100, { pin_count: 0 });
  },
  'conversations.replies': (args, context) => {
    const channel = memberChannel(context, args['channel']);
    if (isAnswer(channel)) return channel;
    if (!args['ts']) return failure('invalid_arguments');
    const thread = messagesOf(context, String(channel['id'])).filter((m) => m['ts'] === args['ts'] || m['thread_ts'] === args['ts']);
    if (thread.length === 0) return failure('thread_not_found');
    return page(thread.sort((a, b) => Number(a['ts']) - Number(b['ts'])).map(strip), args, 'messages', 1000);
  },
  'users.list': (args, context) => page(context.data['users'] as Json[], args, 'members', 100, { cache_ts: Math.floor(context.now() / 1000) }),
  'users.info': (args, context) => {
    const user = (context.data['users'] as Json[]).find((u) => u['id'] === args['user']);
    return user ? ok({ user }) : failure('user_not_found');
  },
  'users.lookupByEmail': (args, context) => {
    const user = (context.data['users'] as Json[]).find((u) => (u['profile'] as Json)['email'] === args['email']);
    return user ? ok({ user }) : failure('users_not_found');
  },
  'chat.postMessage': (args, context, _request, _caller, counts) => {
    const channel = memberChannel(context, args['channel']);
    if (isAnswer(channel)) return channel;
    if (!args['text'] && !args['blocks'] && !args['attachments']) return failure('no_text');
    if (args['blocks'] !== undefined && !Array.isArray(safeJson(args['blocks']))) return failure('invalid_blocks');
    counts.posted++;
    const ts = sandboxTs(Math.floor(context.now() / 1000), 500_000 + counts.posted);
    const message: Json = { channel: channel['id'], type: 'message', user: SANDBOX_BOT.userId, bot_id: SANDBOX_BOT.botId, app_id: SANDBOX_BOT.appId, text: args['text'] ?? '', ts, team: SANDBOX_TEAM.id };
    if (args['blocks']) message['blocks'] = safeJson(args['blocks']);
    if (args['thread_ts']) message['thread_ts'] = args['thread_ts'];
    (context.data['messages'] as Json[]).push(message);
    return ok({ channel: channel['id'], ts, message: strip(message) });
  },
  'chat.update': (args, context) => {
    const target = findMessage(context, args['channel'], args['ts']);
    if (isAnswer(target)) return target;
    if (target['user'] !== SANDBOX_BOT.userId) return failure('cant_update_message');
    target['text'] = args['text'] ?? target['text'];
    target['edited'] = { user: SANDBOX_BOT.userId, ts: sandboxTs(Math.floor(context.now() / 1000), 1) };
    return ok({ channel: target['channel'], ts: target['ts'], text: target['text'], message: { text: target['text'], user: target['user'] } });
  },
  'chat.delete': (args, context) => {
    const target = findMessage(context, args['channel'], args['ts']);
    if (isAnswer(target)) return target;
    if (target['user'] !== SANDBOX_BOT.userId) return failure('cant_delete_message');
    const all = context.data['messages'] as Json[];
    all.splice(all.indexOf(target), 1);
    return ok({ channel: target['channel'], ts: target['ts'] });
  },
  'reactions.add': (args, context) => {
    if (!args['name']) return failure('invalid_name');
    const target = findMessage(context, args['channel'], args['timestamp']);
    if (isAnswer(target)) return target;
    const reactions = ((target['reactions'] as Json[] | undefined) ??= []);
    const existing = reactions.find((r) => r['name'] === args['name']);
    if ((existing?.['users'] as string[] | undefined)?.includes(SANDBOX_BOT.userId)) return failure('already_reacted');
    if (existing) ((existing['users'] as string[]).push(SANDBOX_BOT.userId), (existing['count'] as number)++);
    else reactions.push({ name: args['name'], users: [SANDBOX_BOT.userId], count: 1 });
    return ok();
  },
  'files.getUploadURLExternal': (args, context, request) => {
    const length = Number(args['length']);
    if (!args['filename'] || !Number.isInteger(length) || length < 1) return failure('invalid_arguments');
    const files = context.data['files'] as Json[];
    const id = sandboxId('F', files.length + 1);
    files.push({ id, name: args['filename'], title: args['filename'], size: length, uploaded: false });
    return ok({ upload_url: `${request.url.origin}/slack/upload/v1/${id}`, file_id: id });
  },
  'files.completeUploadExternal': (args, context, _request, _caller, counts) => {
    const wanted = safeJson(args['files'] ?? '');
    if (!Array.isArray(wanted) || wanted.length === 0) return failure('invalid_arguments');
    const done: Json[] = [];
    for (const entry of wanted as Json[]) {
      const file = (context.data['files'] as Json[]).find((f) => f['id'] === entry['id']);
      if (!file || !file['uploaded']) return failure('file_not_found');
      if (entry['title']) file['title'] = entry['title'];
      done.push({ id: file['id'], name: file['name'], title: file['title'], size: file['size'] });
    }
    if (args['channel_id']) {
      const channel = memberChannel(context, args['channel_id']);
      if (isAnswer(channel)) return channel;
      counts.posted++;
      (context.data['messages'] as Json[]).push({ channel: channel['id'], type: 'message', subtype: 'file_share', user: SANDBOX_BOT.userId, text: args['initial_comment'] ?? '', ts: sandboxTs(Math.floor(context.now() / 1000), 700_000 + counts.posted), files: done.map((f) => ({ id: f['id'] })), upload: true });
    }
    return ok({ files: done });
  },
};
