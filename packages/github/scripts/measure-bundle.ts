// Bundle size and import time of an app that calls one GitHub operation (`issues.listForRepo`),
// built from dist/ (run `pnpm build` first): `node scripts/measure-bundle.ts`. Not a test: figures for
// the README. Two ways to import: the whole connector (`github.create()`), and the client plus the one
// operation (`githubClient` + `@connectors/github/rest/issues`), which is what tree-shaking is for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const apps = {
  'githubClient alone (no operation)': `
    import { githubClient } from '@connectors/github/client';
    export const gh = githubClient.create({ token: 'x' });`,
  'github.create() + gh.issues.listForRepo': `
    import { github } from '@connectors/github';
    const gh = github.create({ token: 'x' });
    export const run = () => gh.issues.listForRepo({ owner: 'octocat', repo: 'Hello-World' });`,
  'githubClient + rest/issues listForRepo': `
    import { githubClient } from '@connectors/github/client';
    import { listForRepo } from '@connectors/github/rest/issues';
    const gh = githubClient.create({ token: 'x' });
    export const run = () => listForRepo(gh, { owner: 'octocat', repo: 'Hello-World' });`,
};

const dir = mkdtempSync(join(new URL('..', import.meta.url).pathname, '.measure-'));
const rows: string[] = ['| app | bundle (minified) | gzipped | import time (median of 7) |', '|---|---:|---:|---:|'];
try {
  for (const [name, source] of Object.entries(apps)) {
    const entry = join(dir, 'app.mjs');
    const outfile = join(dir, 'bundle.mjs');
    writeFileSync(entry, source);
    await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'node', target: 'node22', outfile, logLevel: 'error' });
    const bytes = statSync(outfile).size;
    const gz = gzipSync(readFileSync(outfile)).length;
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`], { encoding: 'utf8' });
      times.push(Number(out.trim()));
    }
    times.sort((a, b) => a - b);
    rows.push(`| ${name} | ${(bytes / 1024).toFixed(0)} KB | ${(gz / 1024).toFixed(0)} KB | ${times[3]!.toFixed(0)} ms |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(rows.join('\n'));
