import { execute, parse, validate, type DocumentNode } from 'graphql';
import { gid, type Row } from './seed-data.ts';
import type { SandboxStore } from './sandbox-resolvers.ts';
import { sandboxSchema } from './sandbox-schema.ts';

/** A bulk operation as the sandbox keeps it. */
export interface BulkRecord extends Row {
  id: string;
  shop: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  query: string;
  createdAt: string;
  startedAtMs: number;
  readyAtMs: number;
  completedAt: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  type: 'QUERY';
  errorCode: null;
  partialDataUrl: null;
}

const isConnection = (value: unknown): value is { nodes?: Row[]; edges?: { node: Row }[] } =>
  !!value && typeof value === 'object' && !Array.isArray(value) && (Array.isArray((value as Row)['nodes']) || Array.isArray((value as Row)['edges']));
const itemsOf = (value: { nodes?: Row[]; edges?: { node: Row }[] }) => value.nodes ?? value.edges?.map((e) => e.node) ?? [];

/**
 * Shopify's JSONL layout for a bulk query result: each node is a line; nodes of a nested
 * connection are lines of their own with `__parentId` set to the id of the node they belong to,
 * written after it (https://shopify.dev/docs/api/usage/bulk-operations/queries#the-jsonl-data-format).
 */
function flatten(node: Row, parentId: string | undefined, out: string[]): number {
  const line: Row = {};
  const children: Row[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (isConnection(value)) children.push(...itemsOf(value));
    else line[key] = value;
  }
  if (parentId !== undefined) line['__parentId'] = parentId;
  out.push(JSON.stringify(line));
  let count = 1;
  for (const child of children) count += flatten(child, String(node['id']), out);
  return count;
}

function bulks(store: SandboxStore): BulkRecord[] {
  return (store.data['bulk_operations'] ??= []) as BulkRecord[];
}

/** `bulkOperationRunQuery`: checks the inner query and starts the operation; it completes after `durationMs`. */
export function runBulkQuery(store: SandboxStore, query: string, durationMs: number) {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { bulkOperation: null, userErrors: [{ field: ['query'], message: `Invalid bulk query: ${(error as Error).message}` }] };
  }
  const errors = validate(sandboxSchema(), document);
  if (errors.length) return { bulkOperation: null, userErrors: [{ field: ['query'], message: `Invalid bulk query: ${errors[0]!.message}` }] };
  const running = bulks(store).find((b) => b.shop === store.shop && (b.status === 'CREATED' || b.status === 'RUNNING'));
  if (running) {
    return { bulkOperation: null, userErrors: [{ field: null, message: `A bulk query operation for this app and shop is already in progress: ${running.id}.` }] };
  }
  const record: BulkRecord = {
    __typename: 'BulkOperation',
    id: gid('BulkOperation', 7000 + bulks(store).length + 1),
    shop: store.shop,
    status: 'CREATED',
    query,
    createdAt: new Date(store.now).toISOString(),
    startedAtMs: store.now,
    readyAtMs: store.now + durationMs,
    completedAt: null,
    objectCount: '0',
    rootObjectCount: '0',
    fileSize: null,
    url: null,
    type: 'QUERY',
    errorCode: null,
    partialDataUrl: null,
  };
  bulks(store).push(record);
  return { bulkOperation: record, userErrors: [] };
}

/**
 * Moves an operation along by the sandbox clock: RUNNING once started, COMPLETED (its file written)
 * once `durationMs` passed. `rootValue` serves the inner query; `fileUrl` is where the file is served.
 */
export async function settleBulk(store: SandboxStore, record: BulkRecord, rootValue: Row, fileUrl: (record: BulkRecord) => string): Promise<BulkRecord> {
  if (record.status === 'CREATED') record.status = 'RUNNING';
  if (record.status !== 'RUNNING' || store.now < record.readyAtMs) return record;
  const result = await execute({ schema: sandboxSchema(), document: parse(record.query), rootValue, contextValue: { bulk: true } });
  const lines: string[] = [];
  let objects = 0;
  let roots = 0;
  for (const value of Object.values((result.data ?? {}) as Row)) {
    const nodes = isConnection(value) ? itemsOf(value) : value && typeof value === 'object' ? [value as Row] : [];
    for (const node of nodes) {
      roots++;
      objects += flatten(node, undefined, lines);
    }
  }
  const content = lines.length ? `${lines.join('\n')}\n` : '';
  const files = (store.data['bulk_files'] ??= []) as { id: string; content: string }[];
  files.push({ id: record.id, content });
  Object.assign(record, {
    status: 'COMPLETED',
    completedAt: new Date(store.now).toISOString(),
    objectCount: String(objects),
    rootObjectCount: String(roots),
    fileSize: content ? String(Buffer.byteLength(content)) : null,
    url: content ? fileUrl(record) : null,
  });
  return record;
}

export function findBulk(store: SandboxStore, id: string): BulkRecord | undefined {
  return bulks(store).find((b) => b.id === id && b.shop === store.shop);
}

export function currentBulk(store: SandboxStore): BulkRecord | undefined {
  return bulks(store).filter((b) => b.shop === store.shop).at(-1);
}

export function cancelBulk(store: SandboxStore, id: string) {
  const record = findBulk(store, id);
  if (!record) return { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
  if (record.status !== 'CREATED' && record.status !== 'RUNNING') {
    return { bulkOperation: record, userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${record.status.toLowerCase()}` }] };
  }
  record.status = 'CANCELED';
  return { bulkOperation: record, userErrors: [] };
}

export function bulkFile(store: SandboxStore, id: string): string | undefined {
  return ((store.data['bulk_files'] ?? []) as { id: string; content: string }[]).find((f) => f.id === id)?.content;
}
