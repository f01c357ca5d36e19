// The places: per event timed here, its scored crossings in crossing order; a tap's place is its
// index + 1, kept on the tap (`rankIndex`). A tap put in or taken out moves every later place by
// one: those bibs go into `moved` (their place fields change) when the event posts places.
import { compareCrossings, type EventPlan } from './rules';
import { crossingPosition, type TapState } from './crossing-index';

interface EventRanking {
  plan: EventPlan;
  /** Scored crossings in crossing order. */
  taps: TapState[];
}

export class Ranking {
  private readonly events = new Map<number, EventRanking>();
  /** Off during a replay: the wanted fields are computed once at the end, not per move. */
  reportMoves = true;

  constructor(
    plans: ReadonlyMap<number, EventPlan>,
    private readonly moved: Set<number>,
  ) {
    for (const plan of plans.values()) this.events.set(plan.eventId, { plan, taps: [] });
  }

  /** Give a tap its place in its event (binary search; a new finisher is an append). */
  insert(tap: TapState, eventId: number): void {
    const ev = this.events.get(eventId) as EventRanking;
    const r = ev.taps;
    const lo = crossingPosition(r, tap);
    tap.rankIndex = lo;
    tap.rankEvent = eventId;
    if (lo === r.length) r.push(tap);
    else {
      r.splice(lo, 0, tap);
      this.reindex(ev, lo + 1);
    }
  }

  /** Take a ranked tap out (its rankIndex >= 0); those after it move up. */
  remove(tap: TapState): void {
    const ev = this.events.get(tap.rankEvent) as EventRanking;
    const i = tap.rankIndex;
    ev.taps.splice(i, 1);
    tap.rankIndex = -1;
    this.reindex(ev, i);
  }

  /** For a replay: collect the scored taps unordered, then `sortAll` once. */
  append(tap: TapState, eventId: number): void {
    (this.events.get(eventId) as EventRanking).taps.push(tap);
  }

  sortAll(): void {
    for (const ev of this.events.values()) {
      const r = ev.taps;
      r.sort((a, b) => compareCrossings(a.at, a.seq, b.at, b.seq));
      for (let i = 0; i < r.length; i++) {
        const t = r[i] as TapState;
        t.rankIndex = i;
        t.rankEvent = ev.plan.eventId;
      }
    }
  }

  /** The event's ranked taps from `index` on (place order), or null when more than `max`. */
  tapsFrom(eventId: number, index: number, max: number): readonly TapState[] | null {
    const ev = this.events.get(eventId);
    if (!ev) return [];
    const from = Math.max(0, index);
    if (ev.taps.length - from > max) return null;
    return ev.taps.slice(from);
  }

  /** Places from `from` on moved by one: their place fields change. */
  private reindex(ev: EventRanking, from: number): void {
    const r = ev.taps;
    const places = ev.plan.placeField !== null && this.reportMoves;
    for (let i = from; i < r.length; i++) {
      const t = r[i] as TapState;
      t.rankIndex = i;
      if (places) this.moved.add(t.bib as number);
    }
  }
}
