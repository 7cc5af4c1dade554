import { InvalidRequestError } from '../errors/index.ts';
import type { Clock } from '../internal/clock.ts';
import { IDEMPOTENT_METHODS } from '../retry/retry-policy.ts';
import type { BodyEncoder } from './body-encoders.ts';
import { appendQuery, fillPath, joinUrl } from './build-url.ts';
import { firstVerdict, type ResponseCheck } from './response-check.ts';
import type { HttpClientOptions, HttpMethod, RequestOptions } from './types.ts';

// Preparing a call: the caller's options become the one `Call` the attempt loop works from (its
// URL checked against the client's origin, its headers and body, whether it may be repeated, its
// deadline), once per call, before any attempt. Apart from the client so its pipeline reads top to bottom.

/** Internal per-call state, kept in one place so the attempt loop reads top to bottom. */
export interface Call {
  operation: string;
  method: HttpMethod;
  route: string;
  url: URL;
  /** What each attempt's fresh `Headers` starts from: the client's defaults as they are, or a per-call copy. */
  headers: Record<string, string> | Headers;
  body: BodyInit | undefined;
  /** The body is a stream: it can be sent once, so the call is never retried. */
  oneShot: boolean;
  /** Safe to repeat: an idempotent method, an idempotency key, or `idempotent: true`. */
  retrySafe: boolean;
  maxResponseBytes: number;
  idempotencyKey: string | undefined;
  options: RequestOptions;
  callId: string;
  deadline: number;
  /** The headers of the last attempt, credentials included, for `onUnauthorized`. */
  sentHeaders?: Headers;
  /** The call's and the client's body checks, combined; undefined when neither is set (the fast path). */
  check: ResponseCheck | undefined;
}

/** The client's side of every call, worked out once when the client is made and passed to `prepareCall`. */
export interface CallDefaults {
  connector: string;
  /** `baseUrl` with a trailing slash: relative paths are joined to it. */
  baseHref: string;
  /** The only origin calls may go to (the credentials are for it). */
  origin: string;
  /** Default headers, accept and the version pin. A record, shared by every call that adds none of its own. */
  baseHeaders: Record<string, string>;
  bodyEncoder: BodyEncoder;
  idempotency: HttpClientOptions['idempotency'];
  maxResponseBytes: number;
  totalMs: number;
  clock: Clock;
  /** The client's `responseCheck`, combined with a call's own. */
  responseCheck: ResponseCheck | undefined;
}

let callCounter = 0;

/**
 * Turns a call's options into its `Call`: method in capitals, path parameters filled (a missing one
 * is an `InvalidRequestError`), the URL refused unless it is on the client's origin, headers and body
 * set up (the caller's Content-Type wins over the encoder's), an idempotency key made when `auto` asks
 * for one, and the deadline fixed from `totalMs`.
 * @throws InvalidRequestError for a missing path parameter or a URL on another origin.
 */
export function prepareCall(options: RequestOptions, defaults: CallDefaults): Call {
  const method = normalizeMethod(options.method);
  const route = options.route ?? options.path;
  const operation = options.operation ?? `${method} ${route}`;
  const { path, missing } = fillPath(options.path, options.params);
  if (missing.length) throw invalid(defaults, operation, `missing path parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')} for ${route}`);
  const url = joinUrl(defaults.baseHref, path);
  if (options.query) appendQuery(url, options.query);
  if (url.origin !== defaults.origin) {
    throw invalid(defaults, operation, `refusing to send credentials to ${url.origin}; this client is configured for ${defaults.origin}`);
  }
  // Most calls send the client's default headers unchanged: they share one list, and only a call
  // that adds its own (headers, a body, an idempotency key) gets a copy.
  const idem = defaults.idempotency;
  let idempotencyKey = options.idempotencyKey;
  if (!idempotencyKey && idem?.auto && (method === 'POST' || method === 'PATCH')) idempotencyKey = crypto.randomUUID();
  let headers: Call['headers'] = defaults.baseHeaders;
  let body: BodyInit | undefined;
  let oneShot = false;
  if (options.headers || options.body !== undefined || idempotencyKey) {
    const own = new Headers(defaults.baseHeaders);
    if (options.headers) for (const name in options.headers) own.set(name, options.headers[name]!);
    if (options.body !== undefined) {
      if (isRawBody(options.body)) {
        // Sent as given: the caller's Content-Type stays, else fetch sets the right one (a
        // multipart boundary for FormData, form encoding for URLSearchParams, text for a string).
        body = options.body;
        oneShot = options.body instanceof ReadableStream;
      } else {
        const encoded = defaults.bodyEncoder(options.body);
        body = encoded.body;
        // The caller's Content-Type wins (`application/merge-patch+json` for a JSON body).
        if (!(options.headers && hasHeader(options.headers, 'content-type'))) own.set('content-type', encoded.contentType);
      }
    }
    if (idempotencyKey) own.set(idem?.header ?? 'Idempotency-Key', idempotencyKey);
    headers = own;
  }

  return {
    operation,
    method,
    route,
    url,
    headers,
    body,
    oneShot,
    retrySafe: IDEMPOTENT_METHODS.has(method) || idempotencyKey !== undefined || options.idempotent === true,
    maxResponseBytes: options.maxResponseBytes ?? defaults.maxResponseBytes,
    idempotencyKey,
    options,
    callId: `${defaults.connector}-${++callCounter}`,
    deadline: defaults.clock.now() + defaults.totalMs,
    check: options.responseCheck === false ? undefined : options.responseCheck ? firstVerdict([options.responseCheck, defaults.responseCheck]) : defaults.responseCheck,
  };
}

function invalid(defaults: CallDefaults, operation: string, message: string): InvalidRequestError {
  return new InvalidRequestError(`${defaults.connector} ${operation}: ${message}`, { connector: defaults.connector, operation });
}

const METHODS = new Map<string, HttpMethod>(
  (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const).flatMap((m) => [[m, m], [m.toLowerCase(), m]] as [string, HttpMethod][]),
);

/** The method in capitals, as the same string every time: listeners key caches by it. */
function normalizeMethod(method: string | undefined): HttpMethod {
  if (method === undefined) return 'GET';
  return METHODS.get(method) ?? (method.toUpperCase() as HttpMethod);
}

/** Bodies sent as given rather than through the body encoder. */
function isRawBody(body: unknown): body is BodyInit {
  return (
    typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob ||
    body instanceof FormData || body instanceof URLSearchParams || body instanceof ReadableStream || ArrayBuffer.isView(body)
  );
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}
