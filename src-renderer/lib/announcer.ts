// What the announcer's screen lists: each finisher as they cross, newest first. Pure.
import type { CrossingView } from '../../src-shared/station-api';

export interface Finisher {
  key: number;
  bib: number;
  name: string;
  event: string;
  place: number | null;
  time: string;
}

/** Crossings with a bib, not voided or cleared, newest first, at most `max`. */
export function finishers(crossings: readonly CrossingView[], max: number): Finisher[] {
  const out: Finisher[] = [];
  for (const c of crossings) {
    if (out.length >= max) break;
    if (c.bib === null || c.voided || c.cleared) continue;
    out.push({
      key: c.tapSeq,
      bib: c.bib,
      name: c.name ?? 'Unknown runner',
      event: c.eventName ?? '',
      place: c.place,
      time: c.status ?? c.time ?? '',
    });
  }
  return out;
}
