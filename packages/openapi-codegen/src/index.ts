export { generate, type GeneratorConfig, type GenerationResult } from './generate.ts';
export { camel, kebab, pascal } from './naming.ts';
export { loadDescription, type LoadedDescription, type OpenApiDocument } from './load-description.ts';
