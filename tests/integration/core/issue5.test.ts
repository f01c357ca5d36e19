// Issue 5 at the station core: RunSignup's gun, line-up tools (shift, order), waiting bibs,
// rows needing attention without a crossing, and the start-up reconciliation of the outbox.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, harness, ok, type Harness } from './helpers';

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
  });

  it('refuses an unknown event, a non-time and a start still in the future, writing nothing', () => {
    const length = snap().journalLength;
    const bad = [
      h.core.recordRemoteGun(999, T0),
      h.core.recordRemoteGun(101, -5),
      h.core.recordRemoteGun(101, 1.5),
      h.core.recordRemoteGun(101, h.clock.now + 3_600_000),
    ];
    for (const r of bad) expect(r.ok).toBe(false);
    expect(bad.map((r) => (r.ok ? '' : r.error))).toEqual([
      expect.stringMatching(/not configured/),
      expect.stringMatching(/not a time/),
      expect.stringMatching(/not a time/),
      expect.stringMatching(/future/),
    ]);
    expect(snap().journalLength).toBe(length);
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
