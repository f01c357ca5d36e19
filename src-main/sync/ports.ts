// The seams of the sync loop: what it reads from the outbox and what it needs from RunSignup.
// The core implements `Outbox` over SQLite; the RunSignup client provides `ResultsPoster`.

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

export interface Outbox {
  /**
   * The oldest fields whose wanted version is newer than the acknowledged one and which are not
   * parked as needing attention, grouped so every returned row shares one (eventId, resultSetId).
   */
  takePending(limit: number): OutboxRow[];
  /** RunSignup accepted these rows; an ack never overwrites a newer wanted version. */
  acknowledge(rows: OutboxRow[], at: number): void;
  /** RunSignup rejected this row at this version: park it with the reason until it changes or is retried. */
  markAttention(row: OutboxRow, reason: string): void;
  /** Un-park every row needing attention (the timer pressed retry). */
  retryAttention(): number;
  counts(): { pending: number; attention: number };
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

export interface ResultsPoster {
  postResults(
    target: { eventId: number; resultSetId: number },
    rows: ResultPostRow[],
  ): Promise<PostOutcome>;
}
