// Example tests: each kind of correction propagates exactly as a timer expects.
import { describe, expect, it } from 'vitest';
import { diffWanted, project, ProjectionState } from '../../../src-main/core/projection';
import {
  Journal,
  T0,
  ctx,
  defaultParticipants,
  finishConfig,
  participant,
  plain,
  splitConfig,
} from './helpers';

const MIN = 60_000;

/** Feed a journal into a fresh state; also check it against the batch projection. */
function run(j: Journal, c = ctx()): ProjectionState {
  const state = ProjectionState.fromJournal(j.entries, c);
  expect(plain(state.wanted())).toEqual(plain(project(j.entries, c).wanted));
  return state;
}

describe('projection: the basics', () => {
  it('wants place and clock time per bib, per event, with times rounded up', () => {
    const j = new Journal();
    j.gun(1);
    j.gun(2, -5 * MIN);
    j.tap(20 * MIN + 123, 1); // 20:00.123 -> 20:00.2 (never down)
    j.tap(21 * MIN + 100, 2); // exact tenth stays
    j.tap(21 * MIN + 500, 5); // event 2, gun 5 min earlier
    const s = run(j);
    expect(plain(s.wanted())).toEqual({
      '11:1:1:clock_time': '0:20:00.2',
      '11:1:1:place': '1',
      '11:1:2:clock_time': '0:21:00.1',
      '11:1:2:place': '2',
      '12:2:5:clock_time': '0:26:00.5',
      '12:2:5:place': '1',
    });
    const c = s.crossing(3);
    expect(c).toMatchObject({ bib: 1, eventId: 1, place: 1, time: '0:20:00.2', flags: [] });
  });

  it('returns only what a new tap changed when appended at the end', () => {
    const j = new Journal();
    j.gun(1);
    j.tap(MIN, 1);
    const s = run(j);
    const changes = s.apply({
      seq: 3,
      stationId: 'st-1',
      recordedAt: 0,
      payload: { kind: 'tap', at: j.entries[1]!.recordedAt + 2 * MIN, bib: 2, unreadable: false },
    });
    expect(changes.map((c) => [c.keyString, c.value])).toEqual([
      ['11:1:2:clock_time', '0:02:00.0'],
      ['11:1:2:place', '2'],
    ]);
  });

  it('orders tied crossings by tap seq', () => {
    const j = new Journal();
    j.gun(1);
    j.tap(MIN, 3);
    j.tap(MIN, 1);
    const s = run(j);
    expect(s.wanted().get('11:1:3:place')?.value).toBe('1');
    expect(s.wanted().get('11:1:1:place')?.value).toBe('2');
  });

  it("a split station wants only its split for the bib's event, no place", () => {
    const j = new Journal();
    j.gun(1);
    j.gun(2);
    j.tap(8 * MIN, 1);
    j.tap(9 * MIN, 6);
    const s = run(j, ctx(splitConfig()));
    expect(plain(s.wanted())).toEqual({
      '11:1:1:split-71': '0:08:00.0',
      '12:2:6:split-72': '0:09:00.0',
    });
    expect(s.crossing(3)?.place).toBe(1);
  });
});

