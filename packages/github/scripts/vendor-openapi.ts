// Refreshes the vendored GitHub material: `node scripts/vendor-openapi.ts [openapi] [openapi-webhooks] [webhooks-examples] [fixtures]`
// (versions; default latest): the REST and webhook descriptions we generate from, and, for tests, the
// documented webhook examples (@octokit/webhooks-examples) and recorded exchanges (@octokit/fixtures).
// `@octokit/openapi` is ~385 MB unpacked (every GHES version, dereferenced copies), so neither CI nor
// users install it: this packs the tarball into a temporary folder, keeps the one file we generate
// from, and stores it brotli-compressed with its version and sha256 in openapi/manifest.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const here = new URL('../openapi/', import.meta.url);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Packs `pkg`, reads what `read` takes from the unpacked folder, stores it compressed as `target`. */
function vendor(pkg: string, version: string, member: string, target: string, read = (dir: string) => readFileSync(join(dir, 'package', member))) {
  const dir = mkdtempSync(join(tmpdir(), 'vendor-openapi-'));
  try {
    const tarball = execFileSync('npm', ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir, ...(member.endsWith('/') ? ['package/'] : [`package/${member}`, 'package/package.json'])]);
    const json = read(dir);
    const packed = brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } });
    writeFileSync(new URL(target, here), packed);
    const resolved = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as { version: string };
    return { package: pkg, version: resolved.version, member, file: target, sha256: sha256(json), bytes: json.length, compressedBytes: packed.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every recorded api.github.com exchange of @octokit/fixtures, one array per scenario. */
function readFixtures(dir: string): Buffer {
  const root = join(dir, 'package', 'scenarios', 'api.github.com');
  const scenarios: Record<string, unknown> = {};
  for (const name of readdirSync(root).sort()) {
    const file = join(root, name, 'normalized-fixture.json');
    if (existsSync(file)) scenarios[name] = JSON.parse(readFileSync(file, 'utf8'));
  }
  return Buffer.from(JSON.stringify(scenarios));
}

const manifest = {
  rest: vendor('@octokit/openapi', process.argv[2] ?? 'latest', 'generated/api.github.com.json', 'api.github.com.json.br'),
  webhooks: vendor('@octokit/openapi-webhooks', process.argv[3] ?? 'latest', 'generated/api.github.com.json', 'webhooks.api.github.com.json.br'),
  webhookExamples: vendor('@octokit/webhooks-examples', process.argv[4] ?? 'latest', 'api.github.com/index.json', '../src/webhooks/__fixtures__/webhooks-examples.json.br'),
  fixtures: vendor('@octokit/fixtures', process.argv[5] ?? 'latest', 'scenarios/', '../src/__fixtures__/octokit-fixtures.json.br', readFixtures),
};
writeFileSync(new URL('manifest.json', here), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(JSON.stringify(manifest, null, 2));
