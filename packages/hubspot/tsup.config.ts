import { definePackageBuild } from '@connectors/tooling/tsup';

export default definePackageBuild({ entry: { index: 'src/index.ts', sandbox: 'src/sandbox/index.ts' } });
