import { AuthError, HttpError, RateLimitError, type ConnectorError, type HttpErrorFactoryInput } from '@connectors/core';
import * as v from 'valibot';

/**
 * HubSpot's error categories. The ones this package acts on are named; others pass through as text.
 * Source: https://developers.hubspot.com/docs/api-reference/error-handling and the changelog entry
 * "Upcoming: Changes to error responses" (category, errors[], correlationId).
 */
export type HubSpotErrorCategory = 'VALIDATION_ERROR' | 'OBJECT_NOT_FOUND' | 'MISSING_SCOPES' | 'RATE_LIMITS' | 'INVALID_AUTHENTICATION' | 'CONFLICT' | (string & {});

/** One entry of `errors[]`: a field-level detail (`in` names the field, `code` says what is wrong). */
export interface HubSpotFieldError {
  message: string;
  /** The field or property the error is about, e.g. `email`. */
  in?: string | undefined;
  code?: string | undefined;
  subCategory?: string | undefined;
  context?: Record<string, unknown> | undefined;
}

const fieldErrorSchema = v.looseObject({
  message: v.string(),
  in: v.optional(v.string()),
  code: v.optional(v.string()),
  subCategory: v.optional(v.string()),
  context: v.optional(v.record(v.string(), v.unknown())),
});

/**
 * HubSpot's error body. HubSpot says every field is optional ("The specific fields included can vary
 * between different APIs"), so only `message` is needed to recognise it.
 * Source: https://developers.hubspot.com/docs/faq/api-error-responses
 */
export const hubspotErrorBodySchema = v.looseObject({
  status: v.optional(v.string()),
  message: v.string(),
  category: v.optional(v.string()),
  subCategory: v.optional(v.string()),
  correlationId: v.optional(v.string()),
  /** `{ missingScopes: [...] }` for MISSING_SCOPES, `{ ids: [...] }` for batch items that were not found. */
  context: v.optional(v.record(v.string(), v.unknown())),
  errors: v.optional(v.array(fieldErrorSchema)),
  /** On 429s: `TEN_SECONDLY_ROLLING`, `SECONDLY` (search), `DAILY`. */
  policyName: v.optional(v.string()),
  errorType: v.optional(v.string()),
  links: v.optional(v.record(v.string(), v.string())),
});
export type HubSpotErrorBody = v.InferOutput<typeof hubspotErrorBodySchema>;

/** Parses a body as HubSpot's error shape, or undefined (a proxy's HTML page, an empty body). */
export function readHubSpotErrorBody(body: unknown): HubSpotErrorBody | undefined {
  let json = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const parsed = v.safeParse(hubspotErrorBodySchema, json);
  return parsed.success ? parsed.output : undefined;
}

/** The scopes a MISSING_SCOPES answer names: `context.missingScopes` (and `errors[].context.missingScopes`). */
export function missingScopesOf(body: HubSpotErrorBody): string[] {
  const found = new Set<string>();
  const add = (value: unknown) => {
    if (Array.isArray(value)) for (const scope of value) if (typeof scope === 'string') found.add(scope);
  };
  add(body.context?.['missingScopes']);
  for (const entry of body.errors ?? []) add(entry.context?.['missingScopes']);
  return [...found];
}

/**
 * A HubSpot error response as a typed `HttpError`: branch on `category` (`VALIDATION_ERROR`,
 * `OBJECT_NOT_FOUND`, `CONFLICT`...), read the field errors in `fieldErrors`, and quote
 * `correlationId` (also the error's `requestId`) to HubSpot support.
 */
export class HubSpotError extends HttpError {
  override name = 'HubSpotError';
  /** HubSpot's `category`, e.g. `VALIDATION_ERROR`. */
  readonly category: HubSpotErrorCategory | undefined;
  readonly subCategory: string | undefined;
  /** HubSpot's id for the request: give it to HubSpot support. Same as `requestId` unless a header said otherwise. */
  readonly correlationId: string | undefined;
  /** HubSpot's own message. */
  readonly hubspotMessage: string;
  /** `errors[]`: what is wrong with which field. */
  readonly fieldErrors: readonly HubSpotFieldError[];
  readonly context: Record<string, unknown> | undefined;

