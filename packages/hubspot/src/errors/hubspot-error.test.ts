import { AuthError, RateLimitError } from '@connectors/core';
import { describe, expect, it } from 'vitest';
import { HubSpotError, toHubSpotError } from './hubspot-error.ts';
import missingScopes from './__fixtures__/missing-scopes.json' with { type: 'json' };
import notFound from './__fixtures__/object-not-found.json' with { type: 'json' };
import rateLimited from './__fixtures__/rate-limited.json' with { type: 'json' };
import validation from './__fixtures__/validation-error.json' with { type: 'json' };

const failure = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  message: `hubspot contacts.get: GET /crm/v3/objects/{objectType}/{id} failed with ${status}`,
  init: { connector: 'hubspot', operation: 'contacts.get', status, retryable: false, attempts: 1 },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers: new Headers(headers),
});

describe('toHubSpotError', () => {
  it('keeps VALIDATION_ERROR permanent with its field errors and the correlationId as request id', () => {
    const error = toHubSpotError(failure(400, validation));
    expect(error).toBeInstanceOf(HubSpotError);
    expect(error).toMatchObject({ status: 400, category: 'VALIDATION_ERROR', correlationId: validation.correlationId, requestId: validation.correlationId, retryable: false });
    expect((error as HubSpotError).fields).toEqual({ email: 'Email address not-an-email is invalid' });
    expect(error!.message).toContain('email: Email address not-an-email is invalid');
  });

  it('uses the body correlationId as the request id, the header only when the body has none', () => {
    const error = toHubSpotError({ ...failure(404, notFound), init: { ...failure(404, notFound).init, requestId: 'from-header' } });
    expect(error).toMatchObject({ category: 'OBJECT_NOT_FOUND', status: 404, requestId: notFound.correlationId, correlationId: notFound.correlationId });
    const bare = { status: 'error', message: 'Object not found.', category: 'OBJECT_NOT_FOUND' };
    expect(toHubSpotError({ ...failure(404, bare), init: { ...failure(404, bare).init, requestId: 'from-header' } })).toMatchObject({ requestId: 'from-header', correlationId: undefined });
  });

  it('turns MISSING_SCOPES into an insufficient-scope AuthError naming the scopes', () => {
    const error = toHubSpotError(failure(403, missingScopes));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'insufficient-scope', status: 403, providerError: 'MISSING_SCOPES', requestId: missingScopes.correlationId });
    expect(error!.message).toMatch(/lacks the scope crm\.objects\.deals\.read/);
  });

  it('turns RATE_LIMITS into a RateLimitError with the policy and Retry-After', () => {
    const before = Date.now();
    const error = toHubSpotError(failure(429, rateLimited, { 'retry-after': '3' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error!.message).toContain('TEN_SECONDLY_ROLLING');
    expect((error as RateLimitError).retryAt.getTime()).toBeGreaterThanOrEqual(before + 3000);
  });

  it('leaves bodies that are not HubSpot errors to the default', () => {
    expect(toHubSpotError(failure(502, '<html>Bad gateway</html>'))).toBeUndefined();
    expect(toHubSpotError(failure(500, { error: 'x' }))).toBeUndefined();
  });
});
