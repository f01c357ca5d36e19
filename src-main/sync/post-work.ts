// What the sync loop posts and how it reads an answer: a batch of rows for one result set, its
// pieces, the keys it is tracked by, and the words for a failure. Pure, so tested on its own.
import type { PostUnit } from './mapper';
import type { OutboxRow, PostOutcome, PostTarget } from './ports';

/** A batch being worked on: fresh from the outbox, or a half of a rejected one being isolated. */
export interface Work {
  target: PostTarget;
  /**
   * The rows as last read from the outbox. Never trusted across a failure: every queued work is
   * re-read (`stillPending`) just before it is posted again, so a stale value is never sent.
   */
  units: PostUnit[];
  /** True while looking for a bad row by halving. */
  isolating: boolean;
  /** `unknown` failures in a row of this batch. */
  unknownFailures: number;
  /** RunSignup's answer to the whole batch when halving began (request-level detection). */
  rootError: string | null;
  /** The isolation pace was already waited for this post. */
  paced: boolean;
}

/** A rejection that names the request's own parameters (event, result set), not a row's value. */
export const ABOUT_REQUEST = /\b(event(_id)?|(individual_)?result[ _-]?sets?(_id)?)\b/i;

export function targetKey(t: PostTarget): string {
  return `${t.eventId}|${t.resultSetId}`;
}

export function rowKey(r: OutboxRow): string {
  return `${r.resultSetId}|${r.bib}|${r.field}|${r.version}`;
}

export function freshWork(target: PostTarget, units: PostUnit[]): Work {
  return { target, units, isolating: false, unknownFailures: 0, rootError: null, paced: false };
}

/** Splits work into consecutive pieces of at most `maxRows` outbox rows (at least one bib each). */
export function chunkWork<T extends { units: PostUnit[] }>(work: T, maxRows: number): T[] {
  const chunks: T[] = [];
  let current: PostUnit[] = [];
  let rows = 0;
  for (const unit of work.units) {
    if (current.length > 0 && rows + unit.rows.length > maxRows) {
      chunks.push({ ...work, units: current });
      current = [];
      rows = 0;
    }
    current.push(unit);
    rows += unit.rows.length;
  }
  if (current.length > 0) chunks.push({ ...work, units: current });
  return chunks;
}

export function seconds(ms: number): string {
  return ms < 1_000 ? 'under a second' : `${Math.ceil(ms / 1_000)} s`;
}

/**
 * Whether RunSignup may have applied a failed post: no answer it gave says it did not (a
 * network failure, a timeout, a 5xx page, a garbled body). An error envelope is an answer.
 */
export function outcomeUnknown(outcome: PostOutcome): boolean {
  return (
    !outcome.ok &&
    outcome.code === null &&
    (outcome.kind === 'retryable' || outcome.kind === 'unknown')
  );
}

/** A failed post's message, with RunSignup's error code when it gave one. */
export function describeFailure(outcome: Extract<PostOutcome, { ok: false }>): string {
  return outcome.code === null ? outcome.message : `${outcome.message} (error ${outcome.code})`;
}
