// At the station core: RunSignup's gun, line-up tools (shift, order), waiting bibs,
// rows needing attention without a crossing, and the start-up reconciliation of the outbox.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStationCore } from '../../../src-main/core/station-core';
import { T0, harness, ok, type Harness } from './helpers';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(async () => {
  await h.cleanup();
});

const snap = () => h.core.query({ type: 'snapshot' });

describe('recordRemoteGun', () => {
  it('appends a runsignup gun only when it differs from the gun in force', () => {
    const first = h.core.recordRemoteGun(101, T0);
    expect(first).toMatchObject({ ok: true });
    const length = snap().journalLength;
    // Polling the same start time again writes nothing.
    for (let i = 0; i < 3; i++) {
      expect(h.core.recordRemoteGun(101, T0)).toEqual({ ok: true, seq: null, warnings: [] });
    }
    expect(snap().journalLength).toBe(length);
    expect(snap().guns).toEqual([
      { eventId: 101, at: T0, source: 'runsignup' },
      { eventId: 102, at: null },
    ]);
    // A changed start time re-times everything.
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    const moved = h.core.recordRemoteGun(101, T0 + 10_000);
    expect(moved.ok && moved.seq).toBeGreaterThan(0);
    expect(snap().crossings[0]?.time).toBe('0:00:50.0');
    // A gun typed here is 'local'; RunSignup reporting the same time writes nothing.
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 + 5_000 }));
    expect(snap().guns[0]).toEqual({ eventId: 101, at: T0 + 5_000, source: 'local' });
    expect(h.core.recordRemoteGun(101, T0 + 5_000)).toEqual({ ok: true, seq: null, warnings: [] });
    // The audit trail says where each gun came from.
    const audit = h.core.query({ type: 'journal', limit: 10 }).filter((e) => e.kind === 'gun');
    expect(audit.map((e) => e.summary)).toEqual([
      'Gun for 5K at 13:00:05.000',
      'Gun for 5K at 13:00:10.000 (from RunSignup)',
      'Gun for 5K at 13:00:00.000 (from RunSignup)',
    ]);
  });

  it('refuses an unknown event or a non-time, and skips a start still in the future, writing nothing', () => {
    const length = snap().journalLength;
    const bad = [
      h.core.recordRemoteGun(999, T0),
      h.core.recordRemoteGun(101, -5),
      h.core.recordRemoteGun(101, 1.5),
    ];
    expect(bad.map((r) => (r.ok ? '' : r.error))).toEqual([
      expect.stringMatching(/not configured/),
      expect.stringMatching(/not a time/),
      expect.stringMatching(/not a time/),
    ]);
    // The scheduled start (not fired yet) is not an error, and not a gun either.
    const scheduled = h.core.recordRemoteGun(101, h.clock.now + 3_600_000);
    expect(scheduled).toEqual({
      ok: true,
      seq: null,
      warnings: [{ code: 'no-gun', message: expect.stringMatching(/still in the future/) }],
    });
    expect(snap().journalLength).toBe(length);
    expect(snap().guns[0]).toEqual({ eventId: 101, at: null });
  });

  it('survives a restart: the gun and its source are in the journal', async () => {
    h.core.recordRemoteGun(102, T0);
    await h.reopen();
    expect(snap().guns[1]).toEqual({ eventId: 102, at: T0, source: 'runsignup' });
    expect(h.core.recordRemoteGun(102, T0)).toEqual({ ok: true, seq: null, warnings: [] });
  });
});

describe('guns on a split station', () => {
  it('lists every configured event, including those the split does not serve', () => {
    ok(
      h.core.execute({
        type: 'configure',
        raceId: 9,
        eventIds: [101, 102],
        role: { kind: 'split', name: 'Mile 1', splits: [{ eventId: 101, splitId: 7 }] },
        stationName: 'Mile 1',
      }),
    );
    h.core.recordRemoteGun(102, T0);
    expect(snap().guns).toEqual([
      { eventId: 101, at: null },
      { eventId: 102, at: T0, source: 'runsignup' },
    ]);
  });
});

const seqOf = (r: ReturnType<Harness['core']['execute']>): number => {
  const { seq } = ok(r);
  if (seq === null) throw new Error('no seq');
  return seq;
};
const lineUp = () =>
  snap()
    .crossings.slice()
    .sort((a, b) => a.at - b.at || a.tapSeq - b.tapSeq)
    .map((c) => c.bib);

