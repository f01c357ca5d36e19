// RunSignup's error envelope: API errors come back at HTTP 200 carrying a code and a text, except
// error 17 (API caller registration) at HTTP 400 (RUNSIGNUP-API.md §1). Handlers throw ApiError; the responder turns it into the envelope.

/** Exact texts recorded from the live API for 6, 7, 201 and 301 (fixtures/runsignup/error-*.json). */
export const ERROR_TEXT = {
  1: 'Unknown method.',
  2: 'HTTP method not supported.',
  3: 'Invalid parameters.',
  6: 'Key authentication failed',
  7: 'Permission Denied',
  9: 'Invalid date.',
  10: 'Response format not supported.',
  14: 'Request throttled.',
  15: 'Invalid id.',
  17: 'Invalid API caller credentials.',
  101: 'Unknown email address.',
  102: 'Invalid password.',
  104: 'First name is required.',
  106: 'Last name is required.',
  201: 'Race not found.',
  301: 'Event not found.',
} as const;

export type KnownErrorCode = keyof typeof ERROR_TEXT;

export class ApiError extends Error {
  readonly code: number;
  /** Extra keys placed inside the `error` object (e.g. per-row details). */
  readonly details: Record<string, unknown> | undefined;
  /** HTTP status to answer with; RunSignup answers errors with 200. */
  readonly httpStatus: number;

  constructor(
    code: number,
    message?: string,
    opts: { details?: Record<string, unknown>; httpStatus?: number } = {},
  ) {
    super(message ?? ERROR_TEXT[code as KnownErrorCode] ?? 'Unknown error.');
    this.name = 'ApiError';
    this.code = code;
    this.details = opts.details;
    this.httpStatus = opts.httpStatus ?? 200;
  }
}

/** Error 3 (or the code an [assumed] choice gives) with a sentence that says which parameter is wrong. */
export function invalidParam(message: string, code = 3): ApiError {
  return new ApiError(code, `Invalid parameters: ${message}`);
}

/**
 * An OAuth2 refusal as RunSignup's OAuth server (a fork of league/oauth2-server) words it:
 * `{error, error_description, hint, message}` at an HTTP error status, no RunSignup code.
 */
export class OAuthError extends ApiError {
  constructor(
    readonly oauthError: string,
    description: string,
    httpStatus: number,
    readonly hint = '',
  ) {
    super(0, description, { httpStatus });
    this.name = 'OAuthError';
  }
}

export function errorEnvelope(err: ApiError): Record<string, unknown> {
  if (err instanceof OAuthError) {
    return {
      error: err.oauthError,
      error_description: err.message,
      hint: err.hint,
      message: err.message,
    };
  }
  return { error: { error_code: err.code, error_msg: err.message, ...(err.details ?? {}) } };
}
