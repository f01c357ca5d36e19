// The gun dialog marks a gun whose time is the press's own (on this screen's clock)
// as `pressed`, so a web host corrects it like a tap; a typed time of day is not marked.
import { describe, expect, it } from 'vitest';
import { gunTime } from '../../../src-renderer/components/GunDialog';
import { formatTimeOfDay } from '../../../src-renderer/lib/format';

describe('gun dialog time', () => {
  const pressedAt = Date.UTC(2026, 5, 6, 12, 0, 0, 123);
  it('keeps the pressed time, marked pressed, when the text is left as shown', () => {
    const shown = formatTimeOfDay(pressedAt, 3);
    expect(gunTime(pressedAt, ` ${shown} `, pressedAt - 999)).toEqual({
      at: pressedAt,
      pressed: true,
    });
  });
  it('takes a changed or typed time as typed, not pressed', () => {
    expect(gunTime(pressedAt, '07:59:58', 42_000)).toEqual({ at: 42_000, pressed: false });
    expect(gunTime(null, '08:00:00', 42_000)).toEqual({ at: 42_000, pressed: false });
  });
  it("recognises the pressed time shown on the race's clock", () => {
    expect(formatTimeOfDay(pressedAt, 3, 'America/New_York')).toBe('08:00:00.123');
    expect(gunTime(pressedAt, '08:00:00.123', 42_000, 'America/New_York')).toEqual({
      at: pressedAt,
      pressed: true,
    });
  });
});
