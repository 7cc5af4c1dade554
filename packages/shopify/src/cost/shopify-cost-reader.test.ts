import { describe, expect, it } from 'vitest';
import { msUntilAvailable, readShopifyQueryCost, shopifyCostReader } from './shopify-cost-reader.ts';

// The shape Shopify documents under "Cost calculation" (rate-limits page).
const body = { data: {}, extensions: { cost: { requestedQueryCost: 101, actualQueryCost: 46, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 954, restoreRate: 50 } } } };

describe('shopify cost reader', () => {
  it('reads extensions.cost into leaky-bucket state', () => {
    expect(shopifyCostReader({ shop: 'a.myshopify.com' }).bucket?.({ operation: 'Shop', variables: undefined })).toBe('shopify:a.myshopify.com');
    expect(shopifyCostReader().read(body, new Headers())).toEqual({ kind: 'leaky-bucket', maximum: 1000, available: 954, restoreRate: 50, requestedCost: 101, actualCost: 46 });
  });

  it('leaves out the actual cost of a throttled query (null) and ignores bodies without cost', () => {
    const throttled = { errors: [{ message: 'Throttled' }], extensions: { cost: { ...body.extensions.cost, actualQueryCost: null } } };
    expect(shopifyCostReader().read(throttled, new Headers())).not.toHaveProperty('actualCost');
    expect(shopifyCostReader().read({ data: {} }, new Headers())).toBeUndefined();
    expect(readShopifyQueryCost({ extensions: { cost: { requestedQueryCost: 1, throttleStatus: { maximumAvailable: '1000' } } } })).toBeUndefined();
    expect(readShopifyQueryCost(null)).toBeUndefined();
  });

  it('computes the wait the bucket needs for a cost', () => {
    const cost = readShopifyQueryCost({ extensions: { cost: { requestedQueryCost: 200, actualQueryCost: null, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 75, restoreRate: 50 } } } })!;
    expect(msUntilAvailable(cost)).toBe(2500);
    expect(msUntilAvailable(cost, 50)).toBe(0);
    expect(msUntilAvailable(cost, 5000)).toBe(18_500); // never more than a full bucket
  });
});
