// The outbox's side of the standing audit: which fields rode in posts of unknown outcome, the
// fields a read of RunSignup is compared with, the verdicts applied at the version they were
// judged, the record of every audit, conflicts and the timer's decision on each.
import type { Database } from 'better-sqlite3';
import { CLEAR_VALUE } from '../../../src-shared/domain';
import type {
  AuditedField,
  AuditRun,
  ConflictRow,
  FieldVerdict,
  PostTarget,
  ResultAudit,
  RunnerCounts,
} from '../../../src-shared/sync-contract';

/** The timer's decision on a conflict: RunSignup's value stays, or this station's is posted. */
export type ConflictChoice = 'runsignup' | 'station';

export interface ConflictKey {
  resultSetId: number;
  bib: number;
  field: string;
}

export interface OutboxAudit extends ResultAudit {
  /**
   * The timer's decision on a conflict. `runsignup`: this station stops posting the field at its
   * current wanted version (a later change of its own is posted again); `station`: RunSignup's
   * value is treated as overwritable and the station's value is posted again. Returns the
   * conflict decided, or null when there is none at that key. Every decision is recorded
   * (append-only, with both values and the time).
   */
  resolveConflict(key: ConflictKey, keep: ConflictChoice, at?: number): ConflictRow | null;
}

/** The scope (JSON array of "event:resultSet", or null for every row), as the store holds it. */
export type ScopeReader = () => string | null;

const IN_SCOPE = `(@scope IS NULL OR (event_id || ':' || result_set_id)
                   IN (SELECT value FROM json_each(@scope)))`;

interface FieldRaw {
  result_set_id: number;
  event_id: number;
  bib: number;
  field: string;
  wanted_value: string | null;
  wanted_version: number;
  acked_version: number;
  own_values: string | null;
  uncertain_at: number | null;
  conflict_version: number | null;
  yielded_version: number | null;
  attention_version: number | null;
}

interface ConflictRaw {
  event_id: number;
  result_set_id: number;
  bib: number;
  field: string;
  wanted_value: string | null;
  conflict_value: string;
  wanted_version: number;
}

function toConflict(r: ConflictRaw): ConflictRow {
  return {
    eventId: r.event_id,
    resultSetId: r.result_set_id,
    bib: r.bib,
    field: r.field,
    stationValue: r.wanted_value,
    runsignupValue: r.conflict_value,
    version: r.wanted_version,
  };
}

/** A runner's state: the worst of its fields (higher is worse), 0 = nothing of the station's. */
const RUNNER_STATE = `CASE
    WHEN conflict_version IS NOT NULL AND conflict_version = wanted_version THEN 5
    WHEN wanted_value IS NULL THEN 0
    WHEN yielded_version IS NOT NULL AND yielded_version = wanted_version THEN 1
    WHEN wanted_version > acked_version AND attention_version = wanted_version THEN 0
    WHEN wanted_version > acked_version AND sent_version < wanted_version THEN 4
    WHEN wanted_version > acked_version THEN 3
    WHEN uncertain_at IS NOT NULL AND verified_version IS NOT wanted_version THEN 3
    WHEN verified_version = wanted_version THEN 1
    ELSE 2 END`;
const STATE_NAMES: Record<number, keyof RunnerCounts> = {
  1: 'verified',
  2: 'sent',
  3: 'sending',
  4: 'saved',
  5: 'conflict',
};

