import { describe, expect, it } from 'vitest';
import { ShopifyUserError, throwOnUserErrors } from './shopify-user-error.ts';

describe('ShopifyUserError', () => {
  it('is permanent and names each field path', () => {
    const error = new ShopifyUserError('products.create', [
      { field: ['product', 'title'], message: "Title can't be blank" },
      { field: null, message: 'Something about the whole input', code: 'INVALID' },
    ]);
    expect(error).toMatchObject({ name: 'ShopifyUserError', retryable: false, operation: 'products.create', fields: ['product.title', '(none)'] });
    expect(error.message).toBe("shopify products.create: Shopify rejected the input: product.title: Title can't be blank; (none): Something about the whole input (INVALID)");
    expect(error.toJSON()).toMatchObject({ userErrors: [{ field: ['product', 'title'], message: "Title can't be blank" }, { field: null, message: 'Something about the whole input', code: 'INVALID' }] });
  });

  it('throwOnUserErrors passes a clean payload through', () => {
    const payload = { product: { id: 'gid://shopify/Product/1' }, userErrors: [] };
    expect(throwOnUserErrors('products.create', payload)).toBe(payload);
    expect(() => throwOnUserErrors('customers.create', { customer: null, userErrors: [{ field: ['email'], message: 'Email has already been taken' }] })).toThrow(ShopifyUserError);
  });
});
