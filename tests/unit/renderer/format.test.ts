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
});

describe('formatAgo', () => {
  it('says seconds, minutes, hours', () => {
    expect(formatAgo(1000, 13_000)).toBe('12 s ago');
    expect(formatAgo(0, 180_000)).toBe('3 min ago');
    expect(formatAgo(0, 3_900_000)).toBe('1 h 5 min ago');
    expect(formatAgo(5000, 0)).toBe('0 s ago');
  });
});
