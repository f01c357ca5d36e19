// The emulator's mutable race state: result sets with their splits and rows (indexed the way
// Post Event Results matches), start times, and id counters. Built from the practice race data.
import type { PracticeEventData, PracticeParticipantData, PracticeRaceData } from './practice-race';
import { pacePerMile, parseTimeValue } from './time';

export interface SplitState {
  splitId: number;
  name: string;
  distance: number | null;
  units: string;
}

export interface ResultRowState {
  resultId: number;
  registrationId: number | null;
  bib: number | null;
  chip: string | null;
  firstName: string;
  lastName: string;
  gender: string | null;
  age: number | null;
  city: string | null;
  state: string | null;
  countryCode: string | null;
  place: number | null;
  /** clock_time, chip_time, split-N, split-N-place, custom-field-N, division-N-placement: display text. */
  fields: Record<string, string>;
}

export interface ResultSetState {
  resultSetId: number;
  eventId: number;
  name: string;
  publicResults: 'T' | 'F';
  sortOrder: number;
  splits: SplitState[];
  /** The event's divisions: `division-N-placement` fields of this set. */
  divisions: Array<{ id: number; name: string }>;
  /** Division placements may be posted only after disable-division-placement-calc. */
  divisionCalcDisabled: boolean;
  rows: Map<number, ResultRowState>;
  byRegistration: Map<number, number>;
  byBib: Map<number, number>;
  byChip: Map<string, number>;
}

export interface EventIndex {
  event: PracticeEventData;
  byRegistration: Map<number, PracticeParticipantData>;
  byBib: Map<number, PracticeParticipantData>;
  byChip: Map<string, PracticeParticipantData>;
  participants: PracticeParticipantData[];
}

export interface RaceState {
  race: PracticeRaceData;
  events: Map<number, EventIndex>;
  sets: Map<number, ResultSetState>;
  /** Gun time per event, as the start-time call stores it (`YYYY-MM-DD HH:MM:SS[.fff]`). */
  startTimes: Map<number, string>;
  nextResultId: number;
  nextResultSetId: number;
  nextSplitId: number;
}

export function newResultSet(
  resultSetId: number,
  eventId: number,
  name: string,
  splits: SplitState[],
  sortOrder: number,
  divisions: Array<{ id: number; name: string }> = [],
): ResultSetState {
  return {
    resultSetId,
    eventId,
    name,
    publicResults: 'T',
    sortOrder,
    splits,
    divisions,
    divisionCalcDisabled: false,
    rows: new Map(),
    byRegistration: new Map(),
    byBib: new Map(),
    byChip: new Map(),
  };
}

/** `5/16/2026 08:00` → `2026-05-16 08:00:00`. */
function scheduledToStartTime(when: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(when);
  if (!m) return when;
  return `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')} ${m[4]}:${m[5]}:00`;
}

export function createRaceState(race: PracticeRaceData): RaceState {
  const events = new Map<number, EventIndex>();
  const sets = new Map<number, ResultSetState>();
  const startTimes = new Map<number, string>();
  let maxSet = 0;
  let maxSplit = 0;
  for (const event of race.events) {
    const participants = race.participants.filter((p) => p.eventId === event.eventId);
    const index: EventIndex = {
      event,
      participants,
      byRegistration: new Map(participants.map((p) => [p.registrationId, p])),
      byBib: new Map(participants.filter((p) => p.bib !== null).map((p) => [p.bib!, p])),
      byChip: new Map(participants.filter((p) => p.chip !== null).map((p) => [p.chip!, p])),
    };
    events.set(event.eventId, index);
    startTimes.set(event.eventId, scheduledToStartTime(event.startTime));
    event.resultSets.forEach((rs, i) => {
      const splits = rs.splits.map((s) => ({
        splitId: s.splitId,
        name: s.name,
        distance: s.distance,
        units: s.units,
      }));
      sets.set(
        rs.resultSetId,
        newResultSet(
          rs.resultSetId,
          event.eventId,
          rs.name,
          splits,
          i,
          divisionsOf(race, event.eventId),
        ),
      );
      maxSet = Math.max(maxSet, rs.resultSetId);
      for (const s of rs.splits) maxSplit = Math.max(maxSplit, s.splitId);
    });
  }
  return {
    race,
    events,
    sets,
    startTimes,
    nextResultId: 900_000_001,
    nextResultSetId: Math.max(maxSet + 1, 500_000),
    nextSplitId: Math.max(maxSplit + 1, 3_000_000),
  };
}

