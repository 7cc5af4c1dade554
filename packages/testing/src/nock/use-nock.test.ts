import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The package's own bin (its exports map hides the file from resolve()).
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const config = fileURLToPath(new URL('./__fixtures__/vitest.config.ts', import.meta.url));

/** Runs one fixture suite in a child vitest and returns its exit code and output. */
function runChild(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [vitestBin, 'run', '--config', config, '--reporter', 'verbose', '--color', 'false', file], { timeout: 60_000, env: { ...process.env, CI: 'true', NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

describe('useNock in a real vitest run', () => {
  it('fails the test that made an unmatched request, listing it, and cleans up for the next test', async () => {
    const { code, output } = await runChild('unmatched.fixture-test.ts');
    expect(code).not.toBe(0);
    expect(output).toMatch(/UnmatchedRequestsError: 1 request matched no nock interceptor/);
    expect(output).toContain('GET https://api.fixture.test/users/2?access_token=%5BREDACTED%5D');
    expect(output).not.toContain('top-secret-value');
    expect(output).toMatch(/✓ .*runs clean after the failing test/);
    expect(output).toMatch(/1 failed \| 1 passed/);
  });
});

describe('describeConnectorConformance in a real vitest run', () => {
  it('fails exactly the check a broken connector breaks (here: it retries 400s)', async () => {
    const { code, output } = await runChild('broken-connector.fixture-test.ts');
    expect(code).not.toBe(0);
    expect(output).toMatch(/× .*sample conformance > a 400 or 422 is not retried/);
    expect(output).toMatch(/a 400 was sent 4 times/);
    expect(output).toMatch(/1 failed \| 7 passed/);
  });
});
