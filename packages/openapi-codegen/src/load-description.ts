import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import $RefParser from '@apidevtools/json-schema-ref-parser';

/** The parts of an OpenAPI 3.0/3.1 document the generator reads. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface LoadedDescription {
  document: OpenApiDocument;
  /** sha256 of the bytes read (compressed or not), for the vendoring manifest. */
  sha256: string;
  /** Resolves a local `#/...` reference (after bundling every reference is local). */
  resolve(ref: string): unknown;
}

/**
 * Reads a description (JSON or YAML; `.gz` and `.br` are decompressed first) and bundles it with
 * json-schema-ref-parser, so references to other files become local `#/...` pointers and every
 * later lookup is one JSON-pointer step.
 */
export async function loadDescription(file: string): Promise<LoadedDescription> {
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const parser = new $RefParser();
  let document: OpenApiDocument;
  if (file.endsWith('.gz') || file.endsWith('.br')) {
    const text = (file.endsWith('.gz') ? gunzipSync(bytes) : brotliDecompressSync(bytes)).toString('utf8');
    document = (await parser.bundle(file, JSON.parse(text) as object, {})) as OpenApiDocument;
  } else {
    document = (await parser.bundle(file)) as OpenApiDocument;
  }
  if (typeof document.openapi !== 'string' || !/^3\.[01]\./.test(document.openapi)) {
    throw new TypeError(`${file}: not an OpenAPI 3.0 or 3.1 description (openapi: ${JSON.stringify(document.openapi)}); convert Swagger 2.0 first`);
  }
  const resolve = (ref: string): unknown => {
    if (!ref.startsWith('#/')) throw new TypeError(`${file}: reference ${ref} was not bundled into a local pointer`);
    let node: unknown = document;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = (node as Record<string, unknown> | undefined)?.[key];
      if (node === undefined) throw new TypeError(`${file}: reference ${ref} points nowhere`);
    }
    return node;
  };
  return { document, sha256, resolve };
}
