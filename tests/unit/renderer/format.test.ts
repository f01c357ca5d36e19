import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatAgo,
  formatElapsed,
  formatTimeOfDay,
  parseClock,
  parseTimeOfDay,
} from '../../../src-renderer/lib/format';

describe('formatElapsed', () => {
  it('formats H:MM:SS with the asked decimals, truncating', () => {
    expect(formatElapsed(0)).toBe('0:00:00.0');
    expect(formatElapsed(1_234_567, 1)).toBe('0:20:34.5');
    expect(formatElapsed(1_234_567, 3)).toBe('0:20:34.567');
    expect(formatElapsed(3_600_000 + 59_999, 0)).toBe('1:00:59');
    expect(formatElapsed(-1500, 1)).toBe('-0:00:01.5');
  });
  it('round-trips through parseClock at millisecond precision', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 * 3600 * 1000 }), (ms) => {
        const parsed = parseClock(formatElapsed(ms, 3));
        expect(parsed).toEqual({ ok: true, value: ms });
      }),
    );
  });
});

describe('parseClock', () => {
  it('accepts short forms', () => {
    expect(parseClock('45')).toEqual({ ok: true, value: 45_000 });
    expect(parseClock('1:05.3')).toEqual({ ok: true, value: 65_300 });
    expect(parseClock(' 1:02:03,25 ')).toEqual({ ok: true, value: 3_723_250 });
  });
  it('refuses garbage and out-of-range parts with a sentence', () => {
    for (const bad of ['', 'abc', '1:2:3:4', '1:75', '1:60:00', '12.3456']) {
      const r = parseClock(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
    }
  });
});

describe('time of day', () => {
  it('parses a typed time onto the reference local date and formats it back', () => {
    const ref = new Date(2026, 4, 17, 9, 30, 0).getTime();
    const r = parseTimeOfDay('08:00:01.25', ref);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toBe(new Date(2026, 4, 17, 8, 0, 1, 250).getTime());
      expect(formatTimeOfDay(r.value, 3)).toBe('08:00:01.250');
    }
    expect(parseTimeOfDay('7:45', ref)).toEqual({
      ok: true,
      value: new Date(2026, 4, 17, 7, 45, 0).getTime(),
    });
  });
  it('refuses hours past 23 and free text', () => {
    expect(parseTimeOfDay('24:00:00', 0).ok).toBe(false);
    expect(parseTimeOfDay('noon', 0).ok).toBe(false);
  });
  it("reads and shows a time on the race's clock, whatever the laptop's zone", () => {
    // 12:00:00.25 UTC is 08:00:00.25 in New York (EDT) on 16 May.
    const at = Date.UTC(2026, 4, 16, 12, 0, 0, 250);
    expect(formatTimeOfDay(at, 2, 'America/New_York')).toBe('08:00:00.25');
    expect(formatTimeOfDay(at, 3, 'Asia/Kolkata')).toBe('17:30:00.250');
    expect(parseTimeOfDay('08:00:00.25', at + 3_600_000, 'America/New_York')).toEqual({
      ok: true,
      value: at,
    });
    // Late in the New York evening it is already the next day in UTC: the race's date is used.
    const evening = Date.UTC(2026, 4, 17, 2, 0, 0); // 22:00 on 16 May in New York
    expect(parseTimeOfDay('21:30', evening, 'America/New_York')).toEqual({
      ok: true,
      value: Date.UTC(2026, 4, 17, 1, 30, 0),
    });
    // A time the spring-forward change skips is refused with a sentence.
    const dstDay = Date.UTC(2026, 2, 8, 12, 0, 0);
    const skipped = parseTimeOfDay('02:30:00', dstDay, 'America/New_York');
    expect(skipped.ok).toBe(false);
    if (!skipped.ok) expect(skipped.error).toMatch(/does not exist that day in America\/New_York/);
  });
  it('round-trips every instant on the race clock, to the millisecond', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'),
        (at, zone) => {
          const text = formatTimeOfDay(at, 3, zone);
          const back = parseTimeOfDay(text, at, zone);
          expect(back.ok).toBe(true);
          // In a repeated hour (DST end) the first of the two instants is taken.
          if (back.ok) {
            expect(formatTimeOfDay(back.value, 3, zone)).toBe(text);
            expect(at - back.value >= 0 && at - back.value <= 3_600_000).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
  it("falls back to the laptop's clock for an unknown zone", () => {
    const at = new Date(2026, 4, 17, 9, 30, 0).getTime();
    expect(formatTimeOfDay(at, 0, 'Nowhere/Atlantis')).toBe('09:30:00');
  });
});

describe('formatAgo', () => {
  it('says seconds, minutes, hours', () => {
    expect(formatAgo(1000, 13_000)).toBe('12 s ago');
    expect(formatAgo(0, 180_000)).toBe('3 min ago');
    expect(formatAgo(0, 3_900_000)).toBe('1 h 5 min ago');
    expect(formatAgo(5000, 0)).toBe('0 s ago');
  });
});
