import { describe, expect, it } from 'vitest';
import { safeOperation, safeRoute } from './safe-route.ts';

describe('safeRoute', () => {
  it('keeps a template untouched', () => {
    expect(safeRoute('/repos/{owner}/{repo}/issues')).toBe('/repos/{owner}/{repo}/issues');
  });

  it('drops the query and fragment', () => {
    expect(safeRoute('/search?q=x&api_key=abcd1234')).toBe('/search');
    expect(safeRoute('/a#frag?x')).toBe('/a');
  });

  it('drops origin and user info from an absolute URL', () => {
    expect(safeRoute('https://user:pw@api.example.com/v1/items?cursor=abc&token=zzz')).toBe('/v1/items');
    expect(safeRoute('https://api.example.com?page=2')).toBe('/');
  });
});

describe('safeOperation', () => {
  it('keeps a named operation', () => {
    expect(safeOperation('issues.list')).toBe('issues.list');
  });

  it('cleans the route part of a default `METHOD route` name', () => {
    expect(safeOperation('GET https://api.example.com/items?api_key=secret1234')).toBe('GET /items');
    expect(safeOperation('GET /items?token=secret1234')).toBe('GET /items');
  });
});
