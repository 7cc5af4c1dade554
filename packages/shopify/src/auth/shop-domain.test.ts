import { describe, expect, it } from 'vitest';
import { normalizeShopDomain } from './shop-domain.ts';

describe('normalizeShopDomain', () => {
  it.each([
    ['my-store', 'my-store.myshopify.com'],
    ['My-Store.myshopify.com', 'my-store.myshopify.com'],
    ['https://my-store.myshopify.com/', 'my-store.myshopify.com'],
  ])('%s -> %s', (input, output) => expect(normalizeShopDomain(input)).toBe(output));

  it.each(['evil.com', 'my-store.myshopify.com.evil.com', 'a/b', '', 'my store'])('refuses %j', (input) => {
    expect(() => normalizeShopDomain(input)).toThrow(/store handle/);
  });
});
