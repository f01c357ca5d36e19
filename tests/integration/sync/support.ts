// Comparing what the station wants RunSignup to show with what the emulator shows, field by
// field, in get-results' own spelling (compact times, '' for empty, place as a number).
import { CLEAR_VALUE } from '../../../src-shared/domain';
import type { FieldSyncState } from '../../../src-main/core/store/outbox-store';
import { toCompact } from '../../../src-main/runsignup/emulator/time';

export type EmulatorRow = Record<string, string | number | null>;

/** How get-results shows a value the station posted (null: never posted or cleared). */
export function shownAs(field: string, value: string | null): string | number | null {
  if (value === null || value === CLEAR_VALUE) return field === 'place' ? null : '';
  if (field === 'place') return Number(value);
  return toCompact(value) ?? value;
}

function normalise(field: string, v: string | number | null | undefined): string | number | null {
  if (v === undefined) return field === 'place' ? null : '';
  if (field === 'place' && v === '') return null;
  return v;
}

export interface Mismatch {
  bib: number;
  field: string;
  expected: string | number | null;
  actual: string | number | null;
}

/**
 * Every field of every outbox row against the emulator. A row parked for attention is expected
 * to show what RunSignup last accepted; every other row what the station wants.
 */
export function compareResults(
  emulatorRows: readonly EmulatorRow[],
  states: ReadonlyMap<string, FieldSyncState>,
  resultSetId: number,
): { mismatches: Mismatch[]; duplicates: number[]; compared: number } {
  const byBib = new Map<number, EmulatorRow>();
  const duplicates: number[] = [];
  for (const row of emulatorRows) {
    const bib = Number(row.bib);
    if (byBib.has(bib)) duplicates.push(bib);
    byBib.set(bib, row);
  }
  const mismatches: Mismatch[] = [];
  let compared = 0;
  for (const [key, st] of states) {
    const [rs, bibText, field] = key.split('|');
    if (Number(rs) !== resultSetId || bibText === undefined || field === undefined) continue;
    const bib = Number(bibText);
    const parked = st.attentionVersion !== null && st.attentionVersion === st.wantedVersion;
    const expected = shownAs(field, parked ? st.ackedValue : st.wantedValue);
    const actual = normalise(field, byBib.get(bib)?.[field]);
    compared += 1;
    if (expected !== actual) mismatches.push({ bib, field, expected, actual });
  }
  return { mismatches, duplicates, compared };
}
