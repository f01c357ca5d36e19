// Post Event Results row semantics (RUNSIGNUP-API.md §4): match a registrant by registration_id,
// bib/bib_num or chip_num, edit by result_id, names required for a new non-registrant, a blank
// keeps the old value, "X" clears, statuses in any time field, malformed times rejected. The
// [assumed] parts (bad row in a batch, "X" on a finish time) follow the switches passed in.
import { EMULATOR_CHOICES, type EmulatorAssumptions } from '../assumptions';
import { ApiError } from './errors';
import type { PostedRow } from './request-rows';
import {
  indexRow,
  unindexRow,
  type EventIndex,
  type RaceState,
  type ResultRowState,
  type ResultSetState,
} from './state';
import { displayValue, parseTimeValue } from './time';
import type { PracticeParticipantData } from './practice-race';

export interface ApplyOptions {
  badRow: EmulatorAssumptions['badRow'];
  clearFinishWithX: EmulatorAssumptions['clearFinishWithX'];
  /** `"X"` in place ([assumed] switch; default: clears). */
  clearPlaceWithX?: EmulatorAssumptions['clearPlaceWithX'];
  skipInvalidRegistrationIds: boolean;
}

type ClearVariants = Pick<ApplyOptions, 'clearFinishWithX' | 'clearPlaceWithX'>;

export interface RowError {
  row: number;
  error_code: number;
  error_msg: string;
}

export interface ApplyOutcome {
  created: number;
  updated: number;
  skipped: number;
  errors: RowError[];
  /** Rows written by this post, in request order (for the results-echo success body). */
  saved: ResultRowState[];
}

/** Field changes of one row, validated: a value to set, or null to clear. */
type Changes = Map<string, string | null>;

const IDENTITY = new Set([
  'registration_id',
  'bib',
  'bib_num',
  'chip_num',
  'result_id',
  'first_name',
  'last_name',
  'gender',
  'age',
  'city',
  'state',
  'country_code',
  'pace', // RunSignup computes pace; a posted one is ignored
]);

function isBlank(v: string | null | undefined): v is null | undefined | '' {
  return v === null || v === undefined || v.trim() === '';
}

function rowError(rowNo: number, code: number, msg: string): ApiError {
  return new ApiError(code, `Row ${rowNo}: ${msg}`);
}

function positiveInt(text: string): number | null {
  return /^\d{1,9}$/.test(text.trim()) && Number(text) > 0 ? Number(text) : null;
}

/** Validates the non-identity fields of a row; pure. */
export function validateFields(
  row: PostedRow,
  rowNo: number,
  set: ResultSetState,
  variants: ClearVariants,
): Changes | ApiError {
  const { clearFinishWithX } = variants;
  const clearPlaceWithX = variants.clearPlaceWithX ?? 'clears';
  const changes: Changes = new Map();
  const splitIds = new Set(set.splits.map((s) => String(s.splitId)));
  for (const [field, raw] of Object.entries(row)) {
    if (IDENTITY.has(field) || isBlank(raw)) continue; // a blank never clears
    const value = raw.trim();
    const split = /^split-(\d+)(-place)?$/.exec(field);
    if (split && !splitIds.has(split[1]!)) {
      return rowError(
        rowNo,
        3,
        `${field} names split ${split[1]}, which result set ${set.resultSetId} does not have.`,
      );
    }
    const division = /^division-(\d+)-place(?:ment)?$/.exec(field);
    if (division) {
      if (!set.divisions.some((d) => String(d.id) === division[1])) {
        return rowError(
          rowNo,
          3,
          `${field} names division ${division[1]}, which this event does not have.`,
        );
      }
      if (!set.divisionCalcDisabled) {
        return rowError(
          rowNo,
          3,
          `${field}: division placements can be posted only after disable-division-placement-calc for result set ${set.resultSetId}.`,
        );
      }
    }
    const isClear = value.toUpperCase() === 'X';
    if (field === 'clock_time' || field === 'chip_time' || (split && !split[2])) {
      const parsed = parseTimeValue(value);
      if (!parsed) {
        return rowError(
          rowNo,
          EMULATOR_CHOICES.invalidTimeCode,
          `invalid time "${value}" in field ${field}.`,
        );
      }
      if (parsed.kind === 'clear') {
        if (field !== 'clock_time' && field !== 'chip_time') changes.set(field, null);
        else if (clearFinishWithX === 'clears') changes.set(field, null);
        else if (clearFinishWithX === 'rejected') {
          return rowError(
            rowNo,
            EMULATOR_CHOICES.invalidTimeCode,
            `invalid time "${value}" in field ${field}.`,
          );
        }
        // 'ignored': answered like any saved row while the finish time stays as it was.
      } else changes.set(field, displayValue(parsed));
    } else if (field === 'place' || (split && split[2]) || division) {
      // Both spellings RunSignup documents (-place, -placement) are stored as -placement.
      const key = division ? `division-${division[1]}-placement` : field;
      if (isClear && field === 'place' && clearPlaceWithX !== 'clears') {
        if (clearPlaceWithX === 'rejected') {
          return rowError(rowNo, 3, `${field} must be a whole number, not "${value}".`);
        }
        // 'ignored': answered like any saved row while the place stays as it was.
      } else if (isClear) changes.set(key, null);
      else if (positiveInt(value) === null) {
        return rowError(rowNo, 3, `${field} must be a whole number, not "${value}".`);
      } else changes.set(key, String(Number(value)));
    } else if (/^custom-field-\d+$/.test(field)) {
      changes.set(field, isClear ? null : value);
    }
    // Any other field is not one RunSignup stores for a result: ignored, as RunSignup does.
  }
  return changes;
}

