import type { SandboxRequest, SandboxResponse, SandboxRouteContext } from '@connectors/testing/sandbox';
import { argsOf, failure, type Json, ok } from './slack-sandbox-answers.ts';
import { SANDBOX_BOT, SANDBOX_TEAM, sandboxId } from './slack-sandbox-data.ts';
import type { SlackSandboxCounts, TokenRecord } from './slack-sandbox-types.ts';

/** A bot token that never expires (`token` / `SLACK_BOT_TOKEN`). */
export const SLACK_SANDBOX_BOT_TOKEN = 'xoxb-sandbox0000bottoken';
/** The OAuth client the sandbox's `oauth.v2.access` accepts. */
export const SLACK_SANDBOX_CLIENT_ID = '1111111111.2222222222';
export const SLACK_SANDBOX_CLIENT_SECRET = 'sandbox-client-secret-0000';
/** A refresh token valid from the start (`xoxe-1-...`), as an installation with token rotation gets. */
export const SLACK_SANDBOX_REFRESH_TOKEN = 'xoxe-1-sandbox-initial-refresh-token';
/** Rotated access tokens live 12 hours, as Slack's do. */
const ACCESS_TTL_S = 43_200;
/** The `tokenExpired` fault spares a token until it has been in use this long (sandbox time). */
const MIN_TOKEN_AGE_MS = 1000;


export const tokensOf = (context: SandboxRouteContext) => context.data['tokens'] as TokenRecord[];

/** Slack reports auth problems in the body with HTTP 200: `not_authed`, `invalid_auth`, `token_expired`, `token_revoked`. */
export function authenticate(request: SandboxRequest, context: SandboxRouteContext, fault: { tokenExpired: number; random: () => number; counts: SlackSandboxCounts }): SandboxResponse | TokenRecord {
  const header = request.headers['authorization'];
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof (request.body as Json | undefined)?.['token'] === 'string' ? String((request.body as Json)['token']) : undefined;
  if (!token) return failure('not_authed');
  const record = tokensOf(context).find((t) => t.token === token && t.kind !== 'refresh');
  if (!record) return failure('invalid_auth');
  if (record.revoked) return failure('token_revoked');
  if (record.kind === 'rotating') {
    if (record.expiresAt !== undefined && context.now() >= record.expiresAt) return failure('token_expired');
    // Only a token in use for a while expires early: one just minted (which the calls that met the
    // expiry are now retrying with, possibly at once) is as fresh as a real 12-hour token.
    const draw = fault.random();
    if (record.firstUsedAt !== undefined && context.now() - record.firstUsedAt >= MIN_TOKEN_AGE_MS && draw < fault.tokenExpired) {
      record.expiresAt = context.now();
      fault.counts.tokenExpired++;
      return failure('token_expired');
    }
    record.firstUsedAt ??= context.now();
  }
  return record;
}

/** `oauth.v2.access` with `grant_type=refresh_token` (https://docs.slack.dev/authentication/using-token-rotation). */
export function refresh(request: SandboxRequest, context: SandboxRouteContext, counts: SlackSandboxCounts): SandboxResponse {
  const args = argsOf(request);
  const basic = request.headers['authorization']?.startsWith('Basic ') ? Buffer.from(request.headers['authorization'].slice(6), 'base64').toString('utf8').split(':') : undefined;
  const clientId = args['client_id'] ?? basic?.[0];
  const clientSecret = args['client_secret'] ?? basic?.[1];
  if (clientId !== SLACK_SANDBOX_CLIENT_ID) return failure('invalid_client_id');
  if (clientSecret !== SLACK_SANDBOX_CLIENT_SECRET) return failure('bad_client_secret');
  if (args['grant_type'] !== 'refresh_token') return failure('invalid_grant_type');
  const presented = tokensOf(context).find((t) => t.kind === 'refresh' && t.token === args['refresh_token']);
  if (!presented) return failure('invalid_refresh_token');
  if (presented.revoked) {
    counts.refreshReuse++;
    return failure('invalid_refresh_token');
  }
  presented.revoked = true;
  const n = counts.refreshes + 1;
  const accessToken = `xoxe.xoxb-sandbox${n}`;
  const refreshToken = `xoxe-1-sandbox-${n}`;
  tokensOf(context).push({ token: accessToken, kind: 'rotating', expiresAt: context.now() + ACCESS_TTL_S * 1000 }, { token: refreshToken, kind: 'refresh' });
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