describe('projection: flags, and what is never posted', () => {
  it('flags unknown bibs, other events and a second crossing, and posts none of them', () => {
    const j = new Journal();
    j.gun(1);
    const first = j.tap(MIN, 1);
    j.tap(2 * MIN, 10); // unknown
    j.tap(3 * MIN, 9); // event 3: not timed here
    const dup = j.tap(4 * MIN, 1);
    const s = run(j);
    expect(s.crossing(first)?.flags).toEqual([]);
    expect(s.crossing(first + 1)?.flags).toEqual(['unknown-bib']);
    expect(s.crossing(first + 2)?.flags).toEqual(['other-event']);
    expect(s.crossing(dup)).toMatchObject({ flags: ['already-recorded'], place: null });
    expect(Object.keys(plain(s.wanted()))).toEqual(['11:1:1:clock_time', '11:1:1:place']);
    expect(s.previewBib(1)).toEqual(['already-recorded']);
    expect(s.previewBib(2)).toEqual([]);
    expect(s.previewBib(10)).toEqual(['unknown-bib']);
    expect(s.previewBib(9)).toEqual(['other-event']);

    // Voiding the first makes the second one count, with its own time.
    j.void(first);
    const after = run(j);
    expect(after.crossing(dup)).toMatchObject({ flags: [], place: 1, time: '0:04:00.0' });
  });

  it('without a gun, or before it, wants nothing and takes no place (never a place without a time)', () => {
    const j = new Journal();
    j.tap(MIN, 1);
    j.tap(3 * MIN, 2);
    let s = run(j);
    expect(plain(s.wanted())).toEqual({});
    expect(s.crossing(1)).toMatchObject({ flags: ['no-gun'], place: null, time: null });
    // A key pressed before the start (bib 1) takes no place from the real finishers.
    const g = j.gun(1, 2 * MIN);
    s = run(j);
    expect(plain(s.wanted())).toEqual({ '11:1:2:place': '1', '11:1:2:clock_time': '0:01:00.0' });
    expect(s.crossing(1)).toMatchObject({
      flags: ['before-gun'],
      elapsedMs: -MIN,
      time: null,
      place: null,
    });
    // The gun typed after the fact brings every waiting crossing in, in crossing order.
    j.undo(g);
    j.gun(1);
    s = run(j);
    expect(plain(s.wanted())).toEqual({
      '11:1:1:place': '1',
      '11:1:1:clock_time': '0:01:00.0',
      '11:1:2:place': '2',
      '11:1:2:clock_time': '0:03:00.0',
    });
  });

  it('flags an unreadable placeholder until a bib is typed for it', () => {
    const j = new Journal();
    j.gun(1);
    const t = j.tap(MIN, null, true);
    let s = run(j);
    expect(s.crossing(t)).toMatchObject({ unreadable: true, flags: ['unreadable'] });
    expect(s.untaggedTaps()).toEqual([]); // placeholders are not time-first slots
    j.assign(t, 4);
    s = run(j);
    expect(s.crossing(t)).toMatchObject({ unreadable: false, flags: [], bib: 4, place: 1 });
  });

  it('lists time-only taps oldest first for time-first capture', () => {
    const j = new Journal();
    const a = j.tap(2 * MIN);
    const b = j.tap(MIN);
    const c = j.tap(3 * MIN);
    const s = run(j);
    expect(s.untaggedTaps()).toEqual([b, a, c]);
    s.apply({
      seq: 4,
      stationId: 'st-1',
      recordedAt: 0,
      payload: { kind: 'assign', tapSeq: b, bib: 2 },
    });
    expect(s.untaggedTaps()).toEqual([a, c]);
  });
});

