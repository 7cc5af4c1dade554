import { definePackageBuild } from '@connectors/tooling/tsup';

export default definePackageBuild({ entry: { index: 'src/index.ts', sqlite: 'src/sqlite.ts', redis: 'src/redis.ts', postgres: 'src/postgres.ts', 'tokens-cli': 'src/tokens-cli.ts' } });
