// Results calls (RUNSIGNUP-API.md §3–§5): result sets, their splits, get-results, Post Event
// Results (full-results), new-result-set, clear-results and the shared start time.
import { EMULATOR_CHOICES } from '../../assumptions';
import { applyResults } from '../apply-results';
import { ApiError, invalidParam } from '../errors';
import { parseRequestFormat, parseRows } from '../request-rows';
import {
  distanceOf,
  divisionsOf,
  orderedRows,
  resultHeaders,
  rowView,
  setsOfEvent,
  newResultSet,
  type ResultSetState,
  type SplitState,
} from '../state';
import { parseStartTime } from '../time';
import {
  boolParam,
  intParam,
  jsonRequest,
  requireEvent,
  requireRace,
  resolveResultSet,
  type Handler,
} from './context';

function setView(set: ResultSetState) {
  return {
    individual_result_set_id: set.resultSetId,
    individual_result_set_name: set.name,
    public_results: set.publicResults,
    sort_order: set.sortOrder,
    results_source_name: 'Chute practice emulator',
    results_source_url: null,
    preliminary_results: 'F',
    pace_type: 'T',
    team_column_display_type: 2,
    alt_event_ids: [],
    hide_splits_in_results: 'F',
    hide_event_names: 'T',
    disable_notifications: 'F',
    result_questions_url: null,
    results_headers: resultHeaders(set),
  };
}

function splitView(s: SplitState) {
  return {
    split_id: s.splitId,
    split_name: s.name,
    split_distance: s.distance,
    split_distance_units: s.units,
  };
}

export const getResultSets: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const sets = setsOfEvent(ctx.state, event.event.eventId).map(setView);
  return { payload: { individual_results_sets: sets }, rows: sets.length };
};

export const getResultSetSplits: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const set = resolveResultSet(ctx, event, false);
  const splits = set.splits.map(splitView);
  const payload =
    ctx.assumptions.resultSetSplitsShape === 'flat'
      ? { result_set_splits: splits }
      : {
          individual_results_sets: [
            { individual_result_set_id: set.resultSetId, result_set_splits: splits },
          ],
        };
  return { payload, rows: splits.length };
};

/** Replaces every split of the set. A posted split_id of the set keeps its id (and its times). */
export const postResultSetSplits: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const set = resolveResultSet(ctx, event, false);
  const list = jsonRequest(ctx).result_set_splits;
  if (!Array.isArray(list)) throw invalidParam('request must be {"result_set_splits":[...]}.');
  const existing = new Set(set.splits.map((s) => s.splitId));
  const next: SplitState[] = list.map((item, i) => {
    const s = (item ?? {}) as Record<string, unknown>;
    const name = typeof s.split_name === 'string' ? s.split_name.trim() : '';
    if (!name) throw invalidParam(`split ${i + 1} needs a split_name.`);
    const distance =
      s.split_distance === null || s.split_distance === undefined ? null : Number(s.split_distance);
    if (distance !== null && !Number.isFinite(distance)) {
      throw invalidParam(`split ${i + 1}: split_distance must be a number.`);
    }
    const keep = typeof s.split_id === 'number' && existing.has(s.split_id) ? s.split_id : null;
    return {
      splitId: keep ?? 0,
      name,
      distance,
      units: typeof s.split_distance_units === 'string' ? s.split_distance_units : 'M',
    };
  });
  // Ids are only given out once the whole request is valid.
  for (const s of next) if (s.splitId === 0) s.splitId = ctx.state.nextSplitId++;
  const kept = new Set(next.map((s) => s.splitId));
  for (const row of set.rows.values()) {
    for (const key of Object.keys(row.fields)) {
      const m = /^split-(\d+)/.exec(key);
      if (m && !kept.has(Number(m[1]))) delete row.fields[key];
    }
  }
  set.splits = next;
  return { payload: { result_set_splits: next.map(splitView) }, rows: next.length };
};

export const getResults: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const setId = intParam(ctx, 'individual_result_set_id');
  const sets =
    setId === undefined
      ? setsOfEvent(ctx.state, event.event.eventId)
      : [resolveResultSet(ctx, event, false)];
  const page = intParam(ctx, 'page') ?? 1;
  const asked = intParam(ctx, 'results_per_page') ?? EMULATOR_CHOICES.resultsPerPage.default;
  if (page < 1) throw invalidParam('page starts at 1.');
  const { max, overMax } = EMULATOR_CHOICES.resultsPerPage;
  if (asked < 1 || (asked > max && overMax === 'error'))
    throw invalidParam(`results_per_page must be 1 to ${max}.`);
  // Capped whatever is asked, as RunSignup is reported to (no total is sent either).
  const perPage = Math.min(asked, max);
  let rows = 0;
  const miles = distanceOf(ctx.state, event.event.eventId);
  const payload = sets.map((set) => {
    const all = orderedRows(set);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    rows += slice.length;
    return { ...setView(set), results: slice.map((r) => rowView(set, r, miles)) };
  });
  return { payload: { individual_results_sets: payload }, rows };
};

