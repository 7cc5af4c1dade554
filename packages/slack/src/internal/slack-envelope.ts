import * as v from 'valibot';

/**
 * The fields every successful Slack answer may carry besides its own: `ok: true`, a `warning`, and
 * `response_metadata` (`next_cursor` for listings, `warnings`, `messages`). Response schemas are
 * `v.object`s of the documented fields, not `looseObject`s: a field Slack adds is reported once as a
 * `schema-drift` event (and left out of the typed result) instead of passing unseen.
 */
export const responseMetadataSchema = v.looseObject({
  next_cursor: v.optional(v.string()),
  warnings: v.optional(v.array(v.string())),
  messages: v.optional(v.array(v.string())),
});

export function slackResponse<E extends v.ObjectEntries>(entries: E) {
  return v.object({
    ok: v.literal(true),
    warning: v.optional(v.string()),
    response_metadata: v.optional(responseMetadataSchema),
    ...entries,
  });
}

/** A Slack `{ value, creator, last_set }` (channel topic and purpose). */
export const topicSchema = v.looseObject({ value: v.string(), creator: v.string(), last_set: v.number() });

/** Message timestamps are strings (`"1512085950.000216"`): they are ids, never parse them as numbers. */
export const tsSchema = v.pipe(v.string(), v.regex(/^\d+\.\d+$/, 'a Slack message ts ("1512085950.000216")'));
