import { describe, expect, it } from 'vitest';
import { CLIENT_ASSUMPTIONS } from '../../../src-main/runsignup/assumptions';
import {
  fullResultsForm,
  rowFailuresError,
  rowFailuresOf,
  validatePostRows,
} from '../../../src-main/runsignup/full-results';

describe('fullResultsForm', () => {
  it('sends the rows as a JSON string in `request` with request_format=json', () => {
    const form = fullResultsForm([{ bib: 5, clock_time: '0:17:00.1' }]);
    expect(form.request_format).toBe('json');
    expect(JSON.parse(form.request ?? '')).toEqual({
      results: [{ bib: 5, clock_time: '0:17:00.1' }],
    });
  });
});

describe('validatePostRows', () => {
  it('accepts text and finite numbers', () => {
    expect(() => validatePostRows([{ bib: 1, 'split-3': 'X' }])).not.toThrow();
  });
  it.each([
    [[null], /row 1 is not an object/],
    [[{}], /row 1 has no fields/],
    [[{ bib: 1 }, { bib: Number.NaN }], /row 2: field "bib"/],
    [[{ bib: 1, clock_time: { h: 1 } }], /field "clock_time"/],
  ])('rejects %j', (rows, message) => {
    expect(() => validatePostRows(rows as never)).toThrow(message);
  });
});

describe('rowFailuresOf (per-row reports in a success body)', () => {
  it('finds nothing in the known success shapes', () => {
    for (const body of [
      {},
      '',
      { num_results: 3, num_failed: 0 },
      { results: [{ bib: 1 }] },
      null,
      [],
    ]) {
      expect(rowFailuresOf(body)).toEqual([]);
    }
  });
  it('finds a list of failures with codes and bibs', () => {
    const f = rowFailuresOf({
      num_saved: 1,
      failed: [{ row: 2, bib: 99, error_code: 115, error_msg: 'Bib number invalid' }],
    });
    expect(f).toEqual([{ row: 2, bib: '99', code: 115, message: 'Bib number invalid' }]);
  });
  it('finds failures nested one level and in several spellings', () => {
    expect(
      rowFailuresOf({
        results: { errors: [{ index: '1', error: { error_code: '3', error_msg: 'bad time' } }] },
      }),
    ).toEqual([{ row: 1, bib: null, code: 3, message: 'bad time' }]);
    expect(rowFailuresOf({ invalid_results: ['bib 7 unknown'] })).toEqual([
      { row: null, bib: null, code: null, message: 'bib 7 unknown' },
    ]);
  });
  it('reads counts only in failure-lists-and-counts, never skip counts, nothing in ignore', () => {
    expect(CLIENT_ASSUMPTIONS.successBodyRowFailures).toBe('failure-lists');
    expect(rowFailuresOf({ num_failed: 2 })).toEqual([]);
    expect(rowFailuresOf({ num_failed: 2 }, 'failure-lists-and-counts')).toHaveLength(1);
    for (const mode of ['ignore', 'failure-lists', 'failure-lists-and-counts'] as const) {
      expect(rowFailuresOf({ num_invalid_registration_ids_skipped: 2 }, mode)).toEqual([]);
      expect(rowFailuresOf({ invalid_registration_ids_skipped: ['12', '13'] }, mode)).toEqual([]);
    }
    const listed = { failed: [{ bib: 9, error_code: 115, error_msg: 'Bib number invalid' }] };
    expect(rowFailuresOf(listed, 'ignore')).toEqual([]);
    expect(rowFailuresOf(listed, 'failure-lists-and-counts')).toHaveLength(1);
  });
  it('turns failures into one rejected error naming the rows', () => {
    const e = rowFailuresError([
      { row: 2, bib: '99', code: 115, message: 'Bib number invalid' },
      { row: 3, bib: null, code: 3, message: 'bad time' },
    ]);
    expect(e.kind).toBe('rejected');
    expect(e.code).toBe(115);
    expect(e.message).toBe(
      'RunSignup did not save 2 row(s) — bib 99: Bib number invalid; row 3: bad time',
    );
  });
});
