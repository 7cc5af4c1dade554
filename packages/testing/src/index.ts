/**
 * `@connectors/testing`: nock helpers, fault scenarios, a fake clock, fixture recording and
 * scrubbing, and webhook signing for connector tests. The vitest conformance suite lives in
 * `@connectors/testing/conformance`, the provider sandbox in `@connectors/testing/sandbox`.
 */
export { createFakeClock, FAKE_CLOCK_START, type FakeClock, type FakeClockOptions } from './clock/fake-clock.ts';
export {
  step,
  scenarios,
  times,
  resolveStep,
  expandSteps,
  DEFAULT_HANG_MS,
  type Scenario,
  type ScenarioStep,
  type RespondStep,
  type ResetStep,
  type TimeoutStep,
  type ResolvedStep,
  type HeaderMap,
} from './scenarios/scenario.ts';
export { useNock, type UseNockOptions } from './nock/use-nock.ts';
export {
  createNockGuard,
  isLoopbackHost,
  UnmatchedRequestsError,
  PendingMocksError,
  type NockGuard,
  type NockGuardOptions,
  type UnmatchedRequest,
} from './nock/nock-guard.ts';
export { mockSequence, type MockedSequence, type MockSequenceOptions, type RecordedRequest } from './nock/mock-sequence.ts';
export {
  loadFixture,
  loadResponse,
  normalizeFixture,
  responseOf,
  writeFixture,
  type FixtureFile,
  type FixtureInteraction,
  type FixtureRequest,
  type FixtureResponse,
  type FixturePath,
  type ResponseSource,
} from './fixtures/fixture.ts';
export { scrubFixture, scrubText, DEFAULT_SCRUB_PATTERNS, SECRET_HEADERS, SECRET_KEYS, type ScrubRule, type ScrubOptions } from './fixtures/scrub.ts';
export { replayFixture, type ReplayOptions } from './fixtures/replay-fixture.ts';
export {
  withRecording,
  recordFixture,
  recordingMode,
  createRecordingFetch,
  type RecordingContext,
  type RecordingMode,
  type RecordingOptions,
} from './fixtures/with-recording.ts';
export {
  signWebhookFor,
  signsTimestamp,
  type WebhookSigner,
  type WebhookSecretInput,
  type WebhookTamper,
  type SignWebhookOptions,
  type SignedWebhook,
} from './webhooks/sign-webhook.ts';
export { conformanceChecks, runConformance, ConformanceError, type ConformanceCheck, type ConformanceResult } from './conformance/conformance-checks.ts';
export type { ConformanceOptions, ConformanceRoute } from './conformance/conformance-options.ts';
