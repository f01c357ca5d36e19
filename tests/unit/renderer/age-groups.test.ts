// Age groups computed by Chute from age and gender: 10-year bands and the place within them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultRow as row } from './fixtures';
import { ageGroup, ageGroupPlaces } from '../../../src-renderer/lib/age-groups';

describe('age group of a runner', () => {
  it('is a 10-year band with the gender first', () => {
    expect(ageGroup(30, 'F')).toBe('F 30-39');
    expect(ageGroup(39, 'f')).toBe('F 30-39');
    expect(ageGroup(40, 'M')).toBe('M 40-49');
    expect(ageGroup(7, 'X')).toBe('X 0-9');
    expect(ageGroup(99, 'M')).toBe('M 90-99');
    expect(ageGroup(104, 'F')).toBe('F 100+');
  });
  it('is none without an age or a gender, or with nonsense in either', () => {
    expect(ageGroup(null, 'F')).toBeNull();
    expect(ageGroup(undefined, 'F')).toBeNull();
    expect(ageGroup(30, null)).toBeNull();
    expect(ageGroup(30, '')).toBeNull();
    expect(ageGroup(30, 'Female runner')).toBeNull();
    expect(ageGroup(-1, 'F')).toBeNull();
    expect(ageGroup(30.5, 'F')).toBeNull();
  });
  it('holds the age between its bounds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.constantFrom('M', 'F', 'X'), (age, g) => {
        const m = /^([MFX]) (\d+)-(\d+)$/.exec(ageGroup(age, g) ?? '');
        expect(m).not.toBeNull();
        const [from, to] = [Number(m![2]), Number(m![3])];
        expect(m![1]).toBe(g);
        expect(from % 10).toBe(0);
        expect(to - from).toBe(9);
        expect(age).toBeGreaterThanOrEqual(from);
        expect(age).toBeLessThanOrEqual(to);
      }),
    );
  });
});

describe('places within age groups', () => {
  it('counts placed finishers in place order, each group on its own', () => {
    const places = ageGroupPlaces([
      row({ bib: 3, place: 3, gender: 'F', age: 35 }),
      row({ bib: 1, place: 1, gender: 'F', age: 31 }),
      row({ bib: 2, place: 2, gender: 'M', age: 33 }),
      row({ bib: 4, place: 4, gender: 'F', age: 42 }),
      row({ bib: 5, status: 'DNF', gender: 'F', age: 30 }),
      row({ bib: 6, place: 5, gender: 'F', age: 38, cleared: true }),
      row({ bib: 7, place: 6, age: 38 }),
    ]);
    expect(Object.fromEntries(places)).toEqual({
      1: { group: 'F 30-39', place: 1 },
      2: { group: 'M 30-39', place: 1 },
      3: { group: 'F 30-39', place: 2 },
      4: { group: 'F 40-49', place: 1 },
      5: { group: 'F 30-39', place: null },
      6: { group: 'F 30-39', place: null },
      7: { group: null, place: null },
    });
  });
});
