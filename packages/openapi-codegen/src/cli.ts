#!/usr/bin/env node
// `connectors-openapi [openapi.config.json]`: regenerates a connector's operations and schemas.
import { generate } from './generate.ts';

const config = process.argv[2] ?? 'openapi.config.json';
const started = performance.now();
try {
  const result = await generate(config);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`generated ${result.operations} operations (${result.listings} listings) in ${result.resources} resources and ${result.schemas} schemas, ${result.files} files, in ${seconds} s`);
  if (result.warnings.length) console.log(`${result.warnings.length} notes in manifest.json (warnings)`);
} catch (error) {
  console.error(`connectors-openapi: ${(error as Error).message}`);
  process.exitCode = 1;
}
