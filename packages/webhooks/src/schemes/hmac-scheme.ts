import { fail } from '../verify/verify-result.ts';
import type { HeaderGetter } from '../verify/headers.ts';
import { checkTimestamp, contentHashId, decodeSignature, headerTooLong, hmac, matchSecret, MAX_SIGNATURES, parseEpoch, parseJson, type HmacAlgorithm, type SignatureEncoding } from './hmac-tools.ts';
import type { WebhookScheme, WebhookSecret } from './webhook-scheme.ts';

/** What a custom `signedContent`, `id` or `type` function can read. */
export interface HmacSchemeContext {
  readonly body: Buffer;
  readonly header: HeaderGetter;
  /** The timestamp header's text exactly as sent, when `timestamp` is configured. */
  readonly timestamp: string | undefined;
  /** The id header's text, when `id` is a header name. */
  readonly id: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  /** The body parsed as JSON (parsed once, on first call); undefined when it is not JSON. */
  json(): unknown;
}

/** Describes a provider that signs with an HMAC. Every field but `header` has a default. */
export interface HmacSchemeOptions {
  /** Name for logs and errors. Default `hmac`. */
  name?: string;
  /** The header holding the signature, e.g. `X-Signature`. */
  header: string;
  /** Default `sha256`. */
  algorithm?: HmacAlgorithm;
  /** How the digest is written in the header. Default `hex`. */
  encoding?: SignatureEncoding;
  /** Text before the digest, e.g. `sha256=`. Default none. */
  prefix?: string;
  /** When the header may hold several signatures (one per active secret), what separates them, e.g. `,` or ` `. */
  separator?: string;
  /** How the secret string becomes key bytes. Default `utf8`; `base64`/`hex` decode it. */
  secretEncoding?: 'utf8' | 'base64' | 'hex';
  /** A signed timestamp, checked against the tolerance in both directions. */
  timestamp?: { header: string; unit?: 's' | 'ms' };
  /**
   * What was signed, in order. Default: the raw body. For `${timestamp}.${body}` return
   * `[`${ctx.timestamp}.`, ctx.body]` (parts are concatenated, so the body is never copied or re-encoded).
   */
  signedContent?: (context: HmacSchemeContext) => string | Buffer | readonly (string | Buffer)[];
  /** The event id: a header name, or a function. Default: a SHA-256 of the body (a redelivery has the same bytes). */
  id?: string | ((context: HmacSchemeContext) => string | undefined);
  /** The event type: a header name, or a function. Default none. */
  type?: string | ((context: HmacSchemeContext) => string | undefined);
  /** True when `signedContent` uses `method`/`url`; the verify input must then carry them. */
  requiresRequestLine?: boolean;
}

const ALGORITHMS: readonly HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];
const ENCODINGS: readonly SignatureEncoding[] = ['hex', 'base64', 'base64url'];

/**
 * A scheme for any provider that signs with an HMAC, described by options instead of code.
 *
 * @example
 * // Linear: `Linear-Signature: <hex>` over the raw body, id in `Linear-Delivery`
 * const linear = hmacScheme({ name: 'linear', header: 'Linear-Signature', id: 'Linear-Delivery', type: 'Linear-Event' });
 */
