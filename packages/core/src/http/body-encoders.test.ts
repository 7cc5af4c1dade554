import { describe, expect, it } from 'vitest';
import { formBody, jsonBody } from './body-encoders.ts';

describe('body encoders', () => {
  it('form-encodes nested objects and arrays with brackets, as Stripe expects', () => {
    const { body, contentType } = formBody({
      amount: 2000,
      currency: 'eur',
      metadata: { order: 'A 1', empty: null },
      items: [{ price: 'price_1', quantity: 2 }],
      expand: ['customer'],
      skipped: undefined,
    });
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(decodeURIComponent(body)).toBe(
      'amount=2000&currency=eur&metadata[order]=A+1&metadata[empty]=&items[0][price]=price_1&items[0][quantity]=2&expand[0]=customer',
    );
  });

  it('JSON-encodes by default', () => {
    expect(jsonBody({ a: [1] })).toEqual({ body: '{"a":[1]}', contentType: 'application/json' });
  });
});
