// Age groups computed by Chute from a runner's age and gender (RunSignup's participant list
// gives both, but no division): standard 10-year bands, "F 30-39", and the place within the
// group, so a timer can read age-group standings for awards at the finish, offline too. The
// race's official divisions and their places are RunSignup's own (its division calculation on
// the results posted); these are labelled as Chute's wherever they are shown. Pure.
import type { ResultRow } from '../../src-shared/station-api';

export const AGE_BAND_YEARS = 10;
/** From this age on, one open band ("M 100+"). */
const OPEN_BAND_FROM = 100;

/** The column headings, saying who computed them. */
export const AGE_GROUP_LABEL = 'Age group (Chute)';
export const AGE_GROUP_PLACE_LABEL = 'AG place';
export const AGE_GROUP_TITLE =
  'Computed by Chute from age and gender in 10-year bands; the race’s official divisions are RunSignup’s.';

/** "F 30-39" from an age and a gender code (M, F, X…), or null when either is missing. */
export function ageGroup(
  age: number | null | undefined,
  gender: string | null | undefined,
): string | null {
  if (age === null || age === undefined || !Number.isInteger(age) || age < 0) return null;
  const g = (gender ?? '').trim().toUpperCase();
  if (!/^[A-Z]{1,2}$/.test(g)) return null;
  if (age >= OPEN_BAND_FROM) return `${g} ${OPEN_BAND_FROM}+`;
  const from = Math.floor(age / AGE_BAND_YEARS) * AGE_BAND_YEARS;
  return `${g} ${from}-${from + AGE_BAND_YEARS - 1}`;
}

export interface AgeGroupCell {
  group: string | null;
  /** Place within the group in this event (placed finishers only), or null. */
  place: number | null;
}

/**
 * Each row's age group and place in it, by bib. Rows are one event's; a runner counts in place
 * order (a status, a clear or no place counts for no one).
 */
export function ageGroupPlaces(rows: readonly ResultRow[]): Map<number, AgeGroupCell> {
  const out = new Map<number, AgeGroupCell>();
  const counted = new Map<string, number>();
  const placed = rows
    .filter((r) => r.place !== null && r.status === null && r.cleared !== true)
    .sort((a, b) => (a.place as number) - (b.place as number));
  for (const r of placed) {
    const group = ageGroup(r.age, r.gender);
    if (group === null) continue;
    const place = (counted.get(group) ?? 0) + 1;
    counted.set(group, place);
    out.set(r.bib, { group, place });
  }
  for (const r of rows) {
    if (!out.has(r.bib)) out.set(r.bib, { group: ageGroup(r.age, r.gender), place: null });
  }
  return out;
}
