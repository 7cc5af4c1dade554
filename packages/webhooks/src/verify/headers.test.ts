import { describe, expect, it } from 'vitest';
import { headerGetter, headersToRecord } from './headers.ts';

describe('headerGetter', () => {
  it('reads a Headers object, a Node record and a mixed-case record case-insensitively', () => {
    expect(headerGetter(new Headers({ 'X-Hub-Signature-256': 'a' }))('x-hub-signature-256')).toBe('a');
    expect(headerGetter({ 'x-hub-signature-256': 'b' })('x-hub-signature-256')).toBe('b');
    expect(headerGetter({ 'X-Hub-Signature-256': 'c', 'x-other': undefined })('x-hub-signature-256')).toBe('c');
    expect(headerGetter({ 'X-A': 'c' })('x-missing')).toBeUndefined();
  });

  it('joins repeated headers as Headers does', () => {
    expect(headerGetter({ 'x-a': ['1', '2'] })('x-a')).toBe('1, 2');
    expect(headerGetter({ 'X-A': '1', 'x-a': '2' })('x-a')).toBe('2');
    expect(headerGetter({ 'X-A': '1', 'X-a': '2' })('x-a')).toBe('1, 2');
  });
});

describe('headersToRecord', () => {
  it('keeps lower-case headers and drops credentials of the sender’s infrastructure', () => {
    expect(headersToRecord(new Headers({ 'Content-Type': 'application/json', Authorization: 'Bearer x', Cookie: 'c=1' }))).toEqual({ 'content-type': 'application/json' });
    expect(headersToRecord({ 'X-GitHub-Event': 'push', authorization: 'Basic y', 'x-list': ['a', 'b'] })).toEqual({ 'x-github-event': 'push', 'x-list': 'a, b' });
  });
});