export function createOutboxAudit(db: Database, scope: ScopeReader): OutboxAudit {
  const st = {
    uncertain: db.prepare<[{ rows: string; at: number }]>(
      `UPDATE outbox SET uncertain_at = max(coalesce(uncertain_at, 0), @at)
       FROM (SELECT value->>0 AS rs, value->>1 AS bib, value->>2 AS field FROM json_each(@rows)) AS u
       WHERE outbox.result_set_id = u.rs AND outbox.bib = u.bib AND outbox.field = u.field`,
    ),
    fields: db.prepare<[{ scope: string | null; eventId: number; resultSetId: number }], FieldRaw>(
      `SELECT result_set_id, event_id, bib, field, wanted_value, wanted_version, acked_version,
         own_values, uncertain_at, conflict_version, yielded_version, attention_version
       FROM outbox WHERE event_id = @eventId AND result_set_id = @resultSetId AND ${IN_SCOPE}`,
    ),
    uncertainSince: db.prepare<[number, number], { at: number | null }>(
      `SELECT max(uncertain_at) AS at FROM outbox WHERE event_id = ? AND result_set_id = ?`,
    ),
    verified: db.prepare(
      `UPDATE outbox SET verified_version = wanted_version, uncertain_at = NULL,
         conflict_value = NULL, conflict_version = NULL,
         verify_version = CASE WHEN verify_version = wanted_version THEN NULL ELSE verify_version END
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field
         AND wanted_version = @version AND wanted_value IS NOT NULL`,
    ),
    // Posted again at the same version: pending once more, un-parked, no longer verified.
    repost: db.prepare(
      `UPDATE outbox SET acked_version = wanted_version - 1, verified_version = NULL,
         uncertain_at = NULL, attention_version = NULL, attention_reason = NULL
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field
         AND wanted_version = @version AND acked_version = @version AND wanted_value IS NOT NULL`,
    ),
    conflict: db.prepare(
      `UPDATE outbox SET conflict_value = @shown, conflict_version = wanted_version,
         verified_version = NULL
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field
         AND wanted_version = @version`,
    ),
    // A bib RunSignup holds with a field this station owns, never wanted here: a conflict row.
    foreign: db.prepare(
      `INSERT INTO outbox (result_set_id, bib, field, event_id, wanted_value, wanted_version,
         wanted_at, conflict_value, conflict_version)
       VALUES (@resultSetId, @bib, @field, @eventId, NULL, 0, @at, @shown, 0)
       ON CONFLICT DO NOTHING`,
    ),
    record: db.prepare(
      `INSERT INTO audit_runs (started_at, finished_at, event_id, result_set_id, rows_read,
         compared, verified, repaired, conflicts, waiting, error)
       VALUES (@startedAt, @finishedAt, @eventId, @resultSetId, @rowsRead, @compared, @verified,
         @repaired, @conflicts, @waiting, @error)`,
    ),
    last: db.prepare<[], Record<string, number | string | null>>(
      `SELECT * FROM audit_runs ORDER BY id DESC LIMIT 1`,
    ),
    conflicts: db.prepare<[{ scope: string | null }], ConflictRaw>(
      `SELECT event_id, result_set_id, bib, field, wanted_value, conflict_value, wanted_version
       FROM outbox WHERE conflict_version IS NOT NULL AND conflict_version = wanted_version
         AND ${IN_SCOPE}
       ORDER BY result_set_id, bib, field LIMIT 500`,
    ),
    conflictAt: db.prepare<[number, number, string], ConflictRaw>(
      `SELECT event_id, result_set_id, bib, field, wanted_value, conflict_value, wanted_version
       FROM outbox WHERE result_set_id = ? AND bib = ? AND field = ?
         AND conflict_version IS NOT NULL AND conflict_version = wanted_version`,
    ),
    keepRunSignup: db.prepare(
      `UPDATE outbox SET yielded_value = conflict_value, yielded_version = wanted_version,
         acked_version = wanted_version, conflict_value = NULL, conflict_version = NULL,
         attention_version = NULL, attention_reason = NULL, uncertain_at = NULL
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field`,
    ),
    // RunSignup's value becomes one this station may overwrite; its own is posted again (an
    // "X" where it wants nothing).
    keepStation: db.prepare(
      `UPDATE outbox SET
         own_values = json_insert(coalesce(own_values, '[]'), '$[#]', conflict_value),
         wanted_value = coalesce(wanted_value, '${CLEAR_VALUE}'),
         wanted_version = CASE WHEN wanted_value IS NULL THEN wanted_version + 1
                               ELSE wanted_version END,
         acked_version = CASE WHEN wanted_value IS NULL THEN acked_version
                              ELSE wanted_version - 1 END,
         wanted_at = @at, conflict_value = NULL, conflict_version = NULL,
         verified_version = NULL, attention_version = NULL, attention_reason = NULL
       WHERE result_set_id = @resultSetId AND bib = @bib AND field = @field`,
    ),
    decided: db.prepare(
      `INSERT INTO conflict_decisions (decided_at, event_id, result_set_id, bib, field,
         station_value, runsignup_value, kept)
       VALUES (@at, @eventId, @resultSetId, @bib, @field, @stationValue, @runsignupValue, @kept)`,
    ),
  };
  const kept = changeTracker(db);

  const toField = (r: FieldRaw): AuditedField => ({
    resultSetId: r.result_set_id,
    eventId: r.event_id,
    bib: r.bib,
    field: r.field,
    wantedValue: r.wanted_value,
    wantedVersion: r.wanted_version,
    ackedVersion: r.acked_version,
    ownValues: r.own_values ? (JSON.parse(r.own_values) as string[]) : [],
    uncertainAt: r.uncertain_at,
    conflictVersion: r.conflict_version,
    yieldedVersion: r.yielded_version,
    attentionVersion: r.attention_version,
  });

  const applyAll = db.transaction(
    (verdicts: ReadonlyArray<{ field: AuditedField; verdict: FieldVerdict }>, run: AuditRun) => {
      for (const { field: f, verdict } of verdicts) {
        const key = {
          resultSetId: f.resultSetId,
          bib: f.bib,
          field: f.field,
          version: f.wantedVersion,
        };
        switch (verdict.kind) {
          case 'verified':
            st.verified.run(key);
            break;
          case 'repost':
            st.repost.run(key);
            break;
          case 'conflict':
            if (st.conflict.run({ ...key, shown: verdict.shown.slice(0, 200) }).changes === 0) {
              st.foreign.run({
                ...key,
                eventId: f.eventId,
                shown: verdict.shown.slice(0, 200),
                at: run.finishedAt,
              });
            }
            break;
          default:
            break;
        }
      }
      st.record.run({ ...run });
    },
  );

  return {
    markUncertain(rows, at) {
      if (rows.length === 0) return;
      st.uncertain.run({
        rows: JSON.stringify(rows.map((r) => [r.resultSetId, r.bib, r.field])),
        at,
      });
    },
    auditTargets: () => kept.targets(scope()),
    auditFields(target: PostTarget) {
      return st.fields
        .all({ scope: scope(), eventId: target.eventId, resultSetId: target.resultSetId })
        .map(toField);
    },
    uncertainSince(target) {
      return st.uncertainSince.get(target.eventId, target.resultSetId)?.at ?? null;
    },
    applyAudit(verdicts, run) {
      applyAll(verdicts, run);
    },
    lastAudit() {
      const r = st.last.get();
      if (!r) return null;
      return {
        eventId: Number(r.event_id),
        resultSetId: Number(r.result_set_id),
        startedAt: Number(r.started_at),
        finishedAt: Number(r.finished_at),
        rowsRead: Number(r.rows_read),
        compared: Number(r.compared),
        verified: Number(r.verified),
        repaired: Number(r.repaired),
        conflicts: Number(r.conflicts),
        waiting: Number(r.waiting),
        error: r.error === null ? null : String(r.error),
      };
    },
    conflicts() {
      return st.conflicts.all({ scope: scope() }).map(toConflict);
    },
    resolveConflict(key, keep, at = Date.now()) {
      return db.transaction(() => {
        const row = st.conflictAt.get(key.resultSetId, key.bib, key.field);
        if (!row) return null;
        if (keep === 'runsignup') st.keepRunSignup.run(key);
        else st.keepStation.run({ ...key, at });
        const decided = toConflict(row);
        st.decided.run({ ...decided, at, kept: keep });
        return decided;
      })();
    },
    runnerCounts: () => kept.counts(scope()),
  };
}

