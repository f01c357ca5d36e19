// THE one place for RunSignup behaviour that no public source documents (RUNSIGNUP-API.md,
// every fact tagged [assumed]). The client's decisions and the emulator's switches both live
// here, so that when a behaviour is verified against the live API, one file changes.

/**
 * How the client treats the undocumented parts of Post Event Results. Every flag here is read by
 * code (the client, the sync loop); a flag nothing reads does not belong here.
 */
export const CLIENT_ASSUMPTIONS = {
  /**
   * The success body of full-results is undocumented: success is HTTP 2xx with no `error` key.
   * Whether RunSignup ever reports refused rows INSIDE a success body is unknown, so the one
   * thing read from it is chosen here:
   * - `ignore`: nothing (a half-saved batch would pass as saved);
   * - `failure-lists`: a non-empty list of row entries under a key naming errors, failures,
   *   invalid or rejected rows (`{"failed": [{"bib": 7, ...}]}`) fails the batch;
   * - `failure-lists-and-counts`: also a bare count (`{"num_failed": 2}`).
   * Keys about SKIPPED rows (`num_invalid_registration_ids_skipped`) are never failures: a skip
   * is what the caller asked for with skip_invalid_registration_ids. Lists only by default: a
   * count whose meaning is a guess would park saved rows as "needs attention" and repost them.
   */
  successBodyRowFailures: 'failure-lists' as
    'ignore' | 'failure-lists' | 'failure-lists-and-counts',
  /** Whether one bad row fails a whole batch is unknown: the sync loop isolates by splitting. */
  isolateBadRowsBySplitting: true,
  /**
   * `"X"` is documented to clear splits only. Chute sends it for clock/chip time too and flags
   * such rows "verify on RunSignup" until a read-back of get-results shows the field empty
   * (RunSignup could refuse it, or answer success and keep the time: the emulator's
   * `clearFinishWithX` switch has all three). `place` is treated the same way: the documentation
   * promises "X" for splits only and the emulator's `clearPlaceWithX` switch has the same three
   * variants. These are the fields whose acknowledged "X" the outbox holds as `verify` until the
   * sync loop's read-back (a complete get-results read) confirms it.
   */
  finishFieldsClearedByXNeedReadBack: ['place', 'clock_time', 'chip_time'] as readonly string[],
  /** Code 14's HTTP status and Retry-After are undocumented: treat both 200+14 and 429 as throttled. */
  throttleRetryAfterDefaultMs: 2_000,
  /**
   * RunSignup's developer terms reportedly allow no more than 2 concurrent calls; a client sends
   * at most this many at once (its default), and the sync loop keeps this many posts in flight.
   */
  maxConcurrentRequests: 1,
  /**
   * Rows per full-results post: the sync loop starts at RunSignup's own example (25 rows per
   * request with a 1 s pause: RunSignUp-Team's PHP results example, RUNSIGNUP-API.md §1) and
   * grows while answers are fast and clean, never past `maxRowsPerPost`. No public source gives
   * a maximum; 100 is the page size public clients report for get-results, kept as the largest
   * batch RunSignup is known to handle in one answer. [assumed]
   */
  initialRowsPerPost: 25,
  maxRowsPerPost: 100,
  /**
   * get-results pages are reported capped at 100 rows whatever `results_per_page` asks (public
   * clients read it with `results_per_page=100`, e.g. a Spring client calling
   * `api.runsignup.com/rest/race/{id}/results/get-results?...&results_per_page=100&rsu_api_reg=`),
   * and no total is given. So the client asks for at most this many and a read is complete only
   * at an EMPTY page: a short page is not proof of the end. [third-party, assumed]
   */
  resultsPerPage: 100,
} as const;

/**
 * API-caller registration (RUNSIGNUP-API.md §2). RunSignup announced on 2026-07-17 that from
 * 2027-01-01 every call must identify the calling program, on top of the race account's own
 * authentication: the caller token in the `rsu_api_reg` query parameter and its secret in the
 * `X-RSU-API-REG-SECRET` header. Sources: public clients citing RunSignup's API Keys page ("API
 * caller registration is not the same as your authentication to the API. You still need to use
 * OAuth or API keys"), which send both on every call beside api_key, rsu_api_key or a Bearer
 * token; live reports of an unrecognised token refused with HTTP 400 and error 17. Whether the
 * login call needs it too is not said anywhere: Chute sends it on every call, login included.
 * [third-party, assumed]
 */
