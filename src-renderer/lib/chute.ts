// What the chute screen lists. Pure.
import type { CrossingView } from '../../src-shared/station-api';

/** The newest crossings that have a bib (rows come newest first), at most `n`. */
export function lastBibs(rows: readonly CrossingView[], n: number): CrossingView[] {
  const out: CrossingView[] = [];
  for (const r of rows) {
    if (out.length >= n) break;
    if (r.bib !== null) out.push(r);
  }
  return out;
}
