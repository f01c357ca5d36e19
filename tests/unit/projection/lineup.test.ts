// Example tests of the line-up tools: shift a block of bibs, bibs in crossing order (order), and
// their undo, each checked batch = incremental = one-entry-at-a-time.
import { describe, expect, it } from 'vitest';
import { applyChanges, project, ProjectionState } from '../../../src-main/core/projection';
import type { WantedField } from '../../../src-main/core/projection';
import { Journal, ctx, plain } from './helpers';

const SEC = 1000;

/** Project three ways and insist they agree; returns the state. */
function run(j: Journal): ProjectionState {
  const c = ctx();
  const batch = project(j.entries, c);
  const cold = ProjectionState.fromJournal(j.entries, c);
  const live = new ProjectionState(c);
  const folded = new Map<string, WantedField>();
  for (const e of j.entries) applyChanges(folded, live.apply(e));
  expect(cold.crossings()).toEqual(batch.crossings);
  expect(live.crossings()).toEqual(batch.crossings);
  expect(plain(cold.wanted())).toEqual(plain(batch.wanted));
  expect(plain(folded)).toEqual(plain(batch.wanted));
  expect(live.waitingBibs()).toEqual(batch.waitingBibs);
  return live;
}

/** Bibs of the live crossings in crossing order. */
function lineUp(s: ProjectionState): (number | null)[] {
  return s
    .crossings()
    .filter((c) => !c.voided)
    .sort((a, b) => a.at - b.at || a.tapSeq - b.tapSeq)
    .map((c) => c.bib);
}

describe('shift', () => {
  it('a missed time: insert the crossing (a past time), then shift the later bibs earlier onto it', () => {
    const j = new Journal();
    j.gun(1);
    // Runners 1, 2, 3, 4 crossed at 10, 20, 30, 40 s; the timer missed 2's crossing, so the
    // bibs typed in order landed one crossing early: 10->1, 30->2, 40->3 and 4 had no time.
    j.tap(10 * SEC, 1);
    const t30 = j.tap(30 * SEC, 2);
    const t40 = j.tap(40 * SEC, 3);
    const missing = j.tap(20 * SEC, null); // typed afterwards with its past time
    expect(lineUp(run(j))).toEqual([1, null, 2, 3]);
    j.shift(missing, t40, 'earlier');
    const s = run(j);
    expect(lineUp(s)).toEqual([1, 2, 3, null]);
    j.assign(t40, 4);
    const done = run(j);
    expect(lineUp(done)).toEqual([1, 2, 3, 4]);
    expect(plain(done.wanted())).toMatchObject({
      '11:1:2:clock_time': '0:00:20.0',
      '11:1:2:place': '2',
      '11:1:3:clock_time': '0:00:30.0',
      '11:1:4:clock_time': '0:00:40.0',
      '11:1:4:place': '4',
    });
    expect(done.crossing(t30)?.bib).toBe(3);
  });

  it('an extra time: shift the bibs later off it, then void it', () => {
    const j = new Journal();
    j.gun(1);
    // A double tap at 21 s took bib 2's place in the typed order: 1, 2, 3 on 10, 20(extra), 30.
    j.tap(10 * SEC, 1);
    const extra = j.tap(20 * SEC, 2);
    j.tap(21 * SEC, 3);
    const last = j.tap(30 * SEC, null);
    j.shift(extra, last, 'later');
    expect(lineUp(run(j))).toEqual([1, null, 2, 3]);
    j.void(extra);
    const s = run(j);
    expect(lineUp(s)).toEqual([1, 2, 3]);
    expect(plain(s.wanted())).toMatchObject({
      '11:1:2:clock_time': '0:00:21.0',
      '11:1:2:place': '2',
      '11:1:3:clock_time': '0:00:30.0',
      '11:1:3:place': '3',
    });
  });

  it('refuses to lose a bib: a block whose opening end has a bib changes nothing', () => {
    const j = new Journal();
    j.gun(1);
    const a = j.tap(10 * SEC, 1);
    const b = j.tap(20 * SEC, 2);
    j.shift(a, b, 'later'); // b has a bib: 2 would fall off the end
    j.shift(a, b, 'earlier'); // a has a bib
    j.shift(b, a, 'later'); // ends reversed
    expect(lineUp(run(j))).toEqual([1, 2]);
  });

  it('undo of a shift puts every bib back where it was', () => {
    const j = new Journal();
    j.gun(1);
    const a = j.tap(10 * SEC, 1);
    j.tap(20 * SEC, 2);
    const c = j.tap(30 * SEC, null);
    const before = plain(run(j).wanted());
    const shift = j.shift(a, c, 'later');
    expect(lineUp(run(j))).toEqual([null, 1, 2]);
    j.undo(shift);
    const s = run(j);
    expect(lineUp(s)).toEqual([1, 2, null]);
    expect(plain(s.wanted())).toEqual(before);
  });

  it('a shifted bib keeps its binding: a bib cleared before the shift stays cleared', () => {
    const j = new Journal();
    j.gun(1);
    const a = j.tap(10 * SEC, 1);
    const b = j.tap(20 * SEC, null);
    j.clear(1);
    j.shift(a, b, 'later');
    const s = run(j);
    expect(s.crossing(b)).toMatchObject({ bib: 1, cleared: true, place: null });
    expect(plain(s.wanted())).toEqual({ '11:1:1:clock_time': 'X', '11:1:1:place': 'X' });
  });
});

