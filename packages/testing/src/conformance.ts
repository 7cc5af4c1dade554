/**
 * `@connectors/testing/conformance`: the vitest suite every connector package runs.
 * Needs vitest and nock (optional peer dependencies of this package).
 */
export { describeConnectorConformance } from './conformance/describe-connector-conformance.ts';
export {
  conformanceChecks,
  runConformance,
  ConformanceError,
  type ConformanceCheck,
  type ConformanceResult,
} from './conformance/conformance-checks.ts';
export type { ConformanceOptions, ConformanceRoute } from './conformance/conformance-options.ts';
