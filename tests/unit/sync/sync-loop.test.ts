import { afterEach, describe, expect, it } from 'vitest';
import { SyncLoop, chunkWork, type SyncLoopOptions } from '../../../src-main/sync/sync-loop';
import type { PostOutcome, ResultPostRow } from '../../../src-main/sync/ports';
import type { SyncStatus } from '../../../src-shared/station-api';
import {
  NEVER,
  OK,
  RecordingTimers,
  ScriptedPoster,
  TARGET,
  deferred,
  finish,
  rejected,
  tempOutbox,
  type TempOutbox,
} from './helpers';
import { waitFor } from '../../support/poll';

let store: TempOutbox | null = null;
let loop: SyncLoop | null = null;
afterEach(async () => {
  await loop?.stop();
  loop = null;
  store?.close();
  store = null;
});

function setup(poster: ScriptedPoster, extra: Partial<SyncLoopOptions> = {}) {
  store = tempOutbox();
  const timers = new RecordingTimers();
  const statuses: SyncStatus[] = [];
  loop = new SyncLoop({
    outbox: store.outbox,
    poster,
    timers,
    random: () => 0.5,
    idlePollMs: NEVER,
    onStatus: (s) => statuses.push(s),
    backoff: { baseMs: 100, capMs: 1_000 },
    ...extra,
  });
  return { outbox: store.outbox, loop, timers, statuses };
}

