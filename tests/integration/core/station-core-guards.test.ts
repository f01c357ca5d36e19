// What the station core guards at its edge (commands, outbox, snapshot): no place without its
// time, the clock offset only for a RunSignup gun, background RunSignup guns never taken by
// Ctrl+Z nor over a local gun, one race per journal and only the event's result sets, and an
// "X" counted cleared only after a read-back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StationConfig } from '../../../src-shared/domain';
import { T0, harness, ok, type Harness } from './helpers';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(async () => {
  await h.cleanup();
});

const snap = () => h.core.query({ type: 'snapshot' });
const drain = () => {
  const rows = h.core.outbox.takePending(100);
  h.core.outbox.acknowledge(rows, h.clock.now);
  return rows;
};

describe('a place is never posted without its time', () => {
  it('a crossing before the gun, or with no gun yet, takes no place and is not "sent"', () => {
    // The volunteer "tests the key" before the start, then the runners finish; no gun yet.
    ok(h.core.execute({ type: 'tap', at: T0 - 60_000, bib: '3' }));
    ok(h.core.execute({ type: 'tap', at: T0 + 1_200_000, bib: '1' }));
    expect(h.core.outbox.takePending(10)).toEqual([]);
    const before = snap().crossings;
    expect(before.map((c) => [c.bib, c.place, c.sync])).toEqual([
      [3, null, 'unposted'],
      [1, null, 'unposted'],
    ]);
    expect(before[1]?.syncReason).toMatch(/gun/i);
    // The gun typed after the fact: the tap before it stays out, the real finisher is first.
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    expect(drain().map((r) => [r.bib, r.field, r.value])).toEqual([
      [1, 'clock_time', '0:20:00.0'],
      [1, 'place', '1'],
    ]);
    const after = snap().crossings;
    expect(after.map((c) => [c.bib, c.place, c.sync])).toEqual([
      [3, null, 'unposted'],
      [1, 1, 'sent'],
    ]);
    expect(after[0]?.flags).toEqual(['before-gun']);
  });
});

describe('the clock offset only counts for a gun in RunSignup clock', () => {
  it('a local gun and its taps share one clock; a RunSignup gun gets the tap + offset', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'offset', ms: 3_000 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 600_000, bib: '1' }));
    expect(snap().crossings[0]?.time).toBe('0:10:00.0');
    // The 10K gun came from RunSignup (its clock): the tap is brought into that frame.
    ok(h.core.recordRemoteGun(102, T0));
    ok(h.core.execute({ type: 'tap', at: T0 + 600_000, bib: '11' }));
    expect(snap().crossings[1]?.time).toBe('0:10:03.0');
  });
});

describe('background RunSignup guns', () => {
  it('Ctrl+Z skips a gun read from RunSignup and undoes the operator entry before it', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const typo = ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '2' }));
    ok(h.core.recordRemoteGun(102, T0 + 1_000));
    ok(h.core.execute({ type: 'undo' }));
    const s = snap();
    expect(s.crossings.find((c) => c.tapSeq === typo.seq)).toBeUndefined();
    expect(s.guns.find((g) => g.eventId === 102)).toMatchObject({
      at: T0 + 1_000,
      source: 'runsignup',
    });
  });

  it('a poll never overrides a gun typed here after it: a warning, nothing written', () => {
    ok(h.core.recordRemoteGun(101, T0));
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 + 2_000 })); // the local correction
    const length = snap().journalLength;
    // The next poll returns RunSignup's older start time again: already seen, nothing to do.
    expect(h.core.recordRemoteGun(101, T0)).toEqual({ ok: true, seq: null, warnings: [] });
    // A different start time from RunSignup: the local gun is kept, the conflict is said.
    const r = h.core.recordRemoteGun(101, T0 + 5_000);
    expect(r).toMatchObject({ ok: true, seq: null, warnings: [{ code: 'gun-conflict' }] });
    expect(snap().journalLength).toBe(length);
    expect(snap().guns.find((g) => g.eventId === 101)).toMatchObject({
      at: T0 + 2_000,
      source: 'local',
    });
  });
});

