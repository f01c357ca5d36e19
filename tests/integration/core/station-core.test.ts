import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src-shared/station-api';
import { openStationCore } from '../../../src-main/core/station-core';
import { listBackups, restoreBackup } from '../../../src-main/db';
import {
  PARTICIPANTS,
  T0,
  harness,
  ok,
  setUpFinishOf5K,
  shownState,
  type Harness,
} from './helpers';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(async () => {
  await h.cleanup();
});

const journalCount = () => h.core.query({ type: 'snapshot' }).journalLength;

describe('commands -> journal -> outbox', () => {
  it('a tap after the gun wants place and clock time; the sync loop sees one result set', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const tap = ok(h.core.execute({ type: 'tap', at: T0 + 1_234_567, bib: '2' }));
    expect(tap.codes).toEqual([]);
    ok(h.core.execute({ type: 'tap', at: T0 + 1_300_000, bib: '11' })); // 10K: no gun yet
    const rows = h.core.outbox.takePending(10);
    expect(rows).toEqual([
      {
        resultSetId: 1001,
        eventId: 101,
        bib: 2,
        field: 'clock_time',
        value: '0:20:34.6',
        version: 1,
      },
      { resultSetId: 1001, eventId: 101, bib: 2, field: 'place', value: '1', version: 1 },
    ]);
    h.core.outbox.acknowledge(rows, h.clock.now);
    // The 10K runner has neither a place nor a time until its gun (never a place alone).
    expect(h.core.outbox.takePending(10)).toEqual([]);
    ok(h.core.execute({ type: 'gun', eventId: 102, at: T0 }));
    expect(h.core.outbox.takePending(10).map((r) => [r.bib, r.field, r.value])).toEqual([
      [11, 'clock_time', '0:21:40.0'],
      [11, 'place', '1'],
    ]);
  });

  it('warns: unknown bib, other event, already recorded, no gun, unreadable', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    expect(ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '777' })).codes).toEqual([
      'unknown-bib',
    ]);
    expect(ok(h.core.execute({ type: 'tap', at: T0 + 61_000, bib: '21' })).codes).toEqual([
      'other-event',
    ]);
    expect(ok(h.core.execute({ type: 'tap', at: T0 + 62_000, bib: '1' })).codes).toEqual([]);
    expect(ok(h.core.execute({ type: 'tap', at: T0 + 63_000, bib: '1' })).codes).toEqual([
      'already-recorded',
    ]);
    expect(ok(h.core.execute({ type: 'tap', at: T0 + 64_000, bib: '12' })).codes).toEqual([
      'no-gun',
    ]);
    expect(ok(h.core.execute({ type: 'tap', at: T0 + 65_000, unreadable: true })).codes).toEqual([
      'unreadable',
    ]);
    const snap = h.core.query({ type: 'snapshot' });
    expect(snap.crossings.map((c) => [c.bib, c.sync])).toEqual([
      [777, 'unposted'],
      [21, 'unposted'],
      [1, 'saved'],
      [1, 'unposted'],
      [12, 'unposted'],
      [null, 'unposted'],
    ]);
    expect(snap.crossings[0]?.syncReason).toMatch(/not registered/);
    expect(snap.crossings[4]).toMatchObject({ place: null, time: null, flags: ['no-gun'] });
  });

  it('three offline corrections leave one pending row per field, with the latest value', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const { seq } = ok(h.core.execute({ type: 'tap', at: T0 + 600_000, bib: '3' }));
    for (const dt of [601_000, 602_000, 603_000]) {
      ok(h.core.execute({ type: 'adjust', tapSeq: seq!, at: T0 + dt }));
    }
    const rows = h.core.outbox.takePending(10).filter((r) => r.field === 'clock_time');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bib: 3, value: '0:10:03.0', version: 4 });
  });

  it('a bib corrected after RunSignup acknowledged it clears the old bib with "X"', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const { seq } = ok(h.core.execute({ type: 'tap', at: T0 + 600_000, bib: '1' }));
    h.core.outbox.acknowledge(h.core.outbox.takePending(10), h.clock.now);
    expect(h.core.query({ type: 'snapshot' }).crossings[0]?.sync).toBe('sent');
    ok(h.core.execute({ type: 'assign', tapSeq: seq!, bib: '2' }));
    const rows = h.core.outbox.takePending(10);
    expect(rows.map((r) => [r.bib, r.field, r.value])).toEqual([
      [1, 'clock_time', 'X'],
      [1, 'place', 'X'],
      [2, 'clock_time', '0:10:00.0'],
      [2, 'place', '1'],
    ]);
  });

  it('undo undoes the latest entry not already undone, one at a time', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '1' }));
    ok(h.core.execute({ type: 'tap', at: T0 + 200_000, bib: '2' }));
    ok(h.core.execute({ type: 'undo' }));
    ok(h.core.execute({ type: 'undo' }));
    const journal = h.core.query({ type: 'journal', limit: 10 });
    expect(journal.map((j) => j.summary)).toEqual([
      'Undid entry 2',
      'Undid entry 3',
      'Crossing at 13:03:20.000, bib 2 (undone)',
      'Crossing at 13:01:40.000, bib 1 (undone)',
      'Gun for 5K at 13:00:00.000',
    ]);
    // Never acknowledged, never sent: nothing to send for either bib.
    expect(h.core.outbox.takePending(10)).toEqual([]);
    expect(h.core.query({ type: 'snapshot' }).crossings).toEqual([]);
  });

  it('a participants refresh that resolves an unknown bib makes it postable', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    expect(ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '4' })).codes).toEqual([
      'unknown-bib',
    ]);
    expect(h.core.outbox.counts().pending).toBe(0);
    h.core.cacheParticipants([
      ...PARTICIPANTS.filter((p) => p.eventId === 101),
      {
        registrationId: 9004,
        eventId: 101,
        bib: 4,
        chip: null,
        firstName: 'Flo',
        lastName: 'Late',
        gender: null,
        age: null,
      },
    ]);
    const snap = h.core.query({ type: 'snapshot' });
    expect(snap.crossings[0]).toMatchObject({ bib: 4, name: 'Flo Late', sync: 'saved', flags: [] });
    expect(h.core.outbox.takePending(10).map((r) => [r.bib, r.field])).toEqual([
      [4, 'clock_time'],
      [4, 'place'],
    ]);
  });

  it('per-crossing sync state follows the outbox: saved, sent, attention', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '1' }));
    const state = () => h.core.query({ type: 'snapshot' }).crossings[0];
    expect(state()?.sync).toBe('saved');
    const rows = h.core.outbox.takePending(10);
    h.core.outbox.markAttention(rows[0]!, 'Bib number invalid (115)');
    expect(state()).toMatchObject({ sync: 'attention', syncReason: 'Bib number invalid (115)' });
    ok(h.core.execute({ type: 'retry' }));
    expect(state()?.sync).toBe('saved');
    h.core.outbox.acknowledge(h.core.outbox.takePending(10), h.clock.now);
    expect(state()?.sync).toBe('sent');
    expect(h.core.query({ type: 'snapshot' }).sync).toMatchObject({ pending: 0, attention: 0 });
  });

  it('results and the CSV export list places then statuses', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 200_000, bib: '2' }));
    ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '1' }));
    ok(h.core.execute({ type: 'status', bib: '3', status: 'DNS' }));
    const rows = h.core.query({ type: 'results', eventId: 101 });
    expect(rows.map((r) => [r.place, r.bib, r.name, r.time, r.status])).toEqual([
      [1, 1, 'Ann Runner', '0:01:40.0', null],
      [2, 2, 'Bo Runner', '0:03:20.0', null],
      [null, 3, 'Cy Runner', null, 'DNS'],
    ]);
    expect(h.core.query({ type: 'exportCsv', eventId: 101 })).toBe(
      'Place,Bib,Name,Time,Status,Sync\r\n' +
        '1,1,Ann Runner,0:01:40.0,,saved\r\n' +
        '2,2,Bo Runner,0:03:20.0,,saved\r\n' +
        ',3,Cy Runner,,DNS,saved\r\n',
    );
  });

  it('tells subscribers about every commit, and stops when unsubscribed', () => {
    const seen: unknown[] = [];
    const off = h.core.subscribe((e) => seen.push(e));
    ok(h.core.execute({ type: 'tap', at: T0 + 1, bib: '1' }));
    off();
    ok(h.core.execute({ type: 'tap', at: T0 + 2, bib: '2' }));
    // A tap after every other crossing is told as its rows, then as a change at the same position.
    expect(seen).toEqual([
      {
        type: 'rows',
        delta: { stream: expect.any(String), seq: expect.any(Number) },
        journalLength: 1,
        crossings: [expect.objectContaining({ tapSeq: 1, bib: 1, name: 'Ann Runner' })],
      },
      { type: 'changed', journalLength: 1, delta: (seen[0] as { delta: unknown }).delta },
    ]);
  });

  it('looks a bib up as it is typed', () => {
    expect(h.core.query({ type: 'lookupBib', bib: '0001' })).toMatchObject({
      bib: 1,
      participant: { firstName: 'Ann' },
      eventName: '5K',
      error: null,
    });
    expect(h.core.query({ type: 'lookupBib', bib: '1' }).warnings.map((w) => w.code)).toEqual([
      'no-gun',
    ]);
    expect(h.core.query({ type: 'lookupBib', bib: '21' }).warnings.map((w) => w.code)).toEqual([
      'other-event',
    ]);
    expect(h.core.query({ type: 'lookupBib', bib: 'x1' }).error).toMatch(/digits/);
  });
});

