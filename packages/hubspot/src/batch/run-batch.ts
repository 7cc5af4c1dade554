import { ConnectorError, type HttpClient, type Schema } from '@connectors/core';
import * as v from 'valibot';
import { batchResponseSchema, type BatchItemError } from '../crm/crm-object-schemas.ts';
import { HubSpotError } from '../errors/hubspot-error.ts';

/** HubSpot's batch endpoints take at most 100 inputs per call. Source: the CRM object API reference (batch read/create/update/upsert/archive). */
export const BATCH_LIMIT = 100;

/** One input of a batch that did not succeed, with HubSpot's reason. */
export interface BatchFailure<I> {
  /** The input as given, when HubSpot's answer names it (always, for whole-call failures). */
  input: I | undefined;
  /** Its position in the inputs given to the batch call. */
  index: number | undefined;
  /** HubSpot's category (`VALIDATION_ERROR`, `OBJECT_NOT_FOUND`...), or `UNACCOUNTED` when HubSpot returned neither a result nor an error for the input. */
  category: string;
  message: string;
  context: Record<string, unknown> | undefined;
  /** The error of the whole call, when the call itself failed (then every input of it is listed). */
  error: ConnectorError | undefined;
}

/**
 * The result of a batch: every input ends up in `results` or in `failures`, never nowhere. A 207
 * multi-status answer is a partial success: check `ok` or call `throwIfFailed()`.
 */
export interface BatchOutcome<T, I> {
  results: T[];
  failures: BatchFailure<I>[];
  /** True when every input succeeded. */
  readonly ok: boolean;
  /** Calls made (one per 100 inputs). */
  calls: number;
  /** Throws `HubSpotBatchError` (with this outcome) when any input failed. */
  throwIfFailed(): this;
}

/** Some inputs of a batch failed; `outcome` has the results and each failure. */
export class HubSpotBatchError<T = unknown, I = unknown> extends ConnectorError {
  override name = 'HubSpotBatchError';
  readonly outcome: BatchOutcome<T, I>;
  constructor(operation: string, outcome: BatchOutcome<T, I>) {
    const sample = outcome.failures.slice(0, 3).map((f) => `#${f.index ?? '?'} ${f.category}: ${f.message}`).join('; ');
    super(`hubspot ${operation}: ${outcome.failures.length} of ${outcome.results.length + outcome.failures.length} inputs failed (${sample}${outcome.failures.length > 3 ? '; ...' : ''})`, {
      connector: 'hubspot', operation, retryable: false,
    });
    this.outcome = outcome;
  }
}

interface BatchSpec<I, T> {
  operation: string;
  path: string;
  params: Record<string, string>;
  query?: Record<string, string>;
  inputs: readonly I[];
  /** The body of one call for a chunk of inputs (with their global indexes). */
  body(chunk: readonly { input: I; index: number }[]): Record<string, unknown>;
  itemSchema: Schema;
  /** Keys that name an input in results and errors (its id, its idProperty value, its objectWriteTraceId). */
  keysOf(input: I, index: number): readonly string[];
  /** Keys that name a result. */
  resultKeys(result: T): readonly string[];
  /** `none`: the endpoint answers 204 (archive). */
  responseType?: 'json' | 'none';
  signal?: AbortSignal | undefined;
}

function contextKeys(error: BatchItemError): string[] {
  const keys: string[] = [];
  if (error.id) keys.push(error.id);
  for (const value of Object.values(error.context ?? {})) {
    if (Array.isArray(value)) for (const item of value) if (typeof item === 'string' || typeof item === 'number') keys.push(String(item));
    if (typeof value === 'string' || typeof value === 'number') keys.push(String(value));
  }
  return keys;
}

/** Runs a batch in calls of 100 and accounts for every input. */
export async function runBatch<I, T>(http: HttpClient, spec: BatchSpec<I, T>): Promise<BatchOutcome<T, I>> {
  const results: T[] = [];
  const failures: BatchFailure<I>[] = [];
  const schema = batchResponseSchema(spec.itemSchema as v.GenericSchema);
  let calls = 0;
  let stopped: ConnectorError | undefined;
  for (let start = 0; start < spec.inputs.length; start += BATCH_LIMIT) {
    const chunk = spec.inputs.slice(start, start + BATCH_LIMIT).map((input, i) => ({ input, index: start + i }));
    if (stopped) {
      for (const { input, index } of chunk) failures.push({ input, index, category: 'NOT_SENT', message: `not sent: an earlier call failed (${stopped.message})`, context: undefined, error: stopped });
      continue;
    }
    calls++;
    let answer: { results: T[]; errors?: BatchItemError[] } | undefined;
    try {
      answer = (await http.request({
        method: 'POST', path: spec.path, params: spec.params, ...(spec.query ? { query: spec.query } : {}), body: spec.body(chunk),
        operation: spec.operation, idempotent: spec.operation.endsWith('.create') ? false : true,
        ...(spec.responseType === 'none' ? { responseType: 'none' as const } : { schema }),
        ...(spec.signal ? { signal: spec.signal } : {}),
      })) as typeof answer;
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      // A refused call (validation of the whole batch) fails its inputs only; anything else (auth, limits, network) stops the batch.
      if (!(error instanceof HubSpotError)) stopped = error;
      const category = error instanceof HubSpotError ? (error.category ?? 'ERROR') : error.name;
      for (const { input, index } of chunk) failures.push({ input, index, category, message: error.message, context: error instanceof HubSpotError ? error.context : undefined, error });
      continue;
    }
    if (spec.responseType === 'none' || answer === undefined) continue; // 204: every input applied
    const byKey = new Map<string, { input: I; index: number }>();
    for (const entry of chunk) for (const key of spec.keysOf(entry.input, entry.index)) byKey.set(key, entry);
    const accounted = new Set<number>();
    for (const result of answer.results) {
      results.push(result);
      for (const key of spec.resultKeys(result)) {
        const entry = byKey.get(key);
        if (entry) accounted.add(entry.index);
      }
    }
    for (const error of answer.errors ?? []) {
      const matched = [...new Set(contextKeys(error).map((key) => byKey.get(key)).filter((e): e is { input: I; index: number } => e !== undefined))];
      if (matched.length === 0) failures.push({ input: undefined, index: undefined, category: error.category, message: error.message, context: error.context, error: undefined });
      for (const entry of matched) {
        accounted.add(entry.index);
        failures.push({ input: entry.input, index: entry.index, category: error.category, message: error.message, context: error.context, error: undefined });
      }
    }
    // Inputs HubSpot said nothing about are never counted as done. A complete answer (as many results
    // as inputs, no errors) accounts for all of them even when results cannot be matched by key.
    const complete = (answer.errors?.length ?? 0) === 0 && answer.results.length === chunk.length;
    for (const entry of chunk) {
      if (accounted.has(entry.index) || complete) continue;
      failures.push({ input: entry.input, index: entry.index, category: 'UNACCOUNTED', message: 'HubSpot returned neither a result nor an error for this input; treat it as not applied and check before resending', context: undefined, error: undefined });
    }
  }
  const outcome: BatchOutcome<T, I> = {
    results,
    failures,
    calls,
    get ok() {
      return failures.length === 0;
    },
    throwIfFailed() {
      if (failures.length > 0) throw new HubSpotBatchError(spec.operation, outcome);
      return outcome;
    },
  };
  return outcome;
}
