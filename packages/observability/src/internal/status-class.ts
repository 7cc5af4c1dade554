const CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** A low-cardinality label for a status: `2xx`…`5xx`, or `none` when no response arrived. */
export type StatusClass = (typeof CLASSES)[number];

/** Table lookup rather than string building: it runs once per attempt per exporter. */
export function statusClass(status: number | undefined): StatusClass {
  if (status === undefined) return 'none';
  return CLASSES[Math.floor(status / 100)] ?? 'none';
}

/** The position of `statusClass(status)` in a fixed list of six: an array index for per-class caches. */
export function statusClassIndex(status: number | undefined): number {
  if (status === undefined) return 0;
  const index = Math.floor(status / 100);
  return index >= 1 && index <= 5 ? index : 0;
}
