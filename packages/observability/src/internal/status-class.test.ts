import { expect, it } from 'vitest';
import { statusClass } from './status-class.ts';

it('maps statuses to classes, and a missing response to none', () => {
  expect([200, 204, 301, 404, 429, 503, undefined, 999].map(statusClass)).toEqual(['2xx', '2xx', '3xx', '4xx', '4xx', '5xx', 'none', 'none']);
});
