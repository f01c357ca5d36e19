// Two screens on one station (timer + chute tablet): an undo names the entry it takes
// back (the screen's own latest), so one volunteer's Ctrl+Z never undoes the other's entry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, harness, ok, type Harness } from './helpers';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(async () => {
  await h.cleanup();
});

const bibs = () =>
  h.core
    .query({ type: 'snapshot' })
    .crossings.map((c) => c.bib)
    .sort();

describe('undo with a target', () => {
  it('undoes exactly that entry; a later entry of another screen stays', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const mine = ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '1' })).seq!;
    ok(h.core.execute({ type: 'tap', at: T0 + 200_000, bib: '2' })); // the other screen's
    const undo = ok(h.core.execute({ type: 'undo', targetSeq: mine }));
    expect(undo.seq).toBeGreaterThan(mine);
    expect(bibs()).toEqual([2]);
    expect(h.core.query({ type: 'journal', limit: 1 })[0]!.summary).toBe(`Undid entry ${mine}`);
  });

  it('refuses an entry already undone, an undo, a RunSignup gun, and a seq that does not exist', () => {
    const remote = h.core.recordRemoteGun(101, T0);
    expect(remote.ok).toBe(true);
    const remoteSeq = h.core.query({ type: 'journal', limit: 1 })[0]!.seq;
    const tap = ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '1' })).seq!;
    const undo = ok(h.core.execute({ type: 'undo', targetSeq: tap })).seq!;
    const journal = () => h.core.query({ type: 'snapshot' }).journalLength;
    const before = journal();
    expect(h.core.execute({ type: 'undo', targetSeq: tap })).toEqual({
      ok: false,
      error: `That entry (${tap}) was already undone`,
    });
    expect(h.core.execute({ type: 'undo', targetSeq: undo })).toEqual({
      ok: false,
      error: `Entry ${undo} is an undo: it cannot be undone`,
    });
    expect(h.core.execute({ type: 'undo', targetSeq: remoteSeq })).toEqual({
      ok: false,
      error: `Entry ${remoteSeq} is RunSignup's start time, not an entry made here`,
    });
    expect(h.core.execute({ type: 'undo', targetSeq: 999 })).toEqual({
      ok: false,
      error: 'Entry 999 does not exist: nothing to undo',
    });
    expect(journal()).toBe(before);
    // The RunSignup gun is still in force.
    expect(h.core.query({ type: 'snapshot' }).guns[0]).toMatchObject({
      at: T0,
      source: 'runsignup',
    });
  });

  it('without a target, the latest operator entry as before', () => {
    ok(h.core.execute({ type: 'tap', at: T0 + 100_000, bib: '1' }));
    ok(h.core.execute({ type: 'tap', at: T0 + 200_000, bib: '2' }));
    ok(h.core.execute({ type: 'undo' }));
    expect(bibs()).toEqual([1]);
  });
});
