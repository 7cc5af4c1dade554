import { describe, expect, it } from 'vitest';
import { paginate } from './paginate.ts';
import type { SandboxRequest } from './sandbox-provider.ts';

const items = Array.from({ length: 7 }, (_, i) => ({ id: `obj_${i + 1}` }));

function request(url: string): SandboxRequest {
  const parsed = new URL(url);
  return { method: 'GET', path: parsed.pathname, params: {}, query: parsed.searchParams, headers: {}, body: undefined, rawBody: '', url: parsed };
}

describe('paginate (link style)', () => {
  it('caps the page size, keeps other query parameters and links only what exists', () => {
    const page = paginate(items, request('http://s/gh/items?state=open&per_page=500'), { style: 'link', maxSize: 3 });
    expect(page.body).toEqual(items.slice(0, 3));
    expect(page.headers?.link).toBe('<http://s/gh/items?state=open&per_page=3&page=2>; rel="next", <http://s/gh/items?state=open&per_page=3&page=3>; rel="last"');
    const last = paginate(items, request('http://s/gh/items?per_page=3&page=3'), { style: 'link' });
    expect(last.body).toEqual(items.slice(6));
    expect(last.headers?.link).not.toContain('rel="next"');
  });

  it('falls back to page 1 and the default size for nonsense, and answers an empty list without links', () => {
    expect(paginate(items, request('http://s/items?page=-2&per_page=abc'), { style: 'link', defaultSize: 2 }).body).toEqual(items.slice(0, 2));
    expect(paginate([], request('http://s/items'))).toEqual({ status: 200, headers: {}, body: [] });
    expect(paginate(items, request('http://s/items?page=9&per_page=5')).body).toEqual([]);
  });
});

describe('paginate (cursor style)', () => {
  it('walks with starting_after and says when there is more', () => {
    const first = paginate(items, request('http://s/st/v1/items?limit=4'), { style: 'cursor' });
    expect(first.body).toEqual({ object: 'list', data: items.slice(0, 4), has_more: true, url: '/st/v1/items' });
    const second = paginate(items, request('http://s/st/v1/items?limit=4&starting_after=obj_4'), { style: 'cursor' });
    expect(second.body).toMatchObject({ data: items.slice(4), has_more: false });
  });

  it('supports custom parameter names and envelopes', () => {
    const page = paginate(items, request('http://s/items?after=obj_6&size=10'), {
      style: 'cursor', cursorParam: 'after', sizeParam: 'size', envelope: ({ items: data, hasMore }) => ({ results: data, next: hasMore }),
    });
    expect(page.body).toEqual({ results: [{ id: 'obj_7' }], next: false });
  });
});
