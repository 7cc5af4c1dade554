import type { ConnectorInstance } from '@connectors/core';
import { describe, it } from 'vitest';
import { conformanceChecks } from './conformance-checks.ts';
import type { ConformanceOptions } from './conformance-options.ts';

/**
 * Registers the conformance suite for a connector: one vitest test per check, under
 * `describe('<name> conformance')`. Call it at the top level of a test file; it sets up and tears
 * down nock itself, so do not combine it with `useNock()` in the same file.
 *
 * @example
 * // packages/github/src/github-conformance.test.ts
 * describeConnectorConformance(github, {
 *   create: (common) => github.create({ token: TOKEN, ...common }),
 *   baseUrl: 'https://api.github.com',
 *   secrets: [TOKEN],
 *   credentials: { path: '/user', ok: loadFixture(new URL('./__fixtures__/user.json', import.meta.url)), identity: 'octocat' },
 *   sample: { call: (gh) => gh.issues.get({ owner: 'o', repo: 'r', number: 1 }), path: '/repos/o/r/issues/1', ok: ..., corrupt: (b) => ({ ...b, number: 'one' }) },
 * });
 */
export function describeConnectorConformance<C extends ConnectorInstance>(connector: { readonly name: string }, options: ConformanceOptions<C>): void {
  if (!connector || typeof connector.name !== 'string' || connector.name === '') {
    throw new TypeError('describeConnectorConformance: the first argument must be the connector (from defineConnector), which has a name');
  }
  const checks = conformanceChecks(options);
  describe(`${connector.name} conformance`, () => {
    for (const check of checks) it(check.title, () => check.run());
  });
}
