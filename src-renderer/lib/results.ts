// The Results screen's table: one event or all of them, a bib search, and a CSV of what is
// shown. Pure.
import type { ResultRow } from '../../src-shared/station-api';
import { toCsv } from '../../src-shared/csv';
import { clearedWords } from './words';
import { AGE_GROUP_PLACE_LABEL, ageGroup, ageGroupPlaces } from './age-groups';

export interface EventResults {
  eventId: number;
  name: string;
  rows: readonly ResultRow[];
}

/** What the Time column shows: the status, the clear, or the time. */
export function resultTime(r: ResultRow): string {
  if (r.cleared) return clearedWords(r.sync);
  return r.status ?? r.time ?? '';
}

/**
 * Which optional columns have something for at least one runner (none shown empty): gender,
 * age and division as RunSignup gives them, the age group Chute computes from age and gender.
 */
export function resultColumns(events: readonly EventResults[]): {
  gender: boolean;
  age: boolean;
  division: boolean;
  ageGroup: boolean;
} {
  const rows = events.flatMap((e) => e.rows);
  return {
    gender: rows.some((r) => r.gender != null && r.gender !== ''),
    age: rows.some((r) => r.age != null),
    division: rows.some((r) => r.division != null && r.division !== ''),
    ageGroup: rows.some((r) => ageGroup(r.age, r.gender) !== null),
  };
}

/** The event holding a bib's result, for the search to jump to. */
export function findBib(events: readonly EventResults[], bib: number): EventResults | null {
  return events.find((e) => e.rows.some((r) => r.bib === bib)) ?? null;
}

/**
 * Every event's results in one CSV, an Event column first. The age group and its place are
 * Chute's (the header says so); a Division column comes only when RunSignup gave divisions.
 */
export function resultsCsv(events: readonly EventResults[]): string {
  const withDivision = resultColumns(events).division;
  const header = [
    'Event',
    'Place',
    'Bib',
    'Name',
    'Gender',
    'Age',
    ...(withDivision ? ['Division'] : []),
    'Age group (computed by Chute)',
    AGE_GROUP_PLACE_LABEL,
    'Time',
    'Status',
    'Sync',
  ];
  return toCsv(
    header,
    events.flatMap((e) => {
      const groups = ageGroupPlaces(e.rows);
      return e.rows.map((r) => {
        const group = groups.get(r.bib);
        return [
          e.name,
          r.place,
          r.bib,
          r.name,
          r.gender ?? null,
          r.age ?? null,
          ...(withDivision ? [r.division ?? null] : []),
          group?.group ?? null,
          group?.place ?? null,
          r.time,
          r.cleared ? 'X' : r.status,
          r.sync,
        ];
      });
    }),
  );
}
