import { describeConnectorConformance } from '../../conformance/describe-connector-conformance.ts';
import { sample, sampleConformance } from '../../conformance/__fixtures__/sample-connector.ts';

describeConnectorConformance(sample, sampleConformance(['retries-client-errors']));
