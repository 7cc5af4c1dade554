import { definePackageTests } from '@connectors/tooling/vitest';

const config = definePackageTests({ testTimeout: 60_000 });
// Pact's native core asks to report usage: never from tests, which must not touch the network.
config.test = { ...config.test, env: { PACT_DO_NOT_TRACK: 'true' } };
export default config;