interface Target {
  existing: ResultRowState | null;
  registrant: PracticeParticipantData | null;
  skip: boolean;
}

function resolveTarget(
  row: PostedRow,
  rowNo: number,
  set: ResultSetState,
  event: EventIndex,
  skipInvalid: boolean,
): Target | ApiError {
  let registrant: PracticeParticipantData | null = null;
  const regText = row.registration_id;
  if (!isBlank(regText)) {
    const regId = positiveInt(regText);
    const found = regId === null ? undefined : event.byRegistration.get(regId);
    if (!found) {
      if (skipInvalid) return { existing: null, registrant: null, skip: true };
      return rowError(
        rowNo,
        EMULATOR_CHOICES.unknownRegistrationIdCode,
        `registration_id ${regText} is not registered for event ${event.event.eventId}.`,
      );
    }
    registrant = found;
  }
  const bibText = isBlank(row.bib) ? row.bib_num : row.bib;
  let bib: number | null = null;
  if (!isBlank(bibText)) {
    bib = positiveInt(bibText);
    if (bib === null) return rowError(rowNo, 115, `bib number "${bibText}" is invalid.`);
    registrant ??= event.byBib.get(bib) ?? null;
  }
  const chip = isBlank(row.chip_num) ? null : row.chip_num.trim();
  if (chip !== null) registrant ??= event.byChip.get(chip) ?? null;

  if (!isBlank(row.result_id)) {
    const resultId = positiveInt(row.result_id);
    const existing = resultId === null ? undefined : set.rows.get(resultId);
    if (!existing) {
      return rowError(
        rowNo,
        15,
        `result_id ${row.result_id} is not in result set ${set.resultSetId}.`,
      );
    }
    if (registrant) {
      const other = set.byRegistration.get(registrant.registrationId);
      if (other !== undefined && other !== existing.resultId) {
        return rowError(
          rowNo,
          3,
          `registration ${registrant.registrationId} already has result ${other} in this result set.`,
        );
      }
    }
    return { existing, registrant, skip: false };
  }
  if (registrant) {
    const id = set.byRegistration.get(registrant.registrationId);
    return {
      existing: id === undefined ? null : (set.rows.get(id) ?? null),
      registrant,
      skip: false,
    };
  }
  // Not a registrant: an earlier non-registrant result with the same bib or chip is updated.
  const id =
    (bib !== null ? set.byBib.get(bib) : undefined) ??
    (chip !== null ? set.byChip.get(chip) : undefined);
  const existing = id === undefined ? null : (set.rows.get(id) ?? null);
  if (!existing) {
    if (isBlank(row.first_name)) return rowError(rowNo, 104, 'First name is required.');
    if (isBlank(row.last_name)) return rowError(rowNo, 106, 'Last name is required.');
  }
  return { existing, registrant: null, skip: false };
}

function copyRow(row: ResultRowState): ResultRowState {
  return { ...row, fields: { ...row.fields } };
}

function optionalInt(text: string | null | undefined): number | null {
  return isBlank(text) ? null : positiveInt(text);
}

/**
 * Applies a batch to a result set. With `whole-batch-error` the first bad row throws its error and
 * nothing is saved; with `per-row-report` good rows are saved and bad rows are returned in `errors`.
 */
