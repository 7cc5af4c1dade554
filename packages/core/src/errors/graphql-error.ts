import { ConnectorError, type ConnectorErrorOptions } from './connector-error.ts';

/** One entry of a GraphQL response's `errors` array (GraphQL spec, "Errors"). */
export interface GraphQLErrorEntry {
  message: string;
  /** Where in `data` the error happened, e.g. `['products', 3, 'variants']`. */
  path?: readonly (string | number)[];
  /** Provider details: `code` (Shopify `THROTTLED`, Apollo `UNAUTHENTICATED`), cost, documentation links. */
  extensions?: Record<string, unknown>;
  locations?: readonly { line: number; column: number }[];
  /** GitHub puts its code here (`NOT_FOUND`, `FORBIDDEN`, `RATE_LIMITED`). */
  type?: string;
}

/**
 * A GraphQL operation came back with `errors` (on any status). `partialData` is the `data` that did
 * resolve, when there was some: with the default `partial: 'throw'` it is here and nowhere else.
 */
export class GraphQLError extends ConnectorError {
  static override readonly marker: string = 'connectors.error.GraphQLError';
  override name = 'GraphQLError';
  readonly errors: readonly GraphQLErrorEntry[];
  readonly partialData: unknown;
  /** The first error's code (`extensions.code`, or GitHub's `type`). */
  readonly providerCode: string | undefined;
  readonly status: number | undefined;

  constructor(
    message: string,
    options: ConnectorErrorOptions & { errors: readonly GraphQLErrorEntry[]; partialData?: unknown; providerCode?: string; status?: number },
  ) {
    super(message, options);
    this.errors = options.errors;
    this.partialData = options.partialData;
    this.providerCode = options.providerCode;
    this.status = options.status;
  }

  override toJSON(): Record<string, unknown> {
    // Messages and codes only: `partialData` is the caller's data, never logged.
    return {
      ...super.toJSON(), status: this.status, providerCode: this.providerCode,
      errors: this.errors.map((e) => ({ message: e.message, ...(e.path ? { path: e.path } : {}), ...(codeOf(e) ? { code: codeOf(e) } : {}) })),
    };
  }
}

/** The machine-readable code of an entry: `extensions.code`, else GitHub's `type`. */
export function codeOf(entry: GraphQLErrorEntry): string | undefined {
  const code = entry.extensions?.code;
  if (typeof code === 'string' && code !== '') return code;
  return typeof entry.type === 'string' && entry.type !== '' ? entry.type : undefined;
}
