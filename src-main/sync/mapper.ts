// Turns outbox rows into Post Event Results rows. Pure: the loop decides what to send, this
// module only decides how it is spelled, and refuses anything RunSignup must never see.
import { CLEAR_VALUE, MAX_BIB, RESULT_STATUSES } from '../../src-shared/domain';
import type { OutboxRow, ResultPostRow } from './ports';

/** The only fields a station may own (DESIGN.md §3). `bib` is the match key, never a field. */
const FIELD_PATTERN = /^(place|clock_time|chip_time|split-[1-9]\d*)$/;
/**
 * The time shapes the mapper lets through: `H:MM:SS.fff` (what the projection always sends), and
 * the compact `MM:SS.f` / `SS.ff` forms RUNSIGNUP-API.md §4 shows. Whether RunSignup takes bare
 * seconds is a guess (see EMULATOR_CHOICES in runsignup/assumptions.ts); the projection never
 * sends them.
 */
const TIME_PATTERN = /^(\d+:)?([0-5]?\d:)?[0-5]?\d(\.\d{1,3})?$/;
const STATUSES: ReadonlySet<string> = new Set(RESULT_STATUSES);

export interface PostTarget {
  eventId: number;
  resultSetId: number;
}

/** One registrant's row in a post, with the outbox rows it carries (to ack or park them). */
export interface PostUnit {
  bib: number;
  rows: OutboxRow[];
}

export interface InvalidRow {
  row: OutboxRow;
  reason: string;
}

export interface MappedBatch {
  target: PostTarget;
  units: PostUnit[];
  /** Rows that must not be sent; the loop parks them as needing attention with the reason. */
  invalid: InvalidRow[];
}

/** Why a value can never be posted for this field, or null when it can. */
export function invalidValueReason(field: string, value: string): string | null {
  if (!FIELD_PATTERN.test(field)) return `"${field}" is not a field this station may post`;
  if (value.trim() === '') return 'a blank value would not clear anything on RunSignup';
  if (value !== value.trim()) return `"${value}" has surrounding spaces`;
  if (field === 'place') {
    // A withdrawn place is cleared with X like any other field.
    return value === CLEAR_VALUE || /^[1-9]\d*$/.test(value)
      ? null
      : `place "${value}" is neither a positive whole number nor X`;
  }
  if (value === CLEAR_VALUE || STATUSES.has(value) || TIME_PATTERN.test(value)) return null;
  return `"${value}" is neither a time, a status (DQ, DNF, DNS, DNQ) nor X`;
}

/**
 * Groups rows into one post row per bib. Rows must share one target (the outbox guarantees it;
 * a mixed batch is a bug worth failing loudly on rather than posting to the wrong set).
 */
export function mapBatch(rows: readonly OutboxRow[]): MappedBatch {
  const first = rows[0];
  if (!first) throw new Error('mapBatch: an empty batch has nothing to post');
  const target = { eventId: first.eventId, resultSetId: first.resultSetId };
  const invalid: InvalidRow[] = [];
  const byBib = new Map<number, Map<string, OutboxRow>>();
  for (const row of rows) {
    if (row.eventId !== target.eventId || row.resultSetId !== target.resultSetId) {
      throw new Error(
        `mapBatch: rows of event ${row.eventId}/set ${row.resultSetId} mixed into a batch for ` +
          `event ${target.eventId}/set ${target.resultSetId}`,
      );
    }
    if (!Number.isInteger(row.bib) || row.bib < 1 || row.bib > MAX_BIB) {
      invalid.push({ row, reason: `bib ${row.bib} is not a valid bib number` });
      continue;
    }
    const reason = invalidValueReason(row.field, row.value);
    if (reason) {
      invalid.push({ row, reason });
      continue;
    }
    const fields = byBib.get(row.bib) ?? new Map<string, OutboxRow>();
    const seen = fields.get(row.field);
    // Two versions of one field in a batch cannot both be right: keep the newer.
    if (!seen || seen.version < row.version) fields.set(row.field, row);
    byBib.set(row.bib, fields);
  }
  const units = [...byBib.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bib, fields]) => ({
      bib,
      rows: [...fields.values()].sort((a, b) => a.field.localeCompare(b.field)),
    }));
  return { target, units, invalid };
}

/** The wire form of units: `{bib, <field>: value, ...}`, a place as a number (X stays X). */
export function toPostRows(units: readonly PostUnit[]): ResultPostRow[] {
  return units.map((unit) => {
    const row: ResultPostRow = { bib: unit.bib };
    for (const r of unit.rows)
      row[r.field] = r.field === 'place' && r.value !== CLEAR_VALUE ? Number(r.value) : r.value;
    return row;
  });
}

/** All outbox rows a set of units carries. */
export function unitRows(units: readonly PostUnit[]): OutboxRow[] {
  return units.flatMap((u) => u.rows);
}

/**
 * Halves a rejected batch to find the bad row. Several units split by unit; a single unit with
 * several fields splits by field, so one bad time never parks a good place.
 */
export function splitUnits(units: readonly PostUnit[]): PostUnit[][] {
  if (units.length > 1) {
    const mid = Math.ceil(units.length / 2);
    return [units.slice(0, mid), units.slice(mid)];
  }
  const only = units[0];
  if (!only || only.rows.length < 2) return [];
  const mid = Math.ceil(only.rows.length / 2);
  return [
    [{ bib: only.bib, rows: only.rows.slice(0, mid) }],
    [{ bib: only.bib, rows: only.rows.slice(mid) }],
  ];
}
