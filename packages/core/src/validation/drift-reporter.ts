import type { EventInput } from '../http/events.ts';
import { redactText } from '../internal/redact.ts';
import type { DriftFinding } from './find-drift.ts';
import type { DriftMode, ValidationContext } from './validate.ts';

/** Bounds memory when a misdeclared enum sees endless distinct values, or a client endless operation names. */
const MAX_REMEMBERED = 10_000;
const STRICT: Readonly<Pick<ValidationContext, 'drift'>> = Object.freeze({ drift: 'strict' });
const OFF: Readonly<Pick<ValidationContext, 'drift'>> = Object.freeze({ drift: 'off' });

/**
 * Turns drift findings into `schema-drift` events, each (operation, field) once for the life of the
 * client (and each new enum value once), so a field the provider added shows up once in the logs
 * instead of once per record.
 */
export class DriftReporter {
  readonly #seen = new Set<string>();
  readonly #contexts = new Map<string, Readonly<Pick<ValidationContext, 'drift' | 'onDrift'>>>();
  readonly #mode: DriftMode;
  readonly #emit: (event: EventInput) => void;
  readonly #secrets: () => Iterable<string>;

  constructor(options: { mode?: DriftMode; emit: (event: EventInput) => void; secrets?: () => Iterable<string> }) {
    const mode = options.mode ?? 'report';
    if (!['report', 'strict', 'off'].includes(mode)) {
      throw new TypeError(`validation.drift must be 'report', 'strict' or 'off'; got ${JSON.stringify(mode)}`);
    }
    this.#mode = mode;
    this.#emit = options.emit;
    this.#secrets = options.secrets ?? (() => []);
  }

  /** The drift fields of the validation context for one call; `mode` overrides the client's default. */
  contextFor(operation: string, mode?: DriftMode): Pick<ValidationContext, 'drift' | 'onDrift'> {
    const drift = mode ?? this.#mode;
    if (drift === 'off') return OFF;
    if (drift !== 'report') return drift === 'strict' ? STRICT : { drift };
    // One context per operation instead of a closure per call; the same object is handed out again.
    let context = this.#contexts.get(operation);
    if (!context) {
      if (this.#contexts.size >= MAX_REMEMBERED) this.#contexts.clear();
      context = Object.freeze({ drift, onDrift: (finding: DriftFinding) => this.report(operation, finding) });
      this.#contexts.set(operation, context);
    }
    return context;
  }

  report(operation: string, finding: DriftFinding): void {
    const key = `${operation}\0${finding.kind}\0${finding.path}\0${finding.value ?? ''}`;
    if (this.#seen.has(key) || this.#seen.size >= MAX_REMEMBERED) return;
    this.#seen.add(key);
    const event: EventInput = { type: 'schema-drift', operation, kind: finding.kind, path: finding.path };
    if (finding.value !== undefined) {
      const text = redactText(String(finding.value), this.#secrets());
      event.value = text.length > 64 ? `${text.slice(0, 64)}…` : text;
    }
    this.#emit(event);
  }
}
