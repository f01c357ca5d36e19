// Reading the race (RUNSIGNUP-API.md §3): GET race, GET races, participants, divisions.
import { EMULATOR_CHOICES } from '../../assumptions';
import { invalidParam } from '../errors';
import type { PracticeEventData, PracticeParticipantData } from '../practice-race';
import type { RaceState } from '../state';
import {
  boolParam,
  intParam,
  requireEvent,
  requireRace,
  requireUser,
  rsuDateTime,
  wallClockToMs,
  type Handler,
  type RequestContext,
} from './context';

/** `M/D/YYYY HH:MM` on the race's wall clock (EMULATOR_CHOICES.displayTimeZone) → ms since epoch. */
function eventStartMs(when: string, timeZone: string): number {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(when);
  if (!m) return 0;
  return wallClockToMs(
    Number(m[3]),
    Number(m[1]),
    Number(m[2]),
    Number(m[4]),
    Number(m[5]),
    timeZone,
  );
}

function displayZone(state: RaceState): string {
  return EMULATOR_CHOICES.displayTimeZone === 'race' ? state.race.timeZone : 'UTC';
}

function datePart(when: string): string {
  const [date] = when.split(' ');
  const [m, d, y] = (date ?? '').split('/');
  return `${(m ?? '').padStart(2, '0')}/${(d ?? '').padStart(2, '0')}/${y ?? ''}`;
}

function eventView(event: PracticeEventData) {
  return {
    event_id: event.eventId,
    race_event_days_id: event.raceEventDaysId,
    name: event.name,
    details: null,
    start_time: event.startTime,
    end_time: event.endTime,
    age_calc_base_date: null,
    registration_opens: null,
    event_type: 'running_race',
    distance: event.distance,
    volunteer: 'F',
    require_dob: 'T',
    require_phone: 'F',
  };
}

/** The events GET race shows, after future_events_only / most_recent_events_only. */
function visibleEvents(ctx: RequestContext): PracticeEventData[] {
  const futureOnly = boolParam(ctx, 'future_events_only', false);
  const mostRecentOnly = boolParam(ctx, 'most_recent_events_only', true);
  let events = ctx.state.race.events;
  if (futureOnly)
    events = events.filter((e) => eventStartMs(e.startTime, displayZone(ctx.state)) > ctx.now());
  if (mostRecentOnly && events.length > 0) {
    // The most recent event day: the latest date any remaining event starts on.
    const latest = events
      .map((e) => datePart(e.startTime))
      .sort((a, b) => sortableDate(b).localeCompare(sortableDate(a)))[0];
    events = events.filter((e) => datePart(e.startTime) === latest);
  }
  return events;
}

function sortableDate(mmddyyyy: string): string {
  const [m, d, y] = mmddyyyy.split('/');
  return `${y}${m}${d}`;
}

function raceView(state: RaceState, events: PracticeEventData[] | null, now: number) {
  const race = state.race;
  const first = race.events[0];
  const raceDay = first ? datePart(first.startTime) : null;
  const past = first ? eventStartMs(first.startTime, displayZone(state)) < now : true;
  return {
    race_id: race.raceId,
    name: race.name,
    last_date: past ? raceDay : null,
    last_end_date: past ? raceDay : null,
    next_date: past ? null : raceDay,
    next_end_date: past ? null : raceDay,
    is_draft_race: 'F',
    is_private_race: 'F',
    is_registration_open: past ? 'F' : 'T',
    created: '1/5/2026 10:12',
    last_modified: '5/1/2026 09:30',
    description: '<p>The Chute practice race: a 5K and a 10K sharing one finish line.</p>',
    url: `https://runsignup.com/Race/Practice/${race.raceId}`,
    address: {
      street: '1 River Rd',
      city: 'Asheville',
      state: 'NC',
      zipcode: '28801',
      country_code: 'US',
    },
    // A race may come without it (reportsTimeZone: false): the station then uses its setting.
    ...(race.reportsTimeZone === false ? {} : { timezone: race.timeZone }),
    ...(events ? { events: events.map(eventView) } : {}),
  };
}

export const getRace: Handler = (ctx) => {
  requireRace(ctx);
  const events = visibleEvents(ctx);
  return { payload: { race: raceView(ctx.state, events, ctx.now()) }, rows: events.length };
};

export const getRaces: Handler = (ctx) => {
  requireUser(ctx);
  const withEvents = boolParam(ctx, 'events', false);
  const access = ctx.principal.kind === 'user' && ctx.principal.hasRaceAccess;
  const races = access
    ? [{ race: raceView(ctx.state, withEvents ? ctx.state.race.events : null, ctx.now()) }]
    : [];
  return { payload: { races }, rows: races.length };
};

