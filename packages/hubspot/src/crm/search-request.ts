/**
 * CRM search request bodies. Source: https://developers.hubspot.com/docs/api/crm/search
 * (up to 5 filterGroups of up to 6 filters, ORed groups of ANDed filters; one sort; `limit` up to 200).
 */
export type FilterOperator =
  | 'EQ' | 'NEQ' | 'LT' | 'LTE' | 'GT' | 'GTE' | 'BETWEEN' | 'IN' | 'NOT_IN'
  | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY' | 'CONTAINS_TOKEN' | 'NOT_CONTAINS_TOKEN';

export interface SearchFilter {
  propertyName: string;
  operator: FilterOperator;
  value?: string;
  /** Upper bound for `BETWEEN`. */
  highValue?: string;
  /** For `IN` / `NOT_IN`. */
  values?: readonly string[];
}

export interface SearchFilterGroup {
  filters: readonly SearchFilter[];
}

export interface SearchSort {
  propertyName: string;
  direction: 'ASCENDING' | 'DESCENDING';
}

export interface SearchRequest {
  filterGroups?: readonly SearchFilterGroup[];
  /** HubSpot honours one sort. */
  sorts?: readonly SearchSort[];
  /** Full-text query over the object's default searchable properties. */
  query?: string;
  properties?: readonly string[];
}

export function checkSearchRequest(operation: string, request: SearchRequest): void {
  const groups = request.filterGroups ?? [];
  if (groups.length > 5) throw new TypeError(`hubspot ${operation}: at most 5 filterGroups are allowed; got ${groups.length}`);
  groups.forEach((group, i) => {
    if (!group.filters?.length || group.filters.length > 6) throw new TypeError(`hubspot ${operation}: filterGroups[${i}] must have 1 to 6 filters; got ${group.filters?.length ?? 0}`);
  });
  if ((request.sorts?.length ?? 0) > 1) throw new TypeError(`hubspot ${operation}: HubSpot search takes one sort; got ${request.sorts!.length}`);
}

export function searchBody(request: SearchRequest): Record<string, unknown> {
  return {
    ...(request.filterGroups ? { filterGroups: request.filterGroups } : {}),
    ...(request.sorts ? { sorts: request.sorts } : {}),
    ...(request.query !== undefined ? { query: request.query } : {}),
    ...(request.properties ? { properties: request.properties } : {}),
  };
}