export const CALLER_REGISTRATION = {
  queryParam: 'rsu_api_reg',
  secretHeader: 'X-RSU-API-REG-SECRET',
  /** The code RunSignup answers a missing or unrecognised caller registration with. */
  refusedCode: 17,
  refusedHttpStatus: 400,
  refusedText: 'Invalid API caller credentials.',
  /** Where a RunSignup account issues the token and secret (said in Setup and in errors). */
  issuedWhere: 'the API Keys page of a RunSignup account (runsignup.com/API/ApiKeys)',
} as const;

/**
 * OAuth2 bearer tokens (RUNSIGNUP-API.md §2). RunSignup's OAuth2 page
 * (runsignup.com/API/OAuth2: authorization code + PKCE, "Token Refresh: use refresh token to
 * obtain new access tokens") gives access tokens one month (2,592,000 s) and refresh tokens 20
 * years. RunSignup's own Mobile Timing App (RunSignUp-Team/RunSignup-Mobile-Timing-App,
 * src/helpers/oAuth2Helper.ts) renews with a form POST to `Rest/v2/auth/refresh-token.json`
 * carrying grant_type=refresh_token, client_id, scope and refresh_token; the answer is
 * `{access_token, expires_in, refresh_token, token_type: "Bearer"}`, a refusal
 * `{error, error_description, hint, message}`, and it keeps the refresh token each answer gives.
 * An expired token is [assumed] to be refused like a bad key (error 6, as the app's retry on 6
 * implies) or with HTTP 401 `access_denied` (RunSignUp-Team/oauth2-server, RunSignup's fork of
 * league/oauth2-server, refuses an expired JWT so); both are switches of the emulator.
 */
export const BEARER_ASSUMPTIONS = {
  accessTokenLifetimeDays: 30,
  /** Under the API base (`…/Rest`), as the Mobile Timing App calls it. */
  refreshPath: '/v2/auth/refresh-token.json',
  /** The scopes the Mobile Timing App asks for when it renews (space-separated, RFC 6749 §3.3). */
  refreshScope: 'rsu_api_read rsu_api_write',
  /**
   * [assumed] The form is sent `application/x-www-form-urlencoded` (RFC 6749 §6; the app's
   * FormData is multipart, which the same PHP server reads alike).
   */
  refreshFormEncoding: 'urlencoded',
  /**
   * Renewed this long before a known expiry, so no call meets an expired token (a policy). The
   * expiry is known only once RunSignup answered a renewal (`expires_in`).
   */
  renewBeforeExpiryMs: 24 * 60 * 60 * 1000,
  /**
   * After an early renewal failed (the OAuth endpoint down, slow, throttled, or refusing), calls
   * go on with the current token, which still works, and no early renewal is tried again for
   * this long (a policy): an outage then costs one extra request (and at worst one timeout)
   * every 10 minutes instead of one before every post, while the day before the expiry still
   * leaves over a hundred attempts. A token RunSignup refuses is renewed at once regardless.
   */
  earlyRenewalRetryMs: 10 * 60 * 1000,
} as const;

/**
 * The standing audit's timing (DESIGN.md §5, "sent is not verified"). Read by the sync loop.
 */
export const RESULT_AUDIT_ASSUMPTIONS = {
  /**
   * [assumed] How long RunSignup may still apply a request whose answer the client never got
   * (timeout, reset, no answer, 5xx). Nothing public says how long its servers work on a
   * request: PHP's default max_execution_time is 30 s, common load balancers give up on an
   * upstream after 60 s, and RunSignup's own timing app aborts its calls after 15 s
   * (RUNSIGNUP-API.md §6). A field posted with an unknown outcome is verified only by a read
   * that starts this long after the client gave up: twice the longest of those, 120 s.
   */
  settleMs: 120_000,
  /**
   * How often each result set is read back while nothing else makes it due (a policy, not a
   * guess about RunSignup): one read of a set of a few hundred runners is a handful of pages,
   * which every 2 minutes stays far below RunSignup's own example pace (25 rows per second).
   */
  auditEveryMs: 120_000,
} as const;

