// Refreshes the vendored GitHub descriptions: `node scripts/vendor-openapi.ts [openapi-version] [webhooks-version]`.
// `@octokit/openapi` is ~385 MB unpacked (every GHES version, dereferenced copies), so neither CI nor
// users install it: this packs the tarball into a temporary folder, keeps the one file we generate
// from, and stores it brotli-compressed with its version and sha256 in openapi/manifest.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const here = new URL('../openapi/', import.meta.url);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function vendor(pkg: string, version: string, member: string, target: string) {
  const dir = mkdtempSync(join(tmpdir(), 'vendor-openapi-'));
  try {
    const tarball = execFileSync('npm', ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir, `package/${member}`, 'package/package.json']);
    const json = readFileSync(join(dir, 'package', member));
    const packed = brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } });
    writeFileSync(new URL(target, here), packed);
    const resolved = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8')) as { version: string };
    return { package: pkg, version: resolved.version, member, file: target, sha256: sha256(json), bytes: json.length, compressedBytes: packed.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const manifest = {
  rest: vendor('@octokit/openapi', process.argv[2] ?? 'latest', 'generated/api.github.com.json', 'api.github.com.json.br'),
  webhooks: vendor('@octokit/openapi-webhooks', process.argv[3] ?? 'latest', 'generated/api.github.com.json', 'webhooks.api.github.com.json.br'),
};
writeFileSync(new URL('manifest.json', here), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(JSON.stringify(manifest, null, 2));