const SORT_KEYS: Record<string, (p: PracticeParticipantData) => number | string | null> = {
  registration_id: (p) => p.registrationId,
  bib_num: (p) => p.bib,
  last_name: (p) => p.lastName.toLowerCase(),
  first_name: (p) => p.firstName.toLowerCase(),
};

function participantView(p: PracticeParticipantData, timeZone: string) {
  return {
    user: {
      user_id: p.userId,
      first_name: p.firstName,
      middle_name: null,
      last_name: p.lastName,
      email: p.email,
      address: {
        street: null,
        city: p.city,
        state: p.state,
        zipcode: p.zipcode,
        country_code: 'US',
      },
      dob: p.dob,
      gender: p.gender,
      phone: p.phone,
    },
    event_id: p.eventId,
    registration_id: p.registrationId,
    registration_date: rsuDateTime(p.registrationDate, timeZone),
    last_modified: p.lastModified,
    bib_num: p.bib,
    chip_num: p.chip,
    age: p.age,
    team_id: null,
    team_name: null,
  };
}

export const MAX_PARTICIPANTS_PER_PAGE = EMULATOR_CHOICES.participantsPerPage.max;

/**
 * `event_id`: one id, or a comma list of the race's events (RunSignup accepts both); left out,
 * every event. Each listed id must be an event of the race (3 when malformed, 301 when unknown).
 */
function participantEvents(ctx: RequestContext) {
  const raw = ctx.params.event_id;
  if (raw === undefined || raw.trim() === '') return [...ctx.state.events.values()];
  const ids = raw.split(',').map((part) => part.trim());
  if (ids.some((id) => !/^\d{1,12}$/.test(id))) {
    throw invalidParam(`event_id must be an event id or a comma list of them, not "${raw}".`);
  }
  return [...new Set(ids)].map((id) => requireEvent({ ...ctx, params: { event_id: id } }));
}

export const getParticipants: Handler = (ctx) => {
  requireRace(ctx);
  const events = participantEvents(ctx);
  const page = intParam(ctx, 'page') ?? 1;
  const zone = displayZone(ctx.state);
  const asked = intParam(ctx, 'results_per_page') ?? EMULATOR_CHOICES.participantsPerPage.default;
  if (page < 1) throw invalidParam('page starts at 1.');
  const overMax = asked > MAX_PARTICIPANTS_PER_PAGE;
  if (asked < 1 || (overMax && EMULATOR_CHOICES.participantsPerPage.overMax === 'error')) {
    throw invalidParam(`results_per_page must be 1 to ${MAX_PARTICIPANTS_PER_PAGE}.`);
  }
  const perPage = Math.min(asked, MAX_PARTICIPANTS_PER_PAGE);
  const sortText = (ctx.params.sort ?? 'registration_id ASC').trim();
  const sortMatch = /^(\w+)(?:\s+(ASC|DESC))?$/i.exec(sortText);
  const keyOf = sortMatch ? SORT_KEYS[sortMatch[1]!.toLowerCase()] : undefined;
  if (!sortMatch || !keyOf) throw invalidParam(`sort "${sortText}" is not supported.`);
  const direction = (sortMatch[2] ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
  const since = intParam(ctx, 'modified_after_timestamp');
  // Paging by id: only registrations after this one (a client paging this way ends at an
  // empty answer).
  const after = intParam(ctx, 'after_registration_id');
  let rows = 0;
  const payload = events.map((event) => {
    const list = event.participants
      .filter((p) => since === undefined || p.lastModified >= since) // on-or-after
      .filter((p) => after === undefined || p.registrationId > after)
      .sort((a, b) => {
        const x = keyOf(a);
        const y = keyOf(b);
        // Nulls (no bib yet) sort last either way, then registration id keeps the order stable.
        if (x === null || y === null)
          return x === y ? a.registrationId - b.registrationId : x === null ? 1 : -1;
        const c = x < y ? -1 : x > y ? 1 : 0;
        return c * direction || a.registrationId - b.registrationId;
      })
      .slice((page - 1) * perPage, page * perPage)
      .map((p) => participantView(p, zone));
    rows += list.length;
    // The per-event list is always empty; the real list is the top-level one (recorded shape).
    return { event: { event_id: event.event.eventId, participants: [] }, participants: list };
  });
  return { payload, rows };
};

export const getDivisions: Handler = (ctx) => {
  requireRace(ctx);
  const eventId = ctx.params.event_id !== undefined ? requireEvent(ctx).event.eventId : undefined;
  const divisions = ctx.state.race.divisions
    .filter((d) => eventId === undefined || d.eventId === eventId)
    .map((d) => ({
      race_division_id: d.divisionId,
      event_id: d.eventId,
      division_name: d.name,
      division_short_name: d.shortName,
      show_top_num: 3,
      auto_selection_criteria: { min_age: d.minAge, max_age: d.maxAge, gender: d.gender },
    }));
  return { payload: { divisions }, rows: divisions.length };
};