describe('projection: corrections propagate', () => {
  it('a corrected bib moves the time to the new bib; the old bib is no longer wanted', () => {
    const j = new Journal();
    j.gun(1);
    const t = j.tap(MIN, 1);
    const s = run(j);
    const changes = s.apply({
      seq: 3,
      stationId: 'st-1',
      recordedAt: 0,
      payload: { kind: 'assign', tapSeq: t, bib: 2 },
    });
    expect(changes.map((c) => [c.keyString, c.value])).toEqual([
      ['11:1:1:clock_time', null],
      ['11:1:1:place', null],
      ['11:1:2:clock_time', '0:01:00.0'],
      ['11:1:2:place', '1'],
    ]);
  });

  it('a void renumbers the places after it', () => {
    const j = new Journal();
    j.gun(1);
    const a = j.tap(MIN, 1);
    j.tap(2 * MIN, 2);
    j.tap(3 * MIN, 3);
    j.void(a);
    const s = run(j);
    expect(plain(s.wanted())).toEqual({
      '11:1:2:place': '1',
      '11:1:2:clock_time': '0:02:00.0',
      '11:1:3:place': '2',
      '11:1:3:clock_time': '0:03:00.0',
    });
    expect(s.crossing(a)).toMatchObject({ voided: true, place: null, flags: [] });
  });

  it('a status takes the bib out of the places and fills its time; lifting it restores both', () => {
    const j = new Journal();
    j.gun(1);
    j.tap(MIN, 1);
    j.tap(2 * MIN, 2);
    j.tap(3 * MIN, 3);
    const dq = j.status(2, 'DQ');
    let s = run(j);
    expect(plain(s.wanted())).toMatchObject({
      '11:1:2:clock_time': 'DQ',
      '11:1:3:place': '2',
    });
    expect(s.wanted().has('11:1:2:place')).toBe(false);
    expect(s.crossing(3)).toMatchObject({ status: 'DQ', place: null });
    j.status(2, null);
    s = run(j);
    expect(plain(s.wanted())).toMatchObject({
      '11:1:2:clock_time': '0:02:00.0',
      '11:1:2:place': '2',
      '11:1:3:place': '3',
    });
    // Undoing the DQ entry instead of lifting it gives the same result.
    const u = new Journal();
    for (const e of j.entries.slice(0, dq)) u.add(e.payload);
    u.undo(dq);
    expect(plain(run(u).wanted())).toEqual(plain(s.wanted()));
  });

  it('a status may be set for a bib that never crossed (DNS)', () => {
    const j = new Journal();
    j.status(4, 'DNS');
    j.status(9, 'DNS'); // another event: not this station's to post
    expect(plain(run(j).wanted())).toEqual({ '11:1:4:clock_time': 'DNS' });
  });

  it('a new gun re-times every entry of that event, and only that event', () => {
    const j = new Journal();
    j.gun(1);
    j.gun(2);
    j.tap(10 * MIN, 1);
    j.tap(10 * MIN, 5);
    const s = run(j);
    const changes = s.apply({
      seq: 5,
      stationId: 'st-1',
      recordedAt: 0,
      payload: { kind: 'gun', eventId: 1, at: j.entries[0]!.recordedAt + 30_000 },
    });
    expect(changes.map((c) => [c.keyString, c.value])).toEqual([
      ['11:1:1:clock_time', '0:09:30.0'],
    ]);
  });

  it('an offset re-times crossings of a gun read from RunSignup, and cancels for a local gun', () => {
    const j = new Journal();
    j.gun(1);
    // Event 2's gun came from RunSignup: it is in RunSignup's clock, the taps in this laptop's.
    j.add({ kind: 'gun', eventId: 2, at: T0, source: 'runsignup' });
    j.tap(10 * MIN, 1);
    j.tap(10 * MIN, 5);
    j.offset(-1_250);
    const s = run(j);
    expect(plain(s.wanted())).toMatchObject({
      // Gun and tap on the same clock: the offset cancels (tap − gun).
      '11:1:1:clock_time': '0:10:00.0',
      // (tap + offset) − RunSignup's gun.
      '12:2:5:clock_time': '0:09:58.8',
    });
    expect(s.crossing(3)).toMatchObject({ time: '0:10:00.0' });
    expect(s.crossing(4)).toMatchObject({ time: '0:09:58.8' });
  });

  it('an adjust re-orders the places', () => {
    const j = new Journal();
    j.gun(1);
    j.tap(MIN, 1);
    const b = j.tap(2 * MIN, 2);
    j.adjust(b, 30_000);
    const s = run(j);
    expect(plain(s.wanted())).toEqual({
      '11:1:1:place': '2',
      '11:1:1:clock_time': '0:01:00.0',
      '11:1:2:place': '1',
      '11:1:2:clock_time': '0:00:30.0',
    });
    expect(s.crossing(b)?.at).toBe(T0 + 30_000);
  });
});

