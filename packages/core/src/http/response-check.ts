import type { ConnectorError } from '../errors/connector-error.ts';
import { readPath } from '../pagination/read-path.ts';

/**
 * A response as a `ResponseCheck` sees it, whatever its status. The body is parsed once, here, and
 * the same value goes on to validation: a check never costs a second read.
 */
export interface InspectedResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed once: JSON when the body is JSON, else the text (undefined for an empty body). */
  readonly body: unknown;
  readonly operation: string;
  readonly method: string;
  /** The path template (`/chat.postMessage`, `/repos/{owner}/{repo}`). */
  readonly route: string;
  readonly requestId: string | undefined;
  /** Reports the provider's warnings (Slack `warning`, `response_metadata.warnings`) as one `provider-warning` event. */
  emitWarning(messages: readonly string[]): void;
}

/** What a response body says about the call, decided by a `ResponseCheck`. */
export type ResponseVerdict =
  | { kind: 'success' }
  | {
      kind: 'auth';
      /** `expired` goes through the client's single refresh-and-retry, exactly as a 401 does. */
      code: 'expired' | 'rejected' | 'insufficient-scope';
      providerCode?: string;
      message?: string;
      /** For insufficient-scope: the scopes the call needed. */
      needed?: readonly string[];
      /** For insufficient-scope: the scopes the token had. */
      provided?: readonly string[];
    }
  | {
      kind: 'rate-limited';
      providerCode?: string;
      message?: string;
      /** How long the provider asked to wait; default: the response's Retry-After / RateLimit headers. */
      retryAfterMs?: number;
      retryAt?: Date;
      /** Default true: the provider rejected the call before processing it, so even a POST may be retried. */
      notApplied?: boolean;
    }
  | {
      kind: 'retryable';
      providerCode?: string;
      message?: string;
      /**
       * The provider documents that nothing was applied (a POST may then be retried without an
       * idempotency key). Default false: a transient failure may have happened after the write.
       */
      notApplied?: boolean;
    }
  | { kind: 'permanent'; providerCode?: string; message?: string; details?: unknown }
  /** Any `ConnectorError` subclass, e.g. the connector's own `HubSpotError`; its `retryable` decides. */
  | { kind: 'error'; error: ConnectorError };

export type ResponseVerdictKind = ResponseVerdict['kind'];

/**
 * Reads how a provider signals failure in a response body, for any status (Slack answers
 * `200 {"ok":false,"error":"invalid_auth"}`). Return undefined to fall back to the status-based
 * default. Set it connector-wide (`HttpClientOptions.responseCheck`) or per call.
 */
export type ResponseCheck = (response: InspectedResponse) => ResponseVerdict | undefined;

/** How `bodyEnvelope` maps a provider's error code to a verdict. */
export type EnvelopeCodeRule =
  | Exclude<ResponseVerdictKind, 'auth' | 'error'>
  | 'auth-expired'
  | 'auth-rejected'
  | 'insufficient-scope'
  | ResponseVerdict
  | ((response: InspectedResponse) => ResponseVerdict);

export interface BodyEnvelopeOptions {
  /** Dotted path of a boolean success flag, e.g. `ok` (Slack). `false` there means failure. */
  ok?: string;
  /** Dotted path of the provider's error code, e.g. `error` (Slack) or `error.code`. */
  error?: string;
  /** Dotted path of an errors array; a non-empty array means failure (its first entry's `code`/`message` is read). */
  errors?: string;
  /** Dotted path of a human message, when the provider sends one beside the code. */
  message?: string;
  /** Dotted path of warnings (a string or a list of strings) reported as a `provider-warning` event on success too. */
  warnings?: string | readonly string[];
  /**
   * Provider code -> verdict: a kind (`'rate-limited'`, `'retryable'`, `'permanent'`, `'auth-expired'`,
   * `'auth-rejected'`, `'insufficient-scope'`), a full verdict, or a function of the response.
   */
  codes?: Record<string, EnvelopeCodeRule>;
  /** Verdict for a failure whose code is not in `codes`. Default `permanent`. */
  otherwise?: 'permanent' | 'retryable';
}

