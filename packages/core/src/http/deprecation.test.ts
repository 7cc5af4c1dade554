import { describe, expect, it } from 'vitest';
import { readDeprecation } from './deprecation.ts';
import { parseLinkHeader } from './link-header.ts';

describe('parseLinkHeader', () => {
  it('reads several links, quoted and multi-valued rels, commas inside URLs', () => {
    const links = parseLinkHeader(
      '<https://api.github.com/repos/a/b/issues?page=2&q=a,b>; rel="next", <https://api.github.com/repos/a/b/issues?page=5>; rel="last", <https://x.test/d>; rel="deprecation alternate"',
    );
    expect(links.get('next')).toBe('https://api.github.com/repos/a/b/issues?page=2&q=a,b');
    expect(links.get('last')).toBe('https://api.github.com/repos/a/b/issues?page=5');
    expect(links.get('alternate')).toBe('https://x.test/d');
  });
});

describe('readDeprecation', () => {
  it('reads RFC 9745 epoch form, HTTP-date form and Sunset', () => {
    expect(readDeprecation(new Headers({ deprecation: '@1688169599' }))).toEqual({ deprecation: '2023-06-30T23:59:59.000Z' });
    expect(readDeprecation(new Headers({ deprecation: 'Fri, 30 Jun 2023 23:59:59 GMT', sunset: 'Sun, 30 Jun 2024 23:59:59 GMT' }))).toEqual({
      deprecation: '2023-06-30T23:59:59.000Z',
      sunset: '2024-06-30T23:59:59.000Z',
    });
    expect(readDeprecation(new Headers({ deprecation: 'true' }))).toEqual({});
    expect(readDeprecation(new Headers())).toBeUndefined();
  });
});
