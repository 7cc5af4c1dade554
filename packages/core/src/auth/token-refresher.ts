import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError } from '../errors/auth-error.ts';
import { ConnectorError } from '../errors/connector-error.ts';
import type { EventInput } from '../http/events.ts';
import { type Clock, systemClock } from '../internal/clock.ts';
import type { AuthContext } from './auth-strategy.ts';
import type { TokenRecord, TokenStore } from './token-store.ts';

/** Refresh this long before expiry by default: wide enough for clock skew and a slow token endpoint. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
/** How long one process may hold the refresh lock; longer than the token request timeout so the holder finishes first. */
export const DEFAULT_LOCK_TTL_MS = 15_000;
/** How often a process waiting for another's refresh looks at the store. */
export const DEFAULT_LOCK_POLL_MS = 50;

/** Why a token is being fetched, as reported in `token-refreshed`. */
export type RefreshReason = 'expiring' | 'unauthorized' | 'missing' | 'forced';

/** The call on whose behalf a refresh happens. */
export interface RefreshCall {
  context: AuthContext;
  operation: string;
  signal?: AbortSignal | undefined;
}

export interface TokenRefresherOptions {
  /** For messages: `oauth2`, `token-provider`. */
  kind: string;
  credentialId: string;
  store: TokenStore;
  refreshMarginMs: number;
  lockTtlMs: number;
  lockPollMs: number;
  /**
   * Gets a new token. `base` is the freshest record known (it holds the refresh token); the result
   * is persisted before anyone uses it.
   */
  mint(base: TokenRecord | undefined, call: RefreshCall, now: number): Promise<TokenRecord>;
  /** A record to start from when the store has none (e.g. a refresh token from an env var). */
  seed?(now: number): TokenRecord | undefined;
}

/**
 * The proactive, single-flight, rotation-safe token machinery that `oauth2Auth` and
 * `tokenProviderAuth` share. Hand-written: no library combines an in-process single flight with a
 * store-backed cross-process lock and rotation-aware re-reads, which is the whole point here.
 *
 * - In one process, concurrent callers share one promise: N calls, one refresh.
 * - Across processes, the store's lock picks one refresher; the others poll the store for the new
 *   token, and take over when the lock's TTL runs out (the holder died).
 * - The lock holder re-reads the store first: if someone else already refreshed, it adopts that.
 * - A new refresh token is persisted before the new access token is used; if the write fails, the
 *   tokens stay in memory unused and the write is retried first on the next call.
 * - `invalid_grant` re-reads the store once (another process may have rotated the refresh token).
 */
export class TokenRefresher {
  readonly #options: TokenRefresherOptions;
  #current: TokenRecord | undefined;
  #loaded = false;
  #inflight: Promise<TokenRecord> | undefined;
  /** Tokens the provider issued that the store did not accept yet: saved before use. */
  #unsaved: TokenRecord | undefined;
  /** A refresh token the provider refused for good; not sent again until the store holds another. */
  #dead: { refreshToken: string; error: AuthError } | undefined;
  #riskReported = false;
  /** Values this refresher has handled, newest first, for redaction after they are replaced. */
  readonly #history: string[] = [];

  constructor(options: TokenRefresherOptions) {
    this.#options = options;
  }

  /** The record in use, if any (no I/O). */
  get current(): TokenRecord | undefined {
    return this.#current;
  }

