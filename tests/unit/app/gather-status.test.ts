// Sync-status changes gathered into few screen events (app/gather-status.ts), on fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gatherStatus } from '../../../src-main/app/gather-status';

interface Status {
  pending: number;
  inFlight: number;
}

function gatherer() {
  let status: Status = { pending: 0, inFlight: 0 };
  const emitted: Status[] = [];
  const gather = gatherStatus<Status>({
    current: () => status,
    busy: (s) => s.inFlight > 0,
    emit: (s) => emitted.push(s),
    gatherMs: 200,
    maxHoldMs: 1_000,
  });
  /** The loop moves its status: the gatherer is told, as the loop's onStatus does. */
  const move = (next: Status) => {
    status = next;
    gather.changed();
  };
  return { gather, move, emitted };
}

describe('gathering sync-status events', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('one tap answered quickly: one event, with the status after the answer', () => {
    const { move, emitted } = gatherer();
    move({ pending: 2, inFlight: 0 });
    move({ pending: 2, inFlight: 2 });
    vi.advanceTimersByTime(80);
    move({ pending: 0, inFlight: 0 });
    expect(emitted).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(emitted).toEqual([{ pending: 0, inFlight: 0 }]);
  });

  it('an answer slower than the gathering is waited for, then sent at once', () => {
    const { move, emitted } = gatherer();
    move({ pending: 2, inFlight: 2 });
    vi.advanceTimersByTime(600);
    expect(emitted).toEqual([]);
    move({ pending: 0, inFlight: 0 });
    expect(emitted).toEqual([{ pending: 0, inFlight: 0 }]);
  });

  it('a post that hangs shows as sending after the longest hold', () => {
    const { move, emitted } = gatherer();
    move({ pending: 2, inFlight: 2 });
    vi.advanceTimersByTime(999);
    expect(emitted).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(emitted).toEqual([{ pending: 2, inFlight: 2 }]);
  });

  it('a rush of changes costs at most one event per gathering; the same status is never sent twice', () => {
    const { move, emitted } = gatherer();
    for (let i = 1; i <= 100; i++) {
      move({ pending: i, inFlight: i % 5 === 0 ? 0 : 2 });
      vi.advanceTimersByTime(20);
      move({ pending: i, inFlight: 2 });
      vi.advanceTimersByTime(20);
    }
    vi.advanceTimersByTime(1_000);
    // 200 changes over 4 s: at most one event per 200 ms gathering.
    expect(emitted.length).toBeGreaterThan(0);
    expect(emitted.length).toBeLessThanOrEqual(4_000 / 200 + 1);
    expect(emitted.at(-1)).toEqual({ pending: 100, inFlight: 2 });
    const before = emitted.length;
    move({ pending: 100, inFlight: 2 });
    vi.advanceTimersByTime(2_000);
    expect(emitted.length).toBe(before);
  });

  it('nothing is sent after stop', () => {
    const { gather, move, emitted } = gatherer();
    move({ pending: 1, inFlight: 0 });
    gather.stop();
    vi.advanceTimersByTime(5_000);
    move({ pending: 2, inFlight: 0 });
    vi.advanceTimersByTime(5_000);
    expect(emitted).toEqual([]);
  });
});
