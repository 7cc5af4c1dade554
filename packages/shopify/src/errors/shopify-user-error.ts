import { ConnectorError } from '@connectors/core';
import type { ShopifyUserErrorEntry } from '../graphql/connection-schemas.ts';

/**
 * A mutation Shopify refused because of its input: the `userErrors` of the payload (HTTP 200, no
 * top-level `errors`). Permanent: the same input fails the same way, so it is never retried.
 * `userErrors[i].field` is the path to the offending input, e.g. `['product', 'title']`;
 * `fields` lists them joined with dots for logs and forms.
 */
export class ShopifyUserError extends ConnectorError {
  override name = 'ShopifyUserError';
  readonly userErrors: readonly ShopifyUserErrorEntry[];
  /** `field` paths joined with dots (`product.title`); `(none)` for an error on no particular field. */
  readonly fields: readonly string[];

  constructor(operation: string, userErrors: readonly ShopifyUserErrorEntry[], options: { connector?: string; requestId?: string } = {}) {
    const fields = userErrors.map((e) => (e.field?.length ? e.field.join('.') : '(none)'));
    const list = userErrors.map((e, i) => `${fields[i]}: ${e.message}${e.code ? ` (${e.code})` : ''}`).join('; ');
    super(`shopify ${operation}: Shopify rejected the input: ${list}`, {
      connector: options.connector ?? 'shopify',
      operation,
      retryable: false,
      reason: 'the input was rejected (userErrors); the same input fails again',
      ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
    });
    this.userErrors = userErrors;
    this.fields = fields;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), userErrors: this.userErrors.map((e) => ({ field: e.field ?? null, message: e.message, ...(e.code ? { code: e.code } : {}) })) };
  }
}

/** Returns the payload, or throws `ShopifyUserError` when its `userErrors` is not empty. */
export function throwOnUserErrors<P extends { userErrors: readonly ShopifyUserErrorEntry[] }>(operation: string, payload: P): P {
  if (payload.userErrors.length > 0) throw new ShopifyUserError(operation, payload.userErrors);
  return payload;
}
