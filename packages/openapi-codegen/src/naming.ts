const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval'.split(' '),
);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** `list-for-repo` / `list_for_repo` / `ListForRepo` -> `listForRepo`. */
export function camel(name: string): string {
  const w = words(name);
  const out = w.map((word, i) => (i === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1).toLowerCase())).join('') || 'x';
  const safe = /^[0-9]/.test(out) ? `_${out}` : out;
  return RESERVED.has(safe) ? `${safe}_` : safe;
}

/** `simple-user` -> `SimpleUser`. */
export function pascal(name: string): string {
  const c = camel(name).replace(/_$/, '');
  return /^[0-9_]/.test(c) ? `T${c.replace(/^_/, '')}` : c[0]!.toUpperCase() + c.slice(1);
}

/** `Code Scanning` / `codeScanning` -> `code-scanning`. */
export function kebab(name: string): string {
  return words(name).map((w) => w.toLowerCase()).join('-') || 'default';
}

/** A property key as written in an object literal or interface. */
export function propertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}

/** The first sentence-ish line of a description, safe inside a doc comment. */
export function docLine(text: unknown, max = 240): string | undefined {
  if (typeof text !== 'string') return undefined;
  const line = text
    .replace(/\r/g, '')
    .split(/\n\s*\n/)[0]!
    .replace(/\s+/g, ' ')
    .replace(/\*\//g, '*\\/')
    .trim();
  if (!line) return undefined;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