export function applyResults(
  state: RaceState,
  set: ResultSetState,
  event: EventIndex,
  rows: PostedRow[],
  opts: ApplyOptions,
): ApplyOutcome {
  const outcome: ApplyOutcome = { created: 0, updated: 0, skipped: 0, errors: [], saved: [] };
  // Undo log: the previous version of each touched row (null = the row was created here).
  const undo: Array<{ resultId: number; before: ResultRowState | null }> = [];
  const nextIdAtStart = state.nextResultId;
  for (const [i, row] of rows.entries()) {
    const rowNo = i + 1;
    const result = applyRow(state, set, event, row, rowNo, opts, undo);
    if (result instanceof ApiError) {
      if (opts.badRow === 'whole-batch-error') {
        for (const { resultId, before } of undo.reverse()) {
          const current = set.rows.get(resultId);
          if (current) unindexRow(set, current);
          if (before) indexRow(set, before);
        }
        state.nextResultId = nextIdAtStart;
        throw result;
      }
      outcome.errors.push({ row: rowNo, error_code: result.code, error_msg: result.message });
    } else if (result === 'skipped') outcome.skipped++;
    else {
      outcome[result.created ? 'created' : 'updated']++;
      outcome.saved.push(result.row);
    }
  }
  return outcome;
}

function applyRow(
  state: RaceState,
  set: ResultSetState,
  event: EventIndex,
  row: PostedRow,
  rowNo: number,
  opts: ApplyOptions,
  undo: Array<{ resultId: number; before: ResultRowState | null }>,
): ApiError | 'skipped' | { created: boolean; row: ResultRowState } {
  const changes = validateFields(row, rowNo, set, opts);
  if (changes instanceof ApiError) return changes;
  const target = resolveTarget(row, rowNo, set, event, opts.skipInvalidRegistrationIds);
  if (target instanceof ApiError) return target;
  if (target.skip) return 'skipped';
  const { registrant } = target;
  let next: ResultRowState;
  if (target.existing) {
    undo.push({ resultId: target.existing.resultId, before: copyRow(target.existing) });
    unindexRow(set, target.existing);
    next = copyRow(target.existing);
  } else {
    next = {
      resultId: state.nextResultId++,
      registrationId: null,
      bib: null,
      chip: null,
      firstName: '',
      lastName: '',
      gender: null,
      age: null,
      city: null,
      state: null,
      countryCode: null,
      place: null,
      fields: {},
    };
    undo.push({ resultId: next.resultId, before: null });
  }
  if (registrant) {
    // Personal fields sent for a registrant are ignored: the registration is the truth.
    Object.assign(next, {
      registrationId: registrant.registrationId,
      bib: registrant.bib,
      chip: registrant.chip,
      firstName: registrant.firstName,
      lastName: registrant.lastName,
      gender: registrant.gender,
      age: registrant.age,
      city: registrant.city,
      state: registrant.state,
      countryCode: 'US',
    });
  } else {
    const bibText = isBlank(row.bib) ? row.bib_num : row.bib;
    const newBib = isBlank(bibText) ? null : positiveInt(bibText);
    const newChip = isBlank(row.chip_num) ? null : row.chip_num.trim();
    // A result moved (by result_id) to a bib or chip no registrant has is no longer that
    // registrant's: it keeps its times and becomes a non-registrant result.
    if ((newBib !== null && newBib !== next.bib) || (newChip !== null && newChip !== next.chip)) {
      next.registrationId = null;
    }
    if (newBib !== null) next.bib = newBib;
    if (newChip !== null) next.chip = newChip;
    if (!isBlank(row.first_name)) next.firstName = row.first_name.trim();
    if (!isBlank(row.last_name)) next.lastName = row.last_name.trim();
    if (!isBlank(row.gender)) next.gender = row.gender.trim().toUpperCase();
    if (!isBlank(row.age)) next.age = optionalInt(row.age);
    if (!isBlank(row.city)) next.city = row.city.trim();
    if (!isBlank(row.state)) next.state = row.state.trim();
    if (!isBlank(row.country_code)) next.countryCode = row.country_code.trim();
  }
  for (const [field, value] of changes) {
    if (field === 'place') next.place = value === null ? null : Number(value);
    else if (value === null) delete next.fields[field];
    else next.fields[field] = value;
  }
  indexRow(set, next);
  return { created: target.existing === null, row: next };
}
