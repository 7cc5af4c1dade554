import type { FixtureFile } from '../fixtures/fixture.ts';
import type { SandboxRoute } from './sandbox-provider.ts';

/**
 * Turns a recorded fixture into sandbox routes: one fixed answer per recorded method and path
 * (the first interaction wins when a path was recorded several times, e.g. pages of a list;
 * serve lists from `data` collections instead to get real pagination).
 */
export function routesFromFixture(fixture: FixtureFile, options: { stripPrefix?: string } = {}): SandboxRoute[] {
  const routes = new Map<string, SandboxRoute>();
  fixture.interactions.forEach((interaction, index) => {
    let pathname: string;
    try {
      pathname = new URL(interaction.request.url).pathname;
    } catch {
      throw new TypeError(`routesFromFixture: interaction ${index} has no absolute request URL; give the route by hand ({ method, path, fixture })`);
    }
    const path = options.stripPrefix && pathname.startsWith(options.stripPrefix) ? pathname.slice(options.stripPrefix.length) || '/' : pathname;
    const method = interaction.request.method.toUpperCase();
    const key = `${method} ${path}`;
    if (!routes.has(key)) routes.set(key, { method, path, fixture: interaction.response });
  });
  return [...routes.values()];
}
