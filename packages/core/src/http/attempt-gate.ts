import type { AttemptContext, AttemptMiddleware } from './attempt-context.ts';

/**
 * A check the client runs around every attempt without an async layer of its own: `enter` answers
 * at once in the common case (a closed circuit, budget to spare), so a call pays no promise or
 * microtask for it; only a call that must wait gets a promise. Wrapping each gate in middleware
 * instead cost a few percent of throughput per layer under load.
 */
export interface AttemptGate<T = unknown> {
  /** Admits the attempt: a ticket now, or a promise of one when it must wait. Throws to refuse it. */
  enter(context: AttemptContext): T | Promise<T>;
  /** The attempt is over: with the provider's response, or with the error that ended it. */
  leave(context: AttemptContext, ticket: T, response: Response | undefined, error: unknown): void;
}

/**
 * The same gate as ordinary middleware, for use on clients built elsewhere (`middleware: [...]`).
 * Sends in the same turn when the gate admits at once, as the client does. With `skipUnlimited`
 * (rate limiters), a call made with `rateLimit: false` skips the gate.
 */
export function gateMiddleware<T>(gate: AttemptGate<T>, options: { skipUnlimited?: boolean } = {}): AttemptMiddleware {
  const skipUnlimited = options.skipUnlimited === true;
  return (context, next) => {
    // A rate limiter lets a call with `rateLimit: false` through untouched.
    if (skipUnlimited && context.rateLimit === false) return next();
    const pass = (ticket: T): Promise<Response> => {
      let sent: Promise<Response>;
      try {
        sent = next();
      } catch (error) {
        gate.leave(context, ticket, undefined, error);
        return Promise.reject(error);
      }
      return sent.then(
        (response) => {
          gate.leave(context, ticket, response, undefined);
          return response;
        },
        (error: unknown) => {
          gate.leave(context, ticket, undefined, error);
          throw error;
        },
      );
    };
    let ticket: T | Promise<T>;
    try {
      ticket = gate.enter(context);
    } catch (error) {
      return Promise.reject(error);
    }
    return ticket instanceof Promise ? ticket.then(pass) : pass(ticket);
  };
}
