// From a raw HTTP answer to "a usable body" or a classified RunSignupError. Pure. The status
// alone is never trusted: RunSignup reports most errors at HTTP 200 and error 17 at HTTP 400, so
// an error envelope is read at ANY status (RUNSIGNUP-API.md §1).
import { decodeBody, errorEnvelopeOf, type DecodedBody } from './body';
import {
  CallerRegistrationError,
  classifyFailure,
  isCallerRegistrationCode,
  parseRetryAfter,
  RunSignupError,
  THROTTLED_CODE,
  throttleDelayMs,
} from './errors';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
}

export type Interpretation =
  { ok: true; decoded: DecodedBody } | { ok: false; error: RunSignupError };

const BODY_PROBLEM_TEXT = {
  truncated: 'RunSignup sent an answer that was cut off before its end.',
  html: 'A web page came back instead of RunSignup data (a proxy, Wi-Fi login page or server error page?).',
  garbage: 'RunSignup sent an answer that is neither JSON nor XML.',
} as const;

export function interpretAnswer(answer: RawAnswer, nowMs: number): Interpretation {
  const decoded = decodeBody(answer.text);
  const envelope = errorEnvelopeOf(decoded);
  const is2xx = answer.status >= 200 && answer.status < 300;
  const retryAfter = parseRetryAfter(answer.headers['retry-after'], nowMs);
  const throttled = answer.status === 429 || envelope?.code === THROTTLED_CODE;

  if (is2xx && !envelope) {
    if (decoded.type === 'truncated' || decoded.type === 'html' || decoded.type === 'garbage') {
      return {
        ok: false,
        error: new RunSignupError({
          kind: classifyFailure({ type: 'body', problem: decoded.type }),
          message: BODY_PROBLEM_TEXT[decoded.type],
          httpStatus: answer.status,
        }),
      };
    }
    return { ok: true, decoded };
  }

  // Error 17 comes at HTTP 400 (and may at any status): read the envelope whatever the status.
  if (isCallerRegistrationCode(envelope?.code)) {
    return {
      ok: false,
      error: new CallerRegistrationError({
        httpStatus: answer.status,
        detail: envelope?.message ?? '',
      }),
    };
  }

  const kind = is2xx
    ? classifyFailure({ type: 'envelope', code: envelope?.code ?? null })
    : classifyFailure({ type: 'http', status: answer.status, code: envelope?.code ?? null });

  let message: string;
  if (envelope && envelope.message !== '') message = envelope.message;
  else if (envelope?.code != null) message = `RunSignup error ${envelope.code}.`;
  else if (!is2xx) message = `RunSignup answered HTTP ${answer.status}.`;
  else message = 'RunSignup reported an error without a message.';
  if (!is2xx && envelope) message = `${message} (HTTP ${answer.status})`;
  if (throttled && !/throttl/i.test(message))
    message = `${message} RunSignup is throttling requests.`;

  return {
    ok: false,
    error: new RunSignupError({
      kind,
      code: envelope?.code ?? null,
      message,
      // A throttled answer always says how long to wait; other errors only if the server did.
      retryAfterMs: throttled ? throttleDelayMs(retryAfter) : retryAfter,
      httpStatus: answer.status,
    }),
  };
}