export function divisionsOf(
  race: PracticeRaceData,
  eventId: number,
): Array<{ id: number; name: string }> {
  return race.divisions
    .filter((d) => d.eventId === eventId)
    .map((d) => ({ id: d.divisionId, name: d.name }));
}

export function setsOfEvent(state: RaceState, eventId: number): ResultSetState[] {
  return [...state.sets.values()]
    .filter((s) => s.eventId === eventId)
    .sort((a, b) => a.sortOrder - b.sortOrder || a.resultSetId - b.resultSetId);
}

export function indexRow(set: ResultSetState, row: ResultRowState): void {
  set.rows.set(row.resultId, row);
  if (row.registrationId !== null) set.byRegistration.set(row.registrationId, row.resultId);
  if (row.bib !== null) set.byBib.set(row.bib, row.resultId);
  if (row.chip !== null) set.byChip.set(row.chip, row.resultId);
}

export function unindexRow(set: ResultSetState, row: ResultRowState): void {
  set.rows.delete(row.resultId);
  if (row.registrationId !== null && set.byRegistration.get(row.registrationId) === row.resultId) {
    set.byRegistration.delete(row.registrationId);
  }
  if (row.bib !== null && set.byBib.get(row.bib) === row.resultId) set.byBib.delete(row.bib);
  if (row.chip !== null && set.byChip.get(row.chip) === row.resultId) set.byChip.delete(row.chip);
}

/** results_headers of a set: exactly the field names Post Event Results accepts for it. */
export function resultHeaders(set: ResultSetState): Record<string, string> {
  const headers: Record<string, string> = {
    result_id: 'Result Id',
    place: 'Place',
    bib: 'Bib',
    first_name: 'First Name',
    last_name: 'Last Name',
    gender: 'Gender',
    city: 'City',
    state: 'State',
    country_code: 'Country',
    clock_time: 'Clock Time',
    chip_time: 'Chip Time',
    pace: 'Pace',
    age: 'Age',
  };
  for (const split of set.splits) headers[`split-${split.splitId}`] = split.name;
  for (const d of set.divisions) headers[`division-${d.id}-placement`] = d.name;
  return headers;
}

function timeMs(text: string | undefined): number | null {
  if (!text) return null;
  const v = parseTimeValue(text);
  return v && v.kind === 'time' ? v.ms : null;
}

/** One row as get-results shows it: key `bib`, compact times, `""` for an empty time. */
export function rowView(
  set: ResultSetState,
  row: ResultRowState,
  distanceMiles: number,
): Record<string, string | number | null> {
  const clock = row.fields.clock_time ?? '';
  const chip = row.fields.chip_time ?? '';
  const paceMs = timeMs(chip) ?? timeMs(clock);
  const view: Record<string, string | number | null> = {
    result_id: row.resultId,
    place: row.place,
    bib: row.bib,
    first_name: row.firstName,
    last_name: row.lastName,
    gender: row.gender,
    city: row.city,
    state: row.state,
    country_code: row.countryCode,
    clock_time: clock,
    chip_time: chip,
    pace: paceMs !== null && distanceMiles > 0 ? pacePerMile(paceMs, distanceMiles) : '',
    age: row.age,
  };
  for (const split of set.splits)
    view[`split-${split.splitId}`] = row.fields[`split-${split.splitId}`] ?? '';
  for (const d of set.divisions) {
    const place = row.fields[`division-${d.id}-placement`];
    view[`division-${d.id}-placement`] = place === undefined ? null : Number(place);
  }
  // Placements and custom fields only when set (RunSignup shows them only when the set has them).
  for (const [k, v] of Object.entries(row.fields)) if (!(k in view)) view[k] = v;
  return view;
}

/** Rows in the order get-results lists them: by place, then clock time, then result id. */
export function orderedRows(set: ResultSetState): ResultRowState[] {
  const rows = [...set.rows.values()];
  const big = Number.MAX_SAFE_INTEGER;
  return rows.sort(
    (a, b) =>
      (a.place ?? big) - (b.place ?? big) ||
      (timeMs(a.fields.clock_time) ?? big) - (timeMs(b.fields.clock_time) ?? big) ||
      a.resultId - b.resultId,
  );
}

export function distanceOf(state: RaceState, eventId: number): number {
  return state.events.get(eventId)?.event.distanceMiles ?? 0;
}
