import { AuthError } from '../errors/auth-error.ts';

/** How many replaced values stay redacted after a rotation (a late response may still echo one). */
const KEEP_PREVIOUS = 4;

/**
 * A secret given as a literal or read from an environment variable by name. The variable is read
 * again on every use, so changing it (or calling `rotate`) swaps the credential without a restart.
 * Errors name the variable, never its value.
 */
export class EnvSecret {
  /** What the secret is, for messages: `API key`, `password`... */
  readonly what: string;
  readonly env: string | undefined;
  readonly #literal: string | undefined;
  #override: string | undefined;
  readonly #previous: string[] = [];
  #lastSeen: string | undefined;

  constructor(what: string, source: { value?: string | undefined; env?: string | undefined }, factory: string) {
    this.what = what;
    if (source.value !== undefined && source.env !== undefined) {
      throw new TypeError(`${factory}: give the ${what} either as \`value\` or as \`env\` (a variable name), not both`);
    }
    if (source.value === undefined && source.env === undefined) {
      throw new TypeError(`${factory}: the ${what} is required; pass \`env: 'VARIABLE_NAME'\` to read it from the environment`);
    }
    if (source.env !== undefined && (typeof source.env !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(source.env))) {
      throw new TypeError(`${factory}: \`env\` must be an environment variable name such as 'API_KEY'`);
    }
    this.env = source.env;
    this.#literal = source.value;
  }

  /** Where the secret comes from, safe to print: `environment variable X` or `the configured value`. */
  get origin(): string {
    return this.#override !== undefined ? `the value given to rotate()` : this.env ? `environment variable ${this.env}` : `the configured ${this.what}`;
  }

  /** The current value, or undefined when missing or blank. */
  peek(): string | undefined {
    // Surrounding whitespace is never part of a key; a trailing newline from a secrets file is a common slip.
    const raw = this.#override ?? (this.env !== undefined ? process.env[this.env] : this.#literal);
    const value = raw?.trim();
    if (!value) return undefined;
    if (this.#lastSeen !== undefined && this.#lastSeen !== value) this.#remember(this.#lastSeen);
    this.#lastSeen = value;
    return value;
  }

  /** The current value; throws `AuthError` (code `missing`) naming the variable when it is absent. */
  read(connector: string, operation: string): string {
    const value = this.peek();
    if (value !== undefined) return value;
    const where = this.env
      ? `environment variable ${this.env} is ${process.env[this.env] === undefined ? 'not set' : 'empty'}; set it to the ${this.what}`
      : `the configured ${this.what} is empty`;
    throw new AuthError(`${connector}: no ${this.what}: ${where}`, { connector, operation, code: 'missing', reason: 'credentials are not configured' });
  }

  /** Replaces the value at runtime; it wins over the environment variable from now on. */
  rotate(value: string, factory: string): void {
    if (typeof value !== 'string' || !value.trim()) throw new TypeError(`${factory}.rotate: the new ${this.what} must be a non-empty string`);
    const current = this.peek();
    if (current !== undefined && current !== value.trim()) this.#remember(current);
    this.#override = value;
    this.#lastSeen = value.trim();
  }

  /** The current value and the few it replaced, for redaction. */
  values(): string[] {
    const current = this.peek();
    return current === undefined ? [...this.#previous] : [current, ...this.#previous];
  }

  #remember(value: string): void {
    if (this.#previous.includes(value)) return;
    this.#previous.unshift(value);
    this.#previous.length = Math.min(this.#previous.length, KEEP_PREVIOUS);
  }
}

/** Accepts a Date, an ISO string or epoch milliseconds; undefined stays undefined. */
export function toDate(value: Date | string | number | undefined, label: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`${label} must be a Date, an ISO 8601 string or epoch milliseconds; got ${JSON.stringify(value)}`);
  return date;
}
