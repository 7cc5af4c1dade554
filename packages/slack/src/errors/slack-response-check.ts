import { bodyEnvelope, parseRetryAfter, type InspectedResponse, type ResponseCheck, type ResponseVerdict } from '@connectors/core';

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

function ratelimited(response: InspectedResponse): ResponseVerdict {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return { kind: 'rate-limited', providerCode: 'ratelimited', message: `Slack rate-limited ${response.operation}`, notApplied: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

const codes: Parameters<typeof bodyEnvelope>[0]['codes'] = {
  token_expired: { kind: 'auth', code: 'expired', providerCode: 'token_expired', message: 'the access token expired (token rotation); it is refreshed and the call retried once' },
  missing_scope: missingScope,
  ratelimited,
  rate_limited: ratelimited,
};
for (const code of SLACK_AUTH_REJECTED_CODES) codes[code] = { kind: 'auth', code: 'rejected', providerCode: code };
for (const code of TRANSIENT_AMBIGUOUS) codes[code] = { kind: 'retryable', providerCode: code };
for (const code of TRANSIENT_NOT_APPLIED) codes[code] = { kind: 'retryable', providerCode: code, notApplied: true };

const envelope = bodyEnvelope({ ok: 'ok', error: 'error', codes, otherwise: 'permanent' });

/**
 * Warnings Slack attaches to successful (and failed) answers: a top-level `warning` (comma-separated
 * codes such as `missing_charset`, `superfluous_charset`) and `response_metadata.warnings`; `@slack/web-api`
 * logs both. Here they become `provider-warning` events, so they reach logs and metrics instead of vanishing.
 */
function warningsOf(body: unknown): string[] {
  const out: string[] = [];
  const warning = field(body, 'warning');
  if (typeof warning === 'string') out.push(...warning.split(',').map((w) => w.trim()).filter(Boolean));
  const metadata = field(body, 'response_metadata');
  const listed = field(metadata, 'warnings');
  if (Array.isArray(listed)) for (const w of listed) if (typeof w === 'string' && !out.includes(w)) out.push(w);
  return out;
}

/**
 * The Slack connector's `responseCheck`: reports warnings, then classifies the `ok`/`error` envelope.
 * A body that is not Slack's envelope (an HTML error page from a proxy) falls back to the status.
 */
export const slackResponseCheck: ResponseCheck = (response) => {
  const warnings = warningsOf(response.body);
  if (warnings.length) response.emitWarning(warnings);
  return envelope(response);
};
