import { ConnectorError } from '@connectors/core';

/**
 * Throw from a handler when the event can never be processed (unknown type, a payload that fails
 * validation): the worker moves it to the dead-letter queue at once instead of retrying it.
 * Any `ConnectorError` with `retryable: false` (e.g. a `SchemaValidationError`) does the same.
 */
export class UnprocessableEventError extends ConnectorError {
  override name = 'UnprocessableEventError';

  constructor(message: string, options: { cause?: unknown; reason?: string } = {}) {
    super(message, { connector: 'webhooks', operation: 'worker.handle', retryable: false, cause: options.cause, reason: options.reason ?? 'the event cannot be processed; retrying would fail again' });
  }
}