/**
 * How failures are classified where RunSignup documents nothing (RUNSIGNUP-API.md §1 lists the
 * codes' texts, not what a client should do). Read by `errors.ts`.
 */
export const ERROR_CLASSIFICATION_ASSUMPTIONS = {
  /** 14 "too many requests": try again later. */
  retryableCodes: [14],
  /**
   * 6/7/13 are key, access and login failures. 101–103 are the login call's bad email/password
   * answers: [assumed] to be credential problems too (retrying cannot fix them).
   */
  authCodes: [6, 7, 13, 101, 102, 103],
  /**
   * 17, the app's API-caller registration missing or not recognised (CALLER_REGISTRATION):
   * an auth failure (posting pauses until Setup changes), told apart from the race account's
   * credentials because the timer fixes it elsewhere.
   */
  callerCodes: [17],
  /**
   * Codes about the request or one row in it: isolate the bad row, the rest keep flowing.
   * 9 (invalid date) and 15 (invalid id) are [assumed] row-level: a value in one row, never a
   * reason to hold every later finish of the station at the head of the queue.
   */
  rejectedCodes: [3, 9, 11, 15, 104, 105, 106, 107, 115, 116],
  /** 201/301: the race or the event does not exist. */
  notFoundCodes: [201, 301],
  /**
   * HTTP 401/403 with no error envelope: [assumed] to mean the credentials (a Bearer token
   * expired, say), since nothing else at this address asks for authorisation.
   */
  bareHttp401Or403: 'auth',
  /**
   * An HTML page where JSON/XML was asked: [assumed] a proxy, captive portal or gateway error
   * page, so it passes: retry later.
   */
  htmlBody: 'retryable',
  /**
   * A body that is neither JSON, XML nor HTML, or JSON of an unexpected shape: [assumed] not to
   * fix itself, so it is shown to the timer with the text (unknown), not retried silently.
   */
  garbageBody: 'unknown',
} as const satisfies {
  retryableCodes: readonly number[];
  authCodes: readonly number[];
  callerCodes: readonly number[];
  rejectedCodes: readonly number[];
  notFoundCodes: readonly number[];
  bareHttp401Or403: 'auth' | 'unknown';
  htmlBody: 'retryable' | 'unknown';
  garbageBody: 'retryable' | 'unknown';
};

/**
 * The start-time call (the gun shared between stations). RUNSIGNUP-API.md §5 gives only the shape
 * `YYYY-MM-DD HH:MM:SS`; the rest is [assumed].
 */
export const START_TIME_ASSUMPTIONS = {
  /**
   * The text is the race's local wall clock. RunSignup's own Mobile Timing App
   * (src/helpers/APICalls.ts, postStartTime) formats it with the device's local getHours() etc.:
   * the device sits in the race's zone at the race. Chute takes the zone from RunSignup's race
   * data (`timezone` of GET race) where it gives one, else from Setup (defaulting to the
   * laptop's), so a laptop left on UTC still posts the race's wall clock. [rsu, assumed]
   */
  timeZone: 'race-data-else-setup-default-laptop',
  /**
   * RunSignup's own timing app posts whole seconds (`YYYY-MM-DD HH:MM:SS`, same file), so Chute
   * does too: the fraction stays in the station. A split station reading the gun back sees it
   * cut to the second (under a second earlier, never later than the finish station's own).
   */
  sendFractions: false,
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
  /**
   * `"X"` in clock_time/chip_time: clears like a split, is rejected as a malformed time (error
   * 3), or is `ignored`: answered as a success while the time stays (the dangerous variant, which
   * only a read-back of get-results can catch).
   */
  clearFinishWithX: 'clears' | 'rejected' | 'ignored';
  /** The shape of GET result-set-splits: as the POST response, or wrapped per result set. */
  resultSetSplitsShape: 'flat' | 'wrapped';
  /** The start-time call with a fraction of a second (`08:00:00.123`): stored as sent, or refused (error 9). */
  startTimeFractions?: 'accepted' | 'rejected';
  /** `"X"` in `place`: the same three variants as `clearFinishWithX`. */
  clearPlaceWithX?: 'clears' | 'rejected' | 'ignored';
  /**
   * API-caller registration (CALLER_REGISTRATION): `required` on every call (RunSignup from
   * 2027-01-01: 400 + error 17 when missing or wrong), or `not-required` (before: only a token
   * that is sent must be right).
   */
  callerRegistration?: 'required' | 'not-required';
  /**
   * An expired or unknown OAuth access token (BEARER_ASSUMPTIONS): error 6 as a bad key, or
   * HTTP 401 with league/oauth2-server's `{error: "access_denied", …}`.
   */
  bearerRefused?: 'error-6' | 'http-401';
  /**
   * [assumed] A used refresh token: `rotates` (refused from then on; league/oauth2-server's
   * default revokes it, and the Mobile Timing App stores the new one each time) or `kept`.
   */
  refreshTokenReuse?: 'rotates' | 'kept';
}

