/**
 * Reduces a route to a path without origin, credentials, query or fragment. Core passes the path
 * template here, but pagination may hand it an absolute `next` URL whose query can carry cursors or
 * keys; this keeps both out of logs, labels and span names. Plain string scanning, no regex and no
 * `URL` parse, because it runs once per attempt.
 */
export function safeRoute(route: string): string {
  let start = 0;
  let end = route.length;
  const query = route.indexOf('?');
  if (query !== -1) end = query;
  const hash = route.indexOf('#');
  if (hash !== -1 && hash < end) end = hash;
  const scheme = route.indexOf('://');
  if (scheme !== -1 && scheme < end) {
    const slash = route.indexOf('/', scheme + 3);
    start = slash === -1 || slash > end ? end : slash;
  }
  if (start === 0 && end === route.length) return route;
  return start === end ? '/' : route.slice(start, end);
}

/**
 * The operation name with any query string removed: the default name is `METHOD path`, so it has
 * the same exposure as the route.
 */
export function safeOperation(operation: string): string {
  const scheme = operation.indexOf('://');
  const query = operation.indexOf('?');
  if (scheme === -1 && query === -1) return operation;
  const space = operation.indexOf(' ');
  if (space !== -1 && space < (scheme === -1 ? operation.length : scheme)) {
    return `${operation.slice(0, space)} ${safeRoute(operation.slice(space + 1))}`;
  }
  return safeRoute(operation);
}
