import { bodyEnvelope, type EnvelopeCodeRule, type InspectedResponse, type ResponseCheck, type ResponseVerdict } from '@connectors/core';

/**
 * Slack answers almost every failure with HTTP 200 and `{ "ok": false, "error": "<code>" }`
 * ("Slack's Web API doesn't use meaningful status codes besides 429 and 200": `@slack/web-api`
 * WebClient.makeRequest). This table is how each code reaches the caller through the core's declared
 * envelope; the README lists it. Codes not named here are permanent (`HttpError` with `providerCode`).
 *
 * Sources: https://docs.slack.dev/apis/web-api/#responses, the "Errors" table of each method's reference
 * page (e.g. https://docs.slack.dev/reference/methods/chat.postMessage), and
 * https://docs.slack.dev/authentication/using-token-rotation for `token_expired`.
 */
export const SLACK_AUTH_REJECTED_CODES = ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'no_permission', 'not_allowed_token_type', 'ekm_access_denied'] as const;

/**
 * Failures Slack's docs call transient. `internal_error` and `fatal_error` may have been partly
 * applied ("It's possible some aspect of the operation succeeded"), so they are retried only when the
 * call is safe to repeat (reads); `service_unavailable` and `team_added_to_org` happen before processing.
 */
const TRANSIENT_AMBIGUOUS = ['internal_error', 'fatal_error', 'request_timeout'] as const;
const TRANSIENT_NOT_APPLIED = ['service_unavailable', 'team_added_to_org'] as const;

/** Slack lists scopes comma-separated (`needed: "chat:write"`, `provided: "channels:read,users:read"`, and the `x-oauth-scopes` headers). */
function scopeList(value: unknown): readonly string[] | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value.split(',').map((scope) => scope.trim()).filter(Boolean);
}

function field(body: unknown, name: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

/** `missing_scope` carries the scopes in the body (`needed`, `provided`); the `x-accepted-oauth-scopes`/`x-oauth-scopes` headers say the same. */
function missingScope(response: InspectedResponse): ResponseVerdict {
  const needed = scopeList(field(response.body, 'needed')) ?? scopeList(response.headers.get('x-accepted-oauth-scopes'));
  const provided = scopeList(field(response.body, 'provided')) ?? scopeList(response.headers.get('x-oauth-scopes'));
  return {
    kind: 'auth',
    code: 'insufficient-scope',
    providerCode: 'missing_scope',
    message: `the token lacks a scope ${response.operation} needs${needed ? ` (needed: ${needed.join(', ')}` : ''}${needed && provided ? `; provided: ${provided.join(', ')})` : needed ? ')' : ''}; add it to the app and reinstall`,
    ...(needed ? { needed } : {}),
    ...(provided ? { provided } : {}),
  };
}

const codes: Record<string, EnvelopeCodeRule> = {
  // Rotated tokens: the core refreshes once and retries, as after a 401.
  token_expired: 'auth-expired',
  missing_scope: missingScope,
  // HTTP 429 with Retry-After (the core reads the header): rejected before processing, so even
  // chat.postMessage is retried without posting twice.
  ratelimited: 'rate-limited',
  rate_limited: 'rate-limited',
};
for (const code of SLACK_AUTH_REJECTED_CODES) codes[code] = 'auth-rejected';
for (const code of TRANSIENT_AMBIGUOUS) codes[code] = 'retryable';
for (const code of TRANSIENT_NOT_APPLIED) codes[code] = { kind: 'retryable', providerCode: code, notApplied: true };

/**
 * The Slack connector's `responseCheck`: the core's `bodyEnvelope` over Slack's `ok`/`error` fields with
 * the table above; unknown codes (`channel_not_found`, `not_in_channel`, `invalid_arguments`...) are
 * permanent. Warnings Slack attaches to answers, a top-level `warning` and `response_metadata.warnings`
 * (which `@slack/web-api` logs), become `provider-warning` events instead of vanishing. A body that is
 * not Slack's envelope (a proxy's HTML page) falls back to the status.
 */
export const slackResponseCheck: ResponseCheck = bodyEnvelope({ ok: 'ok', error: 'error', warnings: ['warning', 'response_metadata.warnings'], codes, otherwise: 'permanent' });
