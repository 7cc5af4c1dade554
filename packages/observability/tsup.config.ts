import { copyFile, mkdir } from 'node:fs/promises';
import { definePackageBuild } from '@connectors/tooling/tsup';
import type { Options } from 'tsup';

const build = definePackageBuild({
  entry: {
    index: 'src/index.ts',
    prometheus: 'src/prometheus.ts',
    opentelemetry: 'src/opentelemetry.ts',
    dashboard: 'src/dashboard.ts',
    credentials: 'src/credentials.ts',
    cli: 'src/cli.ts',
  },
}) as Options;

export default {
  ...build,
  // The Grafana dashboard and the Prometheus rules ship inside dist/ (the only folder published).
  async onSuccess() {
    await mkdir('dist/monitoring', { recursive: true });
    await Promise.all(['grafana-dashboard.json', 'prometheus-rules.yml'].map((file) => copyFile(`monitoring/${file}`, `dist/monitoring/${file}`)));
  },
} satisfies Options;
