import * as v from 'valibot';

/** Stripe's list envelope: `{ object: 'list', data, has_more, url }`. */
export function stripeList<T extends v.GenericSchema>(item: T) {
  return v.looseObject({ object: v.literal('list'), data: v.array(item), has_more: v.boolean(), url: v.string() });
}

/** Stripe's search envelope: `{ object: 'search_result', data, has_more, next_page }`. */
export function stripeSearchResult<T extends v.GenericSchema>(item: T) {
  return v.looseObject({
    object: v.literal('search_result'),
    data: v.array(item),
    has_more: v.boolean(),
    next_page: v.nullish(v.string()),
    url: v.string(),
    total_count: v.optional(v.number()),
  });
}

/** An expandable reference: the id, or the object when the call asked for `expand`. */
export function expandable<T extends v.GenericSchema>(object: T) {
  return v.union([v.string(), object]);
}

/** Any expanded object whose shape this package does not describe (it keeps every field). */
export const stripeObjectSchema = v.looseObject({ id: v.string(), object: v.string() });

/** `metadata`: up to 50 string keys and values. */
export const metadataSchema = v.record(v.string(), v.string());
