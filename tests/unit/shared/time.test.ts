import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  formatCompact,
  formatElapsed,
  isPostableTimeValue,
  isTimeZone,
  MAX_ELAPSED_MS,
  parseElapsed,
  parseReadBack,
  parseTimeOfDay,
  readBackMatches,
  roundUpMs,
} from '../../../src-shared/time';

const ok = <T>(value: T) => ({ ok: true, value });
const H = 3_600_000;
const M = 60_000;

describe('parseElapsed', () => {
  it.each([
    ['1:02:03.4', H + 2 * M + 3400],
    ['0:25:03.45', 25 * M + 3450],
    ['25:03', 25 * M + 3000],
    ['8:27.42', 8 * M + 27_420],
    ['59.99', 59_990],
    ['7', 7000],
    ['75:30', H + 15 * M + 30_000],
    ['90.5', 90_500],
    ['  1:00:00.123 ', H + 123],
    ['12:34,5', 12 * M + 34_500],
    ['123:00:00', 123 * H],
  ])('reads %s', (text, ms) => {
    expect(parseElapsed(text)).toEqual(ok(ms));
  });

  it.each([
    ['', /Type a time/],
    ['   ', /Type a time/],
    ['-1:00', /negative/],
    ['abc', /not a time/],
    ['1:2:3', /two digits/],
    ['1:60:00', /below 60/],
    ['1:00:75', /below 60/],
    ['1:00:00:00', /Too many/],
    ['1.2.3', /one decimal point/],
    ['12.', /digits after the decimal point/],
    ['1.5:00', /after the seconds/],
    ['1:00.1234', /At most 3 digits/],
    ['1000:00:00', /Time too long/],
    ['99999999', /Time too long/],
    [':30', /needs digits/],
    ['1e3', /not a time/],
    ['NaN', /not a time/],
  ])('rejects %j with a clear message', (text, message) => {
    const r = parseElapsed(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('never throws and never returns a negative or absurd time, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (text) => {
        const r = parseElapsed(text);
        if (r.ok) {
          expect(Number.isInteger(r.value)).toBe(true);
          expect(r.value).toBeGreaterThanOrEqual(0);
          expect(r.value).toBeLessThanOrEqual(MAX_ELAPSED_MS);
        } else expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatElapsed: RunSignup H:MM:SS.f, rounded up', () => {
  it.each([
    [0, 1, '0:00:00.0'],
    [1234, 1, '0:00:01.3'],
    [1200, 1, '0:00:01.2'],
    [1201, 2, '0:00:01.21'],
    [1999, 0, '0:00:02'],
    [59_999, 0, '0:01:00'],
    [3_599_950, 1, '1:00:00.0'],
    [H + 2 * M + 3456, 3, '1:02:03.456'],
    [25 * M + 3001, 1, '0:25:03.1'],
    [123 * H, 1, '123:00:00.0'],
    [0.4, 3, '0:00:00.001'],
  ])('%d ms at precision %d is %s', (ms, p, text) => {
    expect(formatElapsed(ms, p)).toBe(text);
  });

  it('rounds up, never down, and by less than one unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 * H }), fc.constantFrom(0, 1, 2, 3), (ms, p) => {
        const rounded = roundUpMs(ms, p);
        const unit = 10 ** (3 - p);
        expect(rounded).toBeGreaterThanOrEqual(ms);
        expect(rounded - ms).toBeLessThan(unit);
        expect(rounded % unit).toBe(0);
        const text = formatElapsed(ms, p);
        expect(isPostableTimeValue(text)).toBe(true);
        // What we post reads back as the rounded value.
        expect(parseElapsed(text)).toEqual(ok(rounded));
        expect(parseElapsed(formatCompact(ms, p))).toEqual(ok(rounded));
        expect(readBackMatches(text, formatCompact(ms, p))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([[-1], [Number.NaN], [MAX_ELAPSED_MS + 1], [Number.POSITIVE_INFINITY]])(
    'throws on impossible input %s',
    (ms) => {
      expect(() => formatElapsed(ms, 1)).toThrow(RangeError);
    },
  );

  it('throws on a precision outside 0..3', () => {
    expect(() => formatElapsed(1000, 4)).toThrow(/precision/);
    expect(() => formatElapsed(1000, 1.5)).toThrow(/precision/);
  });

  it('throws when rounding up would pass 999 hours', () => {
    expect(() => formatElapsed(MAX_ELAPSED_MS, 0)).toThrow(RangeError);
    expect(formatElapsed(MAX_ELAPSED_MS, 3)).toBe('999:59:59.999');
  });
});

describe('formatCompact', () => {
  it.each([
    [8 * M + 27_420, 2, '8:27.42'],
    [42_100, 1, '0:42.1'],
    [H + 2 * M + 3400, 1, '1:02:03.4'],
    [59_999, 0, '1:00'],
  ])('%d ms at precision %d is %s', (ms, p, text) => {
    expect(formatCompact(ms, p)).toBe(text);
  });
});

describe('time of day', () => {
  it.each([
    ['07:30', 7.5 * H],
    ['7:30:15', 7.5 * H + 15_000],
    ['23:59:59.999', 24 * H - 1],
    ['00:00:00', 0],
    ['7:30 am', 7.5 * H],
    ['12:05 AM', 5 * M],
    ['12:05 pm', 12 * H + 5 * M],
    ['1:00:00.5 PM', 13 * H + 500],
  ])('reads %s', (text, ms) => {
    expect(parseTimeOfDay(text)).toEqual(ok(ms));
  });

  it.each([
    ['', /Type a time of day/],
    ['24:00', /hour must be 0 to 23/],
    ['7:60', /Minutes/],
    ['7:30:60', /Seconds/],
    ['13:00 pm', /1 to 12/],
    ['7', /not a time of day/],
    ['noon', /not a time of day/],
  ])('rejects %j', (text, message) => {
    const r = parseTimeOfDay(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('read-back from RunSignup', () => {
  it('classifies statuses and times', () => {
    expect(parseReadBack('DNF')).toEqual(ok({ kind: 'status', status: 'DNF' }));
    expect(parseReadBack('')).toEqual(ok({ kind: 'empty' }));
    expect(parseReadBack('8:27.42')).toEqual(
      ok({ kind: 'time', ms: 8 * M + 27_420, fractionDigits: 2 }),
    );
  });

  it('matches what we posted against what RunSignup shows', () => {
    expect(readBackMatches('0:08:27.4', '8:27.40')).toBe(true);
    expect(readBackMatches('0:08:27.4', '8:27.5')).toBe(false);
    expect(readBackMatches('0:08:27.456', '8:27.45')).toBe(true); // RunSignup kept hundredths
    expect(readBackMatches('0:08:27.456', '8:27.47')).toBe(false);
    expect(readBackMatches('0:08:27.4', '8:27.456')).toBe(false); // more digits: must be equal
    expect(readBackMatches('X', '')).toBe(true);
    expect(readBackMatches('X', '8:27.4')).toBe(false);
    expect(readBackMatches('DQ', 'DQ')).toBe(true);
    expect(readBackMatches('DQ', '')).toBe(false);
    expect(readBackMatches('0:08:27.4', '')).toBe(false);
    expect(readBackMatches('0:08:27.4', 'junk')).toBe(false);
  });
});

describe('isPostableTimeValue', () => {
  it('accepts times, statuses and X only', () => {
    for (const v of ['0:00:01.2', '123:00:00', '1:02:03.456', 'DQ', 'DNF', 'DNS', 'DNQ', 'X']) {
      expect(isPostableTimeValue(v)).toBe(true);
    }
    for (const v of ['', ' ', '8:27.4', '1:60:00', 'dq', 'x', '1:00:00.1234', '-0:00:01']) {
      expect(isPostableTimeValue(v)).toBe(false);
    }
  });
});

describe('time zone names', () => {
  it('knows a zone by its canonical name, whatever the case RunSignup sends it in', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone(' UTC ')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
    expect(canonicalTimeZone(null)).toBeNull();
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
  });
});
