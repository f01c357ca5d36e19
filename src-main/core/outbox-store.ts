// The outbox over SQLite: per (result set, bib, field) the value this station wants RunSignup to
// show, at a version, and the last value RunSignup acknowledged. The sync loop (H4) reads it
// through the `Outbox` port; the core writes it with `applyChanges` inside the same transaction
// as the journal row that caused the change.
import type { Database } from 'better-sqlite3';
import { CLEAR_VALUE, type FieldKey } from '../../src-shared/domain';
import type { Outbox, OutboxRow } from '../sync/ports';

/** One field's new wanted value; `null` = this station no longer wants the field set. */
export interface OutboxChange extends FieldKey {
  value: string | null;
}
/** The first name of `OutboxChange` (kept: the sync tests import it). */
export type FieldChange = OutboxChange;

/** Where one field stands, for the screen's per-crossing sync state. */
export interface FieldSyncState {
  wantedValue: string | null;
  wantedVersion: number;
  ackedValue: string | null;
  ackedVersion: number;
  attentionReason: string | null;
  attentionVersion: number | null;
}

export interface OutboxStore extends Outbox {
  /** Record new wanted values. Call inside the journal row's transaction. */
  applyChanges(changes: readonly OutboxChange[], at: number): void;
  fieldState(key: Omit<FieldKey, 'eventId'>): FieldSyncState | null;
  /** Every row whose wanted value is not acknowledged (for the screen), keyed `rs|bib|field`. */
  allStates(): Map<string, FieldSyncState>;
  /**
   * Forget every acknowledgement, so every wanted value is pending again (a practice RunSignup
   * lives in memory: after a restart it is empty, and what it had acknowledged must be re-sent).
   * Returns how many fields became pending again.
   */
  forgetAcknowledgements(): number;
}

export function fieldKeyString(k: { resultSetId: number; bib: number; field: string }): string {
  return `${k.resultSetId}|${k.bib}|${k.field}`;
}

// Pending: a non-null wanted value newer than the ack, and not parked at this very version.
// Kept identical to the partial indexes' WHERE clauses (migration 2) so SQLite uses them.
const PENDING = `wanted_value IS NOT NULL AND wanted_version > acked_version
            AND (attention_version IS NULL OR attention_version < wanted_version)`;
const ATTENTION = `wanted_value IS NOT NULL AND wanted_version > acked_version
            AND attention_version = wanted_version`;

interface RawRow {
  result_set_id: number;
  event_id: number;
  bib: number;
  field: string;
  wanted_value: string;
  wanted_version: number;
}

interface StateRow {
  result_set_id: number;
  bib: number;
  field: string;
  wanted_value: string | null;
  wanted_version: number;
  acked_value: string | null;
  acked_version: number;
  attention_reason: string | null;
  attention_version: number | null;
}

function toState(r: StateRow): FieldSyncState {
  return {
    wantedValue: r.wanted_value,
    wantedVersion: r.wanted_version,
    ackedValue: r.acked_value,
    ackedVersion: r.acked_version,
    attentionReason: r.attention_reason,
    attentionVersion: r.attention_version,
  };
}

