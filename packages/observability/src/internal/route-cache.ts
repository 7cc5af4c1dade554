/**
 * Values made once per (connector, operation, method, route) and reused on every attempt: label
 * sets, metric children, child loggers, span attributes. Nested maps instead of one map with a
 * joined key, so a lookup on the hot path allocates nothing:
 * `cache.get(c, o, m, r) ?? cache.add(c, o, m, r, make())`.
 */
export class RouteCache<V> {
  readonly #byConnector = new Map<string, Map<string, Map<string, Map<string, V>>>>();
  readonly #limit: number;
  #size = 0;

  /** Past `limit` distinct routes (next-page URLs with IDs in their path, say) `add` stops keeping values. */
  constructor(limit = 1000) {
    this.#limit = limit;
  }

  // The route looked up last, kept field by field (no allocation when routes alternate): a client
  // busy with one listing asks for the same route call after call.
  #lastConnector: string | undefined;
  #lastOperation: string | undefined;
  #lastMethod: string | undefined;
  #lastRoute: string | undefined;
  #lastValue: V | undefined;

  get(connector: string, operation: string, method: string, route: string): V | undefined {
    if (route === this.#lastRoute && operation === this.#lastOperation && method === this.#lastMethod && connector === this.#lastConnector) {
      return this.#lastValue;
    }
    const value = this.#byConnector.get(connector)?.get(operation)?.get(method)?.get(route);
    if (value !== undefined) {
      this.#lastConnector = connector;
      this.#lastOperation = operation;
      this.#lastMethod = method;
      this.#lastRoute = route;
      this.#lastValue = value;
    }
    return value;
  }

  /** True once `limit` values are kept: callers with an expensive `make` can skip it. */
  get full(): boolean {
    return this.#size >= this.#limit;
  }

  /** Keeps `value` (unless the cache is full) and returns it. */
  add(connector: string, operation: string, method: string, route: string, value: V): V {
    if (this.#size >= this.#limit) return value;
    let byOperation = this.#byConnector.get(connector);
    if (!byOperation) this.#byConnector.set(connector, (byOperation = new Map()));
    let byMethod = byOperation.get(operation);
    if (!byMethod) byOperation.set(operation, (byMethod = new Map()));
    let byRoute = byMethod.get(method);
    if (!byRoute) byMethod.set(method, (byRoute = new Map()));
    if (!byRoute.has(route)) this.#size++;
    byRoute.set(route, value);
    return value;
  }
}
