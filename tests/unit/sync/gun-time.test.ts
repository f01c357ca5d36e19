// The start-time call's wall-clock text in the race's zone, both ways.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTimeZone } from '../../../src-shared/time';
import { formatStartTime, parseStartTimeIn } from '../../../src-main/sync/gun-time';

const ZONES = ['UTC', 'America/New_York', 'America/Denver', 'Asia/Kolkata', 'Australia/Lord_Howe'];

describe('gun time text', () => {
  it('formats in the zone, with or without the fraction (cut, never rounded up)', () => {
    const at = Date.UTC(2026, 4, 16, 12, 0, 1, 987);
    expect(formatStartTime(at, 'UTC', true)).toBe('2026-05-16 12:00:01.987');
    expect(formatStartTime(at, 'UTC', false)).toBe('2026-05-16 12:00:01');
    expect(formatStartTime(at, 'America/New_York', true)).toBe('2026-05-16 08:00:01.987');
    expect(formatStartTime(at, 'Asia/Kolkata', false)).toBe('2026-05-16 17:30:01');
  });

  it('round-trips every instant in every zone (milliseconds kept)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...ZONES),
        (at, zone) => {
          const text = formatStartTime(at, zone, true);
          const back = parseStartTimeIn(text, zone);
          // In a repeated hour (DST end) the text names two instants: the first is taken.
          expect(back).not.toBeNull();
          expect(formatStartTime(back!, zone, true)).toBe(text);
          expect(back! <= at && at - back! <= 3_600_000).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses text that is not a time, and wall times a DST change skips', () => {
    for (const bad of ['', '2026-05-16', '2026-02-30 08:00:00', '2026-05-16 24:00:00', '08:00']) {
      expect(parseStartTimeIn(bad, 'UTC')).toBeNull();
    }
    expect(parseStartTimeIn('2026-03-08 02:30:00', 'America/New_York')).toBeNull();
    expect(parseStartTimeIn('2026-11-01 01:30:00', 'America/New_York')).toBe(
      Date.UTC(2026, 10, 1, 5, 30),
    );
    expect(parseStartTimeIn('2026-05-16 08:00:00.5', 'America/New_York')).toBe(
      Date.UTC(2026, 4, 16, 12, 0, 0, 500),
    );
  });

  it('knows real zones from typos', () => {
    expect(isTimeZone('America/Chicago')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
