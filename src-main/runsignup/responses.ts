// zod schemas for every RunSignup answer the client reads, and the pure mappings to the
// station's vocabulary. Lenient where RunSignup is odd (ints as strings, null bibs, extra
// fields, escaped slashes are JSON's own business) and strict where a wrong value would mislead
// (ids). A shape mismatch is a RunSignupError naming the call and the path, never a crash.
import { z } from 'zod';
import type { Participant } from '../../src-shared/domain';
import { canonicalTimeZone } from '../../src-shared/time';
import { describeIssues } from '../../src-shared/zod-issues';
import { RunSignupError } from './errors';

// ---- coercions -------------------------------------------------------------------------------

/** An integer sent as a number or as a string of digits. */
const Int = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'expected an integer')
    .transform(Number),
]);

/** An integer, or null/''/absent for "none". */
const OptInt = z
  .union([Int, z.literal(''), z.null()])
  .optional()
  .transform((v) => (v === '' || v == null ? null : v));

/** Like OptInt but a malformed value becomes null instead of an error (ages, display numbers). */
const LooseInt = z
  .unknown()
  .optional()
  .transform((v): number | null => {
    const r = Int.safeParse(v);
    return r.success ? r.data : null;
  });

/** Text sent as a string or a number; null/absent for "none". */
const OptText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v == null ? null : String(v)));

const Text = z.union([z.string(), z.number()]).transform(String);

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new RunSignupError({
    kind: 'unknown',
    message: `RunSignup's answer to ${what} was not in the expected shape (${describeIssues(r.error, 1)}).`,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- races -----------------------------------------------------------------------------------

const EventSchema = z.object({
  event_id: Int,
  name: Text,
  start_time: OptText,
  end_time: OptText,
  distance: OptText,
});

const RaceSchema = z.object({
  race_id: Int,
  name: Text,
  next_date: OptText,
  last_date: OptText,
  timezone: OptText.optional(),
  events: z.array(EventSchema).nullable().optional(),
});

export interface RaceEvent {
  eventId: number;
  name: string;
  /** As RunSignup sends it: `M/D/YYYY HH:MM` in the race's time zone. */
  startTime: string | null;
  endTime: string | null;
  distance: string | null;
}

export interface RaceInfo {
  raceId: number;
  name: string;
  nextDate: string | null;
  lastDate: string | null;
  /**
   * The race's IANA time zone when RunSignup gives one this computer knows (`timezone` of GET
   * race, e.g. America/New_York), else null: start times are wall clock in this zone.
   */
  timeZone: string | null;
  events: RaceEvent[];
}

function toRaceInfo(r: z.output<typeof RaceSchema>): RaceInfo {
  return {
    raceId: r.race_id,
    name: r.name,
    nextDate: r.next_date,
    lastDate: r.last_date,
    timeZone: canonicalTimeZone(r.timezone),
    events: (r.events ?? []).map((e) => ({
      eventId: e.event_id,
      name: e.name,
      startTime: e.start_time,
      endTime: e.end_time,
      distance: e.distance,
    })),
  };
}

/** `GET /race/{id}`: `{"race":{...}}`. */
export function parseRace(value: unknown): RaceInfo {
  return toRaceInfo(parseWith(z.object({ race: RaceSchema }), value, 'get-race').race);
}

/** `GET /races`: `{"races":[{"race":{...}}]}` (an empty list may come back as `[]`). */
export function parseRaces(value: unknown): RaceInfo[] {
  if (Array.isArray(value) && value.length === 0) return [];
  const parsed = parseWith(
    z.object({
      races: z
        .array(z.object({ race: RaceSchema }))
        .nullable()
        .optional(),
    }),
    value,
    'races',
  );
  return (parsed.races ?? []).map((r) => toRaceInfo(r.race));
}

// ---- participants ----------------------------------------------------------------------------

const ParticipantSchema = z.object({
  registration_id: OptInt,
  event_id: OptInt,
  bib_num: OptInt,
  chip_num: OptText,
  age: LooseInt,
  user: z
    .object({
      first_name: OptText,
      last_name: OptText,
      gender: OptText,
    })
    .nullable()
    .optional(),
});

const ParticipantBlock = z.object({
  event: z.object({ event_id: OptInt }).nullable().optional(),
  participants: z.array(ParticipantSchema).nullable().optional(),
});

/**
 * One page of `GET /race/{id}/participants`: a JSON ARRAY with one block per event; the real
 * list is each block's top-level `participants` (the one inside `event` is always empty).
 * `rawCount` is the number of rows RunSignup sent, for the short-page test.
 */
export function parseParticipantsPage(
  value: unknown,
  fallbackEventId: number,
): { participants: Participant[]; rawCount: number } {
  // An object instead of the array (one event, another API version): treat as one block.
  const blocks = parseWith(
    z.array(ParticipantBlock),
    Array.isArray(value) ? value : [value],
    'get-participants',
  );
  const participants: Participant[] = [];
  for (const block of blocks) {
    const blockEvent = block.event?.event_id ?? fallbackEventId;
    for (const p of block.participants ?? []) {
      participants.push({
        registrationId: p.registration_id,
        eventId: p.event_id ?? blockEvent,
        bib: p.bib_num,
        chip: p.chip_num === '' ? null : p.chip_num,
        firstName: p.user?.first_name ?? '',
        lastName: p.user?.last_name ?? '',
        gender: p.user?.gender ?? null,
        age: p.age,
      });
    }
  }
  return { participants, rawCount: participants.length };
}

// ---- result sets and results -----------------------------------------------------------------

const ResultSetSchema = z.object({
  individual_result_set_id: Int,
  individual_result_set_name: OptText,
  results_headers: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .transform((h) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(h ?? {})) out[k] = v == null ? '' : String(v);
      return out;
    }),
  results: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
});

