// The emulator's fixed guesses (EMULATOR_CHOICES in assumptions.ts): each one is read from there,
// and dates are shown on the race's own wall clock with its daylight saving.
import { afterEach, describe, expect, it } from 'vitest';
import { EMULATOR_CHOICES } from '../../../src-main/runsignup/assumptions';
import {
  createPracticeRace,
  startEmulator,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import { rsuDateTime, wallClockToMs } from '../../../src-main/runsignup/emulator/handlers/context';
import { parseTimeValue } from '../../../src-main/runsignup/emulator/time';
import { call, errorOf, ids, postRows } from './support';

let emu: RunningEmulator | null = null;
afterEach(async () => {
  await emu?.close();
  emu = null;
});

const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso) / 1000;

describe('dates on the race wall clock', () => {
  it('EDT in May, EST in November (not a fixed UTC-4)', () => {
    expect(rsuDateTime(at('2026-05-02T12:00:00Z'), NY)).toBe('5/2/2026 08:00');
    expect(rsuDateTime(at('2026-11-15T13:00:00Z'), NY)).toBe('11/15/2026 08:00');
    expect(rsuDateTime(at('2026-11-15T13:00:00Z'), 'America/Denver')).toBe('11/15/2026 06:00');
    expect(rsuDateTime(at('2026-01-01T00:05:00Z'), 'UTC')).toBe('1/1/2026 00:05');
  });

  it('a wall-clock time goes back to the same instant on both sides of a DST change', () => {
    expect(wallClockToMs(2026, 5, 2, 8, 0, NY)).toBe(Date.parse('2026-05-02T12:00:00Z'));
    expect(wallClockToMs(2026, 11, 15, 8, 0, NY)).toBe(Date.parse('2026-11-15T13:00:00Z'));
    // 1 November 2026 is the change day: 08:00 is already EST.
    expect(wallClockToMs(2026, 11, 1, 8, 0, NY)).toBe(Date.parse('2026-11-01T13:00:00Z'));
  });

  it('get-participants shows a November registration in EST', async () => {
    const race = createPracticeRace(1);
    const [first, second] = race.participants;
    const november = at('2025-11-20T14:30:00Z');
    const may = at('2026-05-03T14:30:00Z');
    const edited = {
      ...race,
      participants: race.participants.map((p) =>
        p === first
          ? { ...p, registrationDate: november }
          : p === second
            ? { ...p, registrationDate: may }
            : p,
      ),
    };
    expect(race.timeZone).toBe(NY);
    emu = await startEmulator({ seed: 1, race: edited });
    const wanted = new Map([
      [first!.registrationId, '11/20/2025 09:30'],
      [second!.registrationId, '5/3/2026 10:30'],
    ]);
    const seen = new Map<number, string>();
    for (const eventId of new Set([first!.eventId, second!.eventId])) {
      const r = await call(emu, 'GET', `/race/${ids(emu).raceId}/participants`, {
        query: { event_id: eventId, results_per_page: 2500 },
      });
      const list = (
        r.json as Array<{
          participants: Array<{ registration_id: number; registration_date: string }>;
        }>
      )[0]!.participants;
      for (const p of list) {
        if (wanted.has(p.registration_id)) seen.set(p.registration_id, p.registration_date);
      }
    }
    expect(seen).toEqual(wanted);
  });
});

describe('fixed choices are read from EMULATOR_CHOICES', () => {
  it('a bare-seconds time is refused by default and parsed when accepted', () => {
    expect(EMULATOR_CHOICES.bareSecondsTimes).toBe('rejected');
    expect(parseTimeValue('42.1')).toBeNull();
    expect(parseTimeValue('42.1', 'accepted')).toEqual({ kind: 'time', ms: 42_100, digits: 1 });
    expect(parseTimeValue('3600', 'accepted')).toEqual({ kind: 'time', ms: 3_600_000, digits: 0 });
    expect(parseTimeValue('4x', 'accepted')).toBeNull();
  });

  it('codes for a malformed time, an unknown registration, mixed and missing credentials', async () => {
    emu = await startEmulator({ seed: 1 });
    const i = ids(emu);
    const badTime = await postRows(emu, [{ bib: 1, clock_time: 'soon' }]);
    expect(errorOf(badTime)?.error_code).toBe(EMULATOR_CHOICES.invalidTimeCode);
    const badReg = await postRows(emu, [{ registration_id: 999_999_999, clock_time: '20:00' }]);
    expect(errorOf(badReg)?.error_code).toBe(EMULATOR_CHOICES.unknownRegistrationIdCode);
    const c = emu.practice.credentials;
    const mixed = await call(emu, 'GET', `/race/${i.raceId}`, {
      auth: {
        query: { tmp_key: 'k', tmp_secret: 's', api_key: c.apiKey, api_secret: c.apiSecret },
      },
    });
    expect(errorOf(mixed)?.error_code).toBe(EMULATOR_CHOICES.mixedAuthenticationCode);
    const anonymous = await call(emu, 'GET', `/race/${i.raceId}`, { auth: 'none' });
    expect(errorOf(anonymous)?.error_code).toBe(EMULATOR_CHOICES.unauthenticatedCode);
    const noAccess = await call(emu, 'GET', `/race/${i.raceId}`, { auth: 'no-access' });
    expect(errorOf(noAccess)?.error_code).toBe(7);
  });

  it('participants: the default page size, and an error above the maximum', async () => {
    emu = await startEmulator({ seed: 1 });
    const i = ids(emu);
    const page = (query: Record<string, number>) =>
      call(emu!, 'GET', `/race/${i.raceId}/participants`, {
        query: { event_id: i.fiveK, ...query },
      });
    const dflt = await page({});
    expect(errorOf(dflt)).toBeNull();
    const listed = (dflt.json as Array<{ participants: unknown[] }>)[0]!.participants;
    expect(listed).toHaveLength(EMULATOR_CHOICES.participantsPerPage.default);
    const over = await page({ results_per_page: EMULATOR_CHOICES.participantsPerPage.max + 1 });
    expect(errorOf(over)?.error_code).toBe(3);
    expect(errorOf(over)?.error_msg).toMatch(/results_per_page/);
  });
});
