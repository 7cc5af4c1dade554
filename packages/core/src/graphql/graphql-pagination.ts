import { paginate, type Paginated } from '../pagination/paginate.ts';
import type { PageSource } from '../pagination/page-source.ts';
import type { PaginationCheckpoint, PaginationStrategy } from '../pagination/pagination-strategy.ts';
import { type ItemAt, readPath } from '../pagination/read-path.ts';
import type { ResponseData } from '../http/types.ts';
import type { Schema } from '../validation/validate.ts';
import type { GraphQLRequestOptions, GraphQLRunner } from './graphql-call.ts';

/** A GraphQL connection read page by page through `pageInfo { hasNextPage endCursor }` (the Relay connection spec). */
export interface GraphQLPaginateOptions<S extends Schema | undefined = Schema | undefined, C extends string = string, N extends 'nodes' | 'edges' = 'nodes'>
  extends GraphQLRequestOptions<S> {
  // `estimatedCost` applies to each page (a page's cost is known from `first`), so the first page is paced right too.
  /** Dotted path under `data` to the connection, e.g. `products` or `repository.issues`. */
  connection: C;
  /** The query variable that takes the cursor. Default `after`. */
  cursorVariable?: string;
  /** Yield `nodes` (default) or `edges` (`{ cursor, node }`); the query must select it, beside `pageInfo { hasNextPage endCursor }`. */
  items?: N;
  maxItems?: number;
  maxPages?: number;
  /** Resume after the page this checkpoint was taken from. */
  checkpoint?: PaginationCheckpoint;
  /** Fetch page N+1 while the caller processes page N. Default true. */
  prefetch?: boolean;
}

/** The pagination strategy of a connection: the next position is `pageInfo.endCursor` while `hasNextPage`. */
export function connectionPagination(connection: string, cursorVariable = 'after'): PaginationStrategy {
  const where = `${connection}.pageInfo`;
  return {
    kind: 'graphql-connection',
    request: (position) => (position === undefined ? {} : { body: { [cursorVariable]: position } }),
    next(page) {
      const info = readPath(page.body, where) as { hasNextPage?: unknown; endCursor?: unknown } | undefined;
      if (typeof info?.hasNextPage !== 'boolean') {
        return page.fail('invalid-page', `\`${where}.hasNextPage\` is missing; select pageInfo { hasNextPage endCursor } on the connection`);
      }
      if (!info.hasNextPage) return undefined;
      if (typeof info.endCursor !== 'string' || info.endCursor === '') {
        return page.fail('missing-cursor', `\`${where}\` says there is a next page but gives no endCursor`);
      }
      return info.endCursor;
    },
  };
}

/** Reads a connection with `paginate`: same checkpoints, loop detection, prefetch and limits as REST listings. */
export function graphqlPaginate<S extends Schema | undefined, C extends string, N extends 'nodes' | 'edges' = 'nodes'>(
  runner: GraphQLRunner,
  client: { connector: string; baseUrl: string },
  options: GraphQLPaginateOptions<S, C, N>,
): Paginated<ItemAt<ResponseData<S>, `${C}.${N}`>, ResponseData<S>> {
  const cursorVariable = options.cursorVariable ?? 'after';
  const { connection, cursorVariable: _c, items, maxItems, maxPages, checkpoint, prefetch, ...request } = options;
  const operation = request.operationName ?? runner.operationOf(request.query);
  const source: PageSource = {
    connector: client.connector,
    baseUrl: client.baseUrl,
    isSameOrigin: () => true,
    send: async (call) => {
      const cursor = call.body?.[cursorVariable];
      return runner.send({
        ...request,
        variables: { ...request.variables, ...(cursor !== undefined ? { [cursorVariable]: cursor } : {}) },
        ...(call.schema ? { schema: call.schema } : {}),
        signal: call.signal,
      });
    },
  };
  return paginate(source, {
    path: `graphql ${operation} ${connection}`,
    method: 'POST',
    pagination: connectionPagination(connection, cursorVariable),
    items: `${connection}.${items ?? 'nodes'}`,
    operation,
    ...(maxItems !== undefined ? { maxItems } : {}),
    ...(maxPages !== undefined ? { maxPages } : {}),
    ...(checkpoint !== undefined ? { checkpoint } : {}),
    ...(prefetch !== undefined ? { prefetch } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  }) as unknown as Paginated<ItemAt<ResponseData<S>, `${C}.${N}`>, ResponseData<S>>;
}
