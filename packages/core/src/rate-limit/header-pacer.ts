import type { Clock } from '../internal/clock.ts';
import type { RateLimitObservation, RateLimitParser, RateLimitRequest, RateLimitResponse } from './rate-limit-parser.ts';
import { type Admission, type GateVerdict, WaitQueue } from './wait-queue.ts';

const DEFAULT_BUCKET = 'default';
/** Window budgets whose reset time is not given are looked at again after this long. */
const UNKNOWN_RESET_MS = 1000;
/** Route-to-bucket memory is bounded: absolute URLs (next-page links) can make routes unbounded. */
const MAX_LEARNED_ROUTES = 1000;

/**
 * The answer the model rests on: `remaining` as the provider counted it when it handled call number
 * `index` (in this bucket's send order).
 */
interface Base {
  remaining: number;
  index: number;
  observedAt: number;
  /** Window budgets: when the provider resets the window. */
  resetAt: number;
  /** Leaky buckets: budget regained per second. */
  refillPerSecond: number | undefined;
}

/** One budget as the pacer models it from the provider's answers. */
interface Bucket {
  readonly name: string;
  /** `unknown`: nothing trustworthy (send one probe at a time); `none`: the provider sends no limits; `known`: modelled. */
  mode: 'unknown' | 'none' | 'known';
  limit: number | undefined;
  base: Base;
  /** The most seen remaining in this window; stands in for `limit` when the provider does not send one. */
  peak: number;
  /**
   * Counts the times the model was found expired. Only calls sent since may set a new one: an answer
   * from a call sent before could come from either window.
   */
  epoch: number;
  pausedUntil: number;
  /** Calls let through on this bucket so far; each call's number orders it against the answers. */
  sent: number;
  /** Numbers of the calls whose response is not back: the provider may not have counted them yet. */
  inFlight: Set<number>;
  /** Calls sent as probes while the model is unknown or expired. */
  probes: number;
  lastSendAt: number;
  queue: WaitQueue<PacerTicket>;
}

/** What the pacer currently believes about one provider budget. */
export interface RateLimitBucketState {
  /** `unknown`: waiting for a first answer (or a new window); `none`: the provider sends no limits; `known`: paced. */
  mode: 'unknown' | 'none' | 'known';
  /** Calls the pacer reckons are left now, calls in flight already taken off. */
  remaining?: number;
  limit?: number;
  /** Epoch ms of the window reset, for window budgets. */
  resetAt?: number;
  inFlight: number;
  /** Epoch ms until which a Retry-After holds every call. */
  pausedUntil?: number;
}

/** A call the pacer let through; hand it back with the response. */
export interface PacerTicket {
  readonly bucket: string;
  readonly index: number;
  readonly epoch: number;
  readonly probe: boolean;
  /** The call, whose route learns its bucket from the answer (the route key is built only then). */
  readonly request: RateLimitRequest | undefined;
}

type OpenTicket = { -readonly [K in keyof PacerTicket]: PacerTicket[K] };

function routeKeyOf(request: RateLimitRequest): string {
  return `${request.method} ${request.route}`;
}

export interface HeaderPacerOptions {
  parser: RateLimitParser;
  clock: Clock;
  /**
   * Once the budget left falls to this fraction of the limit, the rest is spread evenly over the time
   * to reset instead of sent in a burst. Default 0.2; 1 always spreads; 0 bursts until empty.
   */
  spreadBelow?: number;
}

/**
 * Paces calls from what the provider's headers say, before the limit is hit.
 *
 * An answer to call number i saying `remaining: r` bounds what is left now: r, less every call sent
 * after i (the provider had not seen them), less the calls sent before i still in flight (it may not
 * have counted them). The pacer keeps the lowest such bound; that is what keeps a burst of 500
 * concurrent calls from overshooting, and answers that arrive out of order, or from the provider's
 * next window while the model still holds the last one, from loosening it.
 * Until a bucket is known, one probe goes first and the others wait for its headers; after a window
 * resets, one probe again reads the new window before the burst.
 */
export class HeaderPacer {
  readonly #parser: RateLimitParser;
  readonly #clock: Clock;
  readonly #spreadBelow: number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #learned = new Map<string, string>();
  #pausedUntil = 0;

