import { definePackageBuild } from '@connectors/tooling/tsup';

export default definePackageBuild({ entry: { index: 'src/index.ts', sqlite: 'src/sqlite.ts', redis: 'src/redis.ts', postgres: 'src/postgres.ts', cli: 'src/cli.ts', 'sqlite-checkpointer': 'src/stores/sqlite-checkpointer.ts' } });