export function hmacScheme(options: HmacSchemeOptions): WebhookScheme {
  const name = options.name ?? 'hmac';
  if (typeof options.header !== 'string' || options.header === '') throw new TypeError(`hmacScheme(${name}): \`header\` (the signature header name) is required.`);
  const algorithm = options.algorithm ?? 'sha256';
  const encoding = options.encoding ?? 'hex';
  if (!ALGORITHMS.includes(algorithm)) throw new TypeError(`hmacScheme(${name}): algorithm must be one of ${ALGORITHMS.join(', ')}; got ${String(algorithm)}.`);
  if (!ENCODINGS.includes(encoding)) throw new TypeError(`hmacScheme(${name}): encoding must be one of ${ENCODINGS.join(', ')}; got ${String(encoding)}.`);
  const signatureHeader = options.header.toLowerCase();
  const prefix = options.prefix ?? '';
  const timestampHeader = options.timestamp?.header.toLowerCase();
  const timestampUnit = options.timestamp?.unit ?? 's';
  const idOption = options.id;
  const idHeader = typeof idOption === 'string' ? idOption.toLowerCase() : undefined;
  const typeOption = options.type;
  const secretEncoding = options.secretEncoding ?? 'utf8';
  const key = (secret: WebhookSecret): WebhookSecret => (typeof secret === 'string' && secretEncoding !== 'utf8' ? Buffer.from(secret, secretEncoding) : secret);

  function context(base: Omit<HmacSchemeContext, 'json'>): HmacSchemeContext {
    let parsed: { value: unknown } | undefined;
    return { ...base, json: () => (parsed ??= { value: parseJson(base.body) }).value };
  }

  function signedParts(ctx: HmacSchemeContext): readonly (string | Buffer)[] {
    if (options.signedContent === undefined) return [ctx.body];
    const content = options.signedContent(ctx);
    return typeof content === 'string' || Buffer.isBuffer(content) ? [content] : (content as readonly (string | Buffer)[]);
  }

  return {
    name,
    requiresRequestLine: options.requiresRequestLine ?? false,
    verify(request, { secrets, toleranceSec, nowMs }) {
      const header = request.header(signatureHeader);
      if (header === undefined) return fail('missing-signature', `${options.header} is missing.`);
      const tooLong = headerTooLong(options.header, header);
      if (tooLong) return tooLong;
      const items = options.separator === undefined ? [header] : header.split(options.separator);
      const signatures: Buffer[] = [];
      let examined = 0;
      for (const raw of items) {
        const item = raw.trim();
        if (item === '' || !item.startsWith(prefix)) continue;
        if (++examined > MAX_SIGNATURES) break;
        const decoded = decodeSignature(item.slice(prefix.length), encoding, algorithm);
        if (decoded !== undefined) signatures.push(decoded);
      }
      if (signatures.length === 0) {
        return fail('malformed-signature', `${options.header} must be ${prefix ? `\`${prefix}\` followed by ` : ''}a ${encoding} ${algorithm} digest.`);
      }
      let timestampText: string | undefined;
      let timestampMs: number | undefined;
      if (timestampHeader !== undefined) {
        timestampText = request.header(timestampHeader)?.trim();
        if (timestampText === undefined) return fail('missing-timestamp', `${options.timestamp!.header} is missing.`);
        timestampMs = parseEpoch(timestampText, timestampUnit);
        if (timestampMs === undefined) return fail('malformed-timestamp', `${options.timestamp!.header} must be a whole number of ${timestampUnit === 's' ? 'seconds' : 'milliseconds'}.`);
        const late = checkTimestamp(timestampMs, nowMs, toleranceSec);
        if (late) return late;
      }
      const ctx = context({
        body: request.body,
        header: request.header,
        timestamp: timestampText,
        id: idHeader === undefined ? undefined : request.header(idHeader)?.trim(),
        method: request.method,
        url: request.url,
      });
      const secretIndex = matchSecret(algorithm, secrets.map(key), signedParts(ctx), signatures);
      if (secretIndex < 0) return fail('signature-mismatch', `${options.header} does not match with any configured secret.`);
      let id: string | undefined;
      if (idHeader !== undefined) {
        id = ctx.id;
        if (!id) return fail('missing-id', `${String(idOption)} is missing.`);
      } else if (typeof idOption === 'function') {
        id = idOption(ctx);
        if (!id) return fail('missing-id', `The ${name} scheme found no event id in this delivery.`);
      } else {
        id = contentHashId(request.body);
      }
      const type = typeof typeOption === 'string' ? request.header(typeOption.toLowerCase())?.trim() || undefined : typeOption?.(ctx);
      return { ok: true, id, type, timestamp: timestampMs === undefined ? undefined : new Date(timestampMs), secretIndex };
    },
    sign({ body, secret, timestampMs, id, type, method, url }) {
      if (options.requiresRequestLine && !url) throw new TypeError(`hmacScheme(${name}).sign: this scheme signs the request line; pass \`url\`.`);
      const timestampText = timestampHeader === undefined ? undefined : String(timestampUnit === 's' ? Math.floor(timestampMs / 1000) : Math.floor(timestampMs));
      const headerOf = (name: string): string | undefined => {
        const lower = name.toLowerCase();
        if (lower === timestampHeader) return timestampText;
        if (lower === idHeader) return id;
        if (typeof typeOption === 'string' && lower === typeOption.toLowerCase()) return type;
        return undefined;
      };
      const ctx = context({ body, header: headerOf, timestamp: timestampText, id: idHeader === undefined ? undefined : id, method, url });
      const digest = hmac(algorithm, key(secret), signedParts(ctx)).toString(encoding);
      const headers: Record<string, string> = { [options.header]: `${prefix}${digest}` };
      if (timestampText !== undefined) headers[options.timestamp!.header] = timestampText;
      if (idHeader !== undefined) headers[idOption as string] = id;
      if (typeof typeOption === 'string' && type !== undefined) headers[typeOption] = type;
      return headers;
    },
  };
}
