import { definePackageBuild } from '@connectors/tooling/tsup';

export default definePackageBuild();