/**
 * A `ResponseCheck` for the common envelopes: a success flag (`ok`), an error code (`error`), an
 * errors array (`errors`). Only bodies that are JSON objects are read; anything else falls back to
 * the status-based default.
 *
 * ```ts
 * // Slack: 200 {"ok":false,"error":"ratelimited"}
 * responseCheck: bodyEnvelope({
 *   ok: 'ok', error: 'error', warnings: ['warning', 'response_metadata.warnings'],
 *   codes: { invalid_auth: 'auth-rejected', token_expired: 'auth-expired', missing_scope: 'insufficient-scope', ratelimited: 'rate-limited' },
 * })
 * ```
 */
export function bodyEnvelope(options: BodyEnvelopeOptions): ResponseCheck {
  if (options.ok === undefined && options.error === undefined && options.errors === undefined) {
    throw new TypeError('bodyEnvelope: give at least one of `ok`, `error` or `errors` (dotted paths into the body)');
  }
  const warningPaths = options.warnings === undefined ? [] : typeof options.warnings === 'string' ? [options.warnings] : options.warnings;
  return (response) => {
    const body = response.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    if (warningPaths.length) {
      const warnings = warningPaths.flatMap((path) => asStrings(readPath(body, path)));
      if (warnings.length) response.emitWarning(warnings);
    }
    let failed = false;
    let code: string | undefined;
    let message = options.message === undefined ? undefined : asString(readPath(body, options.message));
    if (options.ok !== undefined && readPath(body, options.ok) === false) failed = true;
    if (options.error !== undefined) {
      const value = readPath(body, options.error);
      const text = asString(value) ?? asString((value as { code?: unknown } | undefined)?.code);
      if (text !== undefined) {
        code = text;
        // With a success flag, the code alone is no failure (Slack sends `error` only with ok:false).
        if (options.ok === undefined) failed = true;
      }
    }
    if (options.errors !== undefined) {
      const list = readPath(body, options.errors);
      if (Array.isArray(list) && list.length > 0) {
        failed = true;
        const first = list[0] as { code?: unknown; message?: unknown; extensions?: { code?: unknown } } | string;
        if (typeof first === 'string') message ??= first;
        else if (first && typeof first === 'object') {
          code ??= asString(first.code) ?? asString(first.extensions?.code);
          message ??= asString(first.message);
        }
      }
    }
    // No failure in the body: a 2xx succeeded; any other status keeps its status-based meaning.
    if (!failed) return response.status >= 200 && response.status < 300 ? { kind: 'success' } : undefined;
    const rule = code === undefined ? undefined : options.codes?.[code];
    return verdictFor(rule, code, message, response, options.otherwise ?? 'permanent');
  };
}

function verdictFor(
  rule: EnvelopeCodeRule | undefined,
  code: string | undefined,
  message: string | undefined,
  response: InspectedResponse,
  otherwise: 'permanent' | 'retryable',
): ResponseVerdict {
  const described = { ...(code !== undefined ? { providerCode: code } : {}), ...(message !== undefined ? { message } : {}) };
  if (typeof rule === 'function') return rule(response);
  if (typeof rule === 'object') return rule;
  switch (rule) {
    case 'auth-expired':
      return { kind: 'auth', code: 'expired', ...described };
    case 'auth-rejected':
      return { kind: 'auth', code: 'rejected', ...described };
    case 'insufficient-scope':
      return { kind: 'auth', code: 'insufficient-scope', ...described };
    case 'success':
      return { kind: 'success' };
    case 'rate-limited':
    case 'retryable':
    case 'permanent':
      return { kind: rule, ...described };
    default:
      return { kind: otherwise, ...described };
  }
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asStrings(value: unknown): string[] {
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/**
 * Combines checks: the first that returns a verdict wins. Used to put a call's check before the
 * connector's, and GraphQL's `errors` reading after both.
 */
export function firstVerdict(checks: readonly (ResponseCheck | undefined)[]): ResponseCheck | undefined {
  const list = checks.filter((c): c is ResponseCheck => c !== undefined);
  if (list.length <= 1) return list[0];
  return (response) => {
    for (const check of list) {
      const verdict = check(response);
      if (verdict !== undefined) return verdict;
    }
    return undefined;
  };
}
