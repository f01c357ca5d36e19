// The Results screen's table: one event or all of them, a bib search, and a CSV of what is
// shown. Pure.
import type { ResultRow } from '../../src-shared/station-api';
import { toCsv } from '../../src-shared/csv';
import { clearedWords } from './words';

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

/** Which optional columns RunSignup gave for at least one runner (none shown empty). */
export function resultColumns(events: readonly EventResults[]): {
  gender: boolean;
  age: boolean;
  division: boolean;
} {
  const rows = events.flatMap((e) => e.rows);
  return {
    gender: rows.some((r) => r.gender != null && r.gender !== ''),
    age: rows.some((r) => r.age != null),
    division: rows.some((r) => r.division != null && r.division !== ''),
  };
}

/** The event holding a bib's result, for the search to jump to. */
export function findBib(events: readonly EventResults[], bib: number): EventResults | null {
  return events.find((e) => e.rows.some((r) => r.bib === bib)) ?? null;
}

/** Every event's results in one CSV, an Event column first. */
export function resultsCsv(events: readonly EventResults[]): string {
  const header = [
    'Event',
    'Place',
    'Bib',
    'Name',
    'Gender',
    'Age',
    'Division',
    'Time',
    'Status',
    'Sync',
  ];
  return toCsv(
    header,
    events.flatMap((e) =>
      e.rows.map((r) => [
        e.name,
        r.place,
        r.bib,
        r.name,
        r.gender ?? null,
        r.age ?? null,
        r.division ?? null,
        r.time,
        r.cleared ? 'X' : r.status,
        r.sync,
      ]),
    ),
  );
}
