import type { SandboxProvider, SandboxRequest, SandboxResponse, SandboxRouteContext, SandboxWebhookEvent } from '@connectors/testing/sandbox';
import { slackScheme } from '@connectors/webhooks';
import { SLACK_METHOD_TIERS, type SlackTier } from '../rate-limit/slack-tiers.ts';
import appMention from '../webhooks/__fixtures__/app-mention.json' with { type: 'json' };
import memberJoined from '../webhooks/__fixtures__/member-joined-channel.json' with { type: 'json' };
import messageEvent from '../webhooks/__fixtures__/message.json' with { type: 'json' };
import reactionAdded from '../webhooks/__fixtures__/reaction-added.json' with { type: 'json' };
import { SANDBOX_BOT, SANDBOX_TEAM, sandboxId, sandboxTs, seedChannels, seedMessages, seedUsers } from './slack-sandbox-data.ts';

/** A bot token that never expires (`token` / `SLACK_BOT_TOKEN`). */
export const SLACK_SANDBOX_BOT_TOKEN = 'xoxb-sandbox0000bottoken';
/** The OAuth client the sandbox's `oauth.v2.access` accepts. */
export const SLACK_SANDBOX_CLIENT_ID = '1111111111.2222222222';
export const SLACK_SANDBOX_CLIENT_SECRET = 'sandbox-client-secret-0000';
/** A refresh token valid from the start (`xoxe-1-...`), as an installation with token rotation gets. */
export const SLACK_SANDBOX_REFRESH_TOKEN = 'xoxe-1-sandbox-initial-refresh-token';
/** The signing secret the sandbox signs Events API deliveries with. */
export const SLACK_SANDBOX_SIGNING_SECRET = 'sandbox-signing-secret-0000';
/** Rotated access tokens live 12 hours, as Slack's do. */
const ACCESS_TTL_S = 43_200;
/** The `tokenExpired` fault spares a token until it has been in use this long (sandbox time). */
const MIN_TOKEN_AGE_MS = 1000;

type Json = Record<string, unknown>;

/** Slack-only faults, on top of the sandbox's generic ones (`faults.rateLimit` already answers Slack's `429 ratelimited`). */
export interface SlackSandboxFaults {
  /** Probability per call that a rotated access token is reported `token_expired` (once it has been in use for a second). */
  tokenExpired?: number;
  /** Probability per call of `{ ok: false, error }` with HTTP 200, for the listed methods (default all). */
  okFalse?: { rate: number; error: string; methods?: readonly string[] };
}

/** What the Slack sandbox counted, beside the sandbox's own stats. */
export interface SlackSandboxCounts {
  /** 429s from the per-method tier windows (a client that paces itself never meets one). */
  tierLimited: Record<string, number>;
  tokenExpired: number;
  okFalse: number;
  refreshes: number;
  /** Refresh tokens presented again after they were rotated. */
  refreshReuse: number;
  posted: number;
  uploads: number;
}

/** A Slack sandbox provider with its own fault switches and counters (one per `startSandbox`). */
export interface SlackSandboxProvider extends SandboxProvider {
  setFaults(faults: SlackSandboxFaults | undefined): void;
  counts(): SlackSandboxCounts;
}

interface TokenRecord {
  token: string;
  kind: 'bot' | 'rotating' | 'refresh';
  expiresAt?: number;
  /** Sandbox time of the token's first use. */
  firstUsedAt?: number;
  revoked?: boolean;
}

const ok = (body: Json = {}, extra: Partial<SandboxResponse> = {}): SandboxResponse => ({ status: 200, body: { ok: true, ...body }, ...extra });
const failure = (error: string, extra: Json = {}, status = 200): SandboxResponse => ({ status, body: { ok: false, error, ...extra } });

