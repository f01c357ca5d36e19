// The ordered lists the incremental projection keeps: values set by journal entries, kept in
// seq order so the last one in force wins; seqs ascending; items looked up by seq.
//
// The lists on each tap and bib (corrections, statuses, clears, a bib's taps) are replaced, never
// changed: almost all of them are empty or hold one item, and 100,000 crossings each with its
// own empty arrays, grown to 17 slots by their first push, were a fifth of a cold start's heap.

/** A value set by an entry: kept per target in seq order, the last in force wins. */
export interface Mod<T> {
  seq: number;
  value: T;
}

/** Insert keeping seq order; journal order makes this an append almost always. */
export function insertBySeq<T extends { seq: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as T).seq > item.seq) i--;
  list.splice(i, 0, item);
}

export function removeBySeq<T extends { seq: number }>(list: T[], seq: number): void {
  const i = list.findIndex((m) => m.seq === seq);
  if (i >= 0) list.splice(i, 1);
}

/** The empty list every tap and bib starts with: one, shared, frozen. */
export const NONE: readonly never[] = Object.freeze([]);

/** A copy of `list` with `item` in seq order, exactly as long as it needs to be. */
export function withBySeq<T extends { seq: number }>(list: readonly T[], item: T): readonly T[] {
  let i = list.length;
  while (i > 0 && (list[i - 1] as T).seq > item.seq) i--;
  return i === list.length ? list.concat([item]) : list.slice(0, i).concat([item], list.slice(i));
}

/** A copy of `list` without the item of this seq (the shared empty list when none is left). */
export function withoutSeq<T extends { seq: number }>(
  list: readonly T[],
  seq: number,
): readonly T[] {
  return without(
    list,
    list.findIndex((m) => m.seq === seq),
  );
}

/** A copy of `list` without the item at `i` (`list` itself when i < 0). */
export function without<T>(list: readonly T[], i: number): readonly T[] {
  if (i < 0) return list;
  if (list.length === 1) return NONE;
  return list.slice(0, i).concat(list.slice(i + 1));
}

/** A copy of an ascending list of numbers with `n` in its place. */
export function withNumber(list: readonly number[], n: number): readonly number[] {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > n) i--;
  return list.slice(0, i).concat([n], list.slice(i));
}

export function insertNumber(list: number[], n: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > n) i--;
  list.splice(i, 0, n);
}

export function removeNumber(list: number[], n: number): void {
  const i = list.lastIndexOf(n);
  if (i >= 0) list.splice(i, 1);
}

/**
 * Items by seq, appended in increasing seq (journal order): two parallel arrays and a binary
 * search instead of a Map, so a 100,000-row replay makes no hash-table entries.
 */
export class SeqIndex<T> {
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];

  set(seq: number, item: T): void {
    const last = this.seqs[this.seqs.length - 1];
    if (last !== undefined && seq <= last) throw new Error(`SeqIndex: seq ${seq} after ${last}`);
    this.seqs.push(seq);
    this.items.push(item);
  }

  get(seq: number): T | undefined {
    const a = this.seqs;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid] as number;
      if (v === seq) return this.items[mid];
      if (v < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  has(seq: number): boolean {
    return this.get(seq) !== undefined;
  }
}
