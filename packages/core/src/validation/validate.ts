import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SchemaValidationError, type SchemaIssue } from '../errors/index.ts';
import { excerpt } from '../internal/redact.ts';

/** Any Standard Schema v1 validator: valibot (natively), zod, arktype... */
export type Schema<Output = unknown> = StandardSchemaV1<unknown, Output>;
export type InferOutput<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;

export interface ValidationContext {
  connector: string;
  operation: string;
  direction: 'response' | 'request';
  /** Secrets to keep out of the excerpt. */
  secrets?: Iterable<string>;
}

export function formatIssuePath(path: StandardSchemaV1.Issue['path']): string {
  if (!path) return '';
  return path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
}

/** Runs a Standard Schema and returns its output or throws `SchemaValidationError` listing every issue. */
export async function validate<S extends Schema>(schema: S, data: unknown, context: ValidationContext): Promise<InferOutput<S>> {
  let result = schema['~standard'].validate(data);
  if (result instanceof Promise) result = await result;
  if (!result.issues) return result.value as InferOutput<S>;
  const issues: SchemaIssue[] = result.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
  throw schemaError(issues, data, context);
}

export function schemaError(issues: SchemaIssue[], data: unknown, context: ValidationContext): SchemaValidationError {
  const head = issues
    .slice(0, 5)
    .map((i) => `${i.path || '(root)'}: ${i.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  let text: string;
  try {
    text = JSON.stringify(data) ?? String(data);
  } catch {
    text = String(data);
  }
  return new SchemaValidationError(
    `${context.connector} ${context.operation}: ${context.direction} does not match its schema: ${head}${more}`,
    { connector: context.connector, operation: context.operation, issues, direction: context.direction, excerpt: excerpt(text, context.secrets ?? [], 300) },
  );
}
