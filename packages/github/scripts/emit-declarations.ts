// Declarations for the build, run by tsup after the JS (see tsup.config.ts). tsup's bundled .d.ts
// (rollup-plugin-dts) runs out of memory on 1,200 generated operations after minutes, so `tsc` emits
// one .d.ts per source file under dist/types (without type checking: `pnpm typecheck` does that) and each entry gets a one-line .d.ts pointing there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const started = performance.now();
execFileSync('tsc', ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

// Source imports name `.ts` files; published declarations must name the `.js` they stand for.
function rewrite(dir: string): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) rewrite(file);
    else if (file.endsWith('.d.ts')) {
      const text = readFileSync(file, 'utf8');
      const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
      if (fixed !== text) writeFileSync(file, fixed);
    }
  }
}
rewrite(join(root, 'dist/types'));

const manifest = JSON.parse(readFileSync(join(root, 'src/generated/manifest.json'), 'utf8')) as { entries: Record<string, string> };
const entries: Record<string, string> = { index: 'src/index.ts', sandbox: 'src/sandbox/index.ts', client: 'src/github-client.ts', ...manifest.entries };
for (const [entry, source] of Object.entries(entries)) {
  const target = join(root, 'dist', `${entry}.d.ts`);
  const types = join(root, 'dist/types', source.replace(/^src\//, '').replace(/\.ts$/, '.js'));
  let spec = relative(dirname(target), types);
  if (!spec.startsWith('.')) spec = `./${spec}`;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `export * from '${spec}';\n`);
}
console.log(`declarations emitted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
