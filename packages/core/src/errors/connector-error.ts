/** What every connector error carries, so callers and schedulers can act on it without parsing messages. */
export interface ConnectorErrorOptions {
  connector: string;
  operation: string;
  /** Whether the same call may succeed if made again later. */
  retryable: boolean;
  /** Why it was, or was not, retried: a short sentence meant for people. */
  reason?: string;
  /** Attempts made before this error was thrown (0 when it failed before the first attempt). */
  attempts?: number;
  /** The provider's request id (X-Request-Id, Request-Id, X-GitHub-Request-Id...), for support tickets. */
  requestId?: string;
  cause?: unknown;
}

/** The marker every connector error carries, whichever installed copy of core made it. */
const ROOT_MARKER = 'connectors.error';

type ErrorClass = abstract new (...args: never[]) => ConnectorError;

/** The `Symbol.for` key of a class: its own static `marker`, else its name (`connectors.error.AuthError`). */
function markerOf(type: ErrorClass): symbol {
  const own = Object.hasOwn(type, 'marker') ? (type as unknown as { marker: string }).marker : `${ROOT_MARKER}.${type.name}`;
  return Symbol.for(own);
}

/**
 * The root of every error this project throws. Catch this to handle any failure of
 * any connector; check `retryable` to decide whether to try again later.
 */
export class ConnectorError extends Error {
  /**
   * The registry key `isInstance` checks (`Symbol.for(marker)`). Core's classes set their own; a
   * subclass without one is keyed by its class name. Set one on your subclass when a bundler may
   * rename classes.
   */
  static readonly marker: string = ROOT_MARKER;

  override name = 'ConnectorError';
  readonly connector: string;
  readonly operation: string;
  readonly retryable: boolean;
  /** Set by the client when it decides not to retry. */
  reason: string | undefined;
  attempts: number;
  readonly requestId: string | undefined;

  constructor(message: string, options: ConnectorErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.connector = options.connector;
    this.operation = options.operation;
    this.retryable = options.retryable;
    this.reason = options.reason;
    this.attempts = options.attempts ?? 0;
    this.requestId = options.requestId;
    // One non-enumerable marker per class in the chain: `AuthError.isInstance(e)` then holds for an
    // AuthError made by another installed copy of core, where `instanceof` would not.
    for (let type = new.target as ErrorClass | null; type && type !== (Error as unknown); type = Object.getPrototypeOf(type) as ErrorClass | null) {
      Object.defineProperty(this, markerOf(type), { value: true });
    }
  }

  /**
   * `instanceof` that also recognises errors from another installed copy of `@connectors/core`
   * (two versions in one app, a bundled and an external copy): `RateLimitError.isInstance(error)`.
   */
  static isInstance<T extends ConnectorError>(this: abstract new (...args: never[]) => T, error: unknown): error is T {
    if (typeof error !== 'object' || error === null) return false;
    return (error as Record<symbol, unknown>)[markerOf(this)] === true;
  }

  /** A plain object safe to log: no stack, no headers, no secrets. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      connector: this.connector,
      operation: this.operation,
      retryable: this.retryable,
      reason: this.reason,
      attempts: this.attempts,
      requestId: this.requestId,
    };
  }
}

/** True for any connector error, also one made by another installed copy of core (see `ConnectorError.isInstance`). */
export function isConnectorError(error: unknown): error is ConnectorError {
  return ConnectorError.isInstance(error);
}
