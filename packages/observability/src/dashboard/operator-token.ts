import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented operator token with the configured one in constant time: both are hashed
 * first, so neither the content nor the length of the real token shows in the timing.
 */
export function tokenMatches(expected: string, presented: string | undefined | null): boolean {
  if (presented === undefined || presented === null || presented === '') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
