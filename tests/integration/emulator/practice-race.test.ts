// The practice race is pure and deterministic by seed, and looks like a real start list.
import { describe, expect, it } from 'vitest';
import { createPracticeRace } from '../../../src-main/runsignup/emulator';

describe('createPracticeRace', () => {
  it('is deterministic: the same seed gives the same race, another seed another race', () => {
    expect(createPracticeRace(7)).toEqual(createPracticeRace(7));
    expect(JSON.stringify(createPracticeRace(7))).toBe(JSON.stringify(createPracticeRace(7)));
    expect(createPracticeRace(8)).not.toEqual(createPracticeRace(7));
  });

  it.each([1, 2, 99, 123456])(
    'seed %i: a 5K with a 1-mile split and a 10K with two splits, sharing a day',
    (seed) => {
      const race = createPracticeRace(seed);
      const [fiveK, tenK] = race.events;
      expect(race.events).toHaveLength(2);
      expect(fiveK!.distance).toBe('5K');
      expect(tenK!.distance).toBe('10K');
      expect(fiveK!.resultSets).toHaveLength(1);
      expect(tenK!.resultSets).toHaveLength(1);
      expect(fiveK!.resultSets[0]!.splits.map((s) => s.name)).toEqual(['Mile 1']);
      expect(tenK!.resultSets[0]!.splits).toHaveLength(2);
      expect(fiveK!.startTime.split(' ')[0]).toBe(tenK!.startTime.split(' ')[0]);
      const allIds = [
        race.raceId,
        ...race.events.map((e) => e.eventId),
        ...race.events.flatMap((e) =>
          e.resultSets.flatMap((rs) => [rs.resultSetId, ...rs.splits.map((s) => s.splitId)]),
        ),
      ];
      expect(new Set(allIds).size).toBe(allIds.length);
      expect(new Date(`${race.date}T12:00:00Z`).getUTCDay()).toBe(6); // a Saturday
    },
  );

  it('has 300+ participants with unique registrations, bibs (5K 1-999, 10K 1001+), chips, and a few without a bib', () => {
    const race = createPracticeRace(1);
    const [fiveK, tenK] = race.events;
    const ps = race.participants;
    expect(ps.length).toBeGreaterThanOrEqual(300);
    expect(new Set(ps.map((p) => p.registrationId)).size).toBe(ps.length);
    const bibs = ps.filter((p) => p.bib !== null).map((p) => p.bib!);
    expect(new Set(bibs).size).toBe(bibs.length);
    for (const p of ps.filter((x) => x.bib !== null)) {
      if (p.eventId === fiveK!.eventId) expect(p.bib!).toBeLessThan(1000);
      else {
        expect(p.eventId).toBe(tenK!.eventId);
        expect(p.bib!).toBeGreaterThan(1000);
      }
    }
    const withoutBib = ps.filter((p) => p.bib === null);
    expect(withoutBib.length).toBeGreaterThan(0);
    expect(withoutBib.length).toBeLessThan(ps.length * 0.1);
    const chips = ps.filter((p) => p.chip !== null).map((p) => p.chip);
    expect(new Set(chips).size).toBe(chips.length);
  });

  it('has varied, realistic people: both genders, many names, plausible ages', () => {
    const ps = createPracticeRace(3).participants;
    expect(new Set(ps.map((p) => p.gender))).toEqual(new Set(['F', 'M']));
    expect(new Set(ps.map((p) => p.lastName)).size).toBeGreaterThan(40);
    expect(new Set(ps.map((p) => p.firstName)).size).toBeGreaterThan(60);
    expect(ps.some((p) => /['\- ]/.test(p.lastName))).toBe(true);
    expect(ps.every((p) => p.age >= 8 && p.age <= 85)).toBe(true);
    expect(ps.every((p) => p.lastModified >= p.registrationDate)).toBe(true);
  });

  it('refuses a non-integer seed and a bad size', () => {
    expect(() => createPracticeRace(1.5)).toThrow(/seed/);
    expect(() => createPracticeRace(1, { fiveK: -1 })).toThrow(/fiveK/);
  });

  it('takes a larger field for benchmarks without changing the rest of the race', () => {
    const small = createPracticeRace(4);
    const big = createPracticeRace(4, { fiveK: 6000, tenK: 4000 });
    expect(big.raceId).toBe(small.raceId);
    expect(big.events.map((e) => e.eventId)).toEqual(small.events.map((e) => e.eventId));
    expect(big.participants).toHaveLength(10_000);
    const [fiveK, tenK] = big.events;
    const maxFiveK = Math.max(
      ...big.participants.filter((p) => p.eventId === fiveK!.eventId).map((p) => p.bib ?? 0),
    );
    const minTenK = Math.min(
      ...big.participants
        .filter((p) => p.eventId === tenK!.eventId && p.bib !== null)
        .map((p) => p.bib!),
    );
    expect(minTenK).toBeGreaterThan(maxFiveK);
    const bibs = big.participants.filter((p) => p.bib !== null).map((p) => p.bib);
    expect(new Set(bibs).size).toBe(bibs.length);
  });
});
