// The RunSignup client's public surface (the emulator lives in ./emulator and is imported
// separately, so production code never pulls it in by accident).
export {
  RunSignupClient,
  RUNSIGNUP_PRODUCTION_URL,
  RUNSIGNUP_TEST_URL,
  PARTICIPANTS_PAGE_SIZE,
  normaliseBaseUrl,
  type RunSignupClientOptions,
  type ResponseTiming,
  type PostAck,
  type PostResultsOptions,
} from './client';
export { authFromConnection, type RunSignupAuth } from './auth';
export {
  RunSignupError,
  isRunSignupError,
  classifyErrorCode,
  classifyFailure,
  parseRetryAfter,
  type RunSignupErrorKind,
  type FailureFacts,
} from './errors';
export { redact, redactUrl, redactSecrets } from './redact';
export type { RaceInfo, RaceEvent, ResultSetInfo, SplitInfo, ResultRecord } from './responses';
export { DEFAULT_TIMEOUTS, type Timeouts } from './transport';
