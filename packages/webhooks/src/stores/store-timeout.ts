import { InboxStoreError } from '../errors/inbox-store-error.ts';

/**
 * The store's answer, or an `InboxStoreError` once `ms` have passed. Hand-written because it is a
 * `Promise.race` with a timer that must be cleared (AbortSignal.timeout cannot stop a store call that
 * takes no signal). The store call itself is not cancelled: if it completes later, a `put` is then
 * durable (the provider's redelivery is a duplicate) and a lease expires by itself.
 */
export function withStoreTimeout<T>(operation: string, ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InboxStoreError(`The inbox store did not answer ${operation} within ${ms} ms (storeTimeoutMs).`, { store: 'inbox', operation })), ms);
  });
  let pending: Promise<T>;
  try {
    pending = run();
  } catch (error) {
    clearTimeout(timer);
    return Promise.reject(error);
  }
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

/** Checks a `storeTimeoutMs` option. */
export function storeTimeout(value: number | undefined, fallback: number, where: string): number {
  const ms = value ?? fallback;
  if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`${where}: storeTimeoutMs must be a number of milliseconds > 0; got ${String(value)}.`);
  return ms;
}
