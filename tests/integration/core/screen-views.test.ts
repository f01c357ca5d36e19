// What the timer's screen reads from the core: voided crossings on demand, whether RunSignup
// has a bib's result, a pressed gun, and results with gender and age and cleared runners.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PARTICIPANTS, T0, harness, ok, type Harness } from './helpers';

let h: Harness;
beforeEach(() => {
  h = harness();
  h.core.cacheParticipants(
    PARTICIPANTS.map((p) => (p.bib === 1 ? { ...p, gender: 'F', age: 34 } : p)),
  );
});
afterEach(async () => {
  await h.cleanup();
});

/** RunSignup took everything pending. */
const postAll = () => {
  const rows = h.core.outbox.takePending(100);
  h.core.outbox.acknowledge(rows, h.clock.now);
};

describe('the screen’s views of the core', () => {
  it('lists a voided crossing only when asked, marked voided', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const tap = ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '2' }));
    ok(h.core.execute({ type: 'void', tapSeq: tap.seq! }));
    expect(h.core.query({ type: 'snapshot' }).crossings).toEqual([]);
    const all = h.core.query({ type: 'snapshot', withVoided: true }).crossings;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ bib: 2, voided: true });
  });

  it('says when RunSignup already has a bib’s result', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '2' }));
    expect(h.core.query({ type: 'lookupBib', bib: '2' }).onRunSignup).toBe(false);
    postAll();
    expect(h.core.query({ type: 'lookupBib', bib: '2' }).onRunSignup).toBe(true);
    expect(h.core.query({ type: 'lookupBib', bib: '3' }).onRunSignup).toBe(false);
    // A bib of an event not timed here: nothing of it is on RunSignup from this station.
    expect(h.core.query({ type: 'lookupBib', bib: '21' })).toMatchObject({
      onRunSignup: false,
      eventName: 'Kids',
      warnings: [{ code: 'other-event' }],
    });
  });

  it('keeps whether a gun was pressed or typed', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0, pressed: true }));
    ok(h.core.execute({ type: 'gun', eventId: 102, at: T0 }));
    const guns = h.core.query({ type: 'snapshot' }).guns;
    expect(guns.find((g) => g.eventId === 101)).toMatchObject({ pressed: true });
    expect(guns.find((g) => g.eventId === 102)?.pressed).toBeUndefined();
  });

  it('gives gender and age with each result, and lists a runner cleared with X as cleared', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    ok(h.core.execute({ type: 'tap', at: T0 + 61_000, bib: '2' }));
    postAll();
    ok(h.core.execute({ type: 'clear', bib: '2' }));
    const rows = h.core.query({ type: 'results', eventId: 101 });
    expect(rows[0]).toMatchObject({ bib: 1, place: 1, gender: 'F', age: 34 });
    expect(rows.find((r) => r.bib === 2)).toMatchObject({ cleared: true, place: null });
    const crossing = h.core.query({ type: 'snapshot' }).crossings.find((c) => c.bib === 2);
    expect(crossing).toMatchObject({ cleared: true });
  });
});