describe('one race per journal, the result set of the event', () => {
  const configOf = (over: Partial<StationConfig>): StationConfig => ({
    ...(h.core.config() as StationConfig),
    ...over,
  });

  it('refuses another race or mode once the journal has entries, and keeps everything', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    const before = snap();
    expect(() => h.core.configure(configOf({ raceId: 77, raceName: 'Live race' }))).toThrow(
      /journal holds 2 entries of race Turkey Trot \(9, practice\).*Live race \(77\).*fresh station file/,
    );
    expect(() => h.core.configure(configOf({ mode: 'live' }))).toThrow(/live mode/);
    expect(snap()).toEqual(before);
    // The same race and mode may be re-configured (another station name).
    h.core.configure(configOf({ stationName: 'Finish 2' }));
    expect(h.core.config()?.stationName).toBe('Finish 2');
  });

  it('a fresh station (empty journal) may switch race or mode', () => {
    h.core.configure(configOf({ mode: 'live' }));
    expect(h.core.config()?.mode).toBe('live');
  });

  it('refuses a result set that is not one of the event', () => {
    const r = h.core.execute({
      type: 'configure',
      raceId: 9,
      eventIds: [101],
      role: { kind: 'finish' },
      stationName: 'Finish',
      resultSets: [{ eventId: 101, resultSetId: 1002 }],
    });
    expect(r).toEqual({
      ok: false,
      error: 'Result set 1002 is not a result set of event 5K: choose one of its own',
    });
    expect(h.core.config()?.events.map((e) => e.resultSetId)).toEqual([1001, 1002]);
  });

  it('the outbox never hands out rows of a set no longer configured', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'gun', eventId: 102, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '11' }));
    drain(); // the 10K finisher is on RunSignup
    ok(h.core.execute({ type: 'tap', at: T0 + 70_000, bib: '1' }));
    // The station now times the 5K only: the 10K rows (withdrawn) are out of its scope.
    const r = h.core.execute({
      type: 'configure',
      raceId: 9,
      eventIds: [101],
      role: { kind: 'finish' },
      stationName: 'Finish',
    });
    expect(r.ok).toBe(true);
    const rows = h.core.outbox.takePending(100);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.eventId === 101 && x.resultSetId === 1001)).toBe(true);
    h.core.outbox.acknowledge(rows, h.clock.now);
    expect(h.core.outbox.takePending(100)).toEqual([]);
    expect(h.core.outbox.counts().pending).toBe(0);
    expect(h.core.outbox.stillPending(rows)).toEqual([]);
  });
});

describe('"X" in a finish field awaits a read-back', () => {
  it('verify until confirmed; a failed read-back needs attention and a retry posts X again', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    drain();
    ok(h.core.execute({ type: 'clear', bib: '1' }));
    const xs = drain();
    expect(xs.map((r) => [r.field, r.value])).toEqual([
      ['clock_time', 'X'],
      ['place', 'X'],
    ]);
    // Both await their read-back: "X" is documented for splits only, place included.
    const waiting = h.core.outbox.awaitingReadBack();
    expect(waiting.map((r) => [r.bib, r.field, r.value])).toEqual([
      [1, 'clock_time', 'X'],
      [1, 'place', 'X'],
    ]);
    expect(snap().crossings[0]).toMatchObject({ sync: 'verify' });
    expect(snap().crossings[0]?.syncReason).toMatch(/Verify on RunSignup/);

    h.core.outbox.confirmReadBack(waiting[1]!, true, null);
    h.core.outbox.confirmReadBack(waiting[0]!, false, 'RunSignup still shows 0:01:00.0');
    expect(h.core.outbox.awaitingReadBack()).toEqual([]);
    expect(h.core.outbox.counts()).toEqual({ pending: 0, attention: 1 });
    expect(snap().crossings[0]).toMatchObject({
      sync: 'attention',
      syncReason: 'RunSignup still shows 0:01:00.0',
    });
    expect(snap().attention).toEqual([
      {
        bib: 1,
        eventId: 101,
        field: 'clock_time',
        value: 'X',
        reason: 'RunSignup still shows 0:01:00.0',
      },
    ]);

    ok(h.core.execute({ type: 'retry' }));
    const again = drain();
    expect(again.map((r) => [r.field, r.value])).toEqual([['clock_time', 'X']]);
    const second = h.core.outbox.awaitingReadBack();
    expect(second).toHaveLength(1);
    h.core.outbox.confirmReadBack(second[0]!, true, null);
    expect(h.core.outbox.awaitingReadBack()).toEqual([]);
    expect(snap().crossings[0]?.sync).toBe('unposted');
    expect(h.core.outbox.counts()).toEqual({ pending: 0, attention: 0 });
  });

  it('a verdict for an older version is ignored', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    drain();
    ok(h.core.execute({ type: 'clear', bib: '1' }));
    drain();
    const [row] = h.core.outbox.awaitingReadBack();
    // A later crossing gives bib 1 a value again before the read-back answers.
    ok(h.core.execute({ type: 'tap', at: T0 + 90_000, bib: '1' }));
    h.core.outbox.confirmReadBack(row!, false, 'still there');
    expect(h.core.outbox.counts().attention).toBe(0);
    expect(h.core.outbox.takePending(10).map((r) => [r.field, r.value])).toEqual([
      ['clock_time', '0:01:30.0'],
      ['place', '1'],
    ]);
  });
});
