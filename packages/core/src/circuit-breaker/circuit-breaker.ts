import { CircuitOpenError, ConnectorError } from '../errors/index.ts';
import { type AttemptGate, gateMiddleware } from '../http/attempt-gate.ts';
import type { AttemptContext, AttemptMiddleware } from '../http/attempt-context.ts';
import { type Clock, systemClock } from '../internal/clock.ts';
import { parseDuration } from '../rate-limit/parse-duration.ts';

/**
 * When a host counts as down. The defaults trip at low traffic too: five failures in a row are
 * enough, whatever the rate; at higher traffic half of at least ten calls in a minute.
 */
export interface CircuitBreakerOptions {
  /** Open after this many failed attempts in a row. Default 5. */
  consecutiveFailures?: number;
  /** Open when at least this fraction of the attempts in the window failed... Default 0.5. */
  failureRate?: number;
  /** ...and the window holds at least this many attempts. Default 10. */
  minimumCalls?: number;
  /** The rolling window for the failure rate: ms or `'60s'`-style text. Default 60 s. */
  windowMs?: number | string;
  /** How long an open circuit fails calls fast before letting one probe through. Default 30 s. */
  openMs?: number | string;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Applies `CircuitBreakerOptions`, one circuit per host: as a gate the client runs, or as middleware. */
export interface CircuitBreaker {
  readonly gate: AttemptGate<boolean>;
  readonly middleware: AttemptMiddleware;
  /** The state of a host's circuit (`api.example.com`), e.g. for a health check. */
  state(host: string): CircuitState;
}

const SLICES = 10;

interface HostCircuit {
  state: CircuitState;
  consecutive: number;
  openUntil: number;
  probing: boolean;
  /** Why it last opened, for the error message. */
  why: string;
  /** The rolling window as ten time slices: [slice number, successes, failures]. */
  slices: Array<[number, number, number]>;
}

type Outcome = 'success' | 'failure' | 'neutral';

/**
 * What counts against a host: 5xx (but 501, which is a deterministic "not supported"), timeouts and
 * network errors. A 4xx is the host answering, so it counts as success, and so does a 429: the
 * provider is up and asking us to slow down, which pacing handles; opening the circuit would turn
 * a busy provider into a failed one. Errors raised before sending (a rate-limit refusal, a failed
 * token refresh) and the caller's own abort say nothing about the host.
 */
function outcomeOf(response: Response | undefined, error: unknown, context: AttemptContext): Outcome {
  if (response) return response.status >= 500 && response.status !== 501 ? 'failure' : 'success';
  if (error instanceof ConnectorError || context.callerAborted) return 'neutral';
  return 'failure';
}

/**
 * Builds the circuit-breaker middleware. `createHttpClient` builds one by default; pass
 * `circuitBreaker: false` to turn it off or options to tune it.
 * After a run of failures the host's circuit opens and calls fail fast with `CircuitOpenError`
 * (nothing is sent, no retry) until `openMs` passes; then one probe goes through: success closes
 * the circuit, failure opens it again. Every transition emits a `circuit` event.
 * @throws TypeError for a malformed option, naming it.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}, clock: Clock = systemClock): CircuitBreaker {
  const consecutiveFailures = options.consecutiveFailures ?? 5;
  const failureRate = options.failureRate ?? 0.5;
  const minimumCalls = options.minimumCalls ?? 10;
  if (!Number.isInteger(consecutiveFailures) || consecutiveFailures < 1) {
    throw new TypeError(`circuitBreaker.consecutiveFailures must be a whole number >= 1; got ${JSON.stringify(options.consecutiveFailures)}`);
  }
  if (!(failureRate > 0 && failureRate <= 1)) throw new TypeError(`circuitBreaker.failureRate must be a fraction in (0, 1]; got ${JSON.stringify(options.failureRate)}`);
  if (!Number.isInteger(minimumCalls) || minimumCalls < 1) throw new TypeError(`circuitBreaker.minimumCalls must be a whole number >= 1; got ${JSON.stringify(options.minimumCalls)}`);
  const windowMs = parseDuration(options.windowMs ?? 60_000, 'circuitBreaker.windowMs');
  const openMs = parseDuration(options.openMs ?? 30_000, 'circuitBreaker.openMs');
  const sliceMs = windowMs / SLICES;
  const circuits = new Map<string, HostCircuit>();

  const circuitOf = (host: string): HostCircuit => {
    let circuit = circuits.get(host);
    if (!circuit) {
      circuit = { state: 'closed', consecutive: 0, openUntil: 0, probing: false, why: '', slices: [] };
      circuits.set(host, circuit);
    }
    return circuit;
  };

  /** Counts one outcome in the current time slice. */
  const count = (circuit: HostCircuit, now: number, failed: boolean): number => {
    const slice = Math.floor(now / sliceMs);
    const slot = slice % SLICES;
    const entry = circuit.slices[slot];
    if (!entry || entry[0] !== slice) circuit.slices[slot] = [slice, failed ? 0 : 1, failed ? 1 : 0];
    else entry[failed ? 2 : 1]++;
    return slice;
  };

