import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  invalidValueReason,
  mapBatch,
  splitUnits,
  toPostRows,
  unitRows,
} from '../../../src-main/sync/mapper';
import type { OutboxRow } from '../../../src-main/sync/ports';

const row = (bib: number, field: string, value: string, version = 1): OutboxRow => ({
  eventId: 1,
  resultSetId: 2,
  bib,
  field,
  value,
  version,
});

describe('mapBatch / toPostRows', () => {
  it('makes one row per bib carrying only the given fields, place as a number', () => {
    const mapped = mapBatch([
      row(7, 'clock_time', '0:20:01.3'),
      row(5, 'place', '2'),
      row(7, 'place', '3'),
      row(5, 'clock_time', 'DNF'),
    ]);
    expect(mapped.target).toEqual({ eventId: 1, resultSetId: 2 });
    expect(mapped.invalid).toEqual([]);
    expect(toPostRows(mapped.units)).toEqual([
      { bib: 5, clock_time: 'DNF', place: 2 },
      { bib: 7, clock_time: '0:20:01.3', place: 3 },
    ]);
  });

  it('sends X and statuses as they are, in splits too', () => {
    const mapped = mapBatch([
      row(1, 'split-44', 'X'),
      row(1, 'place', 'X'),
      row(2, 'chip_time', 'DQ'),
    ]);
    expect(toPostRows(mapped.units)).toEqual([
      { bib: 1, place: 'X', 'split-44': 'X' },
      { bib: 2, chip_time: 'DQ' },
    ]);
  });

  it('keeps the newer of two versions of one field', () => {
    const mapped = mapBatch([row(1, 'clock_time', '1:00.0', 2), row(1, 'clock_time', '1:01.0', 3)]);
    expect(unitRows(mapped.units)).toEqual([row(1, 'clock_time', '1:01.0', 3)]);
  });

  it('never sends a blank, a foreign field, a bad time or a bad bib: they come back as invalid', () => {
    const bad = [
      row(1, 'clock_time', ''),
      row(2, 'clock_time', '   '),
      row(3, 'first_name', 'Ann'),
      row(4, 'clock_time', 'soon'),
      row(5, 'place', '0'),
      row(0, 'clock_time', '1:00.0'),
      row(6, 'bib', '6'),
    ];
    const mapped = mapBatch([...bad, row(9, 'clock_time', '1:00.0')]);
    expect(mapped.invalid.map((i) => i.row)).toEqual(bad);
    for (const i of mapped.invalid) expect(i.reason.length).toBeGreaterThan(5);
    expect(toPostRows(mapped.units)).toEqual([{ bib: 9, clock_time: '1:00.0' }]);
  });

  it('refuses an empty batch and a batch mixing result sets', () => {
    expect(() => mapBatch([])).toThrow(/empty/);
    expect(() =>
      mapBatch([row(1, 'place', '1'), { ...row(2, 'place', '2'), resultSetId: 9 }]),
    ).toThrow(/mixed/);
  });

  it('accepts the time forms RunSignup documents', () => {
    for (const t of [
      '1:02:03.456',
      '0:25:03.1',
      '25:03',
      '17:00.1',
      '123:05:00.0',
      '59.99',
      'X',
      'DNQ',
    ]) {
      expect(invalidValueReason('clock_time', t)).toBeNull();
    }
    expect(invalidValueReason('split-0', '1:00')).not.toBeNull();
  });

  it('property: every mapped row has a bib, no blank and no field it was not given', () => {
    const fieldArb = fc.constantFrom('place', 'clock_time', 'chip_time', 'split-3');
    const valueArb = fc.oneof(
      fc.constantFrom('X', 'DNF', '1:02:03.4', '12', '', ' ', 'junk'),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            bib: fc.integer({ min: 1, max: 30 }),
            field: fieldArb,
            value: valueArb,
            version: fc.nat(5),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (raw) => {
          const rows = raw.map((r) => row(r.bib, r.field, r.value, r.version));
          const mapped = mapBatch(rows);
          const posted = toPostRows(mapped.units);
          const bibs = posted.map((p) => p.bib);
          expect(new Set(bibs).size).toBe(bibs.length);
          for (const p of posted) {
            expect(typeof p.bib).toBe('number');
            for (const [k, v] of Object.entries(p)) {
              if (k === 'bib') continue;
              expect(String(v).trim()).not.toBe('');
              expect(rows.some((r) => r.bib === p.bib && r.field === k)).toBe(true);
            }
          }
          // Nothing vanishes: every (bib, field) given is either carried or reported invalid.
          const key = (r: OutboxRow) => `${r.bib}|${r.field}`;
          const accounted = new Set([
            ...unitRows(mapped.units).map(key),
            ...mapped.invalid.map((i) => key(i.row)),
          ]);
          expect(accounted).toEqual(new Set(rows.map(key)));
        },
      ),
    );
  });
});

describe('splitUnits', () => {
  it('halves by bib, then a lone bib by field, and stops at one field', () => {
    const units = mapBatch([1, 2, 3, 4, 5].map((b) => row(b, 'clock_time', '1:00.0'))).units;
    const [a, b] = splitUnits(units);
    expect(a?.map((u) => u.bib)).toEqual([1, 2, 3]);
    expect(b?.map((u) => u.bib)).toEqual([4, 5]);
    const lone = mapBatch([row(1, 'clock_time', 'X'), row(1, 'place', '1')]).units;
    const byField = splitUnits(lone);
    expect(byField.map((h) => unitRows(h).map((r) => r.field))).toEqual([
      ['clock_time'],
      ['place'],
    ]);
    expect(splitUnits(byField[0] ?? [])).toEqual([]);
  });
});
