import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseTypedTime,
  timeOfDayLabel,
  typedTimeText,
} from '../../../src-renderer/lib/typed-time';

const NEW_YORK = 'America/New_York';
// 2026-11-30 13:00:05.250 UTC: 08:00:05.250 in New York (EST).
const AT = Date.UTC(2026, 10, 30, 13, 0, 5, 250);

describe('a crossing time typed in the Insert and Adjust-time dialogs', () => {
  it("before a gun, shows and reads the time of day on the race's clock, whatever the laptop's zone", () => {
    const clock = { gun: null, offsetMs: 0, zone: NEW_YORK };
    expect(typedTimeText(AT, clock)).toBe('08:00:05.250');
    expect(parseTypedTime('08:00:05.250', AT, clock)).toEqual({ ok: true, value: AT });
    // Typed a minute later on the same race day.
    expect(parseTypedTime('08:01:05.25', AT, clock)).toEqual({ ok: true, value: AT + 60_000 });
    const kolkata = { gun: null, offsetMs: 0, zone: 'Asia/Kolkata' };
    expect(typedTimeText(AT, kolkata)).toBe('18:30:05.250');
    expect(parseTypedTime('18:30:05.250', AT, kolkata)).toEqual({ ok: true, value: AT });
  });

  it('after a gun, shows and reads the race time from it, with the screen offset', () => {
    const gun = AT - 3_600_000;
    expect(typedTimeText(AT, { gun, offsetMs: 0, zone: NEW_YORK })).toBe('1:00:00.000');
    expect(typedTimeText(AT, { gun, offsetMs: 500, zone: NEW_YORK })).toBe('1:00:00.500');
    expect(parseTypedTime('1:00:00.500', AT, { gun, offsetMs: 500, zone: NEW_YORK })).toEqual({
      ok: true,
      value: AT,
    });
  });

  it('refuses what is not a time, and a time before the epoch, with a sentence', () => {
    const none = { gun: null, offsetMs: 0, zone: NEW_YORK };
    expect(parseTypedTime('99:99', AT, none)).toMatchObject({ ok: false, error: /not a time/ });
    const early = parseTypedTime('0:00:00.001', AT, { gun: 0, offsetMs: 10, zone: NEW_YORK });
    expect(early).toEqual({ ok: false, error: 'That time is before the epoch; check the gun' });
  });

  it('reads back what it shows, to the millisecond (June days: no clock change)', () => {
    const june = fc.integer({ min: Date.UTC(2026, 5, 1), max: Date.UTC(2026, 5, 30) });
    const zone = fc.constantFrom(NEW_YORK, 'America/Los_Angeles', 'Asia/Kolkata', 'UTC', null);
    const gun = fc.option(
      fc.integer({ min: Date.UTC(2026, 4, 31), max: Date.UTC(2026, 4, 31, 23) }),
    );
    fc.assert(
      fc.property(june, zone, gun, fc.integer({ min: -2000, max: 2000 }), (at, z, g, offsetMs) => {
        const clock = { gun: g, offsetMs, zone: z };
        expect(parseTypedTime(typedTimeText(at, clock), at, clock)).toEqual({
          ok: true,
          value: at,
        });
      }),
    );
  });

  it("names the race's clock in the label when the zone is known", () => {
    expect(timeOfDayLabel(NEW_YORK)).toMatch(/race's clock, America\/New_York/);
    expect(timeOfDayLabel(null)).toBe('Time of day (HH:MM:SS.fff)');
  });
});
