import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../clock/fake-clock.ts';
import { FixedWindow } from './fixed-window.ts';

describe('FixedWindow', () => {
  it('counts per key and opens a new window when the old one ends', () => {
    const clock = createFakeClock();
    const window = new FixedWindow({ limit: 2, windowMs: 1000 }, () => clock.now());
    expect(window.take('a')).toMatchObject({ allowed: true, remaining: 1 });
    expect(window.take('a')).toMatchObject({ allowed: true, remaining: 0 });
    expect(window.take('a')).toMatchObject({ allowed: false, remaining: 0, resetAt: clock.now() + 1000 });
    expect(window.take('b')).toMatchObject({ allowed: true, remaining: 1 });
    clock.advance(1000);
    expect(window.take('a')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('reports headers in the configured style', () => {
    const clock = createFakeClock();
    const none = new FixedWindow({ limit: 1, windowMs: 1000, headers: 'none' }, () => clock.now());
    expect(none.headers(none.take('k'))).toEqual({});
    const github = new FixedWindow({ limit: 5, windowMs: 60_000 }, () => clock.now());
    expect(github.headers(github.take('k'))).toMatchObject({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-used': '1', 'x-ratelimit-resource': 'core' });
    expect(github.status).toBe(429);
  });

  it('refuses a nonsense configuration', () => {
    expect(() => new FixedWindow({ limit: 1.5, windowMs: 10 }, Date.now)).toThrow(/limit must be a whole number/);
    expect(() => new FixedWindow({ limit: 1, windowMs: 0 }, Date.now)).toThrow(/windowMs must be > 0/);
  });
});