/** Method arguments, from the query string and the form or JSON body, as Slack reads them. */
function argsOf(request: SandboxRequest): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(request.query);
  if (request.body && typeof request.body === 'object') {
    for (const [key, value] of Object.entries(request.body as Json)) out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** Cursors are opaque base64, like Slack's (`dGVhbTpDMDYxRkE1UEI=`). */
const encodeCursor = (offset: number) => Buffer.from(`next:${offset}`).toString('base64');
function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return 0;
  const match = /^next:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** One page of a Slack listing: `{ [key]: items, response_metadata: { next_cursor } }`, an empty cursor at the end. */
function page(items: readonly unknown[], args: Record<string, string>, key: string, defaultLimit = 100, extra: Json = {}): SandboxResponse {
  const offset = decodeCursor(args['cursor']);
  if (offset === undefined) return failure('invalid_cursor');
  const asked = Number(args['limit'] ?? defaultLimit);
  const limit = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, 1000) : defaultLimit;
  const slice = items.slice(offset, offset + limit);
  const more = offset + limit < items.length;
  return ok({ [key]: slice, ...extra, ...(key === 'messages' ? { has_more: more } : {}), response_metadata: { next_cursor: more ? encodeCursor(offset + limit) : '' } });
}

const strip = ({ channel: _channel, ...message }: Json) => message;

/**
 * Slack's Web API, served by the testing kit's sandbox from this package's fixtures: a workspace with
 * 25 users (one a bot), 12 channels and their history (threads in #general), every method of the
 * connector, `oauth.v2.access` with rotating refresh tokens, the external file upload flow, and Slack's
 * failure modes: `{ ok: false, error }` with HTTP 200 (`invalid_auth`, `not_authed`, `token_expired`,
 * `channel_not_found`, `not_in_channel`, `invalid_arguments`...), `429 ratelimited` with `Retry-After`
 * when a method's tier window is exceeded (and `chat.postMessage` beyond 1 per second per channel),
 * `warning`s, and Events API deliveries signed with `slackScheme`.
 *
 * Serve it with `startSandbox({ providers: [provider] })`; the connector's `baseUrl` is
 * `sandbox.urlFor('slack') + '/api'` (Slack's `https://slack.com/api`).
 */
