/** How the Slack sandbox answers: Slack's `{ ok, ... }` envelope, its cursors, and lookups in the seeded data. */
import type { SandboxRequest, SandboxResponse, SandboxRouteContext } from '@connectors/testing/sandbox';

export type Json = Record<string, unknown>;

export const ok = (body: Json = {}, extra: Partial<SandboxResponse> = {}): SandboxResponse => ({ status: 200, body: { ok: true, ...body }, ...extra });
export const failure = (error: string, extra: Json = {}, status = 200): SandboxResponse => ({ status, body: { ok: false, error, ...extra } });

/** Method arguments, from the query string and the form or JSON body, as Slack reads them. */
export function argsOf(request: SandboxRequest): Record<string, string> {
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
export function page(items: readonly unknown[], args: Record<string, string>, key: string, defaultLimit = 100, extra: Json = {}): SandboxResponse {
  const offset = decodeCursor(args['cursor']);
  if (offset === undefined) return failure('invalid_cursor');
  const asked = Number(args['limit'] ?? defaultLimit);
  const limit = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, 1000) : defaultLimit;
  const slice = items.slice(offset, offset + limit);
  const more = offset + limit < items.length;
  return ok({ [key]: slice, ...extra, ...(key === 'messages' ? { has_more: more } : {}), response_metadata: { next_cursor: more ? encodeCursor(offset + limit) : '' } });
}

export const strip = ({ channel: _channel, ...message }: Json) => message;

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}


/** A handler's answer rather than a record it looked up. */
export const isAnswer = (value: object): value is SandboxResponse => 'status' in value && typeof (value as SandboxResponse).status === 'number' && 'body' in value;

export const findChannel = (context: SandboxRouteContext, id: string | undefined) => (context.data['channels'] as Json[]).find((c) => c['id'] === id);
export const messagesOf = (context: SandboxRouteContext, channel: string) => (context.data['messages'] as Json[]).filter((m) => m['channel'] === channel);

/** A channel the bot may read and post in, or Slack's answer why not. */
export function memberChannel(context: SandboxRouteContext, id: string | undefined): SandboxResponse | Json {
  if (!id) return failure('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: channel'] } });
  const channel = findChannel(context, id);
  if (!channel) return failure('channel_not_found');
  if (!channel['is_member']) return failure('not_in_channel');
  return channel;
}

export function findMessage(context: SandboxRouteContext, channelId: string | undefined, ts: string | undefined): SandboxResponse | Json {
  const channel = memberChannel(context, channelId);
  if (isAnswer(channel)) return channel;
  const message = (context.data['messages'] as Json[]).find((m) => m['channel'] === channel['id'] && m['ts'] === ts);
  return message ?? failure('message_not_found');
}