function addFinishes(
  t: TempOutbox,
  bibs: number[],
  time = (b: number) => `0:${String(10 + (b % 50)).padStart(2, '0')}:00.0`,
) {
  t.apply(
    bibs.map((b) => finish(b, time(b))),
    1,
  );
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const postedBibs = (rows: ResultPostRow[]) => rows.map((r) => r.bib);

describe('SyncLoop', () => {
  it('posts every pending row, one batch at a time, and acks them', async () => {
    const poster = new ScriptedPoster(() => OK);
    const { outbox, loop } = setup(poster);
    addFinishes(store!, range(1, 120));
    loop.start();
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(s.lastSuccessAt).not.toBeNull();
    expect(s.online).toBe(true);
    expect(poster.maxInFlight).toBe(1);
    expect(poster.calls[0]?.rows).toHaveLength(25);
    expect(
      poster.calls.every(
        (c) => c.target.eventId === TARGET.eventId && c.target.resultSetId === TARGET.resultSetId,
      ),
    ).toBe(true);
    expect(
      poster.calls.flatMap((c) => postedBibs(c.rows)).sort((a, b) => Number(a) - Number(b)),
    ).toEqual(range(1, 120));
    expect(
      outbox.fieldState({ resultSetId: TARGET.resultSetId, bib: 7, field: 'clock_time' })
        ?.ackedVersion,
    ).toBe(1);
    // The batch grew after fast, full, clean answers.
    expect(loop.currentBatchSize()).toBeGreaterThan(25);
  });

  it('sizes batches in outbox rows, so bibs with several fields still let it grow', async () => {
    const poster = new ScriptedPoster(() => OK);
    const { loop } = setup(poster);
    store!.apply(
      range(1, 200).flatMap((b) => [finish(b, '0:20:00.0'), finish(b, String(b), 'place')]),
      1,
    );
    loop.start();
    await loop.settled();
    const sizes = poster.calls.map((c) => c.rows.length);
    expect(sizes[0]).toBeLessThanOrEqual(13); // 25 outbox rows = 12 or 13 bibs
    expect(Math.max(...sizes)).toBeGreaterThan(25);
  });

  it('isolates a bad row in a whole-batch rejection: it needs attention, the rest flow', async () => {
    const poster = new ScriptedPoster((rows) =>
      rows.some((r) => r.bib === 13) ? rejected('Bib number is invalid', 115) : OK,
    );
    const { outbox, loop } = setup(poster);
    addFinishes(store!, range(1, 25));
    loop.start();
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(s.attention).toBe(1);
    const bad = outbox.fieldState({
      resultSetId: TARGET.resultSetId,
      bib: 13,
      field: 'clock_time',
    });
    expect(bad?.attentionReason).toMatch(/Bib number is invalid.*115/);
    for (const b of range(1, 25).filter((b) => b !== 13)) {
      expect(
        outbox.fieldState({ resultSetId: TARGET.resultSetId, bib: b, field: 'clock_time' })
          ?.ackedVersion,
      ).toBe(1);
    }
    // Halving finds it in about log2(25) rounds, not one post per row.
    expect(poster.calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(25)));
  });

  it('isolates bad rows under per-row reporting (good rows saved, the post still fails)', async () => {
    const saved = new Map<number, ResultPostRow>();
    const bad = new Set([3, 17, 18]);
    const poster = new ScriptedPoster((rows): PostOutcome => {
      for (const r of rows) if (!bad.has(Number(r.bib))) saved.set(Number(r.bib), r);
      const failing = rows.filter((r) => bad.has(Number(r.bib)));
      return failing.length
        ? rejected(`Row for bib ${failing.map((r) => r.bib).join(', ')} invalid`, 11)
        : OK;
    });
    const { loop } = setup(poster);
    addFinishes(store!, range(1, 40));
    loop.start();
    const s = await loop.settled();
    expect(s.attention).toBe(3);
    expect(s.pending).toBe(0);
    expect([...saved.keys()].sort((a, b) => a - b)).toEqual(
      range(1, 40).filter((b) => !bad.has(b)),
    );
  });

  it('parks only the bad field of a bib, not its good ones', async () => {
    const poster = new ScriptedPoster((rows) =>
      rows.some((r) => r.clock_time === 'X') ? rejected('Invalid clock time', 3) : OK,
    );
    const { outbox, loop } = setup(poster);
    store!.apply([finish(5, 'X'), finish(5, '4', 'place'), finish(6, '0:20:00.0')], 1);
    loop.start();
    const s = await loop.settled();
    expect(s.attention).toBe(1);
    expect(
      outbox.fieldState({ resultSetId: TARGET.resultSetId, bib: 5, field: 'place' })?.ackedVersion,
    ).toBe(1);
    expect(
      outbox.fieldState({ resultSetId: TARGET.resultSetId, bib: 5, field: 'clock_time' })
        ?.attentionVersion,
    ).toBe(1);
  });

  it('pauses on an auth error, drops nothing, and resumes with new credentials', async () => {
    const denied = new ScriptedPoster(() => ({
      ok: false,
      kind: 'auth',
      code: 6,
      message: 'Key authentication failed',
      retryAfterMs: null,
    }));
    const { outbox, loop } = setup(denied);
    addFinishes(store!, range(1, 30));
    loop.start();
    const paused = await loop.settled();
    expect(paused.stalled).toMatch(/credentials.*error 6.*Nothing was lost/);
    expect(paused.pending).toBe(30);
    expect(denied.calls).toHaveLength(1);
    // Still paused: a wake does not hammer RunSignup with a key it refused.
    loop.wake();
    expect(outbox.counts().pending).toBe(30);
    const good = new ScriptedPoster(() => OK);
    loop.resume(good);
    await waitFor(() => loop.status(), {
      what: 'drained after resume',
      until: (s) => s.pending === 0,
    });
    expect(loop.status().stalled).toBeNull();
    expect(denied.calls).toHaveLength(1);
    // The refused batch was re-posted first, with the same values.
    expect(good.calls[0]?.rows).toEqual(denied.calls[0]?.rows);
  });

  it('retries the same rows after a network error, with jittered backoff and Retry-After', async () => {
    let n = 0;
    const poster = new ScriptedPoster((): PostOutcome => {
      n += 1;
      if (n === 1)
        return {
          ok: false,
          kind: 'retryable',
          code: null,
          message: 'socket hang up',
          retryAfterMs: null,
        };
      if (n === 2)
        return {
          ok: false,
          kind: 'retryable',
          code: 14,
          message: 'Request throttled',
          retryAfterMs: 4_000,
        };
      return OK;
    });
    const { loop, timers, statuses } = setup(poster);
    addFinishes(store!, range(1, 10));
    loop.start();
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(poster.calls[1]?.rows).toEqual(poster.calls[0]?.rows);
    // After the second failure the batch size (7) is below 10: the same rows, split, in order.
    expect(poster.calls.slice(2).flatMap((c) => c.rows)).toEqual(poster.calls[0]?.rows);
    // First failure: window 100 ms, jitter 0.5 → 50 ms; second honours Retry-After 4 s.
    expect(timers.delays).toContain(50);
    expect(timers.delays.some((d) => d >= 3_990 && d <= 4_000)).toBe(true);
    const failing = statuses.find((st) => st.lastError?.includes('socket hang up'));
    expect(failing?.online).toBe(false);
    expect(failing?.nextRetryAt).not.toBeNull();
    expect(s.lastError).toBeNull();
    expect(s.nextRetryAt).toBeNull();
  });

  it('after failures, re-sends a big batch as smaller posts of the same rows, in order', async () => {
    let n = 0;
    const poster = new ScriptedPoster((): PostOutcome => {
      n += 1;
      return n <= 2
        ? {
            ok: false,
            kind: 'retryable',
            code: 503,
            message: 'Service unavailable',
            retryAfterMs: null,
          }
        : OK;
    });
    const { loop } = setup(poster);
    addFinishes(store!, range(1, 25));
    loop.start();
    expect((await loop.settled()).pending).toBe(0);
    const [first, second, ...rest] = poster.calls.map((c) => postedBibs(c.rows));
    expect(first).toEqual(range(1, 25));
    expect(second).toEqual(range(1, 13)); // the batch size halved to 13 after the first failure
    // After the second failure (size 7): the same 25 rows, in order, in smaller posts.
    expect(rest.flat()).toEqual(range(1, 25));
    expect(Math.max(...rest.map((r) => r.length))).toBeLessThanOrEqual(12);
  });

  it('chunkWork keeps order and bib rows together', () => {
    const unit = (bib: number, fields: number) => ({
      bib,
      rows: Array.from({ length: fields }, (_, i) => ({
        ...TARGET,
        bib,
        field: `split-${i + 1}`,
        value: 'X',
        version: 1,
      })),
    });
    const chunks = chunkWork({ units: [unit(1, 2), unit(2, 2), unit(3, 1), unit(4, 3)] }, 3);
    expect(chunks.map((c) => c.units.map((u) => u.bib))).toEqual([[1], [2, 3], [4]]);
  });

  it('says "stalled" after repeated failures while still retrying, and clears it on success', async () => {
    let n = 0;
    const poster = new ScriptedPoster((): PostOutcome => {
      n += 1;
      return n <= 6
        ? {
            ok: false,
            kind: 'retryable',
            code: null,
            message: 'connect ECONNREFUSED',
            retryAfterMs: null,
          }
        : OK;
    });
    const { loop, statuses } = setup(poster, { stallAfterFailures: 5 });
    addFinishes(store!, [1, 2, 3]);
    loop.start();
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(s.stalled).toBeNull();
    const stalled = statuses.filter((st) => st.stalled !== null);
    expect(stalled.length).toBeGreaterThan(0);
    expect(stalled[0]?.stalled).toMatch(/Sync stalled: 5 attempts.*ECONNREFUSED.*Still retrying/);
    expect(statuses.findIndex((st) => st.stalled !== null)).toBeGreaterThan(
      statuses.findIndex((st) => st.lastError?.includes('4 attempt')),
    );
  });

  it('acks a row only at the version it sent when the value changed in flight', async () => {
    const gate = deferred<PostOutcome>();
    let first = true;
    const poster = new ScriptedPoster(() => {
      if (first) {
        first = false;
        return gate.promise;
      }
      return OK;
    });
    const { outbox, loop } = setup(poster);
    store!.apply([finish(42, '0:30:00.0')], 1);
    loop.start();
    await waitFor(() => poster.inFlight, { what: 'first post in flight', until: (n) => n === 1 });
    expect(loop.status().inFlight).toBe(1);
    store!.apply([finish(42, '0:31:00.0')], 2); // the timer fixed the time meanwhile
    gate.resolve(OK);
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(poster.calls.map((c) => c.rows[0]?.clock_time)).toEqual(['0:30:00.0', '0:31:00.0']);
    const st = outbox.fieldState({ resultSetId: TARGET.resultSetId, bib: 42, field: 'clock_time' });
    expect(st).toMatchObject({ wantedVersion: 2, ackedVersion: 2, ackedValue: '0:31:00.0' });
  });

  it('a stale ack alone leaves the newer value pending', async () => {
    const t = tempOutbox();
    try {
      t.apply([finish(1, '0:10:00.0')], 1);
      const taken = t.outbox.takePending(10);
      t.apply([finish(1, '0:11:00.0')], 2);
      t.outbox.acknowledge(taken, 3);
      expect(t.outbox.takePending(10)).toEqual([{ ...finish(1, '0:11:00.0'), version: 2 }]);
    } finally {
      t.close();
    }
  });

  it('wake() posts a new entry at once from idle; stop() waits for the batch in flight', async () => {
    const gate = deferred<PostOutcome>();
    const poster = new ScriptedPoster(() => gate.promise);
    const { outbox, loop } = setup(poster);
    loop.start();
    await loop.settled();
    expect(poster.calls).toHaveLength(0);
    store!.apply([finish(9, '0:15:00.0')], 1);
    loop.wake();
    await waitFor(() => poster.inFlight, { what: 'posted on wake', until: (n) => n === 1 });
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(stopped).toBe(false);
    gate.resolve(OK);
    await stopping;
    expect(outbox.counts().pending).toBe(0);
  });

  it('parks rows that can never be posted without sending them', async () => {
    const poster = new ScriptedPoster(() => OK);
    const { outbox, loop } = setup(poster);
    store!.apply([finish(1, 'soon'), finish(2, '0:20:00.0')], 1);
    loop.start();
    const s = await loop.settled();
    expect(s.attention).toBe(1);
    expect(poster.calls.flatMap((c) => postedBibs(c.rows))).toEqual([2]);
    expect(
      outbox.fieldState({ resultSetId: TARGET.resultSetId, bib: 1, field: 'clock_time' })
        ?.attentionReason,
    ).toMatch(/neither a time/);
  });

  it('does not spin when the outbox fails to park a row: it says so and backs off', async () => {
    const poster = new ScriptedPoster(() => OK);
    store = tempOutbox();
    const real = store.outbox;
    const statuses: SyncStatus[] = [];
    loop = new SyncLoop({
      outbox: {
        takePending: (n) => real.takePending(n),
        stillPending: (r) => real.stillPending(r),
        acknowledge: (r, at) => real.acknowledge(r, at),
        markAttention: () => {}, // broken: never parks
        retryAttention: () => real.retryAttention(),
        counts: () => real.counts(),
      },
      poster,
      timers: new RecordingTimers(),
      idlePollMs: NEVER,
      onStatus: (st) => statuses.push(st),
    });
    store.apply([finish(1, 'soon')], 1);
    loop.start();
    await waitFor(() => statuses.at(-1), {
      what: 'an error reported',
      until: () => statuses.some((st) => st.lastError !== null),
    });
    expect(statuses.find((st) => st.lastError)?.lastError).toMatch(/outbox did not park/);
    expect(poster.calls).toHaveLength(0);
  });

  it('pauses when RunSignup does not know the event, and retries an unknown error later', async () => {
    let n = 0;
    const poster = new ScriptedPoster((): PostOutcome => {
      n += 1;
      if (n === 1)
        return {
          ok: false,
          kind: 'unknown',
          code: 5,
          message: 'Database error',
          retryAfterMs: null,
        };
      if (n === 2)
        return {
          ok: false,
          kind: 'not-found',
          code: 301,
          message: 'Event not found',
          retryAfterMs: null,
        };
      return OK;
    });
    const { loop, statuses } = setup(poster);
    addFinishes(store!, [1, 2]);
    loop.start();
    const paused = await loop.settled();
    expect(
      statuses.some(
        (st) => st.lastError?.includes('Database error (error 5)') && st.nextRetryAt !== null,
      ),
    ).toBe(true);
    expect(paused.stalled).toMatch(/does not know event 11 \/ result set 21.*301/);
    expect(paused.pending).toBe(2);
    loop.resume();
    await waitFor(() => loop.status(), {
      what: 'drained after resume',
      until: (s) => s.pending === 0,
    });
    expect(poster.calls.map((c) => c.rows)).toEqual([
      poster.calls[0]!.rows,
      poster.calls[0]!.rows,
      poster.calls[0]!.rows,
    ]);
  });

  it('treats a poster that throws as a network failure, and says so', async () => {
    let n = 0;
    const poster = new ScriptedPoster(() => {
      n += 1;
      if (n === 1) throw new Error('boom');
      return OK;
    });
    const { loop, statuses } = setup(poster);
    addFinishes(store!, [1]);
    loop.start();
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(statuses.some((st) => st.lastError?.includes('boom'))).toBe(true);
  });

  it('retryAttention() re-posts parked rows', async () => {
    let reject = true;
    const poster = new ScriptedPoster(() => (reject ? rejected('nope', 3) : OK));
    const { loop } = setup(poster);
    addFinishes(store!, [1]);
    loop.start();
    expect((await loop.settled()).attention).toBe(1);
    reject = false;
    expect(loop.retryAttention()).toBe(1);
    await waitFor(() => loop.status(), {
      what: 'retried',
      until: (s) => s.attention === 0 && s.pending === 0,
    });
  });

  it('feeds Date headers into the clock offset estimate', async () => {
    let clock = 1_700_000_000_000;
    const poster = new ScriptedPoster(() => {
      clock += 20;
      return { ok: true, serverDate: Math.floor((clock + 3_000) / 1000) * 1000, elapsedMs: 20 };
    });
    const { loop } = setup(poster, { now: () => clock });
    addFinishes(store!, [1]);
    loop.start();
    await loop.settled();
    const est = loop.clockOffset();
    expect(est).not.toBeNull();
    expect(Math.abs((est?.offsetMs ?? 0) - 3_000)).toBeLessThanOrEqual(est?.uncertaintyMs ?? 0);
    expect(est?.warning).toMatch(/behind/);
  });
});