  /** The window's totals, read only after a failure: the only time the rate can trip. */
  const totals = (circuit: HostCircuit, slice: number): { calls: number; failures: number } => {
    let calls = 0;
    let failures = 0;
    for (const entry of circuit.slices) {
      if (entry && entry[0] > slice - SLICES) {
        calls += entry[1] + entry[2];
        failures += entry[2];
      }
    }
    return { calls, failures };
  };

  const transition = (circuit: HostCircuit, state: CircuitState, context: AttemptContext, failures?: number) => {
    circuit.state = state;
    context.emit({ type: 'circuit', operation: context.operation, state, host: context.host, ...(failures !== undefined ? { failures } : {}) });
  };

  const open = (circuit: HostCircuit, now: number, context: AttemptContext, failures: number, why: string) => {
    circuit.openUntil = now + openMs;
    circuit.why = why;
    circuit.probing = false;
    transition(circuit, 'open', context, failures);
  };

  const record = (circuit: HostCircuit, outcome: Outcome, probe: boolean, context: AttemptContext) => {
    const now = clock.now();
    if (probe) circuit.probing = false;
    if (outcome === 'neutral') return;
    // Answers of calls sent before the circuit opened do not decide anything: only the probe does.
    if (circuit.state !== 'closed' && !probe) return;
    if (outcome === 'success') {
      circuit.consecutive = 0;
      if (probe) {
        circuit.slices = [];
        transition(circuit, 'closed', context);
      } else {
        count(circuit, now, false);
      }
      return;
    }
    circuit.consecutive++;
    if (probe) return open(circuit, now, context, circuit.consecutive, 'the probe call failed');
    const { calls, failures } = totals(circuit, count(circuit, now, true));
    if (circuit.consecutive >= consecutiveFailures) open(circuit, now, context, circuit.consecutive, `${circuit.consecutive} failures in a row`);
    else if (calls >= minimumCalls && failures / calls >= failureRate) {
      open(circuit, now, context, failures, `${failures} of the last ${calls} attempts failed`);
    }
  };

  const refuse = (context: AttemptContext, circuit: HostCircuit, retryAt: number, why: string): CircuitOpenError =>
    new CircuitOpenError(
      `${context.connector} ${context.operation}: the circuit for ${context.host} is ${why}; the call was not sent. Try again after ${new Date(retryAt).toISOString()}`,
      { connector: context.connector, operation: context.operation, host: context.host, retryAt: new Date(retryAt), reason: `the circuit for ${context.host} is ${circuit.state}` },
    );

  /** The ticket says whether this attempt is the half-open probe. */
  const gate: AttemptGate<boolean> = {
    enter(context) {
      const circuit = circuitOf(context.host);
      if (circuit.state === 'closed') return false;
      const now = clock.now();
      if (circuit.state === 'open') {
        if (now < circuit.openUntil) throw refuse(context, circuit, circuit.openUntil, `open (${circuit.why})`);
        transition(circuit, 'half-open', context);
      }
      if (circuit.probing) throw refuse(context, circuit, now + Math.min(openMs, 1000), 'half-open and a probe call is in flight');
      circuit.probing = true;
      return true;
    },
    leave(context, probe, response, error) {
      record(circuitOf(context.host), outcomeOf(response, error, context), probe, context);
    },
  };

  return { gate, middleware: gateMiddleware(gate), state: (host) => circuits.get(host)?.state ?? 'closed' };
}
