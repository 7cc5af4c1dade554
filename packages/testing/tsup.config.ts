import { definePackageBuild } from '@connectors/tooling/tsup';

export default definePackageBuild({
  entry: { index: 'src/index.ts', conformance: 'src/conformance.ts', sandbox: 'src/sandbox.ts' },
  external: ['vitest', 'nock'],
});
