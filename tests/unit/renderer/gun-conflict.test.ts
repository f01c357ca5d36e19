// The gun line shows RunSignup's differing start time and offers to take it.
import { describe, expect, it } from 'vitest';
import { formatTimeOfDay } from '../../../src-renderer/lib/format';
import { gunConflictView, gunOnRaceClock } from '../../../src-renderer/lib/guns';

const T0 = Date.UTC(2026, 4, 2, 13, 0, 0);

describe('gunConflictView', () => {
  it('says nothing without a conflict', () => {
    expect(gunConflictView(undefined)).toBeNull();
    expect(gunConflictView({ eventId: 1, at: T0, source: 'local' })).toBeNull();
    expect(gunConflictView({ eventId: 1, at: T0, source: 'runsignup' })).toBeNull();
    expect(
      gunConflictView({ eventId: 1, at: T0, source: 'local', conflict: null, remoteAt: null }),
    ).toBeNull();
    // Already taken: the gun in force is RunSignup's time.
    expect(
      gunConflictView({ eventId: 1, at: T0, source: 'local', conflict: 'x', remoteAt: T0 }),
    ).toBeNull();
  });

  it('shows the sentence with RunSignup’s time and a gun command at that time', () => {
    const view = gunConflictView({
      eventId: 7,
      at: T0,
      source: 'local',
      conflict: "RunSignup's start time is 7.3 s later than the gun typed on this station.",
      remoteAt: T0 + 7_300,
    });
    const when = formatTimeOfDay(T0 + 7_300, 2);
    expect(view).toEqual({
      text: `RunSignup's start time is 7.3 s later than the gun typed on this station. RunSignup's gun: ${when}.`,
      action: `Use RunSignup's gun (${when})`,
      command: { type: 'gun', eventId: 7, at: T0 + 7_300 },
    });
  });
});

describe('gunOnRaceClock', () => {
  it("shows a gun on the race's wall clock with its zone, whatever the laptop's zone", () => {
    const gun = Date.UTC(2026, 4, 16, 12, 0, 0, 250); // 08:00:00.25 in New York (EDT)
    expect(gunOnRaceClock(gun, 'America/New_York')).toBe('08:00:00.25 EDT');
    expect(gunOnRaceClock(gun, 'America/New_York', 0)).toBe('08:00:00 EDT');
    expect(gunOnRaceClock(gun, 'UTC')).toBe('12:00:00.25 UTC');
    expect(gunOnRaceClock(gun, 'Nowhere/Atlantis')).toMatch(/unknown time zone Nowhere\/Atlantis/);
  });
});

describe('gun times on the race clock in notices', () => {
  it("names RunSignup's gun on the race's clock when the race has a zone", () => {
    const at = Date.UTC(2026, 4, 16, 12, 0, 0, 0);
    const view = gunConflictView(
      {
        eventId: 1,
        at: at + 60_000,
        source: 'local',
        remoteAt: at,
        conflict: 'RunSignup has another start time.',
      },
      'America/New_York',
    );
    expect(view?.action).toBe("Use RunSignup's gun (08:00:00.00 EDT)");
  });
});
