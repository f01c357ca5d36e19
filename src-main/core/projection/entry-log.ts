// Which journal entries are in force: every entry by seq, whether it can act at all (what it
// names exists), and how many undos in force target it. An entry acts when it is valid and no
// undo in force targets it; an undo of an undo puts its target back.
import type { JournalItem } from './types';
import { SeqIndex } from './seq-lists';

/**
 * An entry in force or not, and how many undos in force target it. It keeps the entry's seq and
 * payload itself, not the entry: a replay needs nothing else, and a cold start lets go of the
 * 100,000 entries it read.
 */
export interface EntryRec extends JournalItem {
  undoneBy: number;
  /** Whether the entry can have any effect (e.g. an assign to a tap that exists). */
  valid: boolean;
}

/** Throws unless `seq` is an integer after `last`: entries are applied in journal order. */
export function assertAfter(seq: number, last: number): void {
  if (!Number.isInteger(seq) || seq <= last) {
    throw new Error(
      `Journal entry seq ${seq} is not after ${last}: entries must be applied in order`,
    );
  }
}

/** Whether an entry can act: what it names must be an earlier tap, or for an undo an earlier entry. */
function isValidEntry(
  entry: JournalItem,
  taps: SeqIndex<unknown>,
  entries: SeqIndex<unknown>,
): boolean {
  const p = entry.payload;
  switch (p.kind) {
    case 'assign':
    case 'adjust':
    case 'void':
      return p.tapSeq < entry.seq && taps.has(p.tapSeq);
    case 'shift':
      return (
        p.fromTapSeq < entry.seq &&
        p.toTapSeq < entry.seq &&
        taps.has(p.fromTapSeq) &&
        taps.has(p.toTapSeq)
      );
    case 'undo':
      return p.targetSeq < entry.seq && entries.has(p.targetSeq);
    default:
      return true;
  }
}

export class EntryLog {
  private readonly bySeq = new SeqIndex<EntryRec>();
  private readonly list: EntryRec[] = [];
  /** The highest seq logged (0 when empty). */
  lastSeq = 0;

  /** Log one new entry; `taps` are the taps logged so far (to judge what it names). */
  add(entry: JournalItem, taps: SeqIndex<unknown>): EntryRec {
    assertAfter(entry.seq, this.lastSeq);
    this.lastSeq = entry.seq;
    const rec: EntryRec = {
      seq: entry.seq,
      payload: entry.payload,
      undoneBy: 0,
      valid: isValidEntry(entry, taps, this.bySeq),
    };
    this.bySeq.set(entry.seq, rec);
    this.list.push(rec);
    return rec;
  }

  /**
   * Log a whole journal (seq order) into an empty log and decide which entries are in force,
   * from the newest down (an undo only targets earlier seqs): a replay then never has to take an
   * entry back out.
   */
  load(entries: readonly JournalItem[]): EntryRec[] {
    if (this.lastSeq !== 0) throw new Error('A replay needs a fresh projection');
    const recs: EntryRec[] = new Array<EntryRec>(entries.length);
    const tapSeqs = new SeqIndex<true>();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as JournalItem;
      assertAfter(entry.seq, this.lastSeq);
      this.lastSeq = entry.seq;
      const rec: EntryRec = {
        seq: entry.seq,
        payload: entry.payload,
        undoneBy: 0,
        valid: isValidEntry(entry, tapSeqs, this.bySeq),
      };
      if (entry.payload.kind === 'tap') tapSeqs.set(entry.seq, true);
      recs[i] = rec;
      this.bySeq.set(entry.seq, rec);
      this.list.push(rec);
    }
    for (let i = recs.length - 1; i >= 0; i--) {
      const rec = recs[i] as EntryRec;
      const p = rec.payload;
      if (p.kind === 'undo' && rec.valid && rec.undoneBy === 0) {
        (this.bySeq.get(p.targetSeq) as EntryRec).undoneBy++;
      }
    }
    return recs;
  }

  /** Every entry logged, in seq order: what a replay replays. */
  items(): readonly JournalItem[] {
    return this.list;
  }

  get(seq: number): EntryRec | undefined {
    return this.bySeq.get(seq);
  }

  /** Whether the entry is in force (exists, refers to something real, not undone). */
  isActive(seq: number): boolean {
    const rec = this.bySeq.get(seq);
    return rec !== undefined && rec.valid && rec.undoneBy === 0;
  }

  /**
   * The newest entry in force that Ctrl+Z should undo, or null: never an undo itself, nor a gun
   * read from RunSignup in the background (it may land between a typo and its Ctrl+Z).
   */
  undoTarget(): number | null {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const rec = this.list[i] as EntryRec;
      const p = rec.payload;
      if (p.kind === 'undo' || (p.kind === 'gun' && p.source === 'runsignup')) continue;
      if (rec.undoneBy === 0 && rec.valid) return rec.seq;
    }
    return null;
  }

  /**
   * The entry a new undo would take out of force (`deactivating`) or bring back (an undo of an
   * undo, followed down the chain), or null when it changes nothing. A target changes state
   * only on its first undo in force, or when its last one goes.
   */
  flippedBy(entry: JournalItem): { rec: EntryRec; deactivating: boolean } | null {
    const p = entry.payload;
    if (p.kind !== 'undo' || p.targetSeq >= entry.seq) return null;
    let cur = this.bySeq.get(p.targetSeq);
    let deactivating = true;
    while (cur) {
      if (cur.undoneBy !== (deactivating ? 0 : 1) || !cur.valid) return null;
      const q = cur.payload;
      if (q.kind !== 'undo') return { rec: cur, deactivating };
      cur = this.bySeq.get(q.targetSeq);
      deactivating = !deactivating;
    }
    return null;
  }
}
