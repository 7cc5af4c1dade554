import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/**
 * For the tests of the enclosing scope: the network is off (but for `allow`, e.g. a local server's
 * `127.0.0.1`), and a test fails when a response it mocked was never asked for.
 */
export function useNock(options: { allow?: string } = {}): void {
  beforeAll(() => {
    nock.disableNetConnect();
    if (options.allow) nock.enableNetConnect(options.allow);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.abortPendingRequests();
    nock.cleanAll();
    expect(pending, 'every mocked response should have been used').toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
}