  constructor(options: HeaderPacerOptions) {
    this.#parser = options.parser;
    this.#clock = options.clock;
    this.#spreadBelow = options.spreadBelow ?? 0.2;
    if (!(this.#spreadBelow >= 0 && this.#spreadBelow <= 1)) {
      throw new TypeError(`rateLimit.spreadBelow must be a fraction between 0 and 1; got ${String(options.spreadBelow)}`);
    }
  }

  /** Waits until the provider's budget allows this call; see `WaitQueue.acquire` for the limits. */
  async acquire(request: RateLimitRequest, signal: AbortSignal, limitAt: number, tooLong: (at: number) => Error): Promise<Admission<PacerTicket>> {
    const admission = await this.#bucket(this.#bucketNameFor(request)).queue.acquire(signal, limitAt, tooLong);
    (admission.value as OpenTicket).request = request;
    return admission;
  }

  /**
   * Lets the call through at once when its bucket has room and no call is queued on it (the common
   * case: a provider with budget to spare, or one that sends no limits); undefined means the call
   * must `acquire` and wait its turn. Costs no promise.
   */
  tryAcquire(request: RateLimitRequest): PacerTicket | undefined {
    const verdict = this.#bucket(this.#bucketNameFor(request)).queue.tryNow();
    if (!verdict) return undefined;
    (verdict.value as OpenTicket).request = request;
    return verdict.value;
  }

  #bucketNameFor(request: RateLimitRequest): string {
    // Most clients never learn a route's bucket: then no route key is built per call.
    const learned = this.#learned.size ? this.#learned.get(routeKeyOf(request)) : undefined;
    return learned ?? this.#parser.bucketFor?.(request) ?? DEFAULT_BUCKET;
  }

