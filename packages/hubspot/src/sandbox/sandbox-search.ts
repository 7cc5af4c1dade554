/** The subset of CRM search the sandbox evaluates: filterGroups (ORed groups of ANDed filters), one sort, after/limit. */
type Json = Record<string, unknown>;
export interface SandboxRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

function comparable(value: string | null | undefined): number | string | undefined {
  if (value === null || value === undefined) return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isFinite(date) ? date : value.toLowerCase();
}

function matches(record: SandboxRecord, filter: Json): boolean {
  const name = String(filter['propertyName']);
  const raw = name === 'hs_object_id' ? record.id : record.properties[name];
  const left = comparable(raw);
  const right = comparable(filter['value'] === undefined ? undefined : String(filter['value']));
  switch (filter['operator']) {
    case 'EQ': return left === right;
    case 'NEQ': return left !== right;
    case 'GT': return left !== undefined && right !== undefined && left > right;
    case 'GTE': return left !== undefined && right !== undefined && left >= right;
    case 'LT': return left !== undefined && right !== undefined && left < right;
    case 'LTE': return left !== undefined && right !== undefined && left <= right;
    case 'HAS_PROPERTY': return raw !== null && raw !== undefined && raw !== '';
    case 'NOT_HAS_PROPERTY': return raw === null || raw === undefined || raw === '';
    case 'IN': return Array.isArray(filter['values']) && (filter['values'] as unknown[]).map((v) => comparable(String(v))).includes(left);
    case 'CONTAINS_TOKEN': return typeof raw === 'string' && raw.toLowerCase().includes(String(filter['value']).replace(/\*/g, '').toLowerCase());
    default: throw new TypeError(`the sandbox does not evaluate the ${String(filter['operator'])} operator`);
  }
}

export function runSearch(records: readonly SandboxRecord[], body: Json): SandboxRecord[] {
  const groups = Array.isArray(body['filterGroups']) ? (body['filterGroups'] as Json[]) : [];
  const query = typeof body['query'] === 'string' ? body['query'].toLowerCase() : undefined;
  let found = records.filter((record) => !record.archived
    && (groups.length === 0 || groups.some((group) => ((group['filters'] as Json[]) ?? []).every((filter) => matches(record, filter))))
    && (!query || Object.values(record.properties).some((value) => value?.toLowerCase().includes(query))));
  const sort = Array.isArray(body['sorts']) ? (body['sorts'] as Json[])[0] : undefined;
  const byId = (a: SandboxRecord, b: SandboxRecord) => Number(a.id) - Number(b.id);
  if (sort) {
    const name = String(sort['propertyName']);
    const sign = sort['direction'] === 'DESCENDING' ? -1 : 1;
    const key = (r: SandboxRecord) => comparable(name === 'hs_object_id' ? r.id : r.properties[name]) ?? '';
    found = [...found].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return (x < y ? -1 : x > y ? 1 : byId(a, b)) * sign;
    });
  } else {
    found = [...found].sort(byId);
  }
  return found;
}
