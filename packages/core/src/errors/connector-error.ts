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

/**
 * The root of every error this project throws. Catch this to handle any failure of
 * any connector; check `retryable` to decide whether to try again later.
 */
export class ConnectorError extends Error {
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

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
