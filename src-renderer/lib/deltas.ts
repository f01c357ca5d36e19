// The station's `rows` events applied to the rows on screen, and when to reload a snapshot
// instead. Pure, so reconnects, gaps and races between a snapshot and the events around it are
// tested without a station.
import type { CrossingView, DeltaCursor } from '../../src-shared/station-api';
import { sameCrossing } from './rows';

/** Newest first: by time, ties by seq. */
export function orderCrossings(crossings: readonly CrossingView[]): CrossingView[] {
  return [...crossings].sort((a, b) => b.at - a.at || b.tapSeq - a.tapSeq);
}

/**
 * `shown` with the changed rows in. A row already shown is replaced (kept as the same object
 * when nothing in it changed); a new one comes in when the screen's window takes it: newer (by
 * seq) than the oldest row shown, or while fewer than `limit` rows are shown. The window is the
 * newest `limit` crossings by seq, as the station's snapshot cuts it; the rows come out ordered
 * as the screen shows them.
 */
export function mergeRows(
  shown: readonly CrossingView[],
  changed: readonly CrossingView[],
  limit: number,
): CrossingView[] {
  if (changed.length === 0) return [...shown];
  const bySeq = new Map(shown.map((r) => [r.tapSeq, r]));
  let oldest = Infinity;
  for (const r of shown) oldest = Math.min(oldest, r.tapSeq);
  const full = shown.length >= limit;
  for (const row of changed) {
    const old = bySeq.get(row.tapSeq);
    if (old !== undefined) bySeq.set(row.tapSeq, sameCrossing(old, row) ? old : row);
    else if (!full || row.tapSeq > oldest) bySeq.set(row.tapSeq, row);
  }
  let rows = [...bySeq.values()];
  if (rows.length > limit) {
    const cut = rows
      .map((r) => r.tapSeq)
      .sort((a, b) => b - a)
      .at(limit - 1) as number;
    rows = rows.filter((r) => r.tapSeq >= cut);
  }
  return orderCrossings(rows);
}

/** What to do with a change the station announced, given the position the screen holds. */
export type DeltaStep = 'apply' | 'skip' | 'reload';

/**
 * A `rows` event is applied when it is the next position of the stream the screen holds, skipped
 * when the screen already has it (a snapshot taken after it), and any gap, another stream (the
 * station file was swapped) or a screen without a position reloads the snapshot.
 */
export function rowsStep(held: DeltaCursor | null, incoming: DeltaCursor): DeltaStep {
  if (held === null || held.stream !== incoming.stream) return 'reload';
  if (incoming.seq <= held.seq) return 'skip';
  return incoming.seq === held.seq + 1 ? 'apply' : 'reload';
}

/** A `changed` event needs no reload when the screen already holds its position. */
export function changedStep(
  held: DeltaCursor | null,
  incoming: DeltaCursor | undefined,
): DeltaStep {
  if (incoming === undefined || held === null || held.stream !== incoming.stream) return 'reload';
  return incoming.seq <= held.seq ? 'skip' : 'reload';
}
