import * as v from 'valibot';

/**
 * A string the provider documents as one of `values` but may extend at any time (GitHub added
 * `state_reason: 'duplicate'` years after `completed`). Typed as the known values for autocomplete,
 * yet a new value passes instead of failing every call that returns it.
 *
 * At runtime it is a plain `picklist`, so the core's drift handling sees it: with the default
 * `validation: { drift: 'report' }` a new value passes and is reported once as a `schema-drift` event;
 * with `strict` it fails (for CI). Only the static type is widened, so code that switches on the value
 * keeps a default branch.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(values: T): v.GenericSchema<T[number] | (string & {})> {
  return v.picklist(values) as unknown as v.GenericSchema<T[number] | (string & {})>;
}
