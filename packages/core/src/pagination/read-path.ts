/** The type at a dotted path (`data`, `paging.next.after`); `''` is the value itself. */
export type ValueAt<T, P extends string> = P extends ''
  ? T
  : P extends `${infer Head}.${infer Rest}`
    ? Head extends keyof NonNullable<T>
      ? ValueAt<NonNullable<T>[Head], Rest>
      : unknown
    : P extends keyof NonNullable<T>
      ? NonNullable<T>[P]
      : unknown;

/** The element type of the list at a dotted path, so `items: 'data'` types the items from the schema. */
export type ItemAt<T, P extends string> = ValueAt<T, P> extends readonly (infer Item)[] ? Item : unknown;

/** Reads a dotted path (`response_metadata.next_cursor`); undefined when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
