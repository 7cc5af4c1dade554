import { HttpError, ResponseTooLargeError } from '../errors/index.ts';
import { excerpt, redactText } from '../internal/redact.ts';
import type { DriftReporter } from '../validation/drift-reporter.ts';
import { validateNow } from '../validation/validate.ts';
import type { CallErrors } from './call-errors.ts';
import type { EventInput } from './events.ts';
import type { Call } from './prepare-call.ts';
import { readText } from './read-text.ts';
import type { InspectedResponse } from './response-check.ts';

// Reading a response: its body as text (bounded by `maxResponseBytes`), parsed as JSON when the call
// or the response says so, validated against the call's schema, or shown to a `ResponseCheck`.
// Apart from the client so its attempt loop reads as the decisions, not the reading.

/** A body read once for a `ResponseCheck`: the text (for excerpts) and the parsed value. */
export interface ReadBody {
  text: string;
  value: unknown;
}

/** What a client tells its `ResponseReader` once, when it is made. */
export interface ResponseReaderOptions {
  connector: string;
  /** The current credentials' secrets, read when a text is redacted. */
  secrets: () => string[];
  /** The same secrets, read only when a validation error's text is actually redacted. */
  lazySecrets: Iterable<string>;
  drift: DriftReporter;
  /** Reads the provider's request id for the errors made here. */
  requestIds: Pick<CallErrors, 'requestId' | 'requestIdField'>;
  emit: (event: EventInput) => void;
}

/**
 * Reads the responses of a client's calls. One per client: every method takes the call, so nothing
 * is allocated per call beyond what the reading itself needs.
 */
export class ResponseReader {
  readonly #connector: string;
  readonly #secrets: () => string[];
  readonly #lazySecrets: Iterable<string>;
  readonly #drift: DriftReporter;
  readonly #requestIds: ResponseReaderOptions['requestIds'];
  readonly #emit: (event: EventInput) => void;

  constructor(options: ResponseReaderOptions) {
    this.#connector = options.connector;
    this.#secrets = options.secrets;
    this.#lazySecrets = options.lazySecrets;
    this.#drift = options.drift;
    this.#requestIds = options.requestIds;
    this.#emit = options.emit;
  }

  /** A response with nothing to read: `responseType: 'none'`, a 204, or the answer to a HEAD. */
  bodyless(call: Call, response: Response): boolean {
    return call.options.responseType === 'none' || response.status === 204 || call.method === 'HEAD';
  }

  /**
   * A successful response's data: parsed and validated against the call's schema (undefined when
   * bodyless). Malformed JSON is a retryable `HttpError`; a body over the limit, `ResponseTooLargeError`.
   */
  async read(call: Call, response: Response): Promise<unknown> {
    if (this.bodyless(call, response)) {
      await response.body?.cancel();
      return undefined;
    }
    const text = await this.text(call, response);
    // Validated in this turn when the validator is synchronous: no promise per layer.
    return this.validate(call, this.parse(call, response, text, true));
  }

  /** JSON when the call or the response says so. A failed response's malformed JSON stays text (it is only read for its message). */
  parse(call: Call, response: Response, text: string, strict: boolean): unknown {
    const type = call.options.responseType;
    const isJson = type === 'json' || (type !== 'text' && (call.options.schema !== undefined || /json/i.test(response.headers.get('content-type') ?? '')));
    if (!isJson) return text;
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (cause) {
      if (!strict) return text;
      const connector = this.#connector;
      throw new HttpError(`${connector} ${call.operation}: the ${response.status} response is not valid JSON`, {
        connector, operation: call.operation, status: response.status, retryable: true,
        reason: 'malformed JSON (often a truncated or proxied response)', bodyExcerpt: excerpt(text, this.#secrets(), 200), cause,
        ...this.#requestIds.requestIdField(response),
      });
    }
  }

  /** The body as text, bounded by `maxResponseBytes`. */
  text(call: Call, response: Response): Promise<string> {
    return readText(response, call.maxResponseBytes, (declaredBytes) => {
      const connector = this.#connector;
      const limit = call.maxResponseBytes;
      return new ResponseTooLargeError(
        `${connector} ${call.operation}: the ${response.status} response is ${declaredBytes === undefined ? 'larger than' : `${declaredBytes} bytes, over`} maxResponseBytes (${limit} bytes), so reading stopped; raise maxResponseBytes on the client or this call, or read it with responseType: 'stream'`,
        { connector, operation: call.operation, status: response.status, limitBytes: limit, ...(declaredBytes !== undefined ? { declaredBytes } : {}), ...this.#requestIds.requestIdField(response) },
      );
    });
  }

  /** The body read once for a `ResponseCheck`. A failed response's unreadable body is '' (its status still says what happened). */
  async readForCheck(call: Call, response: Response): Promise<ReadBody> {
    if (this.bodyless(call, response)) {
      await response.body?.cancel();
      return { text: '', value: undefined };
    }
    let text: string;
    try {
      text = await this.text(call, response);
    } catch (error) {
      // A failed response's body is only read for its message: the status still says what happened.
      if (response.ok || ResponseTooLargeError.isInstance(error)) throw error;
      text = '';
    }
    return { text, value: this.parse(call, response, text, response.ok) };
  }

  /** What a `ResponseCheck` is shown of a response; its warnings become a `provider-warning` event. */
  inspect(call: Call, response: Response, body: unknown): InspectedResponse {
    return {
      status: response.status, headers: response.headers, body, operation: call.operation, method: call.method, route: call.route,
      requestId: this.#requestIds.requestId(response),
      emitWarning: (warnings) => {
        if (warnings.length) this.#emit({ type: 'provider-warning', operation: call.operation, callId: call.callId, warnings: [...warnings] });
      },
    };
  }

  /** The data checked against the call's schema, if it has one; a value, not a promise, when the validator is synchronous. */
  validate(call: Call, data: unknown): unknown {
    if (call.options.schema) {
      return validateNow(call.options.schema, data, {
        connector: this.#connector, operation: call.operation, direction: 'response', secrets: this.#lazySecrets,
        ...this.#drift.contextFor(call.operation, call.options.validation?.drift),
      });
    }
    return data;
  }

  /** The failed response's text with secrets removed; '' when unreadable. */
  async failureText(call: Call, response: Response): Promise<string> {
    try {
      return redactText(await this.text(call, response), this.#secrets());
    } catch {
      // The body is only for the message; the status already says what happened.
      return '';
    }
  }
}