describe('restart', () => {
  it('a core reopened on the same file shows the same snapshot, outbox and station id', async () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'gun', eventId: 102, at: T0 + 5_000 }));
    const taps = ['1', '11', '2', '777', '12', '1'];
    taps.forEach((bib, i) =>
      ok(h.core.execute({ type: 'tap', at: T0 + 300_000 + i * 1_000, bib })),
    );
    ok(h.core.execute({ type: 'tap', at: T0 + 400_000 }));
    ok(h.core.execute({ type: 'assign', tapSeq: 9, bib: '3' }));
    ok(h.core.execute({ type: 'status', bib: '12', status: 'DQ' }));
    ok(h.core.execute({ type: 'offset', ms: -250 }));
    h.core.outbox.acknowledge(h.core.outbox.takePending(2), h.clock.now);
    const before = h.core.query({ type: 'snapshot' });
    const id = h.core.stationId;
    const counts = h.core.outbox.counts();
    const core = await h.reopen();
    expect(core.stationId).toBe(id);
    expect(shownState(core.query({ type: 'snapshot' }))).toEqual(shownState(before));
    // Another opening is another change stream: a screen from before reloads.
    expect(core.query({ type: 'snapshot' }).delta?.stream).not.toBe(before.delta?.stream);
    expect(core.outbox.counts()).toEqual(counts);
    expect(before.journalLength).toBe(12);
  });
});

