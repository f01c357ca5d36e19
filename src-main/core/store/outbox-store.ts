// The outbox over SQLite: per (result set, bib, field) the value this station wants RunSignup to
// show, at a version, and the last value RunSignup acknowledged. The sync loop reads it
// through the `Outbox` port; the core writes it with `applyChanges` inside the same transaction
// as the journal row that caused the change.
import type { Database } from 'better-sqlite3';
import { CLEAR_VALUE, type FieldKey } from '../../../src-shared/domain';
import type { ClearVerification, Outbox, OutboxRow } from '../../../src-shared/sync-contract';
import { createOutboxAudit, type OutboxAudit } from './outbox-audit';

/** One field's new wanted value; `null` = this station no longer wants the field set. */
export interface OutboxChange extends FieldKey {
  value: string | null;
}

/** Where one field stands, for the screen's per-crossing sync state. */
export interface FieldSyncState {
  wantedValue: string | null;
  wantedVersion: number;
  ackedValue: string | null;
  ackedVersion: number;
  attentionReason: string | null;
  attentionVersion: number | null;
  /** The version of an acknowledged "X" in a finish field awaiting its read-back, or null. */
  verifyVersion: number | null;
  /** The newest version ever put on the wire. */
  sentVersion: number;
  /** When a post of unknown outcome carrying the field was given up on, or null. */
  uncertainAt: number | null;
  /** The wanted version a read of RunSignup showed, or null. */
  verifiedVersion: number | null;
  /** RunSignup shows a value this station never sent, at this wanted version. */
  conflictVersion: number | null;
  conflictValue: string | null;
  /** The timer kept RunSignup's value at this wanted version. */
  yieldedVersion: number | null;
}

/** An (event, result set) this station posts to. */
export interface OutboxTarget {
  eventId: number;
  resultSetId: number;
}

/** What the outbox is told about RunSignup (the app passes runsignup/assumptions.ts). */
export interface OutboxPolicy {
  /**
   * The fields where "X" is not documented to clear (finish fields): an acknowledged X there
   * awaits a read-back before it counts as cleared
   * (CLIENT_ASSUMPTIONS.finishFieldsClearedByXNeedReadBack).
   */
  readBackClearsIn: readonly string[];
}

/** The fields as an SQL list; refuses a name that is not a plain field name. */
function sqlFieldList(fields: readonly string[]): string {
  for (const field of fields) {
    if (!/^[a-z0-9_-]+$/.test(field)) throw new Error(`"${field}" is not a result field name.`);
  }
  return fields.length === 0 ? 'NULL' : fields.map((f) => `'${f}'`).join(', ');
}