export const DEFAULT_EMULATOR_ASSUMPTIONS: EmulatorAssumptions = {
  badRow: 'whole-batch-error',
  successBody: 'empty-object',
  throttle: 'http-200-code-14',
  retryAfterSeconds: null,
  clearFinishWithX: 'clears',
  resultSetSplitsShape: 'flat',
  startTimeFractions: 'accepted',
  clearPlaceWithX: 'clears',
  callerRegistration: 'required',
  bearerRefused: 'error-6',
  refreshTokenReuse: 'rotates',
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
  { clearFinishWithX: 'ignored' },
  { resultSetSplitsShape: 'wrapped' },
  { startTimeFractions: 'rejected' },
  { clearPlaceWithX: 'rejected' },
  { clearPlaceWithX: 'ignored' },
  { callerRegistration: 'not-required' },
  { bearerRefused: 'http-401' },
  { refreshTokenReuse: 'kept' },
];

/**
 * The emulator's other guesses: fixed choices rather than switches (no client decision depends on
 * them), each read by the emulator from here so the guess is visible in one place.
 */
export const EMULATOR_CHOICES = {
  /**
   * A malformed time in a time field. RunSignup's list has both 3 (invalid parameters) and 9
   * (invalid date); which one a bad result time gets is unknown. 3, because the field is a
   * parameter of the row; the client classifies both as a row rejection, so nothing hangs on it.
   */
  invalidTimeCode: 3,
  /**
   * A registration_id not registered for the event (without skip_invalid_registration_ids):
   * 3 as an invalid parameter; the documented skip flag implies RunSignup refuses it somehow.
   */
  unknownRegistrationIdCode: 3,
  /** tmp_key together with api_key or rsu_api_key: 3 (two ways to authenticate in one call). */
  mixedAuthenticationCode: 3,
  /**
   * A call with no credentials at all on a call that needs them: 7 ("no access"), never 13
   * (which RunSignup's list reserves for a login that is required; when it sends 13 is unknown).
   * The client classifies both as auth.
   */
  unauthenticatedCode: 7,
  /**
   * results_per_page of get-participants: the doc says only "max 2500". The default when it is
   * left out (50) and an error 3 above the maximum (rather than a silent cap) are guesses; the
   * client always sends 2500.
   */
  participantsPerPage: { default: 50, max: 2500, overMax: 'error' as 'error' | 'cap' },
  /**
   * results_per_page of get-results: reported capped at 100 whatever is asked (see
   * CLIENT_ASSUMPTIONS.resultsPerPage), so a bigger ask gets 100 rows, not an error; left out,
   * the same 100.
   */
  resultsPerPage: { default: 100, max: 100, overMax: 'cap' as 'error' | 'cap' },
  /**
   * The login call: RunSignup's list gives 101 for an unknown email and 102 for a wrong
   * password (RUNSIGNUP-API.md §1).
   */
  unknownEmailCode: 101,
  wrongPasswordCode: 102,
  /**
   * A bare-seconds time ("42.1"): the doc shows only H:MM:SS / MM:SS forms, so it is refused
   * as malformed. Chute's mapper always sends a form with a colon.
   */
  bareSecondsTimes: 'rejected' as 'rejected' | 'accepted',
  /**
   * Dates RunSignup shows as `M/D/YYYY HH:MM` (registration_date, an event's start_time) are
   * [assumed] to be in the race's own time zone (the race's `timezone`, with its daylight
   * saving), not in UTC.
   */
  displayTimeZone: 'race',
} as const;
