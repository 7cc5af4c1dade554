export { generate, loadPatchedDescription, type GeneratorConfig, type GenerationResult, type Patch } from './generate.ts';
export { camel, kebab, pascal } from './naming.ts';
export { loadDescription, type LoadedDescription, type OpenApiDocument } from './load-description.ts';