describe('atomicity and backups', () => {
  it('a command whose outbox write fails leaves no journal row and no trace in memory', async () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '1' }));
    const before = h.core.query({ type: 'snapshot' });
    // Sabotage the outbox between two runs (the core holds the file exclusively while open):
    // the next new field cannot be written.
    const withFile = async (sql: string): Promise<void> => {
      await h.core.close();
      const other = new Database(h.dbPath);
      other.exec(sql);
      other.close();
      h.core = openStationCore({
        readBackClearsIn: READ_BACK_CLEARS_IN,
        dbPath: h.dbPath,
        now: () => h.clock.now,
        backupDir: null,
      });
    };
    await withFile(
      `CREATE TRIGGER sabotage BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
    );
    expect(shownState(h.core.query({ type: 'snapshot' }))).toEqual(shownState(before));
    const r = h.core.execute({ type: 'tap', at: T0 + 200_000, bib: '2' });
    expect(r).toEqual({ ok: false, error: 'Not saved: disk on fire' });
    expect(shownState(h.core.query({ type: 'snapshot' }))).toEqual(shownState(before));
    await withFile(`DROP TRIGGER sabotage`);
    // The station carries on, and the next tap is the next seq.
    expect(ok(h.core.execute({ type: 'tap', at: T0 + 200_000, bib: '2' })).seq).toBe(3);
    expect(h.core.query({ type: 'snapshot' }).crossings.map((c) => [c.bib, c.place])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('takes a backup at close that restores to the same snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chute-bk-'));
    const dbPath = join(dir, 'station.db');
    const clock = () => T0 + 3_600_000;
    try {
      const core = setUpFinishOf5K(
        openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, now: clock }),
      );
      ok(core.execute({ type: 'gun', eventId: 101, at: T0 }));
      ok(core.execute({ type: 'tap', at: T0 + 61_234, bib: '3' }));
      const snap = core.query({ type: 'snapshot' });
      expect(snap.crossings[0]).toMatchObject({ time: '0:01:01.24', place: 1 });
      expect(snap.config?.stationId).toBe(core.stationId);
      await core.close();
      const [backup] = listBackups(join(dir, 'backups'));
      expect(backup).toBeDefined();
      rmSync(dbPath);
      restoreBackup(backup!, dbPath);
      const restored = openStationCore({
        readBackClearsIn: READ_BACK_CLEARS_IN,
        dbPath,
        now: clock,
        backupDir: null,
      });
      expect(shownState(restored.query({ type: 'snapshot' }))).toEqual(shownState(snap));
      await restored.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input', () => {
  it('every bad command gets a clear error and writes nothing', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const { seq: tapSeq } = ok(h.core.execute({ type: 'tap', at: T0 + 10_000, bib: '1' }));
    const { seq: voidedSeq } = ok(h.core.execute({ type: 'tap', at: T0 + 11_000, bib: '2' }));
    ok(h.core.execute({ type: 'void', tapSeq: voidedSeq! }));
    const now = h.clock.now;
    const cases: Array<[unknown, RegExp]> = [
      [null, /Invalid command/],
      ['tap', /Invalid command/],
      [{ type: 'launch' }, /Invalid command/],
      [{ type: 'tap' }, /Invalid command \(at:/],
      [{ type: 'tap', at: -5, bib: '1' }, /Invalid command/],
      [{ type: 'tap', at: 1.5, bib: '1' }, /Invalid command/],
      [{ type: 'tap', at: now + 60_000, bib: '1' }, /in the future/],
      [{ type: 'tap', at: now - 8 * 86_400_000, bib: '1' }, /more than 7 days old/],
      [{ type: 'tap', at: now, bib: 'abc' }, /digits/],
      [{ type: 'tap', at: now, bib: '0' }, /Bib 0/],
      [{ type: 'tap', at: now, bib: '12345678' }, /too long/],
      [{ type: 'tap', at: now, bib: 'x'.repeat(40) }, /Invalid command \(bib:/],
      [{ type: 'tap', at: now, bib: '5', unreadable: true }, /placeholder/],
      [{ type: 'assign', tapSeq: 999, bib: '1' }, /not a crossing/],
      [{ type: 'assign', tapSeq: 1, bib: '1' }, /Entry 1 is not a crossing/],
      [{ type: 'assign', tapSeq: voidedSeq, bib: '3' }, /was removed/],
      [{ type: 'assign', tapSeq, bib: '1' }, /already has bib 1/],
      [{ type: 'assign', tapSeq, bib: '-1' }, /digits only/],
      [{ type: 'assign', tapSeq: 0, bib: '1' }, /Invalid command/],
      [{ type: 'adjust', tapSeq, at: now + 10_000 }, /in the future/],
      [{ type: 'adjust', tapSeq: 999, at: now }, /not a crossing/],
      [{ type: 'void', tapSeq: voidedSeq }, /was removed/],
      [{ type: 'void', tapSeq: 1 }, /not a crossing/],
      [{ type: 'status', bib: '1', status: 'LATE' }, /Invalid command/],
      [{ type: 'status', bib: '', status: 'DNF' }, /Type a bib/],
      [{ type: 'status', bib: '1', status: null }, /no status to lift/],
      [{ type: 'clear', bib: '1.0' }, /digits only/],
      [{ type: 'gun', eventId: 103, at: now }, /not timed by this station/],
      [{ type: 'gun', eventId: 101, at: now + 5_000 }, /in the future/],
      [{ type: 'offset', ms: 2 * 86_400_000 }, /more than a day/],
      [{ type: 'offset', ms: 0.5 }, /Invalid command/],
      [{ type: 'connect', connection: { auth: 'practice' } }, /handled by the app/],
      [
        {
          type: 'configure',
          raceId: 404,
          eventIds: [1],
          role: { kind: 'finish' },
          stationName: 'F',
        },
        /not loaded/,
      ],
      [
        {
          type: 'configure',
          raceId: 9,
          eventIds: [555],
          role: { kind: 'finish' },
          stationName: 'F',
        },
        /not part of race/,
      ],
    ];
    const before = h.core.query({ type: 'snapshot' });
    const pending = h.core.outbox.counts();
    for (const [command, error] of cases) {
      const r = h.core.execute(command as Command);
      expect(r.ok, JSON.stringify(command)).toBe(false);
      if (!r.ok) expect(r.error, JSON.stringify(command)).toMatch(error);
    }
    expect(h.core.query({ type: 'snapshot' })).toEqual(before);
    expect(h.core.outbox.counts()).toEqual(pending);
    expect(journalCount()).toBe(4);
  });

  it('refuses journal commands before setup, and undo with nothing to undo', async () => {
    const fresh = harness({ configure: false });
    try {
      const r = fresh.core.execute({ type: 'tap', at: fresh.clock.now, bib: '1' });
      expect(r).toEqual({ ok: false, error: 'Set up the station first (race and events)' });
      expect(fresh.core.query({ type: 'snapshot' })).toMatchObject({
        mode: 'setup',
        journalLength: 0,
      });
    } finally {
      await fresh.cleanup();
    }
    expect(h.core.execute({ type: 'undo' })).toEqual({ ok: false, error: 'Nothing to undo' });
  });

  it('a bad query throws a clear error', () => {
    expect(() => h.core.query({ type: 'journal', limit: 0 } as never)).toThrow(
      /Invalid query \(limit:/,
    );
    expect(() => h.core.query({ type: 'raceDetails', raceId: 1 })).toThrow(/not cached/);
  });
});

describe('bad setup input', () => {
  it('refuses bad config, race details and participants with a clear error, storing nothing', () => {
    const before = h.core.query({ type: 'snapshot' });
    expect(() => h.core.configure({ ...before.config!, events: [] })).toThrow(
      /Invalid station configuration \(events:/,
    );
    expect(() => h.core.cacheRace({ raceId: 'nine' } as never)).toThrow(
      /Invalid race details \(raceId:/,
    );
    const bad = [PARTICIPANTS[0]!, { ...PARTICIPANTS[1]!, bib: 'x' }] as never;
    expect(() => h.core.cacheParticipants(bad)).toThrow(
      /Invalid participant #2 \(bib:.*nothing was stored/,
    );
    expect(h.core.query({ type: 'snapshot' })).toEqual(before);
    expect(h.core.query({ type: 'lookupBib', bib: '2' }).participant?.firstName).toBe('Bo');
  });
});
