// The line-up tools' state (see index.ts for their rules): the time-only taps waiting for a bib
// in crossing order, the `order` entries in force and those still waiting for a time-only tap,
// the taps each `shift` in force put a bib on, and the seqs of the line-up entries in force.
import { compareCrossings } from './rules';
import { crossingPosition, type TapState } from './crossing-index';
import { insertNumber, removeNumber, withBySeq } from './seq-lists';

/** An `order` entry in force: its bib, and the tap it gave it to (null while it waits). */
interface OrderRec {
  seq: number;
  bib: number;
  tap: TapState | null;
  /** The seq of the assign mod it put on `tap` (the order's, or the consuming tap's). */
  modSeq: number;
}

export class LineUp {
  /**
   * Time-only taps (no bib, not unreadable, not voided) in crossing order: time-first capture
   * and `order` entries fill the oldest first.
   */
  private readonly untagged: TapState[] = [];
  /** Orders in force, by seq; those still waiting for a time-only tap, oldest first. */
  private readonly orders = new Map<number, OrderRec>();
  private readonly waiting: OrderRec[] = [];
  /** Taps each shift in force put a bib on, by the shift's seq (to take them off again). */
  private readonly shifted = new Map<number, TapState[]>();
  /** Seqs of the line-up entries (shift, order) in force, ascending. */
  private readonly seqs: number[] = [];

  /** The seq of the newest line-up entry in force (0: none). */
  newestSeq(): number {
    return this.seqs[this.seqs.length - 1] ?? 0;
  }

  inForce(): boolean {
    return this.seqs.length > 0;
  }

  /** Time-only taps still waiting for a bib, oldest crossing first. */
  untaggedTaps(): number[] {
    return this.untagged.map((t) => t.seq);
  }

  /** Bibs of `order` entries in force still waiting for a time-only crossing, oldest first. */
  waitingBibs(): number[] {
    return this.waiting.map((o) => o.bib);
  }

  addUntagged(tap: TapState): void {
    const u = this.untagged;
    const last = u[u.length - 1];
    // Time-first capture appends at the end almost always.
    if (!last || compareCrossings(last.at, last.seq, tap.at, tap.seq) < 0) u.push(tap);
    else u.splice(crossingPosition(this.untagged, tap), 0, tap);
  }

  /** Called before the tap's time changes, so its position is found by its current time. */
  removeUntagged(tap: TapState): void {
    const i = crossingPosition(this.untagged, tap);
    if (this.untagged[i] === tap) this.untagged.splice(i, 1);
  }

  /**
   * An `order` comes into force: the oldest time-only tap it gives its bib to (the caller puts
   * the assign on it), or null when there is none and the bib waits.
   */
  addOrder(seq: number, bib: number): TapState | null {
    insertNumber(this.seqs, seq);
    const order: OrderRec = { seq, bib, tap: null, modSeq: seq };
    this.orders.set(seq, order);
    const oldest = this.untagged[0];
    if (oldest) order.tap = oldest;
    else this.waiting.push(order);
    return oldest ?? null;
  }

  /**
   * A new time-only tap takes the oldest waiting bib, if any: the tap carries it from its own
   * seq on, and remembers which order it consumed.
   */
  giveWaitingBib(tap: TapState): void {
    const order = this.waiting.shift();
    if (!order) return;
    order.tap = tap;
    order.modSeq = tap.seq;
    tap.consumed = order.seq;
    tap.assigns = withBySeq(tap.assigns, { seq: tap.seq, value: order.bib, bindSeq: tap.seq });
    tap.bib = order.bib;
  }

  /**
   * An `order` goes out of force: the tap and assign seq the caller must take its bib off, or
   * null when it was still waiting. Only reached when no line-up entry in force is newer (else
   * the projection replays), so taking this bib back moves no other waiting bib.
   */
  removeOrder(seq: number): { tap: TapState; modSeq: number } | null {
    removeNumber(this.seqs, seq);
    const order = this.orders.get(seq) as OrderRec;
    this.orders.delete(seq);
    const tap = order.tap;
    if (!tap) {
      this.waiting.splice(this.waiting.indexOf(order), 1);
      return null;
    }
    if (tap.consumed === seq) tap.consumed = 0;
    return { tap, modSeq: order.modSeq };
  }

  /** A `shift` comes into force, giving bibs to these taps. */
  addShift(seq: number, taps: TapState[]): void {
    insertNumber(this.seqs, seq);
    this.shifted.set(seq, taps);
  }

  /** A `shift` goes out of force: the taps the caller must take its bibs off. */
  removeShift(seq: number): TapState[] {
    removeNumber(this.seqs, seq);
    const taps = this.shifted.get(seq) ?? [];
    this.shifted.delete(seq);
    return taps;
  }
}
