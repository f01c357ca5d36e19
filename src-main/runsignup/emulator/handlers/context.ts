// What every endpoint handler receives, and the lookups most of them start with (race, event,
// result set), each failing with RunSignup's code for that case.
import { EMULATOR_CHOICES, type EmulatorAssumptions } from '../../assumptions';
import type { Authenticator, Principal } from '../auth';
import { ApiError, invalidParam } from '../errors';
import type { PostedRow } from '../request-rows';
import {
  divisionsOf,
  newResultSet,
  setsOfEvent,
  type EventIndex,
  type RaceState,
  type ResultSetState,
} from '../state';

export interface RequestContext {
  method: string;
  /** Query-string parameters merged with form fields of a POST (form fields win). */
  params: Record<string, string>;
  /** Numbers captured from the path, e.g. the race id. */
  pathIds: number[];
  principal: Principal;
  state: RaceState;
  auth: Authenticator;
  assumptions: EmulatorAssumptions;
  now: () => number;
}

/** A handler's answer: a value to serialize, or a body that is deliberately empty. */
export interface HandlerResult {
  payload: unknown;
  emptyBody?: boolean;
  /** Rows posted or returned, for the request log. */
  rows: number;
  posted?: PostedRow[];
  applied?: boolean;
  /** Answer with this error envelope (after a handler did part of its work, e.g. per-row report). */
  error?: ApiError;
}

export type Handler = (ctx: RequestContext) => HandlerResult;

/** The race of the path: 201 when unknown, 7 when the caller has no access to it. */
export function requireRace(ctx: RequestContext): void {
  const raceId = ctx.pathIds[0];
  if (raceId !== ctx.state.race.raceId) throw new ApiError(201);
  requireUser(ctx);
  if (ctx.principal.kind === 'user' && !ctx.principal.hasRaceAccess) throw new ApiError(7);
}

/** No credentials at all: the [assumed] code of EMULATOR_CHOICES. */
export function requireUser(ctx: RequestContext): void {
  if (ctx.principal.kind === 'none') throw new ApiError(EMULATOR_CHOICES.unauthenticatedCode);
}

export function intParam(ctx: RequestContext, name: string): number | undefined {
  const raw = ctx.params[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d{1,12}$/.test(raw.trim()))
    throw invalidParam(`${name} must be a whole number, not "${raw}".`);
  return Number(raw);
}

export function boolParam(ctx: RequestContext, name: string, fallback: boolean): boolean {
  const raw = ctx.params[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'T') return true;
  if (raw === 'F') return false;
  throw invalidParam(`${name} must be T or F, not "${raw}".`);
}

/** event_id: 3 when missing (where required), 301 when not an event of the race. */
export function requireEvent(ctx: RequestContext): EventIndex {
  const eventId = intParam(ctx, 'event_id');
  if (eventId === undefined) throw invalidParam('event_id is required.');
  const event = ctx.state.events.get(eventId);
  if (!event) throw new ApiError(301);
  return event;
}

/**
 * individual_result_set_id, or the event's only set. When the event has none, `autoCreate` makes
 * one (as Post Event Results does); when it has several, the id is required (error 3).
 */
export function resolveResultSet(
  ctx: RequestContext,
  event: EventIndex,
  autoCreate: boolean,
): ResultSetState {
  const id = intParam(ctx, 'individual_result_set_id');
  const eventId = event.event.eventId;
  if (id !== undefined) {
    const set = ctx.state.sets.get(id);
    if (!set || set.eventId !== eventId) {
      throw invalidParam(`individual_result_set_id ${id} is not a result set of event ${eventId}.`);
    }
    return set;
  }
  const sets = setsOfEvent(ctx.state, eventId);
  if (sets.length === 1) return sets[0]!;
  if (sets.length > 1) {
    throw invalidParam(
      `individual_result_set_id is required: event ${eventId} has ${sets.length} result sets.`,
    );
  }
  if (!autoCreate) throw invalidParam(`event ${eventId} has no result set.`);
  const set = newResultSet(
    ctx.state.nextResultSetId++,
    eventId,
    `${event.event.name} Results`,
    [],
    0,
    divisionsOf(ctx.state.race, eventId),
  );
  ctx.state.sets.set(set.resultSetId, set);
  return set;
}

/** The `request` form field parsed as JSON (the write calls other than full-results take JSON). */
export function jsonRequest(ctx: RequestContext): Record<string, unknown> {
  const raw = ctx.params.request;
  if (raw === undefined || raw.trim() === '') throw invalidParam('request is required.');
  const format = (ctx.params.request_format ?? 'json').toLowerCase();
  if (format !== 'json')
    throw invalidParam(`request_format ${format} is not supported here; use json.`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidParam('request is not valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParam('request must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/**
 * `M/D/YYYY HH:MM` from unix seconds, on the wall clock of `timeZone` (an IANA zone such as
 * America/New_York) with its daylight saving: a November date is EST, a May date EDT.
 */
export function rsuDateTime(unixSeconds: number, timeZone: string): string {
  let format = wallClocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    wallClocks.set(timeZone, format);
  }
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(unixSeconds * 1000))) part[p.type] = p.value;
  return `${part.month}/${part.day}/${part.year} ${part.hour}:${part.minute}`;
}

/** The zone's offset from UTC (ms, east positive) at instant `ms`, to the minute. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const m = /^(\d+)\/(\d+)\/(\d+) (\d+):(\d+)$/.exec(rsuDateTime(Math.floor(ms / 1000), timeZone));
  if (!m) return 0;
  const wall = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]));
  return wall - Math.floor(ms / 60_000) * 60_000;
}

/** A wall-clock time of `timeZone` (its daylight saving included) → ms since epoch. */
export function wallClockToMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // Two rounds: the offset at the first guess can differ across a DST change.
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  return asUtc - zoneOffsetMs(first, timeZone);
}
