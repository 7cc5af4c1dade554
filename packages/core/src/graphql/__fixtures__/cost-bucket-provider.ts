import type { Clock } from '../../internal/clock.ts';

interface Held {
  run(): void;
  answer(): void;
}

/**
 * A GraphQL provider behind `fetch` with a Shopify-like leaky bucket (charged when a call runs,
 * `THROTTLED` when it lacks the points, `extensions.cost.throttleStatus` in every answer), whose calls
 * the test can hold: run them in one order and answer them in another, as a busy network or event
 * loop does. Each call is named by its `name` variable; every call costs `cost` points.
 */
export function costBucketProvider(clock: Clock, options: { maximum: number; restoreRate: number; available?: number; cost?: number }) {
  const { maximum, restoreRate } = options;
  const cost = options.cost ?? 50;
  let level = options.available ?? maximum;
  let at = clock.now();
  let holding = false;
  const held = new Map<string, Held>();
  const arrivals = new Map<string, () => void>();
  const arrived = new Map<string, Promise<void>>();
  const ran: string[] = [];
  let throttled = 0;

  const arrival = (name: string): Promise<void> => {
    let promise = arrived.get(name);
    if (!promise) arrived.set(name, (promise = new Promise<void>((resolve) => arrivals.set(name, resolve))));
    return promise;
  };

  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const { variables } = (await request.json()) as { variables?: { name?: string } };
    const name = variables?.name ?? 'unnamed';
    let run!: () => void;
    let answer!: () => void;
    const running = new Promise<void>((resolve) => (run = resolve));
    const answering = new Promise<void>((resolve) => (answer = resolve));
    if (holding) held.set(name, { run, answer });
    else {
      run();
      answer();
    }
    void arrival(name);
    arrivals.get(name)!();
    await running;
    level = Math.min(maximum, level + (restoreRate * Math.max(0, clock.now() - at)) / 1000);
    at = clock.now();
    ran.push(name);
    const ok = level >= cost;
    if (ok) level -= cost;
    else throttled++;
    // The state as the provider saw it when the call ran, whenever the answer gets through.
    const status = { maximumAvailable: maximum, currentlyAvailable: Math.floor(level), restoreRate };
    const body = ok
      ? { data: { name }, extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: status } } }
      : { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: status } } };
    const text = JSON.stringify(body);
    await answering;
    return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
  };

  const get = (name: string): Held => {
    const call = held.get(name);
    if (!call) throw new Error(`no held call named ${name}`);
    return call;
  };

  return {
    fetch,
    /** Calls that arrive from now on wait for `run` and `answer`. */
    hold() {
      holding = true;
    },
    /** Held calls run and answer as they arrive from now on (those still held stay held). */
    flow() {
      holding = false;
    },
    /** Resolves once the call `name` reached the provider. */
    arrival,
    /** The provider runs the held call `name` (charges it) now; its answer waits for `answer`. */
    run(name: string) {
      get(name).run();
    },
    answer(name: string) {
      get(name).answer();
      held.delete(name);
    },
    /** Runs and answers every held call, in the order they arrived. */
    releaseAll() {
      for (const name of [...held.keys()]) {
        get(name).run();
        get(name).answer();
        held.delete(name);
      }
    },
    /** Another app on the same shop spends `points` now (down to 0). */
    spend(points: number) {
      level = Math.min(maximum, level + (restoreRate * Math.max(0, clock.now() - at)) / 1000);
      at = clock.now();
      level = Math.max(0, level - points);
    },
    /** Names of the calls in the order the provider ran them. */
    ran,
    get throttled() {
      return throttled;
    },
  };
}
