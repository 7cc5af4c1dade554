import type { GraphQLErrorEntry, InspectedResponse, ResponseVerdict } from '@connectors/core';
import { msUntilAvailable, readShopifyQueryCost } from '../cost/shopify-cost-reader.ts';

/** The `extensions.code` Shopify puts on a top-level GraphQL error. */
function codeOf(entry: GraphQLErrorEntry): string | undefined {
  const code = entry.extensions?.['code'];
  return typeof code === 'string' ? code : undefined;
}

/** `Required access: \`read_orders\` access scope.` -> `['read_orders']`. */
function scopesIn(text: string): string[] {
  return [...text.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).filter((s) => /^(read|write|unauthenticated)_/.test(s));
}

/**
 * Maps the top-level `errors` of a GraphQL Admin API answer (HTTP 200) to the core's verdicts:
 * - `THROTTLED`: rate-limited and not applied, waiting exactly what the bucket needs for the
 *   requested cost (from `extensions.cost.throttleStatus`), not a blind backoff;
 * - `ACCESS_DENIED`: insufficient scope, with the scopes Shopify names in `requiredAccess`;
 * - `MAX_COST_EXCEEDED`: permanent (no wait makes a query over 1,000 points run; ask for fewer items);
 * - `INTERNAL_SERVER_ERROR`: retryable.
 * Anything else (a syntax or validation error) is left to the core: a permanent `GraphQLError`.
 * Codes: https://shopify.dev/docs/api/admin-graphql#status-and-error-codes
 */
export function classifyShopifyErrors(errors: readonly GraphQLErrorEntry[], response: InspectedResponse): ResponseVerdict | undefined {
  const codes = errors.map(codeOf);
  const first = (code: string) => errors[codes.indexOf(code)]!;
  if (codes.includes('THROTTLED')) {
    const cost = readShopifyQueryCost(response.body);
    return {
      kind: 'rate-limited',
      providerCode: 'THROTTLED',
      message: first('THROTTLED').message,
      notApplied: true,
      ...(cost ? { retryAfterMs: msUntilAvailable(cost) } : {}),
    };
  }
  if (codes.includes('ACCESS_DENIED')) {
    const entry = first('ACCESS_DENIED');
    const required = entry.extensions?.['requiredAccess'];
    const needed = [...new Set(scopesIn(`${typeof required === 'string' ? required : ''} ${entry.message}`))];
    return { kind: 'auth', code: 'insufficient-scope', providerCode: 'ACCESS_DENIED', message: entry.message, ...(needed.length ? { needed } : {}) };
  }
  if (codes.includes('MAX_COST_EXCEEDED')) {
    return { kind: 'permanent', providerCode: 'MAX_COST_EXCEEDED', message: `${first('MAX_COST_EXCEEDED').message} Ask for fewer items per page (first:) or fewer nested items, or use a bulk operation.` };
  }
  if (codes.includes('INTERNAL_SERVER_ERROR')) {
    return { kind: 'retryable', providerCode: 'INTERNAL_SERVER_ERROR', message: first('INTERNAL_SERVER_ERROR').message };
  }
  return undefined;
}
