import { defineConfig } from 'vitest/config';

// Runs the deliberately failing suites below in a child vitest (see use-nock.test.ts); the
// package's own config never picks them up (they are not *.test.ts).
export default defineConfig({ test: { include: ['**/*.fixture-test.ts'], root: import.meta.dirname, pool: 'forks' } });
