// Every way a RunSignup call can fail, reduced to the five kinds the sync loop acts on
// (RUNSIGNUP-API.md §1). Pure: no I/O, so the classification is unit-tested exhaustively.
import {
  CALLER_REGISTRATION,
  CLIENT_ASSUMPTIONS,
  ERROR_CLASSIFICATION_ASSUMPTIONS,
} from './assumptions';

/**
 * - `retryable`: try the same request again later (network, timeout, 5xx, 429, code 14, a cut-off body).
 * - `auth`: the credentials are wrong, expired or lack access; retrying will not help until they change.
 * - `rejected`: RunSignup refused the request or a row in it (isolate the bad row).
 * - `not-found`: the race or event does not exist.
 * - `unknown`: anything else; shown to the timer with RunSignup's own text.
 */
export type RunSignupErrorKind = 'retryable' | 'auth' | 'rejected' | 'not-found' | 'unknown';

// Codes of the error envelope, by what the client should do about them. Which code means what
// to a client is not documented: the lists are ERROR_CLASSIFICATION_ASSUMPTIONS.
const RULES = ERROR_CLASSIFICATION_ASSUMPTIONS;
const RETRYABLE_CODES = new Set<number>(RULES.retryableCodes);
const AUTH_CODES = new Set<number>([...RULES.authCodes, ...RULES.callerCodes]);
const CALLER_CODES = new Set<number>(RULES.callerCodes);
const REJECTED_CODES = new Set<number>(RULES.rejectedCodes);
const NOT_FOUND_CODES = new Set<number>(RULES.notFoundCodes);

export const THROTTLED_CODE = 14;
export const KEY_AUTH_FAILED_CODE = 6;

/** Whether an error-envelope code says the app's API-caller registration was refused (17). */
export function isCallerRegistrationCode(code: number | null | undefined): boolean {
  return code != null && CALLER_CODES.has(code);
}

/**
 * The sentence for error 17: it is the app's registration, not the race's credentials, that
 * RunSignup refused, and the timer is told where to fix it.
 */
export const CALLER_REGISTRATION_REFUSED =
  "RunSignup refused this station's API caller registration (error 17): the caller token and " +
  `secret are missing or not recognised. Enter them in Setup; they come from ` +
  `${CALLER_REGISTRATION.issuedWhere}. The race's own credentials were not the problem.`;

/** The kind of an error-envelope code. */
export function classifyErrorCode(code: number): RunSignupErrorKind {
  if (RETRYABLE_CODES.has(code)) return 'retryable';
  if (AUTH_CODES.has(code)) return 'auth';
  if (REJECTED_CODES.has(code)) return 'rejected';
  if (NOT_FOUND_CODES.has(code)) return 'not-found';
  return 'unknown';
}

/** What went wrong, as observed facts, before any decision is taken. */
export type FailureFacts =
  | { type: 'network' }
  | { type: 'timeout' }
  /** An HTTP status outside 2xx, with the envelope's code when the body carried one. */
  | { type: 'http'; status: number; code?: number | null }
  /** An error envelope (at HTTP 2xx). `code` null when the envelope had no usable code. */
  | { type: 'envelope'; code: number | null }
  /** A body the client could not use. */
  | { type: 'body'; problem: 'truncated' | 'html' | 'garbage' | 'unexpected-shape' };

/**
 * The one classification of every failure. An envelope code wins over the HTTP status except
 * where the status itself says "try later" (5xx, 429): a 503 page with a stale envelope is still
 * an outage.
 */
export function classifyFailure(facts: FailureFacts): RunSignupErrorKind {
  switch (facts.type) {
    case 'network':
    case 'timeout':
      return 'retryable';
    case 'http': {
      if (facts.status === 429 || facts.status >= 500) return 'retryable';
      if (facts.code != null) return classifyErrorCode(facts.code);
      if (facts.status === 401 || facts.status === 403) return RULES.bareHttp401Or403;
      return 'unknown';
    }
    case 'envelope':
      return facts.code == null ? 'unknown' : classifyErrorCode(facts.code);
    case 'body':
      // A cut-off body is a network hiccup; the rest are assumptions (see RULES).
      if (facts.problem === 'truncated') return 'retryable';
      return facts.problem === 'html' ? RULES.htmlBody : RULES.garbageBody;
  }
}

export interface RunSignupErrorInit {
  kind: RunSignupErrorKind;
  /** RunSignup's error code, when the answer carried one. */
  code?: number | null;
  /** RunSignup's own text when it sent one, else a plain sentence. Never contains a secret. */
  message: string;
  retryAfterMs?: number | null;
  httpStatus?: number | null;
}

export class RunSignupError extends Error {
  readonly kind: RunSignupErrorKind;
  readonly code: number | null;
  readonly retryAfterMs: number | null;
  readonly httpStatus: number | null;

  constructor(init: RunSignupErrorInit) {
    super(init.message);
    this.name = 'RunSignupError';
    this.kind = init.kind;
    this.code = init.code ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.httpStatus = init.httpStatus ?? null;
  }
}

/**
 * RunSignup refused the app's API-caller registration (error 17, HTTP 400): an auth failure
 * (posting pauses) with its own sentence, so the timer fixes the caller token, not the race key.
 */
export class CallerRegistrationError extends RunSignupError {
  constructor(init: { httpStatus?: number | null; detail?: string }) {
    super({
      kind: 'auth',
      code: CALLER_REGISTRATION.refusedCode,
      message:
        init.detail && init.detail !== CALLER_REGISTRATION.refusedText
          ? `${CALLER_REGISTRATION_REFUSED} (RunSignup said: ${init.detail})`
          : CALLER_REGISTRATION_REFUSED,
      httpStatus: init.httpStatus ?? null,
    });
    this.name = 'CallerRegistrationError';
  }
}

export function isRunSignupError(e: unknown): e is RunSignupError {
  return e instanceof RunSignupError;
}

/**
 * Retry-After as milliseconds from `nowMs`: either delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"). A date in the past means "now" (0). Anything else: null.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : null;
  }
  // Only accept something that looks like a date with a weekday or month name; Date.parse alone
  // accepts oddities like "1" or "2020".
  if (!/[A-Za-z]{3}/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * How long to wait after a throttled answer: the server's Retry-After when it sent one, else the
 * assumed default (code 14's Retry-After is undocumented).
 */
export function throttleDelayMs(retryAfterMs: number | null): number {
  return retryAfterMs ?? CLIENT_ASSUMPTIONS.throttleRetryAfterDefaultMs;
}
