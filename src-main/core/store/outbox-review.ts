// Two reads of the outbox the station core needs beside the sync loop's: the rows RunSignup
// refused (every one, crossing or not, for the Review screen), and the start-up reconciliation
// of the stored wanted values with the projection rebuilt from the journal.
import type { Database } from 'better-sqlite3';
import { CLEAR_VALUE } from '../../../src-shared/domain';
import type { OutboxChange } from './outbox-store';
import type { WantedMap } from '../projection/types';

/** One field RunSignup refused at its current wanted version. */
export interface AttentionRow {
  bib: number;
  eventId: number;
  field: string;
  value: string;
  reason: string;
}

/** At most this many attention rows go into a snapshot (the screen cannot show more anyway). */
export const ATTENTION_LIMIT = 500;

/** Reads the rows parked for the timer; the WHERE clause is the outbox's ATTENTION predicate. */
export function createAttentionReader(db: Database): (limit?: number) => AttentionRow[] {
  const st = db.prepare<[number], [number, number, string, string, string | null]>(
    `SELECT bib, event_id, field, wanted_value, attention_reason FROM outbox
     WHERE wanted_value IS NOT NULL AND wanted_version > acked_version
       AND attention_version = wanted_version
     ORDER BY attention_version, wanted_at, result_set_id, bib, field LIMIT ?`,
  );
  st.raw(true);
  return (limit = ATTENTION_LIMIT) =>
    st.all(limit).map(([bib, eventId, field, value, reason]) => ({
      bib,
      eventId,
      field,
      value,
      reason: reason ?? 'RunSignup rejected this row',
    }));
}

/**
 * The changes that bring the outbox's wanted values in line with the projection: a field the
 * projection wants with another value (or missing from the outbox), and a real value the
 * projection no longer wants (sent as `null`: the outbox decides "X" or nothing). An "X" the
 * projection does not want is a withdrawal already in the outbox: left alone.
 *
 * Withdrawals come first so that, should a field move between two keys of the same row, the
 * new value is applied last. Pure apart from reading the table.
 */
export interface WantedView {
  wanted(): WantedMap;
  /** `wanted().size`, without building the map. */
  wantedSize(): number;
  /** The wanted value of one field, or null; the same as `wanted()`, looked up by numbers. */
  wantedValue(bib: number, resultSetId: number, eventId: number, field: string): string | null;
}

export function reconcileChanges(db: Database, projection: WantedView): OutboxChange[] {
  // One JSON array built by SQLite and parsed once, looked up by numbers: the 100,000 rows of a
  // big race cost no per-row statement step or key string (cold start, DESIGN §6).
  const json = db
    .prepare<[], string>(
      `SELECT json_group_array(json_array(bib, result_set_id, event_id, field, wanted_value))
       FROM outbox WHERE wanted_value IS NOT NULL`,
    )
    .pluck()
    .get();
  const rows = JSON.parse(json ?? '[]') as Array<[number, number, number, string, string]>;
  const withdraw: OutboxChange[] = [];
  const set: OutboxChange[] = [];
  let matched = 0;
  for (let i = 0; i < rows.length; i++) {
    const [bib, resultSetId, eventId, field, value] = rows[i] as [
      number,
      number,
      number,
      string,
      string,
    ];
    const w = projection.wantedValue(bib, resultSetId, eventId, field);
    if (w !== null) {
      matched++;
      if (w !== value) set.push({ resultSetId, eventId, bib, field, value: w });
    } else if (value !== CLEAR_VALUE) {
      withdraw.push({ resultSetId, eventId, bib, field, value: null });
    }
  }
  if (matched !== projection.wantedSize()) {
    // Some wanted field has no outbox value (rare: only after a lost write): find which.
    const present = new Set(rows.map(([bib, rs, ev, field]) => `${rs}:${ev}:${bib}:${field}`));
    for (const [k, w] of projection.wanted())
      if (!present.has(k)) set.push({ ...w.key, value: w.value });
  }
  return [...withdraw, ...set];
}
