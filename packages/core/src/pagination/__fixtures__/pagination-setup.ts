import { createHttpClient, type HttpClientOptions } from '../../http/create-http-client.ts';
import type { ConnectorEvent } from '../../http/events.ts';
import { createTestClock } from '../../internal/test-clock.ts';

export const BASE = 'https://api.pages.test';

/** A client on BASE with a fake clock, recording its events. */
export function setup(overrides: Partial<HttpClientOptions> = {}) {
  const events: ConnectorEvent[] = [];
  const http = createHttpClient({
    connector: 'acme',
    baseUrl: BASE,
    clock: createTestClock(),
    random: () => 0.5,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  const requests = () => events.filter((e) => e.type === 'request');
  return { http, events, requests };
}

/** Items `{ id: 'i<n>' }` for n in [from, to). */
export function items(from: number, to: number): { id: string }[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => ({ id: `i${from + i}` }));
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Runs an iteration to its end or first error; returns what was delivered and the error. */
export async function drain<T>(iterable: AsyncIterable<T>): Promise<{ delivered: T[]; error: unknown }> {
  const delivered: T[] = [];
  try {
    for await (const item of iterable) delivered.push(item);
  } catch (error) {
    return { delivered, error };
  }
  return { delivered, error: undefined };
}

/** nock on, no real network, and every declared response must have been used. */
export { useNock } from '../../__fixtures__/use-nock.ts';
