import { expect, it, vi } from 'vitest';

// The main entry must load for users who installed neither optional peer dependency.
vi.mock('prom-client', () => {
  throw new Error('the main entry imported prom-client');
});
vi.mock('@opentelemetry/api', () => {
  throw new Error('the main entry imported @opentelemetry/api');
});

it('loads without prom-client or @opentelemetry/api', async () => {
  const entry = await import('./index.ts');
  expect(typeof entry.observe).toBe('function');
  expect(typeof entry.createObservability).toBe('function');
  expect(typeof entry.createHealthHandler).toBe('function');
});
