// The rows a void, or an undo of a tap or of a void, changed: the screens take them as rows (the
// struck crossing, or the one brought back) instead of reloading their snapshot. Such a change
// touches the crossing itself, the other crossings of its bib (which one counts, "already
// recorded") and, when a place comes or goes, every later place of its event. It is told by
// rows only when nothing else moved: no bib waits for a time-only crossing, the time-only
// crossings are the same (no typed order slid onto another), and the places that moved are few.
import type { JournalPayload } from '../../src-shared/domain';
import type { Crossing } from './projection/types';

/** What this needs of the projection (ProjectionState has all of it). */
export interface CorrectionReader {
  crossing(tapSeq: number): Crossing | null;
  crossingsOfBib(bib: number): Crossing[];
  /** The crossings holding the event's places from `place` on, or null when more than `max`. */
  placedFrom(eventId: number, place: number, max: number): Crossing[] | null;
  untaggedTaps(): number[];
  waitingBibs(): number[];
}

/** More moved places than this and a screen reloads its snapshot instead (it is cheaper). */
export const MAX_CORRECTION_ROWS = 200;

/** The crossing a void or an undo acts on, or null for any other entry. */
export function correctedTap(
  payload: JournalPayload,
  entry: (seq: number) => JournalPayload | null,
): number | null {
  if (payload.kind === 'void') return payload.tapSeq;
  if (payload.kind !== 'undo') return null;
  const target = entry(payload.targetSeq);
  if (target?.kind === 'tap') return payload.targetSeq;
  if (target?.kind === 'void') return target.tapSeq;
  return null;
}

/** The crossing and its bib's crossings before the correction, to compare with after. */
export interface CorrectionBefore {
  tapSeq: number;
  crossing: Crossing;
  bibCrossings: Crossing[];
  untagged: number[];
}

/** Read before the entry is applied; null when its rows could never tell it (bibs waiting). */
export function beforeCorrection(p: CorrectionReader, tapSeq: number): CorrectionBefore | null {
  const crossing = p.crossing(tapSeq);
  if (crossing === null || p.waitingBibs().length > 0) return null;
  return {
    tapSeq,
    crossing,
    bibCrossings: crossing.bib === null ? [] : p.crossingsOfBib(crossing.bib),
    untagged: p.untaggedTaps(),
  };
}

const placesOf = (crossings: readonly Crossing[]): Map<number, number | null> =>
  new Map(crossings.map((c) => [c.tapSeq, c.place]));

const withoutTap = (seqs: readonly number[], tapSeq: number): string =>
  seqs.filter((s) => s !== tapSeq).join(',');

/** Every crossing whose row the correction changed, or null when rows cannot tell it. */
export function correctionRows(p: CorrectionReader, before: CorrectionBefore): Crossing[] | null {
  const crossing = p.crossing(before.tapSeq);
  if (crossing === null || p.waitingBibs().length > 0) return null;
  if (withoutTap(p.untaggedTaps(), before.tapSeq) !== withoutTap(before.untagged, before.tapSeq)) {
    return null;
  }
  const bibs = new Set([before.crossing.bib, crossing.bib]);
  bibs.delete(null);
  const rows = new Map<number, Crossing>([[crossing.tapSeq, crossing]]);
  for (const bib of bibs) for (const c of p.crossingsOfBib(bib as number)) rows.set(c.tapSeq, c);
  // A place came or went among these crossings: every later place of the event moved by one.
  const was = placesOf([before.crossing, ...before.bibCrossings]);
  const now = placesOf([...rows.values()]);
  let firstMoved = Infinity;
  for (const seq of new Set([...was.keys(), ...now.keys()])) {
    const a = was.get(seq) ?? null;
    const b = now.get(seq) ?? null;
    if (a === b) continue;
    if (a !== null) firstMoved = Math.min(firstMoved, a);
    if (b !== null) firstMoved = Math.min(firstMoved, b);
  }
  if (firstMoved !== Infinity) {
    const eventId = crossing.eventId ?? before.crossing.eventId;
    if (eventId === null) return null;
    const moved = p.placedFrom(eventId, firstMoved, MAX_CORRECTION_ROWS);
    if (moved === null) return null;
    for (const c of moved) rows.set(c.tapSeq, c);
  }
  return [...rows.values()];
}