  /** A usable token for this call: from memory, the store, or a refresh (shared with every concurrent caller). */
  async get(call: RefreshCall): Promise<TokenRecord> {
    // A refresh in progress means the current token is expiring or was just rejected: wait for the new one.
    if (this.#inflight) return raceAbort(this.#inflight, call.signal);
    const current = this.#current;
    if (this.#loaded && current && this.#usable(current, this.#now(call))) return current;
    return this.#join(call, () => this.#obtain(call));
  }

  /**
   * The provider rejected `sentToken`. Resolves once a different token is in place (refreshing if
   * nobody has yet); rejects with `AuthError` when no new token can be had.
   */
  async replaceRejected(sentToken: string | undefined, call: RefreshCall): Promise<TokenRecord> {
    if (this.#inflight) return raceAbort(this.#inflight, call.signal);
    const current = this.#current;
    if (current && sentToken !== undefined && current.accessToken !== sentToken && this.#usable(current, this.#now(call))) return current;
    return this.#join(call, () => this.#refresh('unauthorized', sentToken ?? current?.accessToken, call));
  }

  /** Refreshes now, whatever the expiry says. */
  async force(call: RefreshCall): Promise<TokenRecord> {
    if (this.#inflight) await raceAbort(this.#inflight, call.signal).catch(() => undefined);
    return this.#join(call, () => this.#refresh('forced', this.#current?.accessToken, call));
  }

  /**
   * Resolves once no refresh is in flight. A refresh outlives the calls that started it (their abort
   * only stops their wait), because the provider may already have rotated the refresh token: its
   * result must reach the store. Await this before closing the store.
   */
  async settle(): Promise<void> {
    while (this.#inflight) await this.#inflight.catch(() => undefined);
  }

  /** Token values to redact: the current ones and the few they replaced. */
  secrets(): string[] {
    const out = [...this.#history];
    for (const record of [this.#current, this.#unsaved]) {
      if (record?.accessToken) out.push(record.accessToken);
      if (record?.refreshToken) out.push(record.refreshToken);
    }
    return out;
  }

  #join(call: RefreshCall, task: () => Promise<TokenRecord>): Promise<TokenRecord> {
    if (!this.#inflight) {
      const promise = task().catch((error: unknown) => {
        throw this.#asAuthError(error, call);
      });
      this.#inflight = promise;
      const clear = () => {
        if (this.#inflight === promise) this.#inflight = undefined;
      };
      promise.then(clear, clear);
    }
    return raceAbort(this.#inflight, call.signal);
  }

  #now(call: RefreshCall): number {
    return (call.context.clock ?? systemClock).now();
  }

  /** First use (or after a failure): read the store, then refresh only if what it holds will not do. */
  async #obtain(call: RefreshCall): Promise<TokenRecord> {
    if (!this.#loaded) {
      const stored = await this.#options.store.get(this.#options.credentialId);
      this.#loaded = true;
      const start = stored ?? this.#options.seed?.(this.#now(call));
      if (start) this.#adopt(start, call);
    }
    const current = this.#current;
    if (current && this.#usable(current, this.#now(call)) && !this.#unsaved) return current;
    // A seed record (a refresh token only) has an empty access token: nothing was ever fetched.
    return this.#refresh(current?.accessToken ? 'expiring' : 'missing', current?.accessToken, call);
  }

  /** Takes the store's lock (or waits for whoever holds it), then refreshes unless someone already did. */
  async #refresh(reason: RefreshReason, stale: string | undefined, call: RefreshCall): Promise<TokenRecord> {
    const { store, credentialId, lockTtlMs, lockPollMs } = this.#options;
    // Past this, the holder is not merely slow: its lock would have expired twice over.
    const giveUpAt = Date.now() + 2 * lockTtlMs + lockPollMs;
    for (;;) {
      const lock = await store.tryLock(credentialId, lockTtlMs);
      if (lock) {
        try {
          return await this.#refreshHoldingLock(reason, stale, call);
        } finally {
          await lock.release().catch(() => undefined);
        }
      }
      // Wall-clock wait, not the client's clock: the lock's TTL runs in real time in the store.
      await sleep(lockPollMs);
      const stored = await store.get(credentialId);
      if (stored && stored.accessToken !== stale && this.#usable(stored, this.#now(call))) {
        this.#adopt(stored, call);
        this.#emit(call, { type: 'token-refreshed', operation: call.operation, reason, rotated: false, shared: true, ...expiresAtField(stored) });
        return stored;
      }
      if (Date.now() > giveUpAt) {
        throw new AuthError(
          `${call.context.connector}: ${this.#options.kind} credential '${credentialId}': waited ${2 * lockTtlMs} ms for another process to refresh the token and it did not; the token store may be unreachable or its lock stuck`,
          { connector: call.context.connector, operation: call.operation, code: 'refresh-failed', retryable: true },
        );
      }
    }
  }

  async #refreshHoldingLock(reason: RefreshReason, stale: string | undefined, call: RefreshCall): Promise<TokenRecord> {
    const { store, credentialId } = this.#options;
    const stored = await store.get(credentialId);
    if (this.#unsaved && (!stored || stored.updatedAt <= this.#unsaved.updatedAt)) {
      const unsaved = this.#unsaved;
      await this.#persist(unsaved, call);
      this.#adopt(unsaved, call);
      this.#emit(call, { type: 'token-refreshed', operation: call.operation, reason, rotated: true, ...expiresAtField(unsaved) });
      return unsaved;
    }
    this.#unsaved = undefined;
    // Re-check under the lock: whoever held it before us may have refreshed already.
    if (stored && stored.accessToken !== stale && this.#usable(stored, this.#now(call))) {
      this.#adopt(stored, call);
      this.#emit(call, { type: 'token-refreshed', operation: call.operation, reason, rotated: false, shared: true, ...expiresAtField(stored) });
      return stored;
    }
    const base = stored ?? this.#current;
    if (this.#dead && base?.refreshToken !== undefined && this.#dead.refreshToken === base.refreshToken) throw copyAuthError(this.#dead.error, call.operation);

    let minted: TokenRecord;
    try {
      minted = await this.#options.mint(base, call, this.#now(call));
    } catch (error) {
      if (!(error instanceof AuthError) || error.providerError !== 'invalid_grant') throw error;
      // Another process may have rotated the refresh token outside our lock (its lock expired
      // mid-refresh, or it uses another store client): read the store once more before giving up.
      const again = await store.get(credentialId);
      if (!again || again.refreshToken === base?.refreshToken) {
        if (base?.refreshToken !== undefined) this.#dead = { refreshToken: base.refreshToken, error };
        throw error;
      }
      if (again.accessToken !== stale && this.#usable(again, this.#now(call))) {
        this.#adopt(again, call);
        this.#emit(call, { type: 'token-refreshed', operation: call.operation, reason, rotated: false, shared: true, ...expiresAtField(again) });
        return again;
      }
      minted = await this.#options.mint(again, call, this.#now(call));
    }
    const rotated = minted.refreshToken !== undefined && minted.refreshToken !== base?.refreshToken;
    // Persist before use: a rotated refresh token that only lives in memory dies with the process.
    await this.#persist(minted, call);
    this.#dead = undefined;
    this.#adopt(minted, call);
    this.#emit(call, { type: 'token-refreshed', operation: call.operation, reason, rotated, ...expiresAtField(minted) });
    return minted;
  }

  async #persist(record: TokenRecord, call: RefreshCall): Promise<void> {
    let lastError: unknown;
    for (const pause of [0, 20, 100]) {
      if (pause) await sleep(pause);
      try {
        await this.#options.store.set(this.#options.credentialId, record);
        if (this.#unsaved === record) this.#unsaved = undefined;
        return;
      } catch (error) {
        lastError = error;
      }
    }
    this.#unsaved = record;
    // Only the message: store errors (e.g. ioredis ReplyError.command) can carry the record itself.
    const why = lastError instanceof Error ? lastError.message.slice(0, 200) : 'unknown error';
    throw new AuthError(
      `${call.context.connector}: ${this.#options.kind} credential '${this.#options.credentialId}': the new tokens could not be saved to the token store (${why}); they are kept in memory and saved before use on the next call`,
      { connector: call.context.connector, operation: call.operation, code: 'refresh-failed', retryable: true },
    );
  }

  /** Store and unexpected failures become a retryable `AuthError`; only the message is kept (see #persist). */
  #asAuthError(error: unknown, call: RefreshCall): unknown {
    if (error instanceof ConnectorError) return error;
    const why = error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : 'unknown error';
    return new AuthError(`${call.context.connector}: ${this.#options.kind} credential '${this.#options.credentialId}': could not get a token (${why})`, {
      connector: call.context.connector, operation: call.operation, code: 'refresh-failed', retryable: true,
      reason: 'the token store or token source failed',
    });
  }

  #adopt(record: TokenRecord, call: RefreshCall): void {
    const previous = this.#current;
    if (previous) {
      for (const value of [previous.accessToken, previous.refreshToken]) {
        if (value && value !== record.accessToken && value !== record.refreshToken && !this.#history.includes(value)) this.#history.unshift(value);
      }
      this.#history.length = Math.min(this.#history.length, 8);
    }
    this.#current = record;
    this.#loaded = true;
    if (record.expiresAt === undefined && !this.#riskReported) {
      this.#riskReported = true;
      this.#emit(call, {
        type: 'auth-risk',
        operation: call.operation,
        message: `${this.#options.kind} credential '${this.#options.credentialId}': the token has no expiry (no expires_in or expires_at), so it is renewed only after the provider rejects it with 401`,
      });
    }
  }

  /** Fresh enough to send: no known expiry, or more than the margin left. */
  #usable(record: TokenRecord, now: number): boolean {
    if (record.expiresAt === undefined) return true;
    // A margin longer than the token's life would refresh on every call; cap it at half the life.
    const life = record.expiresAt - record.updatedAt;
    const margin = life > 0 ? Math.min(this.#options.refreshMarginMs, life / 2) : this.#options.refreshMarginMs;
    return record.expiresAt - now > margin;
  }

  #emit(call: RefreshCall, event: EventInput): void {
    call.context.emit(event);
  }
}

function expiresAtField(record: TokenRecord): { expiresAt?: string } {
  return record.expiresAt === undefined ? {} : { expiresAt: new Date(record.expiresAt).toISOString() };
}

/** A fresh error per call: the client writes `attempts` onto the error it throws. */
function copyAuthError(error: AuthError, operation: string): AuthError {
  return new AuthError(error.message, {
    connector: error.connector, operation, code: error.code, retryable: error.retryable,
    ...(error.providerError ? { providerError: error.providerError } : {}),
    ...(error.providerErrorDescription ? { providerErrorDescription: error.providerErrorDescription } : {}),
    ...(error.status !== undefined ? { status: error.status } : {}),
    reason: 'this refresh token was already refused; it is not sent again until the token store holds a new one',
  });
}

/** Lets one caller stop waiting (its signal aborted) without cancelling the refresh others share. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