export function createSlackSandboxProvider(options: { faults?: SlackSandboxFaults; seed?: number } = {}): SlackSandboxProvider {
  let faults: SlackSandboxFaults = options.faults ?? {};
  // Slack's faults draw from their own generator, so switching them on does not shift the sandbox's
  // generic faults (429s, 5xx) for every other provider.
  const random = mulberry32(options.seed ?? 1);
  const counts: SlackSandboxCounts = { tierLimited: {}, tokenExpired: 0, okFalse: 0, refreshes: 0, refreshReuse: 0, posted: 0, uploads: 0 };
  /** Fixed windows per method (and per channel for chat.postMessage), on the sandbox's clock. */
  const windows = new Map<string, { start: number; used: number }>();
  const users = seedUsers();
  const channels = seedChannels();
  let minted = 0;

  const tokens = (context: SandboxRouteContext) => context.data['tokens'] as TokenRecord[];
  const findChannel = (context: SandboxRouteContext, id: string | undefined) => (context.data['channels'] as Json[]).find((c) => c['id'] === id);
  const messagesOf = (context: SandboxRouteContext, channel: string) => (context.data['messages'] as Json[]).filter((m) => m['channel'] === channel);

  function limited(method: string, key: string, limit: number, windowMs: number, now: number): SandboxResponse | undefined {
    let window = windows.get(key);
    if (!window || now >= window.start + windowMs) windows.set(key, (window = { start: now, used: 0 }));
    if (window.used < limit) {
      window.used++;
      return undefined;
    }
    counts.tierLimited[method] = (counts.tierLimited[method] ?? 0) + 1;
    return { ...failure('ratelimited', {}, 429), headers: { 'retry-after': String(Math.max(1, Math.ceil((window.start + windowMs - now) / 1000))) } };
  }

  /** The tier windows Slack documents (per method per workspace per app), and chat.postMessage's 1/s per channel. */
  function tierCheck(method: string, args: Record<string, string>, now: number): SandboxResponse | undefined {
    const tier: SlackTier = SLACK_METHOD_TIERS[method] ?? 2;
    if (method === 'chat.postMessage') return limited(method, `chat.postMessage:${args['channel'] ?? ''}`, 1, 1000, now);
    const perMinute = tier === 'special' ? 600 : ({ 1: 1, 2: 20, 3: 50, 4: 100 } as const)[tier];
    return limited(method, method, perMinute, 60_000, now);
  }

  /** Slack reports auth problems in the body with HTTP 200: `not_authed`, `invalid_auth`, `token_expired`, `token_revoked`. */
  function authenticate(request: SandboxRequest, context: SandboxRouteContext): SandboxResponse | TokenRecord {
    const header = request.headers['authorization'];
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof (request.body as Json | undefined)?.['token'] === 'string' ? String((request.body as Json)['token']) : undefined;
    if (!token) return failure('not_authed');
    const record = tokens(context).find((t) => t.token === token && t.kind !== 'refresh');
    if (!record) return failure('invalid_auth');
    if (record.revoked) return failure('token_revoked');
    if (record.kind === 'rotating') {
      if (record.expiresAt !== undefined && context.now() >= record.expiresAt) return failure('token_expired');
      // Only a token in use for a while expires early: one just minted (which the calls that met the
      // expiry are now retrying with, possibly at once) is as fresh as a real 12-hour token.
      const draw = random();
      if (record.firstUsedAt !== undefined && context.now() - record.firstUsedAt >= MIN_TOKEN_AGE_MS && draw < (faults.tokenExpired ?? 0)) {
        record.expiresAt = context.now();
        counts.tokenExpired++;
        return failure('token_expired');
      }
      record.firstUsedAt ??= context.now();
    }
    return record;
  }

  /** `oauth.v2.access` with `grant_type=refresh_token` (https://docs.slack.dev/authentication/using-token-rotation). */
  function refresh(request: SandboxRequest, context: SandboxRouteContext): SandboxResponse {
    const args = argsOf(request);
    const basic = request.headers['authorization']?.startsWith('Basic ') ? Buffer.from(request.headers['authorization'].slice(6), 'base64').toString('utf8').split(':') : undefined;
    const clientId = args['client_id'] ?? basic?.[0];
    const clientSecret = args['client_secret'] ?? basic?.[1];
    if (clientId !== SLACK_SANDBOX_CLIENT_ID) return failure('invalid_client_id');
    if (clientSecret !== SLACK_SANDBOX_CLIENT_SECRET) return failure('bad_client_secret');
    if (args['grant_type'] !== 'refresh_token') return failure('invalid_grant_type');
    const presented = tokens(context).find((t) => t.kind === 'refresh' && t.token === args['refresh_token']);
    if (!presented) return failure('invalid_refresh_token');
    if (presented.revoked) {
      counts.refreshReuse++;
      return failure('invalid_refresh_token');
    }
    presented.revoked = true;
    minted++;
    const accessToken = `xoxe.xoxb-sandbox${minted}`;
    const refreshToken = `xoxe-1-sandbox-${minted}`;
    tokens(context).push({ token: accessToken, kind: 'rotating', expiresAt: context.now() + ACCESS_TTL_S * 1000 }, { token: refreshToken, kind: 'refresh' });
    counts.refreshes++;
    return ok({
      app_id: SANDBOX_BOT.appId,
      authed_user: { id: sandboxId('U', 1) },
      scope: 'channels:history,channels:join,channels:read,chat:write,files:write,groups:history,groups:read,reactions:write,users:read,users:read.email',
      token_type: 'bot',
      access_token: accessToken,
      bot_user_id: SANDBOX_BOT.userId,
      refresh_token: refreshToken,
      expires_in: ACCESS_TTL_S,
      team: { id: SANDBOX_TEAM.id, name: SANDBOX_TEAM.name },
      enterprise: null,
      is_enterprise_install: false,
    });
  }

  const memberChannel = (context: SandboxRouteContext, id: string | undefined): SandboxResponse | Json => {
    if (!id) return failure('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: channel'] } });
    const channel = findChannel(context, id);
    if (!channel) return failure('channel_not_found');
    if (!channel['is_member']) return failure('not_in_channel');
    return channel;
  };
  const isAnswer = (value: SandboxResponse | Json | TokenRecord): value is SandboxResponse => 'status' in value && typeof (value as SandboxResponse).status === 'number' && 'body' in value;

  const methods: Record<string, (args: Record<string, string>, context: SandboxRouteContext, request: SandboxRequest, caller: TokenRecord) => SandboxResponse> = {
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
    'chat.postMessage': (args, context) => {
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
    'files.completeUploadExternal': (args, context) => {
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

  function findMessage(context: SandboxRouteContext, channelId: string | undefined, ts: string | undefined): SandboxResponse | Json {
    const channel = memberChannel(context, channelId);
    if (isAnswer(channel)) return channel;
    const message = (context.data['messages'] as Json[]).find((m) => m['channel'] === channel['id'] && m['ts'] === ts);
    return message ?? failure('message_not_found');
  }

  function api(method: string) {
    return (request: SandboxRequest, context: SandboxRouteContext): SandboxResponse => {
      const caller = authenticate(request, context);
      if (isAnswer(caller)) return caller;
      const args = argsOf(request);
      const limitedAnswer = tierCheck(method, args, context.now());
      if (limitedAnswer) return limitedAnswer;
      const injected = faults.okFalse;
      if (injected && (!injected.methods || injected.methods.includes(method)) && random() < injected.rate) {
        counts.okFalse++;
        return failure(injected.error);
      }
      return methods[method]!(args, context, request, caller);
    };
  }

  return {
    name: 'slack',
    auth: { kind: 'none' },
    // Slack's error shape for the sandbox's own answers (injected 429s, 5xx, unknown routes).
    errorBody: (status) => ({ ok: false, error: status === 429 ? 'ratelimited' : status === 404 ? 'unknown_method' : status >= 500 ? 'service_unavailable' : 'invalid_request' }),
    data: {
      users,
      channels,
      messages: seedMessages(channels),
      files: [],
      tokens: [{ token: SLACK_SANDBOX_BOT_TOKEN, kind: 'bot' }, { token: SLACK_SANDBOX_REFRESH_TOKEN, kind: 'refresh' }] satisfies TokenRecord[],
    },
    webhooks: { scheme: slackScheme, secret: SLACK_SANDBOX_SIGNING_SECRET },
    routes: [
      // Exempt from the sandbox's generic faults, like its built-in token endpoint: the demo's 429s and 503s are meant for API calls.
      { method: 'POST', path: '/api/oauth.v2.access', handler: refresh, faults: false },
      ...Object.keys(methods).map((method) => ({ method: 'POST', path: `/api/${method}`, handler: api(method) })),
      {
        method: 'POST',
        path: '/upload/v1/:id',
        handler: (request: SandboxRequest, context: SandboxRouteContext): SandboxResponse => {
          const file = (context.data['files'] as Json[]).find((f) => f['id'] === request.params['id']);
          if (!file) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
          const received = Buffer.byteLength(request.rawBody, 'utf8');
          if (received !== file['size']) return { status: 400, headers: { 'content-type': 'text/plain' }, body: `length mismatch: expected ${String(file['size'])} bytes, got ${received}` };
          file['uploaded'] = true;
          counts.uploads++;
          return { status: 200, headers: { 'content-type': 'text/plain' }, body: `OK - ${received}` };
        },
      },
    ],
    setFaults(next) {
      faults = next ?? {};
    },
    counts: () => structuredClone(counts),
  };
}

/** A small seeded generator (mulberry32): the testing kit keeps its own internal, and this needs no more than a few lines. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A Slack sandbox with no Slack-specific faults (the sandbox's generic `faults` still apply). */
export const slackSandboxProvider: SlackSandboxProvider = createSlackSandboxProvider();

/**
 * Sample Events API deliveries for `sandbox.sendWebhooks({ provider: 'slack', events, url })`: a message,
 * an app mention, a reaction and a member joining, each an `event_callback` with its own `event_id`
 * (Slack's dedupe key; the sandbox's duplicate deliveries repeat it).
 */
export function slackSandboxWebhookEvents(count = 8): SandboxWebhookEvent[] {
  const templates = [messageEvent, appMention, reactionAdded, memberJoined];
  return Array.from({ length: count }, (_, i) => {
    const template = templates[i % templates.length]!;
    const eventId = `Ev0SBX${String(i + 1).padStart(5, '0')}`;
    const channel = sandboxId('C', (i % 4) + 1);
    // Each message gets its own ts (a message's id within its channel).
    const ts = sandboxTs(1_750_000_000 + i * 60, i + 1);
    const event = {
      ...template.event,
      ...('channel' in template.event ? { channel } : {}),
      ...('ts' in template.event ? { ts, event_ts: ts } : {}),
      ...('item' in template.event ? { item: { ...template.event.item, channel } } : {}),
    };
    return { id: eventId, type: template.event.type, payload: { ...template, team_id: SANDBOX_TEAM.id, api_app_id: SANDBOX_BOT.appId, event, event_id: eventId, event_time: 1_750_000_000 + i } };
  });
}