  constructor(
    message: string,
    options: HttpErrorFactoryInput['init'] & {
      category?: string | undefined;
      subCategory?: string | undefined;
      correlationId?: string | undefined;
      hubspotMessage: string;
      fieldErrors?: readonly HubSpotFieldError[] | undefined;
      context?: Record<string, unknown> | undefined;
    },
  ) {
    super(message, options);
    this.category = options.category;
    this.subCategory = options.subCategory;
    this.correlationId = options.correlationId;
    this.hubspotMessage = options.hubspotMessage;
    this.fieldErrors = options.fieldErrors ?? [];
    this.context = options.context;
  }

  /** The first field error's field per message, e.g. `{ email: 'Email address x is invalid' }`. */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of this.fieldErrors) if (entry.in && !(entry.in in out)) out[entry.in] = entry.message;
    return out;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      category: this.category,
      subCategory: this.subCategory,
      correlationId: this.correlationId,
      hubspotMessage: this.hubspotMessage,
      fieldErrors: this.fieldErrors,
    };
  }
}

function describe(body: HubSpotErrorBody): string {
  const fields = (body.errors ?? []).map((e) => (e.in ? `${e.in}: ${e.message}` : e.message)).filter((m) => m !== body.message);
  return `${body.category ?? 'error'}: ${body.message}${fields.length ? ` [${fields.join('; ')}]` : ''}${body.correlationId ? ` (correlationId ${body.correlationId})` : ''}`;
}

/**
 * `HttpClientOptions.httpError` for HubSpot. A HubSpot error body becomes:
 * - 403 `MISSING_SCOPES` -> `AuthError` (`insufficient-scope`) naming the missing scopes;
 * - 429 / `RATE_LIMITS` -> `RateLimitError` with the policy (ten-secondly, secondly, daily) in the message;
 * - anything else -> `HubSpotError` (404 `OBJECT_NOT_FOUND`, 400 `VALIDATION_ERROR` with its field errors...).
 * The body's `correlationId` is the error's `requestId`.
 */
export function toHubSpotError(failure: HttpErrorFactoryInput): ConnectorError | undefined {
  const body = readHubSpotErrorBody(failure.body);
  if (!body) return undefined;
  const { init } = failure;
  // The body's correlationId is HubSpot's documented request id; the header (read for every response, so events carry it too) is the fallback.
  const requestId = body.correlationId ?? init.requestId;
  const base = { ...init, ...(requestId !== undefined ? { requestId } : {}) };
  const detail = describe(body);
  if (body.category === 'MISSING_SCOPES' || (init.status === 403 && missingScopesOf(body).length > 0)) {
    const scopes = missingScopesOf(body);
    return new AuthError(
      `${failure.message}: the token lacks the scope${scopes.length === 1 ? '' : 's'} ${scopes.length ? scopes.join(', ') : '(HubSpot did not name them)'}; add ${scopes.length === 1 ? 'it' : 'them'} to the private app or the OAuth app's scopes and reinstall (${detail})`,
      { connector: init.connector, operation: init.operation, code: 'insufficient-scope', status: init.status, providerError: 'MISSING_SCOPES', ...(scopes.length ? { neededScopes: scopes } : {}), providerErrorDescription: body.message, ...(init.attempts !== undefined ? { attempts: init.attempts } : {}), ...(requestId !== undefined ? { requestId } : {}), ...(init.reason !== undefined ? { reason: init.reason } : {}) },
    );
  }
  if (init.status === 429 || body.category === 'RATE_LIMITS') {
    const retryAfter = Number(failure.headers.get('retry-after'));
    // HubSpot's policies are rolling windows: the daily one clears at midnight in the account's time zone, the others within their interval.
    const interval = Number(failure.headers.get('x-hubspot-ratelimit-interval-milliseconds'));
    const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Number.isFinite(interval) && interval > 0 ? interval : 10_000;
    return new RateLimitError(`${failure.message}: HubSpot's ${body.policyName ?? 'rate'} limit was reached (${detail})`, {
      ...base,
      retryAt: new Date(Date.now() + waitMs),
    });
  }
  return new HubSpotError(`${failure.message}: ${detail}`, {
    ...base,
    category: body.category,
    subCategory: body.subCategory,
    correlationId: body.correlationId,
    hubspotMessage: body.message,
    fieldErrors: body.errors,
    context: body.context,
  });
}
