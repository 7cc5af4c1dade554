// Plain JS on purpose: Node will not strip types from files under node_modules,
// and this preset is loaded through the workspace symlink.
import { defineConfig } from 'tsup';

/**
 * The one build every publishable package uses: ESM only, `.d.ts` beside it.
 * @param {{ entry?: string[] | Record<string, string>, external?: string[] }} [options]
 */
export function definePackageBuild(options = {}) {
  return defineConfig({
    entry: options.entry ?? ['src/index.ts'],
    format: ['esm'],
    target: 'node22',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    external: options.external ?? [],
  });
}
