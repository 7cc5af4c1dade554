import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { openEnum } from './open-enum.ts';

describe('openEnum', () => {
  it('accepts the documented values and is typed with them plus any string', () => {
    const state = openEnum(['open', 'closed']);
    expect(v.parse(state, 'open')).toBe('open');
    expectTypeOf<v.InferOutput<typeof state>>().toEqualTypeOf<'open' | 'closed' | (string & {})>();
  });

  it('is a picklist at runtime, so drift handling sees a new value as an unknown enum value', () => {
    const state = openEnum(['open', 'closed']);
    expect(state.type).toBe('picklist');
    expect(v.safeParse(state, 'merged').success).toBe(false);
  });
});