describe('line-up tools at the core', () => {
  it('inserts a missing crossing as a tap with its past time, then shifts the later bibs onto it', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '1' }));
    ok(h.core.execute({ type: 'tap', at: T0 + 300_000, bib: '2' }));
    const last = seqOf(h.core.execute({ type: 'tap', at: T0 + 400_000, bib: '3' }));
    // Much later, the timer types the missed crossing's time (from a watch, a video).
    h.clock.now += 600_000;
    const missing = seqOf(h.core.execute({ type: 'tap', at: T0 + 200_000 }));
    expect(lineUp()).toEqual([1, null, 2, 3]);
    // The block must open up at a crossing without a bib: refused the other way round.
    const wrong = h.core.execute({
      type: 'shift',
      fromTapSeq: missing,
      toTapSeq: last,
      direction: 'later',
    });
    expect(wrong.ok ? '' : wrong.error).toMatch(/has bib 3.*insert the missing crossing/);
    ok(
      h.core.execute({ type: 'shift', fromTapSeq: missing, toTapSeq: last, direction: 'earlier' }),
    );
    expect(lineUp()).toEqual([1, 2, 3, null]);
    const results = h.core.query({ type: 'results', eventId: 101 });
    expect(results.map((r) => [r.place, r.bib, r.time])).toEqual([
      [1, 1, '0:01:40.0'],
      [2, 2, '0:03:20.0'],
      [3, 3, '0:05:00.0'],
    ]);
    // Ctrl+Z takes the shift back.
    ok(h.core.execute({ type: 'undo' }));
    expect(lineUp()).toEqual([1, null, 2, 3]);
  });

  it('refuses a shift that names a removed crossing, the ends reversed, one crossing, nothing to move or a placeholder', () => {
    const a = seqOf(h.core.execute({ type: 'tap', at: T0 + 1_000, bib: '1' }));
    const b = seqOf(h.core.execute({ type: 'tap', at: T0 + 2_000 }));
    const c = seqOf(h.core.execute({ type: 'tap', at: T0 + 3_000 }));
    const d = seqOf(h.core.execute({ type: 'tap', at: T0 + 4_000, unreadable: true }));
    const e = seqOf(h.core.execute({ type: 'tap', at: T0 + 5_000 }));
    const gone = seqOf(h.core.execute({ type: 'tap', at: T0 + 6_000 }));
    ok(h.core.execute({ type: 'void', tapSeq: gone }));
    const length = snap().journalLength;
    const refusal = (fromTapSeq: number, toTapSeq: number, direction: 'earlier' | 'later') => {
      const r = h.core.execute({ type: 'shift', fromTapSeq, toTapSeq, direction });
      return r.ok ? 'accepted' : r.error;
    };
    expect(refusal(a, gone, 'later')).toMatch(/was removed/);
    expect(refusal(a, 999, 'later')).toMatch(/not a crossing/);
    expect(refusal(c, a, 'later')).toMatch(/comes after crossing/);
    expect(refusal(b, b, 'later')).toMatch(/at least two crossings/);
    expect(refusal(b, c, 'later')).toMatch(/nothing to shift/);
    expect(refusal(a, e, 'later')).toMatch(/placeholder/);
    expect(refusal(a, c, 'earlier')).toMatch(/first crossing of the block .* has bib 1/);
    expect(snap().journalLength).toBe(length);
    expect(d).toBeGreaterThan(0);
  });

  it('order: bibs typed in crossing order fill the oldest time-only crossings, or wait, with warnings', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000 }));
    expect(ok(h.core.execute({ type: 'order', bib: '1' })).codes).toEqual([]);
    // The chute recorder gets ahead of the timer: these wait.
    expect(ok(h.core.execute({ type: 'order', bib: '2' })).codes).toEqual([]);
    expect(ok(h.core.execute({ type: 'order', bib: '777' })).codes).toEqual(['unknown-bib']);
    expect(ok(h.core.execute({ type: 'order', bib: '21' })).codes).toEqual(['other-event']);
    expect(ok(h.core.execute({ type: 'order', bib: '1' })).codes).toEqual(['already-recorded']);
    expect(ok(h.core.execute({ type: 'order', bib: '2' })).codes).toEqual(['already-recorded']);
    expect(ok(h.core.execute({ type: 'order', bib: '11' })).codes).toEqual(['no-gun']);
    expect(snap().waitingBibs).toEqual([2, 777, 21, 1, 2, 11]);
    const bad = h.core.execute({ type: 'order', bib: '12a' });
    expect(bad.ok).toBe(false);
    // The timer's next time-only taps take the waiting bibs in order.
    ok(h.core.execute({ type: 'tap', at: T0 + 61_000 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 62_000 }));
    expect(snap().waitingBibs).toEqual([21, 1, 2, 11]);
    expect(lineUp()).toEqual([1, 2, 777]);
    // Survives a restart exactly.
    const before = snap();
    return h.reopen().then(() => {
      expect(snap().waitingBibs).toEqual(before.waitingBibs);
      expect(snap().crossings).toEqual(before.crossings);
    });
  });
});

