import type { ConnectorEvent, ConnectorEventOf } from '@connectors/core';

/** The last reading of a provider's status page (see `createProviderStatusWatcher`). */
export type ProviderStatus = Omit<ConnectorEventOf<'provider-status'>, 'type' | 'connector' | 'operation' | 'callId'>;

/**
 * Core reports `credential-expiring` at most once per credential per UTC day while calls are made;
 * a notice older than this has not been repeated, so the credential was rotated (or the client went
 * quiet) and the notice no longer holds.
 */
export const CREDENTIAL_NOTICE_TTL_MS = 26 * 60 * 60 * 1000;

/** What the events say about one connector right now, beyond the rolling windows. */
export interface ConnectorState {
  lastSuccessAt: number | undefined;
  lastFailureAt: number | undefined;
  /** The last attempt rejected for its credentials (401, or an `AuthError`). */
  lastAuthFailureAt: number | undefined;
  /** Open or half-open circuits, by host. */
  readonly circuits: Map<string, { state: 'open' | 'half-open'; since: number }>;
  /** Shared rate-limit budgets that stopped answering, by name, with why. */
  readonly sharedBudgets: Map<string, { since: number; reason: string | undefined }>;
  /** Credentials reported as expiring, by name. */
  readonly credentials: Map<string, { expiresAt: number; reportedAt: number }>;
  /** Waits the client's pacer imposed before sending (rate-limit headers, budgets, concurrency), by reason. */
  readonly pacing: Map<string, { waits: number; waitMs: number }>;
  /** Responses the provider rate-limited (429 and the like). */
  rateLimited: number;
  /** The provider's status page, when watched. */
  provider: ProviderStatus | undefined;
}

/** Tracks `ConnectorState` per connector from events (`record` is an event listener). */
export class ConnectorStates {
  readonly #states = new Map<string, ConnectorState>();

  readonly record = (event: ConnectorEvent): void => {
    switch (event.type) {
      case 'response': {
        const state = this.get(event.connector);
        if (event.outcome === 'success') state.lastSuccessAt = event.time;
        else {
          state.lastFailureAt = event.time;
          if (event.status === 401 || event.error === 'AuthError') state.lastAuthFailureAt = event.time;
        }
        return;
      }
      case 'give-up': {
        const state = this.get(event.connector);
        state.lastFailureAt = event.time;
        if (event.error === 'AuthError') state.lastAuthFailureAt = event.time;
        return;
      }
      case 'circuit': {
        const circuits = this.get(event.connector).circuits;
        if (event.state === 'closed') circuits.delete(event.host);
        else if (circuits.get(event.host)?.state !== event.state) circuits.set(event.host, { state: event.state, since: event.time });
        return;
      }
      case 'shared-budget': {
        const budgets = this.get(event.connector).sharedBudgets;
        if (event.state === 'recovered') budgets.delete(event.budget);
        else if (!budgets.has(event.budget)) budgets.set(event.budget, { since: event.time, reason: event.reason });
        return;
      }
      case 'throttled': {
        const pacing = this.get(event.connector).pacing;
        const entry = pacing.get(event.reason);
        if (entry) {
          entry.waits++;
          entry.waitMs += event.waitMs;
        } else pacing.set(event.reason, { waits: 1, waitMs: event.waitMs });
        return;
      }
      case 'rate-limited':
        this.get(event.connector).rateLimited++;
        return;
      case 'provider-status': {
        const { type: _type, connector, operation: _operation, callId: _callId, ...status } = event;
        this.get(connector).provider = status;
        return;
      }
      case 'credential-expiring': {
        const expiresAt = Date.parse(event.expiresAt);
        if (Number.isFinite(expiresAt)) this.get(event.connector).credentials.set(event.credential, { expiresAt, reportedAt: event.time });
        return;
      }
      default:
    }
  };

  /** The state of a connector, created empty on first use. */
  get(connector: string): ConnectorState {
    let state = this.#states.get(connector);
    if (!state) {
      state = { lastSuccessAt: undefined, lastFailureAt: undefined, lastAuthFailureAt: undefined, circuits: new Map(), sharedBudgets: new Map(), credentials: new Map(), pacing: new Map(), rateLimited: 0, provider: undefined };
      this.#states.set(connector, state);
    }
    return state;
  }

  /** Credentials of a connector whose expiry notice still holds at `now`. */
  expiringCredentials(connector: string, now: number): { credential: string; expiresAt: number }[] {
    const out: { credential: string; expiresAt: number }[] = [];
    for (const [credential, notice] of this.#states.get(connector)?.credentials ?? []) {
      if (now - notice.reportedAt < CREDENTIAL_NOTICE_TTL_MS) out.push({ credential, expiresAt: notice.expiresAt });
    }
    return out;
  }

  connectors(): string[] {
    return [...this.#states.keys()];
  }
}
