import { describe, expect, it } from 'vitest';
import {
  CLIENT_ASSUMPTIONS,
  ERROR_CLASSIFICATION_ASSUMPTIONS,
} from '../../../src-main/runsignup/assumptions';
import {
  classifyErrorCode,
  classifyFailure,
  parseRetryAfter,
  RunSignupError,
} from '../../../src-main/runsignup/errors';

describe('classifyErrorCode', () => {
  it.each([
    [14, 'retryable'],
    [6, 'auth'],
    [7, 'auth'],
    [13, 'auth'],
    [101, 'auth'],
    [102, 'auth'],
    [103, 'auth'],
    [3, 'rejected'],
    [11, 'rejected'],
    [104, 'rejected'],
    [105, 'rejected'],
    [106, 'rejected'],
    [107, 'rejected'],
    [115, 'rejected'],
    [116, 'rejected'],
    // 9 (invalid date) and 15 (invalid id) are one row's value: isolated, never head-of-line.
    [9, 'rejected'],
    [15, 'rejected'],
    [201, 'not-found'],
    [301, 'not-found'],
    [1, 'unknown'],
    [2, 'unknown'],
    [4, 'unknown'],
    [5, 'unknown'],
    [10, 'unknown'],
    [12, 'unknown'],
    [0, 'unknown'],
    [-1, 'unknown'],
    [99999, 'unknown'],
  ])('code %i is %s', (code, kind) => {
    expect(classifyErrorCode(code)).toBe(kind);
  });
});

describe('the classification reads ERROR_CLASSIFICATION_ASSUMPTIONS', () => {
  it('every listed code has the kind of its list, and the lists do not overlap', () => {
    const A = ERROR_CLASSIFICATION_ASSUMPTIONS;
    const lists = [
      [A.retryableCodes, 'retryable'],
      [A.authCodes, 'auth'],
      [A.rejectedCodes, 'rejected'],
      [A.notFoundCodes, 'not-found'],
    ] as const;
    const seen = new Set<number>();
    for (const [codes, kind] of lists) {
      for (const code of codes) {
        expect(seen.has(code), `code ${code} in two lists`).toBe(false);
        seen.add(code);
        expect(classifyErrorCode(code)).toBe(kind);
      }
    }
    expect(classifyFailure({ type: 'http', status: 401 })).toBe(A.bareHttp401Or403);
    expect(classifyFailure({ type: 'body', problem: 'html' })).toBe(A.htmlBody);
    expect(classifyFailure({ type: 'body', problem: 'garbage' })).toBe(A.garbageBody);
  });
});

describe('classifyFailure', () => {
  it('network errors and timeouts are retryable', () => {
    expect(classifyFailure({ type: 'network' })).toBe('retryable');
    expect(classifyFailure({ type: 'timeout' })).toBe('retryable');
  });
  it('5xx and 429 are retryable whatever the body says', () => {
    for (const status of [500, 502, 503, 504, 599, 429]) {
      expect(classifyFailure({ type: 'http', status })).toBe('retryable');
      expect(classifyFailure({ type: 'http', status, code: 3 })).toBe('retryable');
    }
  });
  it('other HTTP statuses follow the envelope code, else 401/403 auth, else unknown', () => {
    expect(classifyFailure({ type: 'http', status: 400, code: 3 })).toBe('rejected');
    expect(classifyFailure({ type: 'http', status: 404, code: 201 })).toBe('not-found');
    expect(classifyFailure({ type: 'http', status: 401 })).toBe('auth');
    expect(classifyFailure({ type: 'http', status: 403, code: null })).toBe('auth');
    expect(classifyFailure({ type: 'http', status: 404 })).toBe('unknown');
    expect(classifyFailure({ type: 'http', status: 302 })).toBe('unknown');
  });
  it('an envelope goes by its code; one without a code is unknown', () => {
    expect(classifyFailure({ type: 'envelope', code: 14 })).toBe('retryable');
    expect(classifyFailure({ type: 'envelope', code: 115 })).toBe('rejected');
    expect(classifyFailure({ type: 'envelope', code: null })).toBe('unknown');
  });
  it('a cut-off body or an HTML page is retryable; garbage or a wrong shape is unknown', () => {
    expect(classifyFailure({ type: 'body', problem: 'truncated' })).toBe('retryable');
    expect(classifyFailure({ type: 'body', problem: 'html' })).toBe('retryable');
    expect(classifyFailure({ type: 'body', problem: 'garbage' })).toBe('unknown');
    expect(classifyFailure({ type: 'body', problem: 'unexpected-shape' })).toBe('unknown');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });
  it('reads an HTTP date relative to now, a past date meaning now', () => {
    expect(parseRetryAfter('Fri, 01 May 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 01 May 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('gives null for absent or nonsense values', () => {
    for (const v of [undefined, null, '', '  ', '-5', '1.5', 'soon', 'Zzz, 99 Foo 2026']) {
      expect(parseRetryAfter(v, now)).toBeNull();
    }
  });
});

describe('RunSignupError', () => {
  it('carries kind, code, message, retryAfterMs and httpStatus', () => {
    const e = new RunSignupError({
      kind: 'retryable',
      code: 14,
      message: 'Request throttled.',
      retryAfterMs: 1000,
      httpStatus: 429,
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('RunSignupError');
    expect([e.kind, e.code, e.message, e.retryAfterMs, e.httpStatus]).toEqual([
      'retryable',
      14,
      'Request throttled.',
      1000,
      429,
    ]);
  });
  it('defaults the optional fields to null', () => {
    const e = new RunSignupError({ kind: 'unknown', message: 'x' });
    expect([e.code, e.retryAfterMs, e.httpStatus]).toEqual([null, null, null]);
  });
  it('the assumed throttle default is a sane wait', () => {
    expect(CLIENT_ASSUMPTIONS.throttleRetryAfterDefaultMs).toBeGreaterThan(0);
  });
});
