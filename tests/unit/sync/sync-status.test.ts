import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../src-shared/station-api';
import { SyncStatusBoard } from '../../../src-main/sync/sync-status';

function board(options: { withRunners?: boolean } = {}) {
  const counts = { pending: 0, attention: 0 };
  const runners = { saved: 0, sending: 0, sent: 0, verified: 0, conflict: 0 };
  let runnerReads = 0;
  let at = 0;
  const seen: SyncStatus[] = [];
  const b = new SyncStatusBoard({
    outbox: { counts: () => ({ ...counts }) },
    audit: options.withRunners
      ? {
          runnerCounts: () => {
            runnerReads += 1;
            return { ...runners };
          },
        }
      : undefined,
    now: () => at,
    onStatus: (s) => seen.push(s),
  });
  return {
    b,
    counts,
    runners,
    seen,
    runnerReads: () => runnerReads,
    advance: (ms: number) => (at += ms),
  };
}

describe('SyncStatusBoard', () => {
  it('takes pending and attention from the outbox on every recount, never from a patch', () => {
    const t = board();
    t.counts.pending = 4;
    t.counts.attention = 1;
    t.b.recount({ inFlight: 4, pending: 99 } as Partial<SyncStatus>);
    expect(t.b.status()).toMatchObject({ pending: 4, attention: 1, inFlight: 4 });
    t.counts.pending = 0;
    t.b.recount({ inFlight: 0 });
    expect(t.b.status()).toMatchObject({ pending: 0, inFlight: 0 });
  });

  it('tells the listener only when something changed, runner counts compared by value', () => {
    const t = board({ withRunners: true });
    t.b.recount();
    const first = t.seen.length;
    t.b.recount();
    t.b.set({ online: false });
    expect(t.seen.length).toBe(first);
    t.runners.verified = 2;
    t.b.recount();
    expect(t.seen.at(-1)?.runners?.verified).toBe(2);
    expect(t.seen.at(-1)?.conflicts).toBe(0);
  });

  it('groups runners at most every half second while rows are pending, at once when none is', () => {
    const t = board({ withRunners: true });
    t.counts.pending = 10;
    t.b.recount();
    t.b.recount();
    t.b.recount();
    expect(t.runnerReads()).toBe(1);
    t.advance(500);
    t.b.recount();
    expect(t.runnerReads()).toBe(2);
    t.counts.pending = 0;
    t.b.recount();
    t.b.recount();
    expect(t.runnerReads()).toBe(4);
  });
});