/** Runners by state from the table itself, grouping the whole outbox (O(outbox rows)). */
export function countRunnersFully(db: Database, scope: string | null): RunnerCounts {
  const counts = noRunners();
  const rows = db
    .prepare<[{ scope: string | null }], { state: number; n: number }>(
      `SELECT state, count(*) AS n FROM (
         SELECT max(${RUNNER_STATE}) AS state FROM outbox WHERE ${IN_SCOPE}
         GROUP BY result_set_id, bib)
       GROUP BY state`,
    )
    .all({ scope });
  for (const { state, n } of rows) {
    const name = STATE_NAMES[state];
    if (name) counts[name] += n;
  }
  return counts;
}

const noRunners = (): RunnerCounts => ({ saved: 0, sending: 0, sent: 0, verified: 0, conflict: 0 });

interface ChangeTracker {
  counts(scope: string | null): RunnerCounts;
  /** The result sets the outbox holds rows of, in scope (by event, then result set). */
  targets(scope: string | null): PostTarget[];
}

/** The result sets the outbox holds rows of, from the table itself (O(outbox rows)). */
export function outboxTargetsFully(db: Database, scope: string | null): PostTarget[] {
  return db
    .prepare<[{ scope: string | null }], { event_id: number; result_set_id: number }>(
      `SELECT DISTINCT event_id, result_set_id FROM outbox WHERE ${IN_SCOPE}
       ORDER BY event_id, result_set_id`,
    )
    .all({ scope })
    .map((t) => ({ eventId: t.event_id, resultSetId: t.result_set_id }));
}

