// THE one place for RunSignup behaviour that no public source documents (RUNSIGNUP-API.md,
// every fact tagged [assumed]). The client's decisions and the emulator's switches both live
// here, so that when a behaviour is verified against the live API, one file changes.

/**
 * How the client treats the undocumented parts of Post Event Results. The client never depends
 * on the success body: success is HTTP 2xx with no `error` key.
 */
export const CLIENT_ASSUMPTIONS = {
  /** The success body of full-results is unknown: ignore it beyond "no error key". */
  ignoreSuccessBody: true,
  /** Whether one bad row fails a whole batch is unknown: the sync loop isolates by splitting. */
  isolateBadRowsBySplitting: true,
  /** Re-posting a matched registrant without `result_id` updates that registrant's row. */
  repostUpdatesMatchedRegistrant: true,
  /**
   * `"X"` is documented to clear splits only. Chute sends it for clock/chip time too and flags
   * such rows "verify on RunSignup" until a read-back of get-results shows the field empty.
   */
  clearFinishWithX: true,
  /** Code 14's HTTP status and Retry-After are undocumented: treat both 200+14 and 429 as throttled. */
  throttleRetryAfterDefaultMs: 2_000,
  /** RunSignup's developer terms reportedly allow no more than 2 concurrent calls; we use 1. */
  maxConcurrentRequests: 1,
} as const;

/**
 * The start-time call (shared gun, issue 5). RUNSIGNUP-API.md §5 gives only the shape
 * `YYYY-MM-DD HH:MM:SS`; the rest is [assumed].
 */
export const START_TIME_ASSUMPTIONS = {
  /**
   * The text is the race's local wall clock. The race's zone is not in what the client reads, so
   * it is a station setting (`--time-zone`, CHUTE_TIME_ZONE), defaulting to the laptop's: every
   * station of a race must use the same zone (they normally sit in it).
   */
  timeZone: 'station-setting-default-laptop',
  /**
   * Gun times matter to the tenth, so the finish station sends milliseconds (`.fff`). Whether
   * RunSignup accepts a fraction is unknown: if it refuses the text (a rejected or invalid-date
   * answer), the same gun is sent again cut to the whole second, and split stations re-time
   * by at most that cut (under a second later, never earlier).
   */
  sendFractions: true,
  /** Split stations read the shared gun this often while running (and at start and connect). */
  pollEveryMs: 15_000,
} as const;

/**
 * The emulator's switches: one per [assumed] behaviour, so the client and sync loop are tested
 * against every plausible variant and cannot come to depend on a guess.
 */
export interface EmulatorAssumptions {
  /** A bad row in a batch: fail the whole request (nothing saved), or save the good rows and report per row. */
  badRow: 'whole-batch-error' | 'per-row-report';
  /** The body of a successful full-results post. */
  successBody: 'empty-object' | 'counts' | 'empty-string' | 'results-echo';
  /** How throttling is signalled: error 14 at HTTP 200, or HTTP 429 with the error envelope. */
  throttle: 'http-200-code-14' | 'http-429';
  /** Whether a throttled answer carries Retry-After (seconds). */
  retryAfterSeconds: number | null;
  /** `"X"` in clock_time/chip_time: clears like a split, or is rejected as a malformed time (error 3). */
  clearFinishWithX: 'clears' | 'rejected';
  /** The shape of GET result-set-splits: as the POST response, or wrapped per result set. */
  resultSetSplitsShape: 'flat' | 'wrapped';
  /** The start-time call with a fraction of a second (`08:00:00.123`): stored as sent, or refused (error 9). */
  startTimeFractions?: 'accepted' | 'rejected';
}

export const DEFAULT_EMULATOR_ASSUMPTIONS: EmulatorAssumptions = {
  badRow: 'whole-batch-error',
  successBody: 'empty-object',
  throttle: 'http-200-code-14',
  retryAfterSeconds: null,
  clearFinishWithX: 'clears',
  resultSetSplitsShape: 'flat',
  startTimeFractions: 'accepted',
};

/** Every variant the contract tests must pass against (one switch changed at a time). */
export const EMULATOR_ASSUMPTION_VARIANTS: ReadonlyArray<Partial<EmulatorAssumptions>> = [
  {},
  { badRow: 'per-row-report' },
  { successBody: 'counts' },
  { successBody: 'empty-string' },
  { successBody: 'results-echo' },
  { throttle: 'http-429', retryAfterSeconds: 1 },
  { clearFinishWithX: 'rejected' },
  { resultSetSplitsShape: 'wrapped' },
  { startTimeFractions: 'rejected' },
];
