import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** Every module the entry loads at runtime (type-only imports and dynamic imports do not load anything up front). */
function runtimeGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^\s*(import|export)\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)'/gm)) {
      const specifier = match[3]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(resolve(SRC, entry));
  return { files, packages };
}

describe('entry points', () => {
  it('the main entry loads neither better-sqlite3 nor ioredis', () => {
    const { packages } = runtimeGraph('index.ts');
    expect([...packages].sort()).toEqual(['@connectors/core', 'node:crypto']);
  });

  it('each store entry loads only its own driver', () => {
    expect(runtimeGraph('sqlite.ts').packages).toContain('better-sqlite3');
    expect(runtimeGraph('sqlite.ts').packages).not.toContain('ioredis');
    // The Redis store only uses the client it is given: ioredis is a type import there.
    expect(runtimeGraph('redis.ts').packages).not.toContain('ioredis');
    expect(runtimeGraph('redis.ts').packages).not.toContain('better-sqlite3');
    // The PostgreSQL store reaches pg only through @connectors/core/postgres (its migrations and connection handling).
    expect([...runtimeGraph('postgres.ts').packages].sort()).toEqual(['@connectors/core', '@connectors/core/postgres', 'node:crypto']);
  });

  it('the graph walker sees through the re-exports (sanity check)', () => {
    const { files } = runtimeGraph('index.ts');
    expect([...files].some((f) => f.endsWith('create-webhook-worker.ts'))).toBe(true);
  });
});
