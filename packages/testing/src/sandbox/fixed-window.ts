import type { SandboxRateLimit } from './sandbox-provider.ts';

/** Where one credential stands in its window. */
export interface WindowState {
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
  allowed: boolean;
}

/** A fixed-window counter per key (credential), on the sandbox's clock. */
export class FixedWindow {
  readonly #config: SandboxRateLimit;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; used: number }>();

  constructor(config: SandboxRateLimit, now: () => number) {
    if (!Number.isInteger(config.limit) || config.limit < 1) throw new TypeError(`sandbox rateLimit.limit must be a whole number >= 1; got ${String(config.limit)}`);
    if (!Number.isFinite(config.windowMs) || config.windowMs <= 0) throw new TypeError(`sandbox rateLimit.windowMs must be > 0; got ${String(config.windowMs)}`);
    this.#config = config;
    this.#now = now;
  }

  /** Counts one request for `key` and says whether it is within the limit. */
  take(key: string): WindowState {
    const now = this.#now();
    let window = this.#windows.get(key);
    if (!window || now >= window.start + this.#config.windowMs) {
      window = { start: now, used: 0 };
      this.#windows.set(key, window);
    }
    const allowed = window.used < this.#config.limit;
    if (allowed) window.used++;
    return { limit: this.#config.limit, remaining: this.#config.limit - window.used, resetAt: window.start + this.#config.windowMs, allowed };
  }

  /** The headers this provider reports the state with. */
  headers(state: WindowState): Record<string, string> {
    const style = this.#config.headers ?? 'github';
    const secondsLeft = Math.max(0, Math.ceil((state.resetAt - this.#now()) / 1000));
    if (style === 'none') return {};
    if (style === 'ietf') {
      return {
        'ratelimit-policy': `"default";q=${state.limit};w=${Math.ceil(this.#config.windowMs / 1000)}`,
        ratelimit: `"default";r=${state.remaining};t=${secondsLeft}`,
      };
    }
    return {
      'x-ratelimit-limit': String(state.limit),
      'x-ratelimit-remaining': String(state.remaining),
      'x-ratelimit-used': String(state.limit - state.remaining),
      'x-ratelimit-reset': String(Math.ceil(state.resetAt / 1000)),
      'x-ratelimit-resource': 'core',
    };
  }

  get status(): number {
    return this.#config.status ?? 429;
  }
}
