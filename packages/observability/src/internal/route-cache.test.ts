import { describe, expect, it } from 'vitest';
import { RouteCache } from './route-cache.ts';

describe('RouteCache', () => {
  it('keeps one value per connector, operation, method and route', () => {
    const cache = new RouteCache<string>();
    cache.add('github', 'issues.list', 'GET', '/repos/{owner}/{repo}/issues', 'a');
    cache.add('github', 'issues.list', 'POST', '/repos/{owner}/{repo}/issues', 'b');
    cache.add('stripe', 'issues.list', 'GET', '/repos/{owner}/{repo}/issues', 'c');
    // Alternating lookups go past the last-hit shortcut and must still find each value.
    for (let i = 0; i < 3; i++) {
      expect(cache.get('github', 'issues.list', 'GET', '/repos/{owner}/{repo}/issues')).toBe('a');
      expect(cache.get('github', 'issues.list', 'POST', '/repos/{owner}/{repo}/issues')).toBe('b');
      expect(cache.get('stripe', 'issues.list', 'GET', '/repos/{owner}/{repo}/issues')).toBe('c');
    }
    expect(cache.get('github', 'issues.get', 'GET', '/repos/{owner}/{repo}/issues')).toBeUndefined();
  });

  it('stops keeping values at its limit but still hands them back', () => {
    const cache = new RouteCache<number>(2);
    expect(cache.add('c', 'o', 'GET', '/1', 1)).toBe(1);
    expect(cache.add('c', 'o', 'GET', '/2', 2)).toBe(2);
    expect(cache.full).toBe(true);
    expect(cache.add('c', 'o', 'GET', '/3', 3)).toBe(3);
    expect(cache.get('c', 'o', 'GET', '/3')).toBeUndefined();
    expect(cache.get('c', 'o', 'GET', '/1')).toBe(1);
  });
});
