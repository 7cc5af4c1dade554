/** A compiled route pattern. */
export interface RoutePattern {
  readonly pattern: string;
  match(path: string): Record<string, string> | undefined;
}

/**
 * Compiles `/repos/:owner/:repo/issues` (and a trailing `*`) into a matcher. Hand-written: Node 22
 * has no URLPattern and the sandbox needs only named segments.
 */
export function compileRoute(pattern: string): RoutePattern {
  if (!pattern.startsWith('/')) throw new TypeError(`sandbox route path must start with "/"; got ${JSON.stringify(pattern)}`);
  const names: string[] = [];
  const source = pattern
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) => {
      if (segment === '*') {
        names.push('*');
        return '(.*)';
      }
      if (segment.startsWith(':')) {
        const name = segment.slice(1);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`sandbox route ${pattern}: bad parameter name ${JSON.stringify(name)}`);
        names.push(name);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const regex = new RegExp(`^${source}/?$`);
  return {
    pattern,
    match(path) {
      const m = regex.exec(path);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return params;
    },
  };
}
