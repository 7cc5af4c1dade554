import type { EventInput } from '../http/events.ts';
import type { AuthStrategy } from './auth-strategy.ts';

const DAY_MS = 86_400_000;
/** Two weeks leaves time for a ticket, an approval and a deploy before a key dies. */
export const DEFAULT_CREDENTIAL_EXPIRY_WARNING_MS = 14 * DAY_MS;

/**
 * Decides when a client reports `credential-expiring`: inside the window, at most once per
 * credential per UTC day, so a busy client does not repeat it on every call.
 */
export class CredentialExpiryWarning {
  readonly #windowMs: number;
  readonly #reported = new Set<string>();

  constructor(windowMs: number = DEFAULT_CREDENTIAL_EXPIRY_WARNING_MS) {
    if (!Number.isFinite(windowMs) || windowMs < 0) {
      throw new TypeError(`credentialExpiryWarningMs must be a number of milliseconds >= 0; got ${String(windowMs)}`);
    }
    this.#windowMs = windowMs;
  }

  check(auth: AuthStrategy | undefined, now: number, operation: string, emit: (event: EventInput) => void): void {
    if (!auth?.expiresAt || this.#windowMs === 0) return;
    const expiresAt = auth.expiresAt();
    if (!expiresAt) return;
    const leftMs = expiresAt.getTime() - now;
    if (leftMs > this.#windowMs) return;
    const credential = auth.credential ?? auth.kind;
    const key = `${credential}\u0000${expiresAt.getTime()}\u0000${Math.floor(now / DAY_MS)}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    // Old buckets are never consulted again; keep the set from growing for the life of the client.
    if (this.#reported.size > 64) this.#reported.delete(this.#reported.values().next().value as string);
    emit({ type: 'credential-expiring', operation, expiresAt: expiresAt.toISOString(), daysLeft: Math.floor(leftMs / DAY_MS), credential });
  }
}
