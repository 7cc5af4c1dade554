import type { InspectedResponse } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { classifyShopifyErrors } from './classify-shopify-errors.ts';

const response = (body: unknown): InspectedResponse => ({ status: 200, headers: new Headers(), body, operation: 'products.list', method: 'POST', route: '/admin/api/2026-10/graphql.json', requestId: undefined }) as InspectedResponse;
const cost = (available: number, requested = 100) => ({ cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: available, restoreRate: 50 } } });

describe('classifyShopifyErrors', () => {
  it('THROTTLED: rate-limited, not applied, waiting what the bucket needs', () => {
    const errors = [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }];
    expect(classifyShopifyErrors(errors, response({ errors, extensions: cost(20) }))).toEqual({ kind: 'rate-limited', providerCode: 'THROTTLED', message: 'Throttled', notApplied: true, retryAfterMs: 1600 });
  });

  it('ACCESS_DENIED: insufficient scope with the scope Shopify names', () => {
    const errors = [{ message: 'Access denied for orders field. Required access: `read_orders` access scope.', extensions: { code: 'ACCESS_DENIED', requiredAccess: '`read_orders` access scope.' } }];
    expect(classifyShopifyErrors(errors, response({ errors }))).toMatchObject({ kind: 'auth', code: 'insufficient-scope', providerCode: 'ACCESS_DENIED', needed: ['read_orders'] });
  });

  it('MAX_COST_EXCEEDED is permanent and says what to change; INTERNAL_SERVER_ERROR is retryable', () => {
    const tooBig = [{ message: 'Query cost is 2502, which exceeds the single query max cost limit (1000).', extensions: { code: 'MAX_COST_EXCEEDED' } }];
    const verdict = classifyShopifyErrors(tooBig, response({ errors: tooBig }));
    expect(verdict).toMatchObject({ kind: 'permanent', providerCode: 'MAX_COST_EXCEEDED' });
    expect((verdict as { message: string }).message).toMatch(/fewer items per page/);
    const internal = [{ message: 'Internal error. Looks like something went wrong on our end.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'abc' } }];
    expect(classifyShopifyErrors(internal, response({ errors: internal }))).toMatchObject({ kind: 'retryable', providerCode: 'INTERNAL_SERVER_ERROR' });
  });

  it('leaves other errors (syntax, validation) to the core', () => {
    const errors = [{ message: "Field 'nope' doesn't exist on type 'Shop'", extensions: { code: 'undefinedField', typeName: 'Shop', fieldName: 'nope' } }];
    expect(classifyShopifyErrors(errors, response({ errors }))).toBeUndefined();
  });
});
