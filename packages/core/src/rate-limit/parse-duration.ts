const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Reads a duration given as milliseconds (`1500`) or as text with a unit (`'500ms'`, `'10s'`,
 * `'1m'`, `'1h'`, `'1d'`). Hand-written: the grammar is five units, smaller than any library.
 * @param what names the option in the error, e.g. `rateLimit.budget.per`.
 * @throws TypeError that quotes the bad value and shows the accepted forms.
 */
export function parseDuration(value: number | string, what: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value;
  } else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(value);
    if (match) {
      const ms = Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!;
      if (ms > 0) return ms;
    }
  }
  throw new TypeError(
    `${what} must be a positive duration: milliseconds as a number (1500) or a string with a unit ('500ms', '10s', '1m', '1h', '1d'); got ${JSON.stringify(value)}`,
  );
}
