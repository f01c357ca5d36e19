// Forward-only schema migrations. Migration N takes `user_version` from N-1 to N, in one
// transaction. Never edit a migration that has shipped: add a new one.
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'journal, outbox, config, race cache, participants, meta',
    up(db) {
      db.exec(`
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;

        -- One row per operator action. Append-only: corrections are new rows.
        CREATE TABLE journal (
          seq         INTEGER PRIMARY KEY,
          station_id  TEXT    NOT NULL,
          recorded_at INTEGER NOT NULL,
          kind        TEXT    NOT NULL,
          payload     TEXT    NOT NULL CHECK (json_valid(payload))
        ) STRICT;
        CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only: UPDATE is forbidden'); END;
        CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only: DELETE is forbidden'); END;

        -- What this station wants RunSignup to show per field, and what RunSignup acknowledged.
        -- wanted_value NULL = nothing to send. Pending = wanted_version > acked_version, a
        -- non-null wanted value, and not parked at this version (attention_version).
        CREATE TABLE outbox (
          result_set_id     INTEGER NOT NULL,
          bib               INTEGER NOT NULL,
          field             TEXT    NOT NULL,
          event_id          INTEGER NOT NULL,
          wanted_value      TEXT,
          wanted_version    INTEGER NOT NULL DEFAULT 0,
          wanted_at         INTEGER NOT NULL,
          acked_value       TEXT,
          acked_version     INTEGER NOT NULL DEFAULT 0,
          acked_at          INTEGER,
          attention_reason  TEXT,
          attention_version INTEGER,
          -- 1 once a real (non-"X") value was handed to the sync loop: it may be on RunSignup
          -- even if the ack was lost, so withdrawing it must send "X".
          maybe_posted      INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (result_set_id, bib, field),
          CHECK (wanted_value IS NULL OR wanted_value <> '')
        ) STRICT;
        CREATE INDEX outbox_by_age ON outbox (wanted_at, result_set_id, bib, field);

        CREATE TABLE station_config (
          id         INTEGER PRIMARY KEY CHECK (id = 1),
          json       TEXT    NOT NULL CHECK (json_valid(json)),
          updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE race_cache (
          race_id    INTEGER PRIMARY KEY,
          json       TEXT    NOT NULL CHECK (json_valid(json)),
          fetched_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE participants (
          id              INTEGER PRIMARY KEY,
          event_id        INTEGER NOT NULL,
          bib             INTEGER,
          registration_id INTEGER,
          json            TEXT    NOT NULL CHECK (json_valid(json))
        ) STRICT;
        CREATE INDEX participants_by_bib ON participants (bib);
      `);
    },
  },
  {
    version: 2,
    description: 'partial indexes: pending and parked outbox rows without a table scan',
    up(db) {
      // The sync loop asks for the oldest pending rows after every batch, and the screen counts
      // them on every snapshot: with 100,000 rows a scan each time is too slow. The WHERE
      // clauses are the outbox store's PENDING / ATTENTION predicates, word for word, so the
      // planner can use these indexes for them.
      db.exec(`
        DROP INDEX outbox_by_age;
        CREATE INDEX outbox_pending ON outbox (wanted_at, result_set_id, bib, field)
          WHERE wanted_value IS NOT NULL AND wanted_version > acked_version
            AND (attention_version IS NULL OR attention_version < wanted_version);
        CREATE INDEX outbox_pending_by_set ON outbox (event_id, result_set_id, wanted_at, bib, field)
          WHERE wanted_value IS NOT NULL AND wanted_version > acked_version
            AND (attention_version IS NULL OR attention_version < wanted_version);
        CREATE INDEX outbox_attention ON outbox (attention_version)
          WHERE wanted_value IS NOT NULL AND wanted_version > acked_version
            AND attention_version = wanted_version;
      `);
    },
  },
  {
    version: 3,
    description: 'outbox: an "X" acknowledged in a finish field awaits a read-back (verify)',
    up(db) {
      // [assumed] X is documented to clear splits only: an X RunSignup acknowledged in
      // clock_time/chip_time is not trusted until a read-back of its results shows the field
      // empty (ports.ts ClearVerification). verify_version = the acknowledged X's version.
      db.exec(`
        ALTER TABLE outbox ADD COLUMN verify_version INTEGER;
        CREATE INDEX outbox_verify ON outbox (result_set_id, bib, field)
          WHERE verify_version IS NOT NULL;
      `);
    },
  },
  {
    version: 4,
    description: 'outbox: uncertain posts, read-back verification, conflicts; audit runs',
    up(db) {
      // sent_version: the newest version ever put on the wire (a row is "sending" meanwhile).
      // own_values: JSON array of every value this station posted for the field, so a read-back
      //   can tell its own older value (repost) from a value it never sent (conflict).
      // uncertain_at: the last post of this field whose outcome is unknown (timeout, reset, 5xx):
      //   RunSignup may still apply it, so only a read after it settled can verify the field.
      // verified_version: the wanted version a settled read-back showed on RunSignup.
      // conflict_*: RunSignup shows a value this station never sent, at this wanted version.
      // yielded_*: the timer kept RunSignup's value at this wanted version: not posted.
      db.exec(`
        ALTER TABLE outbox ADD COLUMN sent_version INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN own_values TEXT;
        ALTER TABLE outbox ADD COLUMN uncertain_at INTEGER;
        ALTER TABLE outbox ADD COLUMN verified_version INTEGER;
        ALTER TABLE outbox ADD COLUMN conflict_value TEXT;
        ALTER TABLE outbox ADD COLUMN conflict_version INTEGER;
        ALTER TABLE outbox ADD COLUMN yielded_value TEXT;
        ALTER TABLE outbox ADD COLUMN yielded_version INTEGER;
        CREATE INDEX outbox_conflict ON outbox (conflict_version)
          WHERE conflict_version IS NOT NULL;
        CREATE TABLE audit_runs (
          id            INTEGER PRIMARY KEY,
          started_at    INTEGER NOT NULL,
          finished_at   INTEGER NOT NULL,
          event_id      INTEGER NOT NULL,
          result_set_id INTEGER NOT NULL,
          rows_read     INTEGER NOT NULL,
          compared      INTEGER NOT NULL,
          verified      INTEGER NOT NULL,
          repaired      INTEGER NOT NULL,
          conflicts     INTEGER NOT NULL,
          waiting       INTEGER NOT NULL,
          error         TEXT
        );
      `);
    },
  },
  {
    version: 5,
    description: "conflict decisions: the timer kept RunSignup's value or the station's",
    up(db) {
      // Append-only, like the journal: who decided what, when, with both values.
      db.exec(`
        CREATE TABLE conflict_decisions (
          id              INTEGER PRIMARY KEY,
          decided_at      INTEGER NOT NULL,
          event_id        INTEGER NOT NULL,
          result_set_id   INTEGER NOT NULL,
          bib             INTEGER NOT NULL,
          field           TEXT NOT NULL,
          station_value   TEXT,
          runsignup_value TEXT NOT NULL,
          kept            TEXT NOT NULL CHECK (kept IN ('runsignup', 'station'))
        );
        CREATE TRIGGER conflict_decisions_no_update BEFORE UPDATE ON conflict_decisions
          BEGIN SELECT RAISE(ABORT, 'conflict decisions are append-only'); END;
        CREATE TRIGGER conflict_decisions_no_delete BEFORE DELETE ON conflict_decisions
          BEGIN SELECT RAISE(ABORT, 'conflict decisions are append-only'); END;
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export class NewerDatabaseError extends Error {
  constructor(found: number, supported: number) {
    super(
      `This database was written by a newer version of Chute (schema ${found}; this version ` +
        `understands up to ${supported}). Update Chute; the file was not changed.`,
    );
    this.name = 'NewerDatabaseError';
  }
}

/** Bring the schema to `target` (default: the latest), one transaction per migration. */
export function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
  target = migrations.reduce((max, m) => Math.max(max, m.version), 0),
): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > target) throw new NewerDatabaseError(current, target);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations must be numbered 1..N; found ${m.version}`);
  });
  for (const m of sorted) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      // user_version cannot be bound as a parameter; the value is an integer we control.
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
