import { defineConfig } from 'vitest/config';

/**
 * The test setup every package shares. Tests run in forks because several
 * suites start child processes and native modules (better-sqlite3).
 * @param {{ testTimeout?: number, setupFiles?: string[] }} [options]
 */
export function definePackageTests(options = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: 20_000,
      setupFiles: options.setupFiles ?? [],
      restoreMocks: true,
    },
  });
}