export interface OutboxStore extends Outbox, ClearVerification, OutboxAudit {
  /**
   * The targets of the current config: `takePending`, `stillPending`, `counts().pending` and
   * `awaitingReadBack` see only rows of these (null: every row, before any config). A row of a
   * set no longer configured is never posted, and never turned into "X" for another race.
   */
  setScope(targets: readonly OutboxTarget[] | null): void;
  /** Every stored field of these (result set, bib) pairs, in one query, keyed `rs|bib|field`. */
  fieldStates(
    bibs: ReadonlyArray<{ resultSetId: number; bib: number }>,
  ): Map<string, FieldSyncState>;
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

/** Above this many changes at once, `applyChanges` uses two set-based statements. */
const BATCH_THRESHOLD = 32;

/**
 * The key of an outbox row (result set, bib, field) in maps of rows; the result set names the
 * event, so unlike the projection's `fieldKeyString` it leaves the event out.
 */
export function outboxRowKey(k: { resultSetId: number; bib: number; field: string }): string {
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
  verify_version: number | null;
  sent_version: number;
  uncertain_at: number | null;
  verified_version: number | null;
  conflict_version: number | null;
  conflict_value: string | null;
  yielded_version: number | null;
}

/** The columns a FieldSyncState is read from. */
const STATE_COLUMNS = `o.result_set_id, o.bib, o.field, o.wanted_value, o.wanted_version,
  o.acked_value, o.acked_version, o.attention_reason, o.attention_version, o.verify_version,
  o.sent_version, o.uncertain_at, o.verified_version, o.conflict_version, o.conflict_value,
  o.yielded_version`;

function toState(r: StateRow): FieldSyncState {
  return {
    wantedValue: r.wanted_value,
    wantedVersion: r.wanted_version,
    ackedValue: r.acked_value,
    ackedVersion: r.acked_version,
    attentionReason: r.attention_reason,
    attentionVersion: r.attention_version,
    verifyVersion: r.verify_version,
    sentVersion: r.sent_version,
    uncertainAt: r.uncertain_at,
    verifiedVersion: r.verified_version,
    conflictVersion: r.conflict_version,
    conflictValue: r.conflict_value,
    yieldedVersion: r.yielded_version,
  };
}

// The current scope as a JSON array of "event:resultSet" strings, or NULL for every row.
const IN_SCOPE = `(@scope IS NULL OR (event_id || ':' || result_set_id)
                   IN (SELECT value FROM json_each(@scope)))`;

export function createOutboxStore(db: Database, policy: OutboxPolicy): OutboxStore {
  const readBackFields = sqlFieldList(policy.readBackClearsIn);
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
    // The oldest pending target in scope and not in @exclude, a JSON list of
    // [eventId, resultSetId] pairs (paused ones).
    oldestPending: db.prepare<
      [{ scope: string | null; exclude: string }],
      { event_id: number; result_set_id: number }
    >(
      `SELECT event_id, result_set_id FROM outbox WHERE ${PENDING} AND ${IN_SCOPE}
         AND NOT EXISTS (SELECT 1 FROM json_each(@exclude) j
                         WHERE json_extract(j.value, '$[0]') = event_id
                           AND json_extract(j.value, '$[1]') = result_set_id)
       ORDER BY wanted_at, result_set_id, bib, field LIMIT 1`,
    ),
    pendingOf: db.prepare<[number, number, number], RawRow>(
      `SELECT result_set_id, event_id, bib, field, wanted_value, wanted_version FROM outbox
       WHERE ${PENDING} AND event_id = ? AND result_set_id = ?
       ORDER BY wanted_at, bib, field LIMIT ?`,
    ),
    // One statement per batch (not one per row): the taken rows as a JSON array of
    // [result set, bib, field, version]. Each value put on the wire is remembered as this
    // station's own (the audit tells an own older value from one it never sent).
    markTaken: db.prepare<[string]>(
      `UPDATE outbox SET
         maybe_posted = CASE WHEN outbox.wanted_value <> '${CLEAR_VALUE}' THEN 1
                             ELSE outbox.maybe_posted END,
         sent_version = max(outbox.sent_version, outbox.wanted_version),
         own_values = CASE
           WHEN outbox.wanted_value = '${CLEAR_VALUE}' THEN outbox.own_values
           WHEN outbox.own_values IS NULL THEN json_array(outbox.wanted_value)
           WHEN EXISTS (SELECT 1 FROM json_each(outbox.own_values) o
                        WHERE o.value = outbox.wanted_value) THEN outbox.own_values
           ELSE json_insert(outbox.own_values, '$[#]', outbox.wanted_value) END
       FROM (SELECT value->>0 AS rs, value->>1 AS bib, value->>2 AS field, value->>3 AS version
             FROM json_each(?)) AS t
       WHERE outbox.result_set_id = t.rs AND outbox.bib = t.bib AND outbox.field = t.field
         AND outbox.wanted_version = t.version`,
    ),
    // Versions compared in SQL: an old ack never overwrites a newer ack or a newer wanted value.
    // One statement per batch: rows as a JSON array of [result set, bib, field, value, version].
    // An X acknowledged in a finish field awaits its read-back (verify_version).
    ack: db.prepare<[{ rows: string; at: number }]>(
      `UPDATE outbox SET acked_value = a.value, acked_version = a.version, acked_at = @at,
         maybe_posted = CASE WHEN a.value = '${CLEAR_VALUE}' AND a.version = outbox.wanted_version
                             THEN 0 ELSE outbox.maybe_posted END,
         verify_version = CASE WHEN a.value = '${CLEAR_VALUE}'
                                AND outbox.field IN (${readBackFields})
                               THEN a.version ELSE NULL END
       FROM (SELECT value->>0 AS rs, value->>1 AS bib, value->>2 AS field, value->>3 AS value,
                    value->>4 AS version FROM json_each(@rows)) AS a
       WHERE outbox.result_set_id = a.rs AND outbox.bib = a.bib AND outbox.field = a.field
         AND a.version > outbox.acked_version AND a.version <= outbox.wanted_version`,
    ),
    awaiting: db.prepare<[{ scope: string | null }], RawRow>(
      `SELECT result_set_id, event_id, bib, field, wanted_value, wanted_version FROM outbox
       WHERE verify_version IS NOT NULL AND verify_version = wanted_version
         AND acked_version = wanted_version
         AND (attention_version IS NULL OR attention_version < wanted_version) AND ${IN_SCOPE}
       ORDER BY acked_at, result_set_id, bib, field`,
    ),
    verified: db.prepare(
      `UPDATE outbox SET verify_version = NULL
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field
         AND verify_version = @version AND wanted_version = @version`,
    ),
    // Still set on RunSignup: no longer counted as acknowledged (so it is not "sent"), parked
    // with the reason (so it is not re-posted blindly); a retry posts the X again.
    notCleared: db.prepare(
      `UPDATE outbox SET verify_version = NULL, acked_version = @version - 1, acked_value = NULL,
         maybe_posted = 1, attention_version = @version, attention_reason = @reason
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field
         AND verify_version = @version AND wanted_version = @version`,
    ),
    // A batch of changes in two statements (a void early in a big race moves thousands of
    // places): rows as a JSON array of [result set, bib, field, event, value or null]. The
    // withdrawal rule is `applyOne`'s: "X" only if a real value may be on RunSignup.
    updateMany: db.prepare<[{ changes: string; at: number }]>(
      `UPDATE outbox SET wanted_value = n.nv, wanted_version = outbox.wanted_version + 1,
         wanted_at = @at, event_id = n.e
       FROM (SELECT c.rs, c.bib, c.field, c.e, o.rowid AS id,
               CASE WHEN c.v IS NOT NULL THEN c.v
                    WHEN (o.acked_value IS NOT NULL AND o.acked_value <> '${CLEAR_VALUE}')
                         OR o.maybe_posted = 1 THEN '${CLEAR_VALUE}'
                    ELSE NULL END AS nv
             FROM (SELECT value->>0 AS rs, value->>1 AS bib, value->>2 AS field,
                          value->>3 AS e, value->>4 AS v FROM json_each(@changes)) AS c
             JOIN outbox o ON o.result_set_id = c.rs AND o.bib = c.bib AND o.field = c.field) AS n
       WHERE outbox.rowid = n.id AND n.nv IS NOT outbox.wanted_value`,
    ),
    insertMany: db.prepare<[{ changes: string; at: number }]>(
      `INSERT INTO outbox (result_set_id, bib, field, event_id, wanted_value, wanted_version, wanted_at)
       SELECT value->>0, value->>1, value->>2, value->>3, value->>4, 1, @at
       FROM json_each(@changes) WHERE value->>4 IS NOT NULL
       ON CONFLICT DO NOTHING`,
    ),
    statesOf: db.prepare<[string], StateRow>(
      `SELECT ${STATE_COLUMNS}
       FROM (SELECT DISTINCT value->>0 AS rs, value->>1 AS bib FROM json_each(?)) AS k
       JOIN outbox o ON o.result_set_id = k.rs AND o.bib = k.bib`,
    ),
    attention: db.prepare(
      `UPDATE outbox SET attention_reason = @reason, attention_version = @version,
         sent_version = min(sent_version, acked_version)
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field
         AND wanted_version = @version AND acked_version < @version`,
    ),
    retry: db.prepare(
      `UPDATE outbox SET attention_version = NULL, attention_reason = NULL
       WHERE attention_version IS NOT NULL`,
    ),
    // Two indexed counts (partial indexes of migration 2) rather than one scan of every row.
    // Counted per configured target on the partial index by set (a range count each), not by
    // testing every pending row against the scope: the screen asks on every snapshot.
    countPending: db.prepare<[], { n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE ${PENDING}`,
    ),
    countPendingOf: db.prepare<[number, number], { n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE ${PENDING} AND event_id = ? AND result_set_id = ?`,
    ),
    countAttention: db.prepare<[], { n: number }>(
      `SELECT count(*) AS n FROM outbox WHERE ${ATTENTION}`,
    ),
    forgetAcks: db.prepare(
      `UPDATE outbox SET acked_value = NULL, acked_version = 0, acked_at = NULL,
         verify_version = NULL, verified_version = NULL, uncertain_at = NULL
       WHERE acked_version > 0`,
    ),
    all: db.prepare<[], StateRow>(`SELECT ${STATE_COLUMNS} FROM outbox o`),
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

  let scope: string | null = null;
  let scopeSet: Set<string> | null = null;
  let scopeTargets: OutboxTarget[] | null = null;
  const toRow = (r: RawRow): OutboxRow => ({
    resultSetId: r.result_set_id,
    eventId: r.event_id,
    bib: r.bib,
    field: r.field,
    value: r.wanted_value,
    version: r.wanted_version,
  });

  const audit = createOutboxAudit(db, () => scope);
  const store: OutboxStore = {
    ...audit,
    setScope(targets) {
      scopeTargets =
        targets === null
          ? null
          : targets.map((t) => ({ eventId: t.eventId, resultSetId: t.resultSetId }));
      scopeSet =
        targets === null ? null : new Set(targets.map((t) => `${t.eventId}:${t.resultSetId}`));
      scope = scopeSet === null ? null : JSON.stringify([...scopeSet]);
    },

    applyChanges(changes, at) {
      // A key press changes a few fields: one row at a time is cheapest. A big batch (a void
      // or a gun) goes set-based, with the same rules.
      if (changes.length <= BATCH_THRESHOLD) {
        for (const c of changes) applyOne(c, at);
        return;
      }
      for (const c of changes) {
        if (c.value === '')
          throw new Error(`A blank value is never sent (field ${c.field}, bib ${c.bib})`);
      }
      const json = JSON.stringify(
        changes.map((c) => [c.resultSetId, c.bib, c.field, c.eventId, c.value]),
      );
      // Existing rows first, so the insert's ON CONFLICT only skips rows just updated.
      st.updateMany.run({ changes: json, at });
      st.insertMany.run({ changes: json, at });
    },

    takePending(limit, exclude) {
      if (!Number.isInteger(limit) || limit < 1) return [];
      return db.transaction(() => {
        const first = st.oldestPending.get({
          scope,
          exclude: JSON.stringify((exclude ?? []).map((t) => [t.eventId, t.resultSetId])),
        });
        if (!first) return [];
        const rows = st.pendingOf.all(first.event_id, first.result_set_id, limit);
        if (rows.length > 0) {
          st.markTaken.run(
            JSON.stringify(rows.map((r) => [r.result_set_id, r.bib, r.field, r.wanted_version])),
          );
        }
        return rows.map(toRow);
      })();
    },

    stillPending(rows) {
      // Same wanted version as given (so the same value), still newer than the ack, not parked.
      return rows.filter((r) => {
        if (scopeSet && !scopeSet.has(`${r.eventId}:${r.resultSetId}`)) return false;
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
      if (rows.length === 0) return;
      // One UPDATE ... FROM matches each outbox row once: of two acks of one key in a batch,
      // only the newest version is kept here (an older one could not apply after it anyway).
      const newest = new Map<string, OutboxRow>();
      for (const r of rows) {
        const k = outboxRowKey(r);
        const seen = newest.get(k);
        if (!seen || seen.version < r.version) newest.set(k, r);
      }
      const json = JSON.stringify(
        [...newest.values()].map((r) => [r.resultSetId, r.bib, r.field, r.value, r.version]),
      );
      st.ack.run({ rows: json, at });
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
        pending: scopeTargets
          ? scopeTargets.reduce(
              (n, t) => n + (st.countPendingOf.get(t.eventId, t.resultSetId)?.n ?? 0),
              0,
            )
          : (st.countPending.get()?.n ?? 0),
        attention: st.countAttention.get()?.n ?? 0,
      };
    },

    forgetAcknowledgements() {
      return st.forgetAcks.run().changes;
    },

    awaitingReadBack() {
      return st.awaiting.all({ scope }).map(toRow);
    },

    confirmReadBack(row, cleared, reason) {
      const key = {
        resultSetId: row.resultSetId,
        bib: row.bib,
        field: row.field,
        version: row.version,
      };
      if (cleared) st.verified.run(key);
      else {
        const why =
          reason ??
          `RunSignup still shows a ${row.field} for bib ${row.bib} after "X" was accepted: remove it on RunSignup`;
        st.notCleared.run({ ...key, reason: why.slice(0, 500) });
      }
    },

    fieldStates(bibs) {
      const map = new Map<string, FieldSyncState>();
      if (bibs.length === 0) return map;
      const json = JSON.stringify(bibs.map((b) => [b.resultSetId, b.bib]));
      for (const r of st.statesOf.all(json)) {
        map.set(
          outboxRowKey({ resultSetId: r.result_set_id, bib: r.bib, field: r.field }),
          toState(r),
        );
      }
      return map;
    },

    fieldState(key) {
      const r = st.get.get(key.resultSetId, key.bib, key.field);
      return r ? toState(r) : null;
    },

    allStates() {
      const map = new Map<string, FieldSyncState>();
      for (const r of st.all.iterate()) {
        map.set(
          outboxRowKey({ resultSetId: r.result_set_id, bib: r.bib, field: r.field }),
          toState(r),
        );
      }
      return map;
    },
  };
  return store;
}