/** One tracker per connection: every outbox store on it shares what the triggers record. */
const trackers = new WeakMap<Database, ChangeTracker>();

/**
 * Runner counts (and the result sets audited) kept up to date from the rows that changed,
 * instead of grouping the whole outbox at every status recount (140 ms at 118,000 rows, after
 * every post that leaves nothing pending). Temporary triggers (this connection only, never in the file or a backup)
 * note every runner an INSERT, UPDATE or DELETE of the outbox touches, whatever statement did
 * it, in the same transaction (a rollback takes the note back too). A count re-reads only those
 * runners; the first count, or a new scope, groups the whole table once.
 */
function changeTracker(db: Database): ChangeTracker {
  const known = trackers.get(db);
  if (known) return known;
  db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS outbox_runners_changed (
      result_set_id INTEGER NOT NULL, bib INTEGER NOT NULL,
      PRIMARY KEY (result_set_id, bib)) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS outbox_sets (
      event_id INTEGER NOT NULL, result_set_id INTEGER NOT NULL,
      PRIMARY KEY (event_id, result_set_id)) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS outbox_sets_stale (one INTEGER PRIMARY KEY CHECK (one = 1));
    INSERT OR IGNORE INTO outbox_sets_stale VALUES (1);
    CREATE TEMP TRIGGER IF NOT EXISTS outbox_runner_inserted AFTER INSERT ON main.outbox BEGIN
      INSERT OR IGNORE INTO outbox_runners_changed VALUES (new.result_set_id, new.bib);
      INSERT OR IGNORE INTO outbox_sets VALUES (new.event_id, new.result_set_id);
    END;
    CREATE TEMP TRIGGER IF NOT EXISTS outbox_sets_moved
      AFTER UPDATE OF event_id, result_set_id ON main.outbox BEGIN
      INSERT OR IGNORE INTO outbox_sets_stale VALUES (1);
    END;
    CREATE TEMP TRIGGER IF NOT EXISTS outbox_runner_updated AFTER UPDATE ON main.outbox BEGIN
      INSERT OR IGNORE INTO outbox_runners_changed VALUES (new.result_set_id, new.bib);
      INSERT OR IGNORE INTO outbox_runners_changed VALUES (old.result_set_id, old.bib);
    END;
    CREATE TEMP TRIGGER IF NOT EXISTS outbox_runner_deleted AFTER DELETE ON main.outbox BEGIN
      INSERT OR IGNORE INTO outbox_runners_changed VALUES (old.result_set_id, old.bib);
      INSERT OR IGNORE INTO outbox_sets_stale VALUES (1);
    END;
  `);
  const st = {
    setsStale: db.prepare<[], number>(`SELECT count(*) FROM outbox_sets_stale`).pluck(),
    refillSets: db.transaction(() => {
      db.prepare(`DELETE FROM outbox_sets`).run();
      db.prepare(
        `INSERT INTO outbox_sets SELECT DISTINCT event_id, result_set_id FROM main.outbox`,
      ).run();
      db.prepare(`DELETE FROM outbox_sets_stale`).run();
    }),
    sets: db.prepare<[{ scope: string | null }], { event_id: number; result_set_id: number }>(
      `SELECT event_id, result_set_id FROM outbox_sets WHERE ${IN_SCOPE}
       ORDER BY event_id, result_set_id`,
    ),
    forget: db.prepare(`DELETE FROM outbox_runners_changed`),
    take: db.prepare<[], { result_set_id: number; bib: number }>(
      `DELETE FROM outbox_runners_changed RETURNING result_set_id, bib`,
    ),
    all: db.prepare<[{ scope: string | null }], RunnerState>(
      `SELECT result_set_id, bib, max(${RUNNER_STATE}) AS state FROM outbox WHERE ${IN_SCOPE}
       GROUP BY result_set_id, bib`,
    ),
    some: db.prepare<[{ scope: string | null; keys: string }], RunnerState>(
      `SELECT result_set_id, bib, max(${RUNNER_STATE}) AS state FROM outbox
       WHERE (result_set_id, bib) IN (SELECT value->>0, value->>1 FROM json_each(@keys))
         AND ${IN_SCOPE}
       GROUP BY result_set_id, bib`,
    ),
  };
  /** The state of every runner in scope with one (0 is none), by result set, then bib. */
  let states = new Map<number, Map<number, number>>();
  let counted: { scope: string | null } | null = null;
  const byState: number[] = [];
  const put = (resultSetId: number, bib: number, state: number): void => {
    let set = states.get(resultSetId);
    if (!set) {
      set = new Map();
      states.set(resultSetId, set);
    }
    const old = set.get(bib) ?? 0;
    if (old === state) return;
    byState[old] = (byState[old] ?? 0) - 1;
    byState[state] = (byState[state] ?? 0) + 1;
    if (state === 0) set.delete(bib);
    else set.set(bib, state);
  };
  const tracker: ChangeTracker = {
    targets(scope) {
      // The set of result sets grows with inserts (noted by the trigger); a delete or a row
      // moved to another set makes it stale, read again from the table (rare).
      if (st.setsStale.get() !== 0) st.refillSets();
      return st.sets
        .all({ scope })
        .map((t) => ({ eventId: t.event_id, resultSetId: t.result_set_id }));
    },
    counts(scope) {
      // Inside a transaction that may yet roll back, what is read now may never be: count from
      // the table and leave the kept states as they are.
      if (db.inTransaction) return countRunnersFully(db, scope);
      if (counted === null || counted.scope !== scope) {
        st.forget.run();
        states = new Map();
        byState.length = 0;
        for (const r of st.all.all({ scope })) put(r.result_set_id, r.bib, r.state);
        counted = { scope };
      } else {
        const changed = st.take.all();
        if (changed.length > 0) {
          const keys = JSON.stringify(changed.map((c) => [c.result_set_id, c.bib]));
          const now = new Map<string, number>();
          for (const r of st.some.all({ scope, keys }))
            now.set(`${r.result_set_id}:${r.bib}`, r.state);
          for (const c of changed)
            put(c.result_set_id, c.bib, now.get(`${c.result_set_id}:${c.bib}`) ?? 0);
        }
      }
      const counts = noRunners();
      byState.forEach((n, state) => {
        const name = STATE_NAMES[state];
        if (name) counts[name] += n;
      });
      return counts;
    },
  };
  trackers.set(db, tracker);
  return tracker;
}

interface RunnerState {
  result_set_id: number;
  bib: number;
  state: number;
}
