/**
 * Bulk operation documents. https://shopify.dev/docs/api/usage/bulk-operations/queries
 * A bulk query runs asynchronously; its result is a JSONL file in which each node of a nested
 * connection is its own line carrying `__parentId`.
 */

export const BULK_OPERATION_FIELDS = /* GraphQL */ `id status errorCode createdAt completedAt objectCount fileSize url partialDataUrl query`;

export const BULK_RUN_QUERY = /* GraphQL */ `
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) { bulkOperation { ${BULK_OPERATION_FIELDS} } userErrors { field message } }
  }
`;

export const BULK_OPERATION_QUERY = /* GraphQL */ `
  query BulkOperation($id: ID!) { node(id: $id) { ... on BulkOperation { ${BULK_OPERATION_FIELDS} } } }
`;

export const CURRENT_BULK_OPERATION_QUERY = /* GraphQL */ `
  query CurrentBulkOperation { currentBulkOperation(type: QUERY) { ${BULK_OPERATION_FIELDS} } }
`;

export const BULK_CANCEL = /* GraphQL */ `
  mutation BulkOperationCancel($id: ID!) {
    bulkOperationCancel(id: $id) { bulkOperation { ${BULK_OPERATION_FIELDS} } userErrors { field message } }
  }
`;
