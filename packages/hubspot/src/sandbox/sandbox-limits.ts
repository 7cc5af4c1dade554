import type { SandboxResponse } from '@connectors/testing/sandbox';

/** A rolling window, like HubSpot's `TEN_SECONDLY_ROLLING` policy: at most `max` requests in any `intervalMs`. */
export class RollingWindow {
  readonly #times: number[] = [];
  constructor(
    readonly max: number,
    readonly intervalMs: number,
  ) {}

  /** Counts a request at `now` if the window has room. */
  take(now: number): { allowed: boolean; remaining: number; retryAfterMs: number } {
    while (this.#times.length && this.#times[0]! <= now - this.intervalMs) this.#times.shift();
    if (this.#times.length >= this.max) return { allowed: false, remaining: 0, retryAfterMs: this.#times[0]! + this.intervalMs - now };
    this.#times.push(now);
    return { allowed: true, remaining: this.max - this.#times.length, retryAfterMs: 0 };
  }
}

/** The sandbox's limit state (one per started sandbox, kept in its data). */
export interface LimitState {
  tenSecondly: RollingWindow;
  search: RollingWindow;
  daily: { max: number; used: number };
  correlation: number;
  /** 429s answered, by policy. */
  refused: Record<string, number>;
}

export function correlationId(state: LimitState): string {
  const n = ++state.correlation;
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** HubSpot's 429 answer. Source: HubSpot's usage guidelines (429 body with policyName). */
export function rateLimited(state: LimitState, policy: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY', retryAfterMs: number, headers: Record<string, string>): SandboxResponse {
  state.refused[policy] = (state.refused[policy] ?? 0) + 1;
  const id = correlationId(state);
  return {
    status: 429,
    headers: { ...headers, 'x-hubspot-correlation-id': id, 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    body: { status: 'error', message: `You have reached your ${policy.toLowerCase()} limit.`, errorType: 'RATE_LIMIT', correlationId: id, policyName: policy, category: 'RATE_LIMITS' },
  };
}
