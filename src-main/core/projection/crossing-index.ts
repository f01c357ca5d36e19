// The taps and bibs of one projection: every tap by seq and in seq order (the screen's order),
// every bib the journal touched, and what a tap's corrections and a bib's entries make of them.
import type { FieldKey, JournalEntry, Participant, ResultStatus } from '../../../src-shared/domain';
import { compareCrossings, type EventPlan } from './rules';
import { NONE, SeqIndex, type Mod } from './seq-lists';

/**
 * A bib given to a tap (assign, order, shift). `bindSeq` is when the bib was bound to a crossing:
 * the entry's seq, except for a shift, which moves each bib WITH its binding (so a bib cleared
 * before the shift stays cleared).
 */
export interface AssignMod extends Mod<number | null> {
  bindSeq: number;
}

export interface TapState {
  seq: number;
  rawAt: number;
  rawBib: number | null;
  unreadable: boolean;
  undone: boolean;
  assigns: readonly AssignMod[];
  /** The seq of the waiting `order` this tap took its bib from when it was made (0: none). */
  consumed: number;
  adjusts: readonly Mod<number>[];
  voids: number;
  // Derived from the above by `deriveTap`.
  at: number;
  bib: number | null;
  bindSeq: number;
  voided: boolean;
  /** Index in its event's ranking, or -1. */
  rankIndex: number;
  /** The event whose ranking holds it (valid while rankIndex >= 0). */
  rankEvent: number;
  /**
   * Formatted time cache: valid while the tap is unchanged since (`deriveTap` drops it) and the
   * race clock is at the generation it was made in.
   */
  timeGeneration: number;
  time: string | null | undefined;
}

export interface BibState {
  bib: number;
  /** Non-voided taps currently carrying this bib (any order; a bib has few). */
  taps: readonly TapState[];
  statuses: readonly Mod<ResultStatus | null>[];
  clears: readonly number[];
  /** The tap that holds this bib's place, if any. */
  ranked: TapState | null;
  /** The bib's event plan (null: unknown bib or event not timed here); fixed per projection. */
  plan: EventPlan | null;
  /**
   * The bib's field keys (`bibFieldKeys` order) and key strings, made on first need: most bibs
   * never need them. `values` holds the value wanted in each field (null: none), always there.
   */
  fieldKeys: FieldKey[] | null;
  keyStrings: string[] | null;
  values: (string | null)[];
}

type TapPayload = Extract<JournalEntry['payload'], { kind: 'tap' }>;

/** A tap as its own entry made it, before any correction. */
export function newTap(seq: number, p: TapPayload, undone: boolean): TapState {
  return {
    seq,
    rawAt: p.at,
    rawBib: p.bib,
    unreadable: p.unreadable,
    undone,
    assigns: NONE,
    consumed: 0,
    adjusts: NONE,
    voids: 0,
    at: p.at,
    bib: p.bib,
    bindSeq: seq,
    voided: undone,
    rankIndex: -1,
    rankEvent: 0,
    timeGeneration: 0,
    time: undefined,
  };
}

/** A tap's time, bib, binding and voided state from the corrections in force on it. */
export function deriveTap(tap: TapState): void {
  const lastAssign = tap.assigns[tap.assigns.length - 1];
  tap.at = tap.adjusts[tap.adjusts.length - 1]?.value ?? tap.rawAt;
  tap.bib = lastAssign ? lastAssign.value : tap.rawBib;
  tap.bindSeq = lastAssign ? lastAssign.bindSeq : tap.seq;
  tap.voided = tap.undone || tap.voids > 0;
  tap.time = undefined;
}

/** The seq of the bib's clear in force (0: none): crossings bound before it never count. */
export function clearSeqOf(bs: BibState): number {
  return bs.clears[bs.clears.length - 1] ?? 0;
}

/** The bib's status in force: the latest, unless a clear came after it. */
export function statusInForce(bs: BibState): ResultStatus | null {
  const s = bs.statuses[bs.statuses.length - 1];
  return s && s.seq > clearSeqOf(bs) ? s.value : null;
}

/** The bib's first crossing among those that may count (not cleared), if its event is timed. */
export function primaryTapOf(bs: BibState): TapState | null {
  if (!bs.plan) return null;
  const clearSeq = clearSeqOf(bs);
  let best: TapState | null = null;
  for (const t of bs.taps) {
    if (t.bindSeq < clearSeq) continue;
    if (!best || compareCrossings(t.at, t.seq, best.at, best.seq) < 0) best = t;
  }
  return best;
}

/** Where `tap` is, or would go, in a list of taps in crossing order (binary search). */
export function crossingPosition(list: readonly TapState[], tap: TapState): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = list[mid] as TapState;
    if (compareCrossings(m.at, m.seq, tap.at, tap.seq) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class CrossingIndex {
  readonly taps = new SeqIndex<TapState>();
  /** Taps in seq order (the screen's order). */
  readonly tapList: TapState[] = [];
  readonly bibs = new Map<number, BibState>();

  constructor(
    private readonly participants: ReadonlyMap<number, Participant>,
    private readonly plans: ReadonlyMap<number, EventPlan>,
  ) {}

  add(tap: TapState): void {
    this.taps.set(tap.seq, tap);
    this.tapList.push(tap);
  }

  /** The tap of a seq known to be a tap (the entry naming it is valid). */
  tap(seq: number): TapState {
    return this.taps.get(seq) as TapState;
  }

  /** The bib's state, made on first mention with its event plan. */
  bib(bib: number): BibState {
    let s = this.bibs.get(bib);
    if (!s) {
      const p = this.participants.get(bib);
      const plan = (p && this.plans.get(p.eventId)) ?? null;
      const fields = plan ? (plan.placeField === null ? 1 : 2) : 0;
      s = {
        bib,
        taps: NONE,
        statuses: NONE,
        clears: NONE,
        ranked: null,
        plan,
        fieldKeys: null,
        keyStrings: null,
        values: fields === 2 ? [null, null] : fields === 1 ? [null] : [],
      };
      this.bibs.set(bib, s);
    }
    return s;
  }

  /** Live taps between two taps (inclusive) in crossing order: one pass over the taps. */
  block(from: TapState, to: TapState): TapState[] {
    const out: TapState[] = [];
    for (const t of this.tapList) {
      if (t.voided) continue;
      if (compareCrossings(t.at, t.seq, from.at, from.seq) < 0) continue;
      if (compareCrossings(t.at, t.seq, to.at, to.seq) > 0) continue;
      out.push(t);
    }
    return out.sort((a, b) => compareCrossings(a.at, a.seq, b.at, b.seq));
  }
}
