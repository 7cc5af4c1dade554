import { defineConfig } from 'vitest/config';

// One entry point for editors and `vitest` at the root; CI runs each package
// through turbo so results are cached per package.
export default defineConfig({ test: { projects: ['packages/*', 'apps/*'] } });
