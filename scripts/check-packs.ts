// `pnpm lint:packs`: what `pnpm pack` would publish for each public package must be only
// dist/, README.md, CHANGELOG.md and LICENSE (plus package.json, which npm always includes).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const allowed = /^(dist\/.+|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/;
const required = ['README.md', 'LICENSE', 'package.json'];
let failed = false;

for (const dir of readdirSync('packages').map((name) => join('packages', name))) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; private?: boolean };
  if (manifest.private) continue;
  const out = execFileSync('pnpm', ['pack', '--dry-run', '--json'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = (JSON.parse(out) as { files: { path: string }[] }).files.map((f) => f.path);
  const extra = files.filter((path) => !allowed.test(path));
  const missing = [...required, 'dist/index.js', 'dist/index.d.ts'].filter((path) => !files.includes(path));
  if (extra.length || missing.length) {
    failed = true;
    if (extra.length) console.error(`${manifest.name}: would publish files outside dist/README/CHANGELOG/LICENSE: ${extra.join(', ')} (fix "files" in package.json)`);
    if (missing.length) console.error(`${manifest.name}: the package would lack ${missing.join(', ')} (run the build; add README.md/LICENSE)`);
  } else {
    console.log(`${manifest.name}: ${files.length} files, only dist/README/LICENSE`);
  }
}
process.exit(failed ? 1 : 0);
