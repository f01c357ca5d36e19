// The body decoder and the answer interpreter: JSON, XML (format ignored), the error envelope
// at HTTP 200, HTML pages, cut-off and garbage bodies.
import { describe, expect, it } from 'vitest';
import { decodeBody, errorEnvelopeOf } from '../../../src-main/runsignup/body';
import { CLIENT_ASSUMPTIONS } from '../../../src-main/runsignup/assumptions';
import { interpretAnswer } from '../../../src-main/runsignup/interpret';

const ok200 = (text: string, headers: Record<string, string> = {}) =>
  interpretAnswer({ status: 200, headers, text }, Date.parse('2026-05-01T12:00:00Z'));

describe('decodeBody', () => {
  it('recognises each kind of body', () => {
    expect(decodeBody('')).toEqual({ type: 'empty' });
    expect(decodeBody('  \n')).toEqual({ type: 'empty' });
    expect(decodeBody('{}')).toEqual({ type: 'json', value: {} });
    expect(decodeBody('\uFEFF{"a":"1\\/2"}')).toEqual({ type: 'json', value: { a: '1/2' } });
    expect(decodeBody('[1,2]')).toEqual({ type: 'json', value: [1, 2] });
    expect(decodeBody('{"a":')).toEqual({ type: 'truncated' });
    expect(decodeBody('[{"a":1},')).toEqual({ type: 'truncated' });
    expect(decodeBody('<!DOCTYPE html><html><body>502</body></html>')).toEqual({ type: 'html' });
    expect(decodeBody('<html>\n<head><title>Error</title></head></html>')).toEqual({
      type: 'html',
    });
    expect(decodeBody('<response><a>1</a>')).toEqual({ type: 'truncated' });
    expect(decodeBody('Internal error')).toEqual({ type: 'garbage' });
    expect(decodeBody('\u0000\u0001binary')).toEqual({ type: 'garbage' });
    expect(decodeBody('"unterminated')).toEqual({ type: 'garbage' });
  });
});

describe('XML error envelopes (format ignored)', () => {
  it('reads <error><error_code>/<error_msg>', () => {
    const d = decodeBody(
      '<?xml version="1.0"?><error><error_code>6</error_code><error_msg>Key authentication failed</error_msg></error>',
    );
    expect(errorEnvelopeOf(d)).toEqual({ code: 6, message: 'Key authentication failed' });
  });
  it('reads a message nested in <error_details>', () => {
    const d = decodeBody(
      '<error><error_code>3</error_code><error_details><error_msg>Invalid bib on row 4</error_msg></error_details></error>',
    );
    expect(errorEnvelopeOf(d)).toEqual({ code: 3, message: 'Invalid bib on row 4' });
  });
  it('reads <error_details> as text, and an <error> under a wrapping root', () => {
    const d = decodeBody(
      '<response><error><error_code>115</error_code><error_details>Bib number invalid</error_details></error></response>',
    );
    expect(errorEnvelopeOf(d)).toEqual({ code: 115, message: 'Bib number invalid' });
  });
  it('an XML error is classified like the JSON one', () => {
    const r = ok200(
      '<error><error_code>201</error_code><error_msg>Race not found.</error_msg></error>',
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect([r.error.kind, r.error.code, r.error.message]).toEqual([
        'not-found',
        201,
        'Race not found.',
      ]);
  });
  it('an XML success body is not an error', () => {
    const r = ok200('<results><count>2</count></results>');
    expect(r.ok && r.decoded.type).toBe('xml');
  });
});

describe('JSON error envelopes', () => {
  it('accepts a code sent as a string and keeps extra keys out of the message', () => {
    const d = decodeBody(
      '{"error":{"error_code":"14","error_msg":"Request throttled.","rows":[1]}}',
    );
    expect(errorEnvelopeOf(d)).toEqual({ code: 14, message: 'Request throttled.' });
  });
  it('an error that is only text has no code', () => {
    expect(errorEnvelopeOf(decodeBody('{"error":"Something broke"}'))).toEqual({
      code: null,
      message: 'Something broke',
    });
  });
  it('null/false error keys are not errors', () => {
    expect(errorEnvelopeOf(decodeBody('{"error":null,"ok":1}'))).toBeNull();
    expect(errorEnvelopeOf(decodeBody('{"error":false}'))).toBeNull();
    expect(errorEnvelopeOf(decodeBody('[{"error":{"error_code":3}}]'))).toBeNull();
  });
});

describe('interpretAnswer', () => {
  it('HTTP 200 with an error key is a failure (never trust the status alone)', () => {
    const r = ok200('{"error":{"error_code":115,"error_msg":"Bib number invalid"}}');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect([r.error.kind, r.error.code, r.error.httpStatus]).toEqual(['rejected', 115, 200]);
  });
  it('code 14 at 200 is retryable with the assumed default wait', () => {
    const r = ok200('{"error":{"error_code":14,"error_msg":"Request throttled."}}');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('retryable');
      expect(r.error.retryAfterMs).toBe(CLIENT_ASSUMPTIONS.throttleRetryAfterDefaultMs);
    }
  });
  it('429 with Retry-After (seconds or date) gives that wait', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    const a = interpretAnswer(
      {
        status: 429,
        headers: { 'retry-after': '3' },
        text: '{"error":{"error_code":14,"error_msg":"Request throttled."}}',
      },
      now,
    );
    const b = interpretAnswer(
      { status: 429, headers: { 'retry-after': 'Fri, 01 May 2026 12:00:05 GMT' }, text: '' },
      now,
    );
    expect(!a.ok && [a.error.kind, a.error.code, a.error.retryAfterMs, a.error.httpStatus]).toEqual(
      ['retryable', 14, 3000, 429],
    );
    expect(!b.ok && [b.error.kind, b.error.retryAfterMs]).toEqual(['retryable', 5000]);
    if (!b.ok) expect(b.error.message).toMatch(/429.*throttling/);
  });
  it('5xx with an HTML page is retryable and names the status', () => {
    const r = interpretAnswer(
      { status: 503, headers: {}, text: '<html><body>Service Unavailable</body></html>' },
      0,
    );
    expect(!r.ok && [r.error.kind, r.error.httpStatus, r.error.message]).toEqual([
      'retryable',
      503,
      'RunSignup answered HTTP 503.',
    ]);
  });
  it('an HTML page at HTTP 200 is retryable (portal or proxy), garbage is unknown', () => {
    const html = ok200('<!doctype html><html><body>Log in to Wi-Fi</body></html>');
    expect(!html.ok && html.error.kind).toBe('retryable');
    const garbage = ok200('%PDF-1.4');
    expect(!garbage.ok && garbage.error.kind).toBe('unknown');
  });
  it('a truncated JSON body is retryable', () => {
    const r = ok200('{"individual_results_sets":[{"individual_result_set_id":1,');
    expect(!r.ok && r.error.kind).toBe('retryable');
  });
  it('an empty 200 and an empty object are usable answers (success bodies are undocumented)', () => {
    expect(ok200('').ok).toBe(true);
    expect(ok200('{}').ok).toBe(true);
  });
});
