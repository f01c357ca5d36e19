import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMEOUTS,
  networkError,
  parseHttpDate,
} from '../../../src-main/runsignup/transport';

function withCode(code: string, nested = false): Error {
  const inner = Object.assign(new Error(`connect ${code} https://x/Rest?api_secret=S3CRET`), {
    code,
  });
  return nested
    ? Object.assign(new Error('fetch failed https://x/Rest?api_secret=S3CRET'), { cause: inner })
    : inner;
}

describe('networkError', () => {
  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', /could not connect in time/],
    ['UND_ERR_HEADERS_TIMEOUT', /did not start answering in time/],
    ['UND_ERR_BODY_TIMEOUT', /stopped sending its answer/],
    ['ECONNREFUSED', /refused the connection/],
    ['ECONNRESET', /dropped the connection/],
    ['UND_ERR_SOCKET', /dropped the connection/],
    ['ENOTFOUND', /offline\?/],
    ['EAI_AGAIN', /offline\?/],
    ['ENETUNREACH', /unreachable/],
    ['EWHATEVER', /could not be reached \(EWHATEVER\)/],
  ])('%s is retryable with a sentence, built from the code only', (code, message) => {
    for (const nested of [false, true]) {
      const e = networkError(withCode(code, nested), false, DEFAULT_TIMEOUTS);
      expect(e.kind).toBe('retryable');
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('S3CRET');
      expect(e.message).not.toContain('https://');
    }
  });
  it('the overall timeout names its length', () => {
    expect(networkError(new Error('aborted'), true, DEFAULT_TIMEOUTS).message).toBe(
      'RunSignup did not finish answering within 30 s.',
    );
  });
  it('an oversized answer is unknown, not retried forever', () => {
    expect(
      networkError(withCode('UND_ERR_RES_EXCEEDED_MAX_SIZE'), false, DEFAULT_TIMEOUTS).kind,
    ).toBe('unknown');
  });
  it('a thrown non-Error still becomes a retryable RunSignupError', () => {
    expect(networkError('boom', false, DEFAULT_TIMEOUTS).kind).toBe('retryable');
  });
});

describe('parseHttpDate and defaults', () => {
  it('reads the Date header, null when absent or invalid', () => {
    expect(parseHttpDate('Fri, 01 May 2026 12:00:00 GMT')).toBe(Date.parse('2026-05-01T12:00:00Z'));
    expect(parseHttpDate(undefined)).toBeNull();
    expect(parseHttpDate('yesterday')).toBeNull();
  });
  it('defaults are 5 s connect, 15 s headers, 15 s body, 30 s overall', () => {
    expect(DEFAULT_TIMEOUTS).toEqual({
      connectMs: 5000,
      headersMs: 15000,
      bodyMs: 15000,
      overallMs: 30000,
    });
  });
});
