// Any body, any status, any JSON: the client's pure layers answer with a usable value or a
// classified RunSignupError, never a TypeError, and never leak a credential.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody, errorEnvelopeOf } from '../../../src-main/runsignup/body';
import { RunSignupError } from '../../../src-main/runsignup/errors';
import { rowFailuresOf } from '../../../src-main/runsignup/full-results';
import { interpretAnswer } from '../../../src-main/runsignup/interpret';
import { redact, redactUrl } from '../../../src-main/runsignup/redact';
import {
  parseLogin,
  parseParticipantsPage,
  parseRace,
  parseRaces,
  parseResultSets,
  parseResultSetSplits,
  parseResultsPage,
  parseStartTime,
} from '../../../src-main/runsignup/responses';

const KINDS = ['retryable', 'auth', 'rejected', 'not-found', 'unknown'];

const bodies = fc.oneof(
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
  fc
    .record({
      error: fc.record({
        error_code: fc.oneof(fc.integer(), fc.string()),
        error_msg: fc.oneof(fc.string(), fc.constant(null)),
      }),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .tuple(
      fc.constantFrom('<error>', '<response><error>', '<html>', '<?xml version="1.0"?>'),
      fc.string(),
    )
    .map(([a, b]) => a + b),
);

describe('property: any answer is interpreted without a crash', () => {
  it('interpretAnswer gives ok or a classified RunSignupError', () => {
    fc.assert(
      fc.property(
        bodies,
        fc.integer({ min: 100, max: 599 }),
        fc.option(fc.string()),
        (text, status, retryAfter) => {
          const r = interpretAnswer(
            { status, headers: retryAfter === null ? {} : { 'retry-after': retryAfter }, text },
            0,
          );
          if (r.ok) {
            expect(status >= 200 && status < 300).toBe(true);
            expect(errorEnvelopeOf(r.decoded)).toBeNull();
          } else {
            expect(r.error).toBeInstanceOf(RunSignupError);
            expect(KINDS).toContain(r.error.kind);
            expect(r.error.message.length).toBeGreaterThan(0);
            if (r.error.retryAfterMs !== null)
              expect(r.error.retryAfterMs).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decodeBody never throws', () => {
    fc.assert(
      fc.property(bodies, (text) => {
        expect(['empty', 'json', 'xml', 'html', 'truncated', 'garbage']).toContain(
          decodeBody(text).type,
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('property: any JSON given to a parser', () => {
  const parsers: Array<(v: unknown) => unknown> = [
    parseRace,
    parseRaces,
    (v) => parseParticipantsPage(v, 1),
    parseResultSets,
    (v) => parseResultsPage(v, 1),
    (v) => parseResultSetSplits(v, 1),
    parseStartTime,
    parseLogin,
    rowFailuresOf,
  ];
  it('returns a value or throws a RunSignupError, never anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: parsers.length - 1 }), (value, i) => {
        try {
          parsers[i]!(value);
        } catch (e) {
          expect(e).toBeInstanceOf(RunSignupError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('property: redaction', () => {
  const secret = fc
    .string({ minLength: 3, maxLength: 24 })
    .filter((s) => s.trim().length >= 3 && !s.includes('*'));
  it('a credential parameter value never survives redactUrl', () => {
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom('api_secret', 'tmp_secret', 'api_key', 'password', 'rsu_api_key'),
        (s, name) => {
          const url = `https://runsignup.com/Rest/race/1?format=json&${name}=${encodeURIComponent(s)}&event_id=2`;
          const out = redactUrl(url);
          expect(out).toContain(`${name}=***`);
          expect(out).not.toContain(`=${encodeURIComponent(s)}&`);
        },
      ),
    );
  });
  it('a known secret never survives redact, however it is quoted', () => {
    fc.assert(
      fc.property(secret, fc.string(), fc.string(), (s, before, after) => {
        const out = redact(`${before}${s}${after} ${encodeURIComponent(s)}`, [s]);
        expect(out.includes(s)).toBe(false);
      }),
    );
  });
});