describe('projection: undo', () => {
  it('undo of a tap voids it; undo of that undo brings it back', () => {
    const j = new Journal();
    j.gun(1);
    const t = j.tap(MIN, 1);
    const u = j.undo(t);
    let s = run(j);
    expect(s.crossing(t)?.voided).toBe(true);
    expect(s.wanted().size).toBe(0);
    j.undo(u);
    s = run(j);
    expect(s.crossing(t)?.voided).toBe(false);
    expect(s.wanted().get('11:1:1:place')?.value).toBe('1');
  });

  it('undo of an assign restores the bib before it', () => {
    const j = new Journal();
    j.gun(1);
    const t = j.tap(MIN, 1);
    j.assign(t, 2);
    const a = j.assign(t, 3);
    j.undo(a);
    const s = run(j);
    expect(s.crossing(t)?.bib).toBe(2);
    expect(Object.keys(plain(s.wanted())).sort()).toEqual(['11:1:2:clock_time', '11:1:2:place']);
  });

  it('undo of an adjust, a gun and an offset restores the previous value', () => {
    const j = new Journal();
    j.gun(1);
    const g2 = j.gun(1, 10_000);
    const t = j.tap(MIN, 1);
    const adj = j.adjust(t, 2 * MIN);
    const off = j.offset(500);
    j.undo(adj);
    j.undo(g2);
    j.undo(off);
    const s = run(j);
    expect(s.wanted().get('11:1:1:clock_time')?.value).toBe('0:01:00.0');
    expect(s.clock.gunAt(1)).toBe(T0);
    expect(s.clock.offsetMs()).toBe(0);
  });

  it('undo of a void brings the crossing back into the places', () => {
    const j = new Journal();
    j.gun(1);
    const a = j.tap(MIN, 1);
    j.tap(2 * MIN, 2);
    const v = j.void(a);
    j.undo(v);
    expect(plain(run(j).wanted())).toMatchObject({ '11:1:1:place': '1', '11:1:2:place': '2' });
  });

  it('names the newest entry in force as the Ctrl+Z target, skipping undos and undone ones', () => {
    const j = new Journal();
    const a = j.tap(MIN, 1);
    const b = j.tap(2 * MIN, 2);
    let s = run(j);
    expect(s.undoTarget()).toBe(b);
    j.undo(b);
    s = run(j);
    expect(s.undoTarget()).toBe(a);
    expect(s.isActive(b)).toBe(false);
  });

  it('corrections that point at nothing have no effect', () => {
    const j = new Journal();
    j.tap(MIN, 1);
    const g = j.gun(1);
    j.assign(g, 2); // not a tap
    j.void(99); // no such seq
    j.undo(99);
    expect(plain(run(j).wanted())).toEqual({
      '11:1:1:clock_time': '0:01:00.0',
      '11:1:1:place': '1',
    });
  });
});

describe('projection: clear', () => {
  it('wants "X" for every field of a cleared bib, until a later crossing gives it a value', () => {
    const j = new Journal();
    j.gun(1);
    const t = j.tap(MIN, 1);
    j.tap(2 * MIN, 2);
    j.clear(1);
    let s = run(j);
    expect(plain(s.wanted())).toEqual({
      '11:1:1:clock_time': 'X',
      '11:1:1:place': 'X',
      '11:1:2:clock_time': '0:02:00.0',
      '11:1:2:place': '1',
    });
    expect(s.crossing(t)).toMatchObject({ cleared: true, place: null, time: null });
    j.tap(3 * MIN, 1);
    s = run(j);
    expect(plain(s.wanted())).toMatchObject({
      '11:1:1:clock_time': '0:03:00.0',
      '11:1:1:place': '2',
    });
  });

  it('wants "X" for a bib this station never posted (the timer asked), and undo lifts it', () => {
    const j = new Journal();
    const c = j.clear(3);
    expect(plain(run(j).wanted())).toEqual({ '11:1:3:clock_time': 'X', '11:1:3:place': 'X' });
    j.undo(c);
    expect(run(j).wanted().size).toBe(0);
  });

  it('at a split station clears the split', () => {
    const j = new Journal();
    j.clear(6);
    expect(plain(run(j, ctx(splitConfig())).wanted())).toEqual({ '12:2:6:split-72': 'X' });
  });
});

