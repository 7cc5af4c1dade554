import { describe, expect, it } from 'vitest';
import { AbortedError, AuthError, ConnectorError, HttpError, isConnectorError, RateLimitError } from './index.ts';

const base = { connector: 'acme', operation: 'things.get' };

/** What an error from another installed copy of core looks like: a different class with the same markers. */
function foreignCopy(error: ConnectorError): object {
  const copy = Object.create(Object.prototype) as Record<symbol | string, unknown>;
  for (const key of Object.getOwnPropertySymbols(error)) copy[key] = (error as unknown as Record<symbol, unknown>)[key];
  copy.name = error.name;
  return copy;
}

describe('ConnectorError.isInstance', () => {
  it('recognises errors by their Symbol.for marker, including those of another copy of core', () => {
    const rate = new RateLimitError('slow down', { ...base, retryable: true, retryAt: new Date(0) });
    const other = foreignCopy(rate);
    expect(other instanceof RateLimitError).toBe(false);
    expect(RateLimitError.isInstance(other)).toBe(true);
    expect(ConnectorError.isInstance(other)).toBe(true);
    expect(isConnectorError(other)).toBe(true);
    expect(AuthError.isInstance(other)).toBe(false);
    expect(HttpError.isInstance(other)).toBe(false);
  });

  it('holds for subclasses, including a provider subclass keyed by its name', () => {
    class AcmeError extends HttpError {
      override name = 'AcmeError';
    }
    const error = new AcmeError('nope', { ...base, retryable: false, status: 400 });
    expect(AcmeError.isInstance(error)).toBe(true);
    expect(HttpError.isInstance(error)).toBe(true);
    expect(AcmeError.isInstance(new HttpError('x', { ...base, retryable: false, status: 400 }))).toBe(false);
  });

  it('rejects plain errors and non-objects', () => {
    expect(isConnectorError(new Error('x'))).toBe(false);
    expect(isConnectorError(null)).toBe(false);
    expect(isConnectorError('ConnectorError')).toBe(false);
  });

  it('keeps the marker out of JSON and enumeration', () => {
    const error = new AuthError('no', { ...base, code: 'rejected' });
    expect(Object.keys(error)).not.toContain(Symbol.for('connectors.error').toString());
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'AuthError', code: 'rejected' });
  });
});

describe('AbortedError', () => {
  it('is named AbortedError and is never retryable', () => {
    const error = new AbortedError('stopped', base);
    expect(error.name).toBe('AbortedError');
    expect(error.retryable).toBe(false);
    expect(AbortedError.isInstance(error)).toBe(true);
  });
});
