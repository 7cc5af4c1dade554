import { definePackageBuild } from '@connectors/tooling/tsup';

export default definePackageBuild({
  entry: { index: 'src/index.ts', prometheus: 'src/prometheus.ts', opentelemetry: 'src/opentelemetry.ts', dashboard: 'src/dashboard.ts', credentials: 'src/credentials.ts', cli: 'src/cli.ts' },
});
