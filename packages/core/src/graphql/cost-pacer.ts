import { type Clock, systemClock } from '../internal/clock.ts';
import type { CostAdmission, CostPacer, CostState, CostTicket } from './graphql-types.ts';

/*
 * How a pacer keeps calls under a provider's cost limit when many are in flight and their answers
 * come back in any order. The same rules run in Redis (redis-cost-pacer.ts); keep the two in step.
 *
 * The model of a bucket rests on one report (its "base"), read when it arrived, plus the points of
 * the calls that report may not have counted ("unseen"):
 *
 *   leaky bucket:  spendable(now) = min(maximum, available + restoreRate * (now - at)) - unseen
 *   window:        spendable(now) = remaining - unseen            (until resetAt; then a new window)
 *
 * 1. Which calls a report may not have counted. A report of call i is the provider's state at some
 *    moment between i's send and its answer. A call j that had ended before i was let through was
 *    counted by then; any other call may not have been: those still in flight, those let through
 *    after i, and also those sent before i that were answered while i was on its way (the provider
 *    may have run j after i and answered j first; the late answer of i then misses j). So the base
 *    takes off every point let through except i's own and those that had ended when i was let
 *    through (`CostTicket.endedBefore`), and every call let through afterwards adds to `unseen`.
 *    Counting only the calls still in flight when a report arrives (what the pacer did before) misses
 *    exactly the calls answered in between, and a report that left the provider early but arrived
 *    late then handed their points out a second time.
 *
 * 2. Subtract in-flight points after the cap, never before. The provider's bucket stops filling at
 *    `maximum` while calls we let through have not reached it yet; if they were taken off first,
 *    refill the provider never got would be counted (a loaded machine that sends late, or a slow
 *    network, made this the main cause of THROTTLED in a burst). The bound above holds whenever the
 *    calls are charged: each charge lowers the provider's level by at most its points.
 *
 * 3. Which report to rest on. Reports are ordered by the number of their call (the order calls were
 *    let through). A report not older than the base becomes the new base: it is the freshest word on
 *    the bucket (spending by other clients, Shopify's refund of requested over actual cost) and, by
 *    rule 1, never hands out points still in flight. A report older than the base may only lower
 *    the estimate: by rule 1 it is a valid lower bound too, but it knows less of what other clients
 *    spent, so it never raises what a newer report said.
 *
 * 4. Points are spent when a call is let through, not when it starts waiting: a caller told to wait
 *    asks again, so a call that wakes late (a busy event loop) is weighed against the bucket as it is
 *    then, and reports that arrived meanwhile count. (Reserving up front and sleeping a computed time
 *    let a batch of late sleepers go at once into a bucket that had stopped refilling.) Callers queue
 *    in their own process (GraphQLRunner) so only the first asks.
 *
 * Everything errs on the side of waiting: `at` is when the report was read (refill between the
 * provider's answer and now is not counted), and calls in flight count at their requested cost.
 */

type Model =
  | { kind: 'leaky-bucket'; maximum: number; available: number; restoreRate: number; at: number; newest: number; cutoff: number }
  | { kind: 'window'; limit: number; remaining: number; resetAt: number; newest: number; cutoff: number };

interface Bucket {
  /** Calls let through so far (the last ticket's number). */
  seq: number;
  /** Points let through, in total. */
  admitted: number;
  /** Points of the calls that ended (reported or released), in total. */
  ended: number;
  /** Tickets not ended yet: number -> points. */
  open: Map<number, number>;
  /** The base report; `cutoff` is `admitted` less its unseen points when it was read (unseen = admitted - cutoff). */
  model?: Model;
}

/** What a model says can be spent at `now`. */
function spendable(model: Model, admitted: number, now: number): number {
  const unseen = admitted - model.cutoff;
  if (model.kind === 'window') return model.remaining - unseen;
  const refilled = model.available + (model.restoreRate * Math.max(0, now - model.at)) / 1000;
  return Math.min(model.maximum, refilled) - unseen;
}

