import type { DeadLetterFilter, InboxEventState, InboxStats, StoredInboxEvent } from './inbox-store.ts';

/** Queue depths as an inspector sees them, with leases whose time ran out apart from live ones. */
export interface InspectedInboxStats extends InboxStats {
  /** Live leases only: held by a worker that renewed in time. */
  leased: number;
  /** Leases whose time ran out (the worker died or hangs): due to be handed out again. */
  expiredLeases: number;
}

/** An event as an inspector reports it: a lease past its time is `expired`, not `leased`. */
export interface InspectedInboxEvent extends Omit<StoredInboxEvent, 'state'> {
  state: InboxEventState | 'expired';
}

/**
 * A read-only view of an inbox for dashboards and CLIs: it never writes, takes no write lock and
 * starts no background work (no checkpointer thread, no LISTEN connection), so it can be opened
 * beside running servers and workers as often as needed.
 */
export interface InboxInspector {
  get(key: string, options?: { now?: number }): Promise<InspectedInboxEvent | undefined>;
  listDeadLetters(filter?: DeadLetterFilter): Promise<StoredInboxEvent[]>;
  stats(options?: { now?: number }): Promise<InspectedInboxStats>;
  close(): Promise<void>;
}

/** Reports a lease past its time as `expired` (stateChangedAt of a leased event is its lease expiry). */
export function inspectedEvent(event: StoredInboxEvent, now: number): InspectedInboxEvent {
  return event.state === 'leased' && event.stateChangedAt !== undefined && event.stateChangedAt <= now ? { ...event, state: 'expired' } : event;
}
