/** Turns a request body into bytes and a content type. Connectors pick one; JSON is the default. */
export type BodyEncoder = (body: unknown) => { body: string; contentType: string };

export const jsonBody: BodyEncoder = (body) => ({ body: JSON.stringify(body), contentType: 'application/json' });

/**
 * `application/x-www-form-urlencoded` with bracketed nesting, the way Stripe and Rails-style APIs
 * expect it: `{ metadata: { a: 1 }, items: [{ price: 'p' }] }` -> `metadata[a]=1&items[0][price]=p`.
 */
export const formBody: BodyEncoder = (body) => {
  const params = new URLSearchParams();
  const walk = (value: unknown, key: string): void => {
    if (value === undefined) return;
    if (value === null) params.append(key, '');
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${key}[${i}]`));
    else if (value instanceof Date) params.append(key, String(Math.floor(value.getTime() / 1000)));
    else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, key ? `${key}[${k}]` : k);
    } else params.append(key, String(value));
  };
  walk(body, '');
  return { body: params.toString(), contentType: 'application/x-www-form-urlencoded' };
};
