import { describe, expect, it } from 'vitest';
import { parseDuration } from './parse-duration.ts';

describe('parseDuration', () => {
  it.each([
    [1500, 1500],
    ['250ms', 250],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['1m', 60_000],
    [' 2 h ', 7_200_000],
    ['1d', 86_400_000],
    ['10S', 10_000],
  ])('reads %j as %i ms', (input, ms) => {
    expect(parseDuration(input, 'x.per')).toBe(ms);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, '', '10', '10 minutes', '1w', 's', '-1s', '0s'])('rejects %j with a TypeError naming the option', (input) => {
    expect(() => parseDuration(input, 'rateLimit.budget.per')).toThrow(TypeError);
    expect(() => parseDuration(input, 'rateLimit.budget.per')).toThrow(/^rateLimit\.budget\.per must be a positive duration: .*'10s'.*; got /);
  });

  it('rejects values of the wrong type', () => {
    expect(() => parseDuration({} as unknown as string, 'per')).toThrow(/got \{\}/);
  });
});