/**
 * Paces GraphQL calls by the cost their provider reports, in this process. A leaky bucket refills
 * at `restoreRate` points per second up to `maximum`; a window gives `limit` points until `resetAt`.
 * A call spends its estimated cost when it is let through; the points of calls the provider may not
 * have counted yet are taken off each report, and a report older than the one the pacer rests on can
 * only lower its estimate (the reasoning is at the top of this file). Until a bucket's first report,
 * calls go at once.
 */
export function createCostPacer(clock: Clock = systemClock): CostPacer {
  const buckets = new Map<string, Bucket>();
  const bucketOf = (name: string): Bucket => {
    let bucket = buckets.get(name);
    if (!bucket) buckets.set(name, (bucket = { seq: 0, admitted: 0, ended: 0, open: new Map() }));
    return bucket;
  };
  const end = (bucket: Bucket, seq: number) => {
    const points = bucket.open.get(seq);
    if (points === undefined) return;
    bucket.open.delete(seq);
    bucket.ended += points;
  };
  return {
    reserve(name, cost): CostAdmission {
      const bucket = bucketOf(name);
      const model = bucket.model;
      const now = clock.now();
      let need = cost;
      if (model?.kind === 'leaky-bucket') {
        // More than the bucket can ever hold: send it when it is full and let the provider answer (Shopify: MAX_COST_EXCEEDED).
        need = Math.min(cost, model.maximum);
        const refilled = model.available + (model.restoreRate * Math.max(0, now - model.at)) / 1000;
        const unseen = bucket.admitted - model.cutoff;
        if (Math.min(model.maximum, refilled) - unseen < need && model.restoreRate > 0) {
          // Short of refill: wait for it. Short only because of the cap (the points exist once the calls in
          // flight are charged, which their reports will tell): look again after one call's worth of refill.
          const short = need - (refilled - unseen);
          return { waitMs: Math.max(1, Math.ceil(((short > 0 ? short : need) / model.restoreRate) * 1000)) };
        }
      } else if (model?.kind === 'window' && now < model.resetAt && spendable(model, bucket.admitted, now) < cost) {
        return { waitMs: model.resetAt - now };
      }
      const seq = ++bucket.seq;
      const ticket: CostTicket = { bucket: name, cost: need, seq, endedBefore: bucket.ended };
      bucket.admitted += need;
      bucket.open.set(seq, need);
      return { ticket };
    },
    observe(ticket, state: CostState, options) {
      const bucket = bucketOf(ticket.bucket);
      const retrying = options?.retrying === true;
      if (!retrying) end(bucket, ticket.seq);
      const now = clock.now();
      // Rule 1: every point let through but this call's own (unless it is to be sent again) and those ended before it went.
      const unseen = Math.max(0, bucket.admitted - ticket.endedBefore - (retrying ? 0 : ticket.cost));
      const cutoff = bucket.admitted - unseen;
      const current = bucket.model;
      const candidate: Model = state.kind === 'leaky-bucket'
        ? { kind: 'leaky-bucket', maximum: state.maximum, available: state.available, restoreRate: state.restoreRate, at: now, newest: ticket.seq, cutoff }
        : { kind: 'window', limit: state.limit, remaining: state.remaining, resetAt: state.resetAt.getTime(), newest: ticket.seq, cutoff };
      if (adopts(current, candidate, bucket.admitted, now)) {
        candidate.newest = Math.max(ticket.seq, current?.kind === candidate.kind ? current.newest : 0);
        bucket.model = candidate;
      }
    },
    release(ticket) {
      end(bucketOf(ticket.bucket), ticket.seq);
    },
  };
}

/** Rule 3 (and its window form): whether a report becomes the base. `candidate.newest` is the report's own number here. */
function adopts(current: Model | undefined, candidate: Model, admitted: number, now: number): boolean {
  if (!current || current.kind !== candidate.kind) return true;
  if (current.kind === 'window' && candidate.kind === 'window') {
    if (candidate.resetAt <= now) return false; // an answer from a window that is over
    if (now >= current.resetAt || candidate.resetAt > current.resetAt) return true; // a later window than the base's
    if (candidate.resetAt < current.resetAt) return false;
  }
  if (candidate.newest >= current.newest) return true;
  return spendable(candidate, admitted, now) < spendable(current, admitted, now);
}
