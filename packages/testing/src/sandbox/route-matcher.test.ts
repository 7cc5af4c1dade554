import { describe, expect, it } from 'vitest';
import { compileRoute } from './route-matcher.ts';

describe('compileRoute', () => {
  it('matches named segments, decoding them, with or without a trailing slash', () => {
    const route = compileRoute('/repos/:owner/:repo/issues');
    expect(route.match('/repos/octo%20cat/hello/issues')).toEqual({ owner: 'octo cat', repo: 'hello' });
    expect(route.match('/repos/octo/hello/issues/')).toEqual({ owner: 'octo', repo: 'hello' });
    expect(route.match('/repos/octo/issues')).toBeUndefined();
    expect(route.match('/repos/octo/hello/issues/1')).toBeUndefined();
  });

  it('treats dots and other regex characters literally and matches the rest with *', () => {
    expect(compileRoute('/v1/file.json').match('/v1/fileXjson')).toBeUndefined();
    expect(compileRoute('/files/*').match('/files/a/b.txt')).toEqual({ '*': 'a/b.txt' });
  });

  it('rejects bad patterns', () => {
    expect(() => compileRoute('users')).toThrow(/must start with "\/"/);
    expect(() => compileRoute('/users/:1d')).toThrow(/bad parameter name/);
  });
});
