// The sync loop's contracts with the two sides it joins: the outbox the core keeps (SQLite) and
// the RunSignup client that posts and reads results. Pure types, here so that core, sync and
// runsignup each depend on src-shared only, never on one another; the app wires them together.

/** One field the station wants RunSignup to show, at a version. */
export interface OutboxRow {
  resultSetId: number;
  eventId: number;
  bib: number;
  /** `place`, `clock_time`, `chip_time` or `split-<id>`. */
  field: string;
  /** A time string, a status, or "X" to clear. Never blank. */
  value: string;
  version: number;
}

/** Where a batch goes: one event's result set. */
export interface PostTarget {
  eventId: number;
  resultSetId: number;
}

export interface Outbox {
  /**
   * The oldest fields whose wanted version is newer than the acknowledged one and which are not
   * parked as needing attention, grouped so every returned row shares one (eventId, resultSetId).
   * Targets in `exclude` are skipped (they are paused: RunSignup does not know that event).
   */
  takePending(limit: number, exclude?: readonly PostTarget[]): OutboxRow[];
  /**
   * The given rows that the outbox still wants posted exactly as given: the same wanted version
   * (so the same value), not acknowledged, not parked. A retry re-reads its rows through this
   * before every re-post, so a value the timer corrected meanwhile is never sent again (the
   * newer version is taken fresh instead).
   */
  stillPending(rows: readonly OutboxRow[]): OutboxRow[];
  /** RunSignup accepted these rows; an ack never overwrites a newer wanted version. */
  acknowledge(rows: OutboxRow[], at: number): void;
  /** RunSignup rejected this row at this version: park it with the reason until it changes or is retried. */
  markAttention(row: OutboxRow, reason: string): void;
  /** Un-park every row needing attention (the timer pressed retry). */
  retryAttention(): number;
  counts(): { pending: number; attention: number };
}

/**
 * [assumed] "X" is documented to clear splits only (RUNSIGNUP-API.md §4). When RunSignup
 * acknowledges "X" in a finish field (`clock_time`, `chip_time`), the row is not trusted as
 * cleared until a read-back of get-results shows the field empty: until then its crossing shows
 * "verify on RunSignup". Implemented by the outbox store (core), driven by the sync side.
 */
export interface ClearVerification {
  /** Acknowledged "X" rows in finish fields whose clear has not been confirmed by a read-back. */
  awaitingReadBack(): OutboxRow[];
  /**
   * The read-back's verdict for a row at the version that was acknowledged: `cleared` ends the
   * verification; otherwise the row needs attention with `reason` (it is not re-posted blindly).
   * Ignored when the row has a newer wanted version since.
   */
  confirmReadBack(row: OutboxRow, cleared: boolean, reason: string | null): void;
}

/** A row of Post Event Results: fields by RunSignup's names, one registrant per row. */
export type ResultPostRow = Record<string, string | number>;

/** The outcome of one post, already classified (see runsignup/errors.ts). */
export type PostOutcome =
  | { ok: true; serverDate: number | null; elapsedMs: number }
  | {
      ok: false;
      kind: 'retryable' | 'auth' | 'rejected' | 'not-found' | 'unknown';
      code: number | null;
      message: string;
      retryAfterMs: number | null;
    };

/** One row of get-results as the client reads it (field names as RunSignup spells them). */
export type ResultReadRow = Record<string, string | number | null>;

export interface ResultsPoster {
  postResults(
    target: { eventId: number; resultSetId: number },
    rows: ResultPostRow[],
  ): Promise<PostOutcome>;
  /**
   * get-results of one result set, every page (for the read-back of a clear, ClearVerification).
   * Throws on failure. Absent: nothing is read back and such rows keep "verify on RunSignup".
   */
  readResults?(target: { eventId: number; resultSetId: number }): Promise<ResultReadRow[]>;
}

/** One audit of one result set as recorded: when it ran and what it found. */
export interface AuditRun extends AuditSummary {
  eventId: number;
  resultSetId: number;
  startedAt: number;
  finishedAt: number;
  /** Why the read failed, or null. */
  error: string | null;
}

/** A field where RunSignup shows a value this station never sent. */
export interface ConflictRow {
  eventId: number;
  resultSetId: number;
  bib: number;
  field: string;
  /** What this station wants (null: nothing of its own). */
  stationValue: string | null;
  /** What RunSignup showed ('' for empty). */
  runsignupValue: string;
  version: number;
}

/** Counts of runners (not fields) by where their fields stand with RunSignup. */
export interface RunnerCounts {
  saved: number;
  sending: number;
  sent: number;
  verified: number;
  conflict: number;
}

/**
 * The standing audit's store (implemented by the outbox): which posts had an unknown outcome,
 * the fields to compare with a read of RunSignup, and the verdicts.
 */
export interface ResultAudit {
  /** These rows rode in a post whose outcome is unknown; `at`: when the client gave up on it. */
  markUncertain(rows: readonly OutboxRow[], at: number): void;
  /** The (event, result set) pairs in scope with fields of this station. */
  auditTargets(): PostTarget[];
  /** Every field of this target, in scope. */
  auditFields(target: PostTarget): AuditedField[];
  /** The newest time a post of unknown outcome was given up on, per target, or none. */
  uncertainSince(target: PostTarget): number | null;
  /**
   * Applies an audit's verdicts (each at the version it was judged: a field changed meanwhile
   * is left alone) and records the run, in one transaction.
   */
  applyAudit(
    verdicts: ReadonlyArray<{
      field: AuditedField;
      verdict: FieldVerdict;
    }>,
    run: AuditRun,
  ): void;
  lastAudit(): AuditRun | null;
  conflicts(): ConflictRow[];
  runnerCounts(): RunnerCounts;
}

/** One field this station owns, as the outbox knows it, for the audit. */
export interface AuditedField {
  resultSetId: number;
  eventId: number;
  bib: number;
  field: string;
  /** What this station wants shown (a value, "X"), or null: nothing of its own to show. */
  wantedValue: string | null;
  wantedVersion: number;
  ackedVersion: number;
  /** Every value this station ever put on the wire for this field. */
  ownValues: readonly string[];
  /** When the last post of unknown outcome carrying this field was given up on, or null. */
  uncertainAt: number | null;
  /** The wanted version a conflict was found at, or null. */
  conflictVersion: number | null;
  /** The wanted version at which the timer kept RunSignup's value, or null. */
  yieldedVersion: number | null;
  attentionVersion: number | null;
}

export type FieldVerdict =
  /** RunSignup shows the wanted value, and no post of unknown outcome can still land. */
  | { kind: 'verified' }
  /** RunSignup shows an older value of this station's, or nothing: post the wanted value again. */
  | { kind: 'repost'; shown: string }
  /** RunSignup shows a value this station never sent: the timer decides. */
  | { kind: 'conflict'; shown: string }
  /** A post of unknown outcome may still be applied: read again after the settle time. */
  | { kind: 'wait' }
  /** Nothing to decide now (posting is due anyway, the read cannot tell, or the timer decided). */
  | { kind: 'skip' };

/** Counts of one audit of one result set. */
export interface AuditSummary {
  rowsRead: number;
  compared: number;
  verified: number;
  repaired: number;
  conflicts: number;
  waiting: number;
}
