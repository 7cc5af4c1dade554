/**
 * A small reading of Shopify's search syntax (https://shopify.dev/docs/api/usage/search-syntax):
 * terms `field:value`, `field:>value` (`>`, `>=`, `<`, `<=`), `-field:value` to negate, a
 * trailing `*` for a prefix, quotes around values with spaces; bare words search the title/name.
 * Terms are ANDed (the sandbox ignores `OR`).
 */
export interface SearchTerm {
  field: string | undefined;
  op: '=' | '>' | '>=' | '<' | '<=';
  value: string;
  negate: boolean;
}

export function parseSearch(query: string | null | undefined): SearchTerm[] {
  if (!query) return [];
  const terms: SearchTerm[] = [];
  for (const match of query.matchAll(/(-)?(?:([a-z_]+):)?(>=|<=|>|<)?("([^"]*)"|'([^']*)'|\S+)/gi)) {
    const [, neg, field, op, raw, dq, sq] = match;
    const value = dq ?? sq ?? raw!;
    if (!field && /^(AND|OR)$/.test(value)) continue;
    terms.push({ field: field?.toLowerCase(), op: (op as SearchTerm['op'] | undefined) ?? '=', value, negate: neg === '-' });
  }
  return terms;
}

function compare(actual: unknown, term: SearchTerm): boolean {
  if (actual === null || actual === undefined) return false;
  const text = String(actual);
  if (term.op !== '=') {
    const a = Date.parse(text);
    const b = Date.parse(term.value);
    const [x, y] = Number.isNaN(a) || Number.isNaN(b) ? [Number(text), Number(term.value)] : [a, b];
    return term.op === '>' ? x > y : term.op === '>=' ? x >= y : term.op === '<' ? x < y : x <= y;
  }
  const wanted = term.value.toLowerCase();
  const have = text.toLowerCase();
  return wanted.endsWith('*') ? have.startsWith(wanted.slice(0, -1)) : have === wanted;
}

/** Keeps the rows matching every term; `fields` maps a search field to the row's value (arrays match any). */
export function applySearch<T>(rows: readonly T[], query: string | null | undefined, fields: Record<string, (row: T) => unknown>, text: (row: T) => string): T[] {
  const terms = parseSearch(query);
  return rows.filter((row) =>
    terms.every((term) => {
      let matched: boolean;
      if (term.field === undefined) matched = text(row).toLowerCase().includes(term.value.replace(/\*$/, '').toLowerCase());
      else {
        const read = fields[term.field];
        // Shopify ignores fields it does not know for a resource; so does the sandbox.
        if (!read) return true;
        const value = read(row);
        matched = Array.isArray(value) ? value.some((v) => compare(v, term)) : compare(value, term);
      }
      return term.negate ? !matched : matched;
    }),
  );
}