describe('projection: participants, order and bad input', () => {
  it('a refresh that registers an unknown bib makes its crossing postable', () => {
    const j = new Journal();
    j.gun(1);
    j.tap(MIN, 10);
    const s = run(j);
    expect(s.wanted().size).toBe(0);
    const more = defaultParticipants();
    more.set(10, participant(10, 1));
    const changes = s.withParticipants(more);
    expect(changes.map((c) => [c.keyString, c.value])).toEqual([
      ['11:1:10:clock_time', '0:01:00.0'],
      ['11:1:10:place', '1'],
    ]);
    expect(s.crossing(2)?.flags).toEqual([]);
  });

  it('refuses an entry whose seq is not after the last, and changes nothing', () => {
    const j = new Journal();
    j.tap(MIN, 1);
    j.tap(2 * MIN, 2);
    const s = run(j);
    const before = plain(s.wanted());
    expect(() => s.apply(j.entries[1]!)).toThrow(/not after 2/);
    expect(() =>
      s.applyAll([
        { ...j.entries[1]!, seq: 7 },
        { ...j.entries[1]!, seq: 5 },
      ]),
    ).toThrow(/seq 5 is not after 7/);
    expect(plain(s.wanted())).toEqual(before);
    expect(s.lastSeq()).toBe(2);
  });

  it('refuses a journal with a seq twice', () => {
    const j = new Journal();
    j.tap(MIN, 1);
    expect(() => project([...j.entries, ...j.entries], ctx())).toThrow(/two entries with seq 1/);
    expect(() => ProjectionState.fromJournal([...j.entries, ...j.entries], ctx())).toThrow(
      /two entries with seq 1/,
    );
  });
});

describe('projection: split stations, precision and diffs', () => {
  it('a status at a split station fills the split, and places are not posted', () => {
    const j = new Journal();
    j.gun(1);
    j.tap(MIN, 1);
    j.status(2, 'DNF');
    expect(plain(run(j, ctx(splitConfig())).wanted())).toEqual({
      '11:1:1:split-71': '0:01:00.0',
      '11:1:2:split-71': 'DNF',
    });
  });

  it('posts at the configured precision, rounded up', () => {
    const j = new Journal();
    j.gun(1);
    j.tap(MIN + 1, 1);
    expect(
      run(j, ctx(finishConfig(0)))
        .wanted()
        .get('11:1:1:clock_time')?.value,
    ).toBe('0:01:01');
    expect(
      run(j, ctx(finishConfig(3)))
        .wanted()
        .get('11:1:1:clock_time')?.value,
    ).toBe('0:01:00.001');
  });

  it('diffWanted reports a field no longer wanted as null, never as a blank', () => {
    const j = new Journal();
    j.gun(1);
    const t = j.tap(MIN, 1);
    const before = project(j.entries, ctx()).wanted;
    j.void(t);
    const after = project(j.entries, ctx()).wanted;
    expect(diffWanted(before, after)).toEqual([
      {
        keyString: '11:1:1:clock_time',
        key: { resultSetId: 11, eventId: 1, bib: 1, field: 'clock_time' },
        value: null,
      },
      {
        keyString: '11:1:1:place',
        key: { resultSetId: 11, eventId: 1, bib: 1, field: 'place' },
        value: null,
      },
    ]);
    expect(diffWanted(after, after)).toEqual([]);
  });
});
