import { definePackageTests } from '@connectors/tooling/vitest';

export default definePackageTests();
