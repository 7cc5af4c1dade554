import { readFileSync } from 'node:fs';
import { definePackageBuild } from '@connectors/tooling/tsup';
import type { Options } from 'tsup';

// One entry per generated resource (`@connectors/github/rest/issues`) besides the connector, so an
// app that imports a few operations bundles only those and the schemas they reach.
const generated = JSON.parse(readFileSync(new URL('./src/generated/manifest.json', import.meta.url), 'utf8')) as { entries: Record<string, string> };
const base = definePackageBuild({
  entry: { index: 'src/index.ts', sandbox: 'src/sandbox/index.ts', client: 'src/github-client.ts', ...generated.entries },
}) as Options;

// Declarations come from tsc (scripts/emit-declarations.ts): bundling them runs out of memory.
export default { ...base, dts: false, onSuccess: 'node scripts/emit-declarations.ts' } satisfies Options;
