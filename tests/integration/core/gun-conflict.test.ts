// A split station keeps the gun typed on it, but RunSignup's differing start time is
// shown in the snapshot (a sentence and the remote time) so the timer can take it instead.
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

describe('a typed gun that RunSignup contradicts', () => {
  it('keeps the typed gun and puts the conflict and RunSignup’s time in the snapshot', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const result = h.core.recordRemoteGun(101, T0 + 7_300);
    expect(result).toMatchObject({ ok: true, warnings: [{ code: 'gun-conflict' }] });
    expect(snap().guns[0]).toEqual({
      eventId: 101,
      at: T0,
      source: 'local',
      conflict: expect.stringMatching(/RunSignup's start time is 7\.3 s later than the gun typed/),
      remoteAt: T0 + 7_300,
    });
    // The other event has no conflict.
    expect(snap().guns[1]).toEqual({ eventId: 102, at: null });
  });

  it('the conflict goes once the timer takes RunSignup’s gun (a gun command at remoteAt)', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    h.core.recordRemoteGun(101, T0 - 2_000);
    const gun = snap().guns[0]!;
    expect(gun.conflict).toMatch(/2 s earlier/);
    ok(h.core.execute({ type: 'gun', eventId: 101, at: gun.remoteAt! }));
    expect(snap().guns[0]).toEqual({ eventId: 101, at: T0 - 2_000, source: 'local' });
  });

  it('shows the last conflicting remote time', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    h.core.recordRemoteGun(101, T0 + 1_000);
    h.core.recordRemoteGun(101, T0 + 3_000);
    expect(snap().guns[0]).toMatchObject({ remoteAt: T0 + 3_000 });
  });

  it('a new setup forgets the conflict', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    h.core.recordRemoteGun(101, T0 + 1_000);
    expect(snap().guns[0]).toMatchObject({ remoteAt: T0 + 1_000 });
    h.core.configure({ ...snap().config!, stationName: 'Finish 2' });
    expect(snap().guns[0]).toEqual({ eventId: 101, at: T0, source: 'local' });
  });
});
