import { definePackageTests } from '@connectors/tooling/vitest';

// The end-to-end test runs the whole demo (a sandbox, a sync with Retry-After waits, a webhook burst) in a child process.
export default definePackageTests({ testTimeout: 90_000 });