  /** Hands back a ticket with the response (or none when the attempt failed without one). */
  complete(ticket: PacerTicket, response: RateLimitResponse | undefined): void {
    const bucket = this.#bucket(ticket.bucket);
    bucket.inFlight.delete(ticket.index);
    if (ticket.probe) bucket.probes = Math.max(0, bucket.probes - 1);
    const now = this.#clock.now();
    let observation: RateLimitObservation | undefined;
    if (response) {
      try {
        observation = this.#parser.read(response, now);
      } catch {
        // A parser that chokes on odd headers must not fail a call that succeeded.
      }
    }
    if (observation) {
      const target = this.#bucket(observation.bucket ?? bucket.name);
      if (target === bucket) {
        this.#apply(bucket, observation, now, ticket.index, ticket.epoch);
      } else {
        if (this.#learned.size >= MAX_LEARNED_ROUTES) this.#learned.clear();
        if (ticket.request) this.#learned.set(routeKeyOf(ticket.request), target.name);
        // The guess was wrong: stop holding its queue behind a probe that will never report on it.
        if (bucket.mode === 'unknown' && ticket.probe) bucket.mode = 'none';
        // The call is not in the right bucket's order: count every call there as unseen by the answer.
        this.#apply(target, observation, now, target.sent, target.epoch);
      }
      if (observation.global) for (const other of this.#buckets.values()) other.queue.notify();
      else target.queue.notify();
    } else if (response && response.status < 500 && bucket.mode === 'unknown' && ticket.probe) {
      bucket.mode = 'none';
    }
    bucket.queue.notify();
  }

  /** The model of each bucket (remaining now by the pacer's count, reset, calls in flight), for tests and health pages. */
  snapshot(): Record<string, RateLimitBucketState> {
    const out: Record<string, RateLimitBucketState> = {};
    const now = this.#clock.now();
    for (const b of this.#buckets.values()) {
      const paused = Math.max(b.pausedUntil, this.#pausedUntil);
      out[b.name] = {
        mode: b.mode,
        inFlight: b.inFlight.size,
        ...(b.mode === 'known' ? { remaining: Math.max(0, Math.floor(this.#available(b, now))) } : {}),
        ...(b.mode === 'known' && b.base.refillPerSecond === undefined ? { resetAt: b.base.resetAt } : {}),
        ...(b.limit !== undefined ? { limit: b.limit } : {}),
        ...(paused > now ? { pausedUntil: paused } : {}),
      };
    }
    return out;
  }

  #bucket(name: string): Bucket {
    let bucket = this.#buckets.get(name);
    if (!bucket) {
      const created: Bucket = {
        name, mode: 'unknown', limit: undefined, peak: 0, epoch: 0, pausedUntil: 0, sent: 0, inFlight: new Set(), probes: 0,
        base: { remaining: 0, index: 0, observedAt: 0, resetAt: 0, refillPerSecond: undefined },
        lastSendAt: Number.NEGATIVE_INFINITY,
        queue: undefined as unknown as WaitQueue<PacerTicket>,
      };
      created.queue = new WaitQueue(this.#clock, {
        check: (now) => this.#check(created, now),
        // A caller that left between the gate letting it through and hearing so must not hold the slot.
        cancel: (ticket) => this.complete(ticket, undefined),
      });
      this.#buckets.set(name, created);
      bucket = created;
    }
    return bucket;
  }

  /** What an answer implies is left now, by the reasoning in the class comment. */
  #bound(bucket: Bucket, base: Base, now: number): number {
    let unseen = Math.max(0, bucket.sent - base.index);
    for (const index of bucket.inFlight) if (index <= base.index) unseen++;
    if (base.refillPerSecond === undefined) return base.remaining - unseen;
    const refilled = base.remaining + (base.refillPerSecond * Math.max(0, now - base.observedAt)) / 1000 - unseen;
    return Math.min(bucket.limit ?? Number.POSITIVE_INFINITY, refilled);
  }

  #available(bucket: Bucket, now: number): number {
    return this.#bound(bucket, bucket.base, now);
  }

  #admit(bucket: Bucket, now: number, probe: boolean): GateVerdict<PacerTicket> {
    const index = ++bucket.sent;
    bucket.inFlight.add(index);
    if (probe) bucket.probes++;
    bucket.lastSendAt = now;
    const ticket: OpenTicket = { bucket: bucket.name, index, epoch: bucket.epoch, probe, request: undefined };
    return { ready: true, value: ticket };
  }

  #check(bucket: Bucket, now: number): GateVerdict<PacerTicket> {
    const paused = Math.max(this.#pausedUntil, bucket.pausedUntil);
    if (paused > now) return { ready: false, at: paused };
    if (bucket.mode === 'none') return this.#admit(bucket, now, false);
    const rate = bucket.base.refillPerSecond;
    if (bucket.mode === 'unknown' || (rate === undefined && now >= bucket.base.resetAt)) {
      // Nothing trustworthy to go on: one call at a time until its headers come back.
      if (bucket.probes > 0) return { ready: false };
      if (bucket.mode === 'known') {
        bucket.epoch++;
        bucket.mode = 'unknown';
      }
      return this.#admit(bucket, now, true);
    }
    const available = this.#available(bucket, now);
    const reserve = this.#spreadBelow * (bucket.limit ?? bucket.peak);
    if (rate === undefined) {
      if (available < 1) return { ready: false, at: bucket.base.resetAt };
      if (available > reserve) return this.#admit(bucket, now, false);
      // Spread what is left evenly up to the reset: solve t - last >= (reset - t) / available.
      const readyAt = (available * bucket.lastSendAt + bucket.base.resetAt) / (available + 1);
      return readyAt <= now ? this.#admit(bucket, now, false) : { ready: false, at: Math.ceil(readyAt) };
    }
    if (available < 1) return { ready: false, at: Math.ceil(now + ((1 - available) / rate) * 1000) };
    if (available > reserve) return this.#admit(bucket, now, false);
    // Near empty, send no faster than the bucket drains.
    const readyAt = bucket.lastSendAt + 1000 / rate;
    return readyAt <= now ? this.#admit(bucket, now, false) : { ready: false, at: Math.ceil(readyAt) };
  }

  #apply(bucket: Bucket, observation: RateLimitObservation, now: number, index: number, epoch: number): void {
    if (observation.retryAfterMs !== undefined) {
      const until = now + observation.retryAfterMs;
      if (observation.global) this.#pausedUntil = Math.max(this.#pausedUntil, until);
      else bucket.pausedUntil = Math.max(bucket.pausedUntil, until);
    }
    const { remaining } = observation;
    if (remaining === undefined || epoch !== bucket.epoch) return;
    if (observation.limit !== undefined) bucket.limit = observation.limit;
    const leaky = observation.refillPerSecond !== undefined;
    const resetAt = leaky ? 0 : (observation.resetAt ?? now + UNKNOWN_RESET_MS);
    if (!leaky && resetAt <= now) return; // an answer from a window that is already over
    const candidate: Base = { remaining, index, observedAt: now, resetAt, refillPerSecond: observation.refillPerSecond };
    const fresh = bucket.mode !== 'known' || leaky !== (bucket.base.refillPerSecond !== undefined);
    if (fresh || this.#bound(bucket, candidate, now) < this.#bound(bucket, bucket.base, now)) {
      bucket.base = candidate;
      bucket.peak = fresh ? remaining : Math.max(bucket.peak, remaining);
      bucket.mode = 'known';
    } else {
      bucket.peak = Math.max(bucket.peak, remaining);
    }
  }
}
