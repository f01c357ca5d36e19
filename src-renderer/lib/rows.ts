// Keeps the row objects that did not change between two snapshots, so memoised rows (React.memo
// compares props by identity) re-render only where something changed. Pure.
import type { CrossingView } from '../../src-shared/station-api';

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

export function sameCrossing(a: CrossingView, b: CrossingView): boolean {
  return (
    a.tapSeq === b.tapSeq &&
    a.at === b.at &&
    a.bib === b.bib &&
    a.unreadable === b.unreadable &&
    a.name === b.name &&
    a.eventId === b.eventId &&
    a.eventName === b.eventName &&
    a.place === b.place &&
    a.time === b.time &&
    a.status === b.status &&
    a.sync === b.sync &&
    a.syncReason === b.syncReason &&
    a.voided === b.voided &&
    a.cleared === b.cleared &&
    sameFlags(a.flags, b.flags)
  );
}

/** `next` with every row equal to one in `prev` replaced by that older object. */
export function reuseRows(
  prev: readonly CrossingView[],
  next: readonly CrossingView[],
): CrossingView[] {
  if (prev.length === 0) return [...next];
  const bySeq = new Map(prev.map((r) => [r.tapSeq, r]));
  return next.map((r) => {
    const old = bySeq.get(r.tapSeq);
    return old !== undefined && sameCrossing(old, r) ? old : r;
  });
}

/**
 * The rows shown with the voided crossings among them, newest first (by time, ties by seq).
 * A voided crossing older than the oldest row shown stays out: it belongs to history further down.
 */
export function withVoidedRows(
  rows: readonly CrossingView[],
  voided: readonly CrossingView[],
): readonly CrossingView[] {
  if (voided.length === 0) return rows;
  const oldest = rows.at(-1);
  const inRange = voided.filter(
    (v) =>
      oldest === undefined || v.at > oldest.at || (v.at === oldest.at && v.tapSeq > oldest.tapSeq),
  );
  if (inRange.length === 0) return rows;
  return [...rows, ...inRange].sort((a, b) => b.at - a.at || b.tapSeq - a.tapSeq);
}