export const postFullResults: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const format = parseRequestFormat(ctx.params.request_format);
  if (format instanceof ApiError) throw format;
  const request = ctx.params.request;
  if (request === undefined || request.trim() === '') throw invalidParam('request is required.');
  const rows = parseRows(request, format);
  if (rows instanceof ApiError) throw rows;
  const skipInvalid = boolParam(ctx, 'skip_invalid_registration_ids', false);
  // The set is resolved (and maybe auto-created) only for a well-formed request.
  const set = resolveResultSet(ctx, event, true);
  const base = { rows: rows.length, posted: rows };
  let outcome: ReturnType<typeof applyResults>;
  try {
    outcome = applyResults(ctx.state, set, event, rows, {
      badRow: ctx.assumptions.badRow,
      clearFinishWithX: ctx.assumptions.clearFinishWithX,
      clearPlaceWithX: ctx.assumptions.clearPlaceWithX ?? 'clears',
      skipInvalidRegistrationIds: skipInvalid,
    });
  } catch (e) {
    // whole-batch-error: nothing was saved.
    if (e instanceof ApiError) return { ...base, payload: null, applied: false, error: e };
    throw e;
  }
  if (outcome.errors.length > 0) {
    // per-row-report: the good rows ARE saved; the answer is still an error so a client that
    // only checks for an `error` key never takes a partly rejected batch for a full success.
    const first = outcome.errors[0]!;
    const error = new ApiError(
      first.error_code,
      `${outcome.errors.length} of ${rows.length} rows were not saved. ${first.error_msg}`,
      {
        details: {
          num_results_saved: outcome.created + outcome.updated,
          row_errors: outcome.errors,
        },
      },
    );
    return { ...base, payload: null, applied: true, error };
  }
  const miles = distanceOf(ctx.state, event.event.eventId);
  switch (ctx.assumptions.successBody) {
    case 'empty-object':
      return { ...base, applied: true, payload: {} };
    case 'empty-string':
      return { ...base, applied: true, payload: null, emptyBody: true };
    case 'counts':
      return {
        ...base,
        applied: true,
        payload: {
          num_results_created: outcome.created,
          num_results_updated: outcome.updated,
          num_results_skipped: outcome.skipped,
        },
      };
    case 'results-echo':
      return {
        ...base,
        applied: true,
        payload: { results: outcome.saved.map((r) => rowView(set, r, miles)) },
      };
  }
};

export const postNewResultSet: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const req = ctx.params.request !== undefined ? jsonRequest(ctx) : ctx.params;
  const name =
    typeof req.individual_result_set_name === 'string' ? req.individual_result_set_name.trim() : '';
  if (!name) throw invalidParam('individual_result_set_name is required.');
  const publicResults = req.public_results === 'F' ? 'F' : 'T';
  const siblings = setsOfEvent(ctx.state, event.event.eventId);
  const set = newResultSet(
    ctx.state.nextResultSetId++,
    event.event.eventId,
    name,
    [],
    siblings.length,
    divisionsOf(ctx.state.race, event.event.eventId),
  );
  set.publicResults = publicResults;
  ctx.state.sets.set(set.resultSetId, set);
  return { payload: { individual_result_set_id: set.resultSetId }, rows: 0 };
};

export const postClearResults: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const set = resolveResultSet(ctx, event, false);
  const cleared = set.rows.size;
  set.rows.clear();
  set.byBib.clear();
  set.byChip.clear();
  set.byRegistration.clear();
  return { payload: {}, rows: cleared };
};

export const getStartTime: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  return {
    payload: { start_time: ctx.state.startTimes.get(event.event.eventId) ?? null },
    rows: 0,
  };
};

export const postStartTime: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const fromRequest = ctx.params.request !== undefined ? jsonRequest(ctx).start_time : undefined;
  const raw = fromRequest ?? ctx.params.start_time;
  if (typeof raw !== 'string' || raw.trim() === '') throw invalidParam('start_time is required.');
  const startTime = parseStartTime(raw);
  // [assumed] switch: whether a fraction of a second is accepted (assumptions.ts).
  if (
    startTime === null ||
    (ctx.assumptions.startTimeFractions === 'rejected' && raw.includes('.'))
  )
    throw new ApiError(9, `Invalid date: start_time "${raw}" is not YYYY-MM-DD HH:MM:SS.`);
  ctx.state.startTimes.set(event.event.eventId, startTime);
  return { payload: { start_time: startTime }, rows: 0 };
};

/** After this, division placements are the timer's: `division-N-placement` may be posted. */
export const postDisableDivisionPlacementCalc: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const set = resolveResultSet(ctx, event, false);
  set.divisionCalcDisabled = true;
  return { payload: {}, rows: 0 };
};

export const postClearDivisionPlacements: Handler = (ctx) => {
  requireRace(ctx);
  const event = requireEvent(ctx);
  const set = resolveResultSet(ctx, event, false);
  let cleared = 0;
  for (const row of set.rows.values()) {
    for (const key of Object.keys(row.fields)) {
      if (/^division-\d+-placement$/.test(key)) {
        delete row.fields[key];
        cleared++;
      }
    }
  }
  return { payload: {}, rows: cleared };
};