describe('attention rows without a crossing', () => {
  it('a refused DNS (no crossing) is listed in the snapshot with its reason', () => {
    ok(h.core.execute({ type: 'status', bib: '3', status: 'DNS' }));
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    expect(snap().attention).toEqual([]);
    const rows = h.core.outbox.takePending(10);
    const dns = rows.find((r) => r.bib === 3);
    if (!dns) throw new Error('DNS row not pending');
    h.core.outbox.markAttention(dns, 'Bib 3 is not registered in this event');
    expect(snap().attention).toEqual([
      {
        bib: 3,
        eventId: 101,
        field: 'clock_time',
        value: 'DNS',
        reason: 'Bib 3 is not registered in this event',
      },
    ]);
    expect(snap().crossings.some((c) => c.bib === 3)).toBe(false);
  });
});

describe('start-up reconciliation of the outbox with the journal', () => {
  type Row = { key: string; value: string | null; version: number; acked: number };
  // Read through the core (it holds the file exclusively while open).
  const outboxRows = (): Row[] =>
    [...h.core.outbox.allStates()]
      .map(([k, s]) => ({
        key: k.replaceAll('|', ':'),
        value: s.wantedValue,
        version: s.wantedVersion,
        acked: s.ackedVersion,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const values = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.key, r.value]));
  const reopenAfter = async (tamper: (db: Database.Database) => void) => {
    await h.core.close();
    const db = new Database(h.dbPath);
    tamper(db);
    db.close();
    h.core = openStationCore({
      readBackClearsIn: READ_BACK_CLEARS_IN,
      dbPath: h.dbPath,
      now: () => h.clock.now,
      backupDir: null,
    });
  };

  it('repairs a changed, a lost, a stray and a blanked outbox value, once, and re-sends them', async () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    ok(h.core.execute({ type: 'tap', at: T0 + 70_000, bib: '2' }));
    ok(h.core.execute({ type: 'status', bib: '3', status: 'DNS' }));
    h.core.outbox.acknowledge(h.core.outbox.takePending(100), h.clock.now);
    const truth = values(outboxRows());
    const length = snap().journalLength;

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await reopenAfter((db) => {
      db.exec(
        `UPDATE outbox SET wanted_value = '9:59:59.9' WHERE bib = 1 AND field = 'clock_time'`,
      );
      db.exec(`DELETE FROM outbox WHERE bib = 2 AND field = 'place'`);
      db.exec(`UPDATE outbox SET wanted_value = NULL WHERE bib = 3`);
      // A value the journal never wanted, already on RunSignup: must be cleared with "X".
      db.exec(`INSERT INTO outbox (result_set_id, bib, field, event_id, wanted_value, wanted_version,
                 wanted_at, acked_value, acked_version)
               VALUES (1002, 12, 'clock_time', 102, '0:09:00.0', 1, 0, '0:09:00.0', 1)`);
    });
    // The screen is answered first; the check runs before the sync side's first outbox read.
    expect(snap().journalLength).toBe(length);
    expect(warn).not.toHaveBeenCalled();
    const repaired = outboxRows();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/brought 4 RunSignup field/));
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();

    expect(values(repaired)).toEqual({ ...truth, '1002:12:clock_time': 'X' });
    // Each repaired field is pending again (its version is newer than the ack).
    const pending = repaired.filter((r) => r.version > r.acked).map((r) => r.key);
    expect(pending.sort()).toEqual(
      ['1001:1:clock_time', '1001:2:place', '1001:3:clock_time', '1002:12:clock_time'].sort(),
    );
    expect(snap().journalLength).toBe(length);

    // A second start finds nothing to do: no version moves.
    await reopenAfter(() => {});
    expect(outboxRows()).toEqual(repaired);
  });
});