export function createOutboxStore(db: Database): OutboxStore {
  const st = {
    get: db.prepare<[number, number, string], StateRow & { maybe_posted: number }>(
      `SELECT * FROM outbox WHERE result_set_id = ? AND bib = ? AND field = ?`,
    ),
    insert: db.prepare(
      `INSERT INTO outbox (result_set_id, bib, field, event_id, wanted_value, wanted_version, wanted_at)
       VALUES (@resultSetId, @bib, @field, @eventId, @value, 1, @at)`,
    ),
    setWanted: db.prepare(
      `UPDATE outbox SET wanted_value = @value, wanted_version = wanted_version + 1,
         wanted_at = @at, event_id = @eventId
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field`,
    ),
    oldestPending: db.prepare<[], { event_id: number; result_set_id: number }>(
      `SELECT event_id, result_set_id FROM outbox WHERE ${PENDING}
       ORDER BY wanted_at, result_set_id, bib, field LIMIT 1`,
    ),
    // The oldest pending target not in a JSON list of [eventId, resultSetId] pairs (paused ones).
    oldestPendingExcept: db.prepare<[string], { event_id: number; result_set_id: number }>(
      `SELECT event_id, result_set_id FROM outbox WHERE ${PENDING}
         AND NOT EXISTS (SELECT 1 FROM json_each(?) j
                         WHERE json_extract(j.value, '$[0]') = event_id
                           AND json_extract(j.value, '$[1]') = result_set_id)
       ORDER BY wanted_at, result_set_id, bib, field LIMIT 1`,
    ),
    pendingOf: db.prepare<[number, number, number], RawRow>(
      `SELECT result_set_id, event_id, bib, field, wanted_value, wanted_version FROM outbox
       WHERE ${PENDING} AND event_id = ? AND result_set_id = ?
       ORDER BY wanted_at, bib, field LIMIT ?`,
    ),
    markTaken: db.prepare(
      `UPDATE outbox SET maybe_posted = 1
       WHERE result_set_id = ? AND bib = ? AND field = ? AND wanted_version = ?
         AND wanted_value <> '${CLEAR_VALUE}' AND maybe_posted = 0`,
    ),
    // Versions compared in SQL: an old ack never overwrites a newer ack or a newer wanted value.
    ack: db.prepare(
      `UPDATE outbox SET acked_value = @value, acked_version = @version, acked_at = @at,
         maybe_posted = CASE WHEN @value = '${CLEAR_VALUE}' AND @version = wanted_version
                             THEN 0 ELSE maybe_posted END
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field
         AND @version > acked_version AND @version <= wanted_version`,
    ),
    attention: db.prepare(
      `UPDATE outbox SET attention_reason = @reason, attention_version = @version
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field
         AND wanted_version = @version AND acked_version < @version`,
    ),
    retry: db.prepare(
      `UPDATE outbox SET attention_version = NULL, attention_reason = NULL
       WHERE attention_version IS NOT NULL`,
    ),
    // Two indexed counts (partial indexes of migration 2) rather than one scan of every row.
    countPending: db.prepare<[], { n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE ${PENDING}`,
    ),
    countAttention: db.prepare<[], { n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE ${ATTENTION}`,
    ),
    forgetAcks: db.prepare(
      `UPDATE outbox SET acked_value = NULL, acked_version = 0, acked_at = NULL
       WHERE acked_version > 0`,
    ),
    all: db.prepare<[], StateRow>(
      `SELECT result_set_id, bib, field, wanted_value, wanted_version, acked_value, acked_version,
         attention_reason, attention_version FROM outbox`,
    ),
  };

  function applyOne(c: OutboxChange, at: number): void {
    if (c.value === '')
      throw new Error(`A blank value is never sent (field ${c.field}, bib ${c.bib})`);
    const row = st.get.get(c.resultSetId, c.bib, c.field);
    if (!row) {
      if (c.value === null) return; // never wanted, never sent: nothing to do
      st.insert.run({ ...c, at });
      return;
    }
    let value = c.value;
    if (value === null) {
      // Withdrawn: clear on RunSignup only if a real value may be there.
      const ackedReal = row.acked_value !== null && row.acked_value !== CLEAR_VALUE;
      value = ackedReal || row.maybe_posted === 1 ? CLEAR_VALUE : null;
    }
    if (value === row.wanted_value) return; // no change: keep the version (and any ack)
    st.setWanted.run({ ...c, value, at });
  }

  const store: OutboxStore = {
    applyChanges(changes, at) {
      for (const c of changes) applyOne(c, at);
    },

    takePending(limit, exclude) {
      if (!Number.isInteger(limit) || limit < 1) return [];
      return db.transaction(() => {
        const first =
          exclude && exclude.length > 0
            ? st.oldestPendingExcept.get(
                JSON.stringify(exclude.map((t) => [t.eventId, t.resultSetId])),
              )
            : st.oldestPending.get();
        if (!first) return [];
        const rows = st.pendingOf.all(first.event_id, first.result_set_id, limit);
        for (const r of rows) st.markTaken.run(r.result_set_id, r.bib, r.field, r.wanted_version);
        return rows.map((r): OutboxRow => ({
          resultSetId: r.result_set_id,
          eventId: r.event_id,
          bib: r.bib,
          field: r.field,
          value: r.wanted_value,
          version: r.wanted_version,
        }));
      })();
    },

    stillPending(rows) {
      // Same wanted version as given (so the same value), still newer than the ack, not parked.
      return rows.filter((r) => {
        const now = st.get.get(r.resultSetId, r.bib, r.field);
        return (
          now !== undefined &&
          now.wanted_value !== null &&
          now.wanted_version === r.version &&
          now.wanted_value === r.value &&
          now.acked_version < r.version &&
          (now.attention_version === null || now.attention_version < r.version)
        );
      });
    },

    acknowledge(rows, at) {
      db.transaction(() => {
        for (const r of rows) {
          st.ack.run({
            resultSetId: r.resultSetId,
            bib: r.bib,
            field: r.field,
            value: r.value,
            version: r.version,
            at,
          });
        }
      })();
    },

    markAttention(row, reason) {
      st.attention.run({
        resultSetId: row.resultSetId,
        bib: row.bib,
        field: row.field,
        version: row.version,
        reason: reason.slice(0, 500),
      });
    },

    retryAttention() {
      return st.retry.run().changes;
    },

    counts() {
      return {
        pending: st.countPending.get()?.n ?? 0,
        attention: st.countAttention.get()?.n ?? 0,
      };
    },

    forgetAcknowledgements() {
      return st.forgetAcks.run().changes;
    },

    fieldState(key) {
      const r = st.get.get(key.resultSetId, key.bib, key.field);
      return r ? toState(r) : null;
    },

    allStates() {
      const map = new Map<string, FieldSyncState>();
      for (const r of st.all.iterate()) {
        map.set(
          fieldKeyString({ resultSetId: r.result_set_id, bib: r.bib, field: r.field }),
          toState(r),
        );
      }
      return map;
    },
  };
  return store;
}
