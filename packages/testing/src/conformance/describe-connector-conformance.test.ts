import { describe, expect, it } from 'vitest';
import { sample, sampleConformance, sampleOAuthConformance } from './__fixtures__/sample-connector.ts';
import { describeConnectorConformance } from './describe-connector-conformance.ts';

// What a connector package writes: the whole suite, registered as vitest tests.
describeConnectorConformance(sample, sampleConformance());
describeConnectorConformance({ name: 'sample (oauth)' }, sampleOAuthConformance());

describe('describeConnectorConformance', () => {
  it('refuses to register without a named connector or with incomplete options', () => {
    expect(() => describeConnectorConformance({ name: '' }, sampleConformance())).toThrow(/must be the connector/);
    expect(() => describeConnectorConformance(sample, { ...sampleConformance(), credentials: undefined as never })).toThrow(/credentials needs \{ path, ok \}/);
  });
});