describe('order (bibs in crossing order)', () => {
  it('chute recorder behind the timer: each bib takes the oldest time-only crossing', () => {
    const j = new Journal();
    j.gun(1);
    j.tap(12 * SEC, null);
    j.tap(10 * SEC, null); // tapped late, typed with its real time: still the oldest
    j.tap(14 * SEC, 3); // a crossing typed with its bib is skipped
    j.tap(16 * SEC, null);
    j.order(1);
    j.order(2);
    const s = run(j);
    expect(lineUp(s)).toEqual([1, 2, 3, null]);
    expect(s.waitingBibs()).toEqual([]);
    expect(s.untaggedTaps()).toHaveLength(1);
  });

  it('chute recorder ahead of the timer: bibs wait, and the next time-only taps take them in order', () => {
    const j = new Journal();
    j.gun(1);
    j.order(1);
    j.order(2);
    j.order(3);
    expect(run(j).waitingBibs()).toEqual([1, 2, 3]);
    j.tap(10 * SEC, null);
    j.tap(11 * SEC, 4); // a tap with its own bib takes none
    j.tap(12 * SEC, null, true); // nor does an unreadable placeholder
    j.tap(13 * SEC, null);
    const s = run(j);
    expect(s.waitingBibs()).toEqual([3]);
    expect(lineUp(s)).toEqual([1, 4, null, 2]);
    expect(plain(s.wanted())).toMatchObject({ '11:1:2:place': '3', '11:1:1:place': '1' });
  });

  it('undo of an order gives the crossing back its empty slot, or takes the bib off the wait list', () => {
    const j = new Journal();
    j.gun(1);
    const t = j.tap(10 * SEC, null);
    const o1 = j.order(1);
    const o2 = j.order(2);
    expect(run(j).waitingBibs()).toEqual([2]);
    j.undo(o2);
    expect(run(j).waitingBibs()).toEqual([]);
    j.undo(o1);
    const s = run(j);
    expect(s.crossing(t)?.bib).toBeNull();
    expect(s.untaggedTaps()).toEqual([t]);
    expect(plain(s.wanted())).toEqual({});
  });

  it('an undo behind an order re-plays it: undoing an earlier tap moves the bib to the next time-only crossing', () => {
    const j = new Journal();
    j.gun(1);
    const first = j.tap(10 * SEC, null);
    const second = j.tap(20 * SEC, null);
    j.order(1);
    expect(run(j).crossing(first)?.bib).toBe(1);
    j.undo(first);
    const s = run(j);
    expect(s.crossing(second)?.bib).toBe(1);
    expect(s.crossing(first)).toMatchObject({ voided: true, bib: null });
  });

  it('an undone tap that took a waiting bib hands it to the next time-only tap', () => {
    const j = new Journal();
    j.gun(1);
    j.order(1);
    const t1 = j.tap(10 * SEC, null);
    const t2 = j.tap(20 * SEC, null);
    expect(run(j).crossing(t1)?.bib).toBe(1);
    j.undo(t1);
    const s = run(j);
    expect(s.crossing(t2)?.bib).toBe(1);
    expect(s.waitingBibs()).toEqual([]);
  });
});