const ResultSetsSchema = z.object({
  individual_results_sets: z.array(ResultSetSchema).nullable().optional(),
});

export interface ResultSetInfo {
  resultSetId: number;
  name: string;
  /** `field_key -> label`; the keys are exactly the fields Post Event Results accepts. */
  headers: Record<string, string>;
}

export function parseResultSets(value: unknown): ResultSetInfo[] {
  // No sets yet may come back as `[]` or `{}`.
  if (Array.isArray(value) && value.length === 0) return [];
  const parsed = parseWith(ResultSetsSchema, value, 'get-result-sets');
  return (parsed.individual_results_sets ?? []).map((s) => ({
    resultSetId: s.individual_result_set_id,
    name: s.individual_result_set_name ?? '',
    headers: s.results_headers,
  }));
}

/** A get-results row as RunSignup shows it: field name -> value, objects flattened to JSON. */
export type ResultRecord = Record<string, string | number | null>;

function toResultRecord(row: Record<string, unknown>): ResultRecord {
  const out: ResultRecord = {};
  for (const [k, v] of Object.entries(row)) {
    if (v == null) out[k] = null;
    else if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 'T' : 'F';
    else out[k] = JSON.stringify(v);
  }
  // Bibs are numbers on RunSignup; normalise a string bib so callers compare like with like.
  const bib = out['bib'];
  if (typeof bib === 'string' && /^\d+$/.test(bib.trim())) out['bib'] = Number(bib);
  return out;
}

/** One page of get-results: the rows of set `resultSetId` (or of the only set sent). */
export function parseResultsPage(value: unknown, resultSetId: number): ResultRecord[] {
  if (Array.isArray(value) && value.length === 0) return [];
  const parsed = parseWith(ResultSetsSchema, value, 'get-results');
  const sets = parsed.individual_results_sets ?? [];
  const set =
    sets.find((s) => s.individual_result_set_id === resultSetId) ??
    (sets.length === 1 ? sets[0] : undefined);
  return (set?.results ?? []).map(toResultRecord);
}

// ---- splits ----------------------------------------------------------------------------------

const SplitSchema = z.object({
  split_id: Int,
  split_name: OptText,
  split_distance: OptText,
  split_distance_units: OptText,
});

export interface SplitInfo {
  splitId: number;
  name: string;
  distance: string | null;
  distanceUnits: string | null;
}

/**
 * Finds the splits list of set `resultSetId` whatever the wrapping: `{"result_set_splits":[..]}`
 * (the POST response's shape) or the same list nested in a per-set object (the GET shape is
 * [assumed]). A nested object naming another set is skipped.
 */
function findSplitsList(value: unknown, resultSetId: number, depth = 0): unknown[] | null {
  if (depth > 5) return null;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = findSplitsList(v, resultSetId, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (!isRecord(value)) return null;
  const setId = Int.safeParse(value['individual_result_set_id']);
  if (setId.success && setId.data !== resultSetId) return null;
  for (const key of ['result_set_splits', 'splits']) {
    const list = value[key];
    if (Array.isArray(list) && list.every((x) => isRecord(x) && 'split_id' in x)) return list;
  }
  for (const v of Object.values(value)) {
    if (typeof v === 'object' && v !== null) {
      const found = findSplitsList(v, resultSetId, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

export function parseResultSetSplits(value: unknown, resultSetId: number): SplitInfo[] {
  const list = findSplitsList(value, resultSetId);
  if (list === null) {
    // A set with no splits may legitimately come back as an empty object or list.
    if ((Array.isArray(value) && value.length === 0) || (isRecord(value) && isEmptyish(value))) {
      return [];
    }
    throw new RunSignupError({
      kind: 'unknown',
      message: "RunSignup's answer to result-set-splits had no list of splits.",
    });
  }
  return parseWith(z.array(SplitSchema), list, 'result-set-splits').map((s) => ({
    splitId: s.split_id,
    name: s.split_name ?? '',
    distance: s.split_distance,
    distanceUnits: s.split_distance_units,
  }));
}

/** `{}`, or an object whose every value is an empty list/object/null. */
function isEmptyish(v: Record<string, unknown>): boolean {
  return Object.values(v).every(
    (x) =>
      x == null ||
      (Array.isArray(x) && x.length === 0) ||
      (isRecord(x) && Object.keys(x).length === 0),
  );
}

// ---- small answers ---------------------------------------------------------------------------

/** Depth-first search of the first value under `key`. */
function findKey(value: unknown, key: string, depth = 0): unknown {
  if (depth > 5 || typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value) && key in value) return (value as Record<string, unknown>)[key];
  for (const v of Object.values(value)) {
    const found = findKey(v, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** start-time: `{"start_time":"YYYY-MM-DD HH:MM:SS"}`; null/'' when no gun time is stored. */
export function parseStartTime(value: unknown): string | null {
  const raw = parseWith(OptText, findKey(value, 'start_time'), 'start-time');
  return raw === null || raw.trim() === '' ? null : raw.trim();
}

/** login: `{"tmp_key":"...","tmp_secret":"...","user":{...}}`. */
export function parseLogin(value: unknown): { tmpKey: string; tmpSecret: string } {
  const parsed = parseWith(
    z.object({ tmp_key: Text.pipe(z.string().min(1)), tmp_secret: Text.pipe(z.string().min(1)) }),
    value,
    'login',
  );
  return { tmpKey: parsed.tmp_key, tmpSecret: parsed.tmp_secret };
}
