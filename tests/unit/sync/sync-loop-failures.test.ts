// The sync loop after failures: no stale value re-sent after a failure, an unknown
// error never blocks the queue forever, isolation is paced, a request-level rejection pauses its
// target instead of parking rows, and one unknown event does not stop the others.
import { afterEach, describe, expect, it } from 'vitest';
import { SyncLoop, type SyncLoopOptions, type Timers } from '../../../src-main/sync/sync-loop';
import type { OutboxRow, PostOutcome, ResultPostRow } from '../../../src-main/sync/ports';
import type { OutboxChange } from '../../../src-main/core/store/outbox-store';
import {
  NEVER,
  OK,
  ScriptedPoster,
  TARGET,
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

const OTHER = { eventId: 12, resultSetId: 22 };
const other = (bib: number, value: string): OutboxChange => ({
  ...OTHER,
  bib,
  field: 'clock_time',
  value,
});
const fail = (
  kind: 'retryable' | 'unknown' | 'auth' | 'not-found',
  message: string,
  code: number | null = null,
): PostOutcome => ({
  ok: false,
  kind,
  code,
  message,
  retryAfterMs: null,
});
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const bibsOf = (rows: ResultPostRow[]) => rows.map((r) => Number(r.bib));

/** A fake clock that advances by exactly what a timer asked for, firing on the next macrotask. */
class FakeClock implements Timers {
  t = 1_000_000;
  now = (): number => this.t;
  setTimeout(fn: () => void, ms: number): unknown {
    if (ms >= NEVER) return null;
    return setTimeout(() => {
      this.t += ms;
      fn();
    }, 0);
  }
  clearTimeout(handle: unknown): void {
    if (handle) clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

function setup(poster: ScriptedPoster, extra: Partial<SyncLoopOptions> = {}) {
  store = tempOutbox();
  const sent: Array<{ rows: OutboxRow[]; wanted: Array<number | null>; at: number }> = [];
  const clock = new FakeClock();
  const outbox = store.outbox;
  loop = new SyncLoop({
    outbox,
    poster,
    timers: clock,
    now: clock.now,
    random: () => 0.5,
    idlePollMs: NEVER,
    backoff: { baseMs: 100, capMs: 1_000 },
    // The outbox's wanted version of every row at the moment it is sent: the evidence that no stale value went out.
    beforePost: (_t, rows) =>
      sent.push({
        rows,
        wanted: rows.map((r) => outbox.fieldState(r)?.wantedVersion ?? null),
        at: clock.now(),
      }),
    ...extra,
  });
  return { outbox, loop, sent, clock };
}

describe('SyncLoop: no stale value after a failure', () => {
  it('a retry after a network error does not re-send a value the timer corrected meanwhile', async () => {
    let n = 0;
    const poster = new ScriptedPoster((): PostOutcome => {
      n += 1;
      if (n === 1) {
        // While the first post fails, the timer corrects bib 1's time.
        store!.apply([finish(1, '0:21:00.0')], 2);
        return fail('retryable', 'socket hang up');
      }
      return OK;
    });
    const { loop, sent } = setup(poster);
    store!.apply([finish(1, '0:20:00.0'), finish(2, '0:20:05.0')], 1);
    loop.start();
    expect((await loop.settled()).pending).toBe(0);
    const bib1 = poster.calls.flatMap((c) => c.rows.filter((r) => r.bib === 1));
    expect(bib1.map((r) => r['clock_time'])).toEqual(['0:20:00.0', '0:21:00.0']);
    for (const s of sent) expect(s.wanted).toEqual(s.rows.map((r) => r.version));
  });

  it('after an auth pause, resume posts the values wanted now, not the refused batch', async () => {
    const denied = new ScriptedPoster(() => fail('auth', 'Key authentication failed', 6));
    const { loop, sent, outbox } = setup(denied);
    store!.apply([finish(1, '0:20:00.0'), finish(2, '0:20:05.0')], 1);
    loop.start();
    expect((await loop.settled()).stalled).toMatch(/credentials/);
    // The timer fixes a misread bib while paused: bib 1's crossing belongs to bib 3.
    store!.apply([finish(1, 'X'), finish(3, '0:20:00.0')], 2);
    const good = new ScriptedPoster(() => OK);
    loop.resume(good);
    await waitFor(() => loop.status(), { what: 'drained', until: (s) => s.pending === 0 });
    const posted = good.calls.flatMap((c) => c.rows);
    expect(posted.filter((r) => r.bib === 1).map((r) => r['clock_time'])).toEqual(['X']);
    expect(posted.filter((r) => r.bib === 3).map((r) => r['clock_time'])).toEqual(['0:20:00.0']);
    for (const s of sent) expect(s.wanted).toEqual(s.rows.map((r) => r.version));
    expect(outbox.fieldState({ ...TARGET, bib: 1, field: 'clock_time' })?.ackedValue).toBe('X');
  });

  it('isolation halves re-read their rows: a row corrected mid-isolation is not posted stale', async () => {
    let corrected = false;
    const poster = new ScriptedPoster((rows): PostOutcome => {
      if (!corrected) {
        corrected = true;
        store!.apply([finish(4, '0:30:00.0')], 2);
      }
      return bibsOf(rows).includes(7) ? rejected('Invalid time for bib 7') : OK;
    });
    const { loop, sent } = setup(poster);
    store!.apply(
      range(1, 8).map((b) => finish(b, `0:2${b}:00.0`)),
      1,
    );
    loop.start();
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(s.attention).toBe(1);
    const bib4 = poster.calls.flatMap((c) => c.rows.filter((r) => r.bib === 4));
    expect(bib4.map((r) => r['clock_time'])).toEqual(['0:24:00.0', '0:30:00.0']);
    for (const x of sent) expect(x.wanted).toEqual(x.rows.map((r) => r.version));
  });
});

describe('SyncLoop: unknown errors, pacing, per-target pauses', () => {
  it('isolates a batch after 3 unknown failures in a row: the bad row is parked, the rest flow', async () => {
    const poster = new ScriptedPoster((rows) =>
      bibsOf(rows).includes(3) ? fail('unknown', 'Invalid date', 9) : OK,
    );
    const { loop, outbox } = setup(poster);
    store!.apply(
      range(1, 6).map((b) => finish(b, `0:2${b}:00.0`)),
      1,
    );
    loop.start();
    await waitFor(() => outbox.counts(), {
      what: 'everything but bib 3 acked, bib 3 parked',
      until: (c) => c.pending === 0,
    });
    expect(outbox.counts().attention).toBe(1);
    expect(outbox.fieldState({ ...TARGET, bib: 3, field: 'clock_time' })?.attentionReason).toMatch(
      /bib 3.*Invalid date \(error 9\)/,
    );
    // New finishes are not stuck behind it.
    store!.apply([finish(9, '0:40:00.0')], 2);
    loop.wake();
    await waitFor(() => outbox.fieldState({ ...TARGET, bib: 9, field: 'clock_time' }), {
      what: 'bib 9 acked',
      until: (st) => st?.ackedValue === '0:40:00.0',
    });
  });

  it('paces isolation posts at least 1 s apart', async () => {
    const poster = new ScriptedPoster((rows) =>
      bibsOf(rows).includes(5) ? rejected('Invalid time for bib 5') : OK,
    );
    const { loop, sent } = setup(poster);
    store!.apply(
      range(1, 16).map((b) => finish(b, `0:${10 + b}:00.0`)),
      1,
    );
    loop.start();
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(s.attention).toBe(1);
    expect(sent.length).toBeGreaterThan(4);
    // Every post after the first rejection is part of the isolation: at least 1 s apart.
    for (let i = 2; i < sent.length; i++) {
      expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(1_000);
    }
  });

  it('a rejection about the result set itself pauses that target; its rows are not parked', async () => {
    const message =
      'Invalid parameters: individual_result_set_id 21 is not a result set of this event.';
    const poster: ScriptedPoster = new ScriptedPoster((_rows, call): PostOutcome =>
      poster.calls[call - 1]!.target.resultSetId === TARGET.resultSetId ? rejected(message) : OK,
    );
    const { loop, outbox } = setup(poster);
    store!.apply(
      range(1, 8).map((b) => finish(b, `0:${10 + b}:00.0`)),
      1,
    );
    store!.apply(
      range(1, 3).map((b) => other(b, `0:${30 + b}:00.0`)),
      2,
    );
    loop.start();
    const s = await loop.settled();
    expect(s.attention).toBe(0);
    expect(s.pending).toBe(8);
    expect(s.stalled).toMatch(/result set 21.*error 3.*Nothing was lost/);
    expect(outbox.fieldState({ ...OTHER, bib: 2, field: 'clock_time' })?.ackedValue).toBe(
      '0:32:00.0',
    );
    // Halving stops once a second single bib gets the same complaint: far fewer
    // posts than parking 8 rows one by one.
    const toSet21 = poster.calls.filter((c) => c.target.resultSetId === 21).length;
    expect(toSet21).toBeLessThanOrEqual(5);
    poster.respond = () => OK;
    loop.resume();
    await waitFor(() => loop.status(), {
      what: 'drained after resume',
      until: (s) => s.pending === 0,
    });
    expect(loop.status().stalled).toBeNull();
  });

  it('one bad row whose message names the event is parked, not the event paused', async () => {
    // The emulator's wording for a registrant who is not in this event.
    const poster = new ScriptedPoster((rows) =>
      bibsOf(rows).includes(7)
        ? rejected('registration_id 5007 is not registered for event 11.')
        : OK,
    );
    const { loop, outbox } = setup(poster);
    store!.apply(
      range(1, 6)
        .map((b) => finish(b, `0:${10 + b}:00.0`))
        .concat([finish(7, '0:17:00.0')]),
      1,
    );
    loop.start();
    const s = await loop.settled();
    expect(s.stalled).toBeNull();
    expect(s.pending).toBe(0);
    expect(s.attention).toBe(1);
    expect(outbox.fieldState({ ...TARGET, bib: 7, field: 'clock_time' })?.attentionReason).toMatch(
      /bib 7.*registration_id 5007 is not registered for event 11/,
    );
    for (const b of range(1, 6)) {
      expect(outbox.fieldState({ ...TARGET, bib: b, field: 'clock_time' })?.ackedValue).toBe(
        `0:${10 + b}:00.0`,
      );
    }
    // A later finisher of the same event still posts.
    store!.apply([finish(20, '0:30:00.0')], 2);
    loop.wake();
    await waitFor(() => outbox.fieldState({ ...TARGET, bib: 20, field: 'clock_time' }), {
      what: 'bib 20 posted',
      until: (st) => st?.ackedValue === '0:30:00.0',
    });
    expect(loop.status().stalled).toBeNull();
  });

  it('a split station posting one row at a time: one bad bib is parked, a second bib with the same complaint pauses the event', async () => {
    const message = 'Event 11 is not open for results.';
    let refuseAll = false;
    const poster = new ScriptedPoster((rows) =>
      refuseAll || bibsOf(rows).includes(7) ? rejected(message) : OK,
    );
    const { loop, outbox } = setup(poster);
    store!.apply([finish(7, '0:17:00.0')], 1);
    loop.start();
    let s = await loop.settled();
    expect(s.stalled).toBeNull();
    expect(s.attention).toBe(1);
    store!.apply([finish(8, '0:18:00.0')], 2);
    loop.wake();
    await waitFor(() => outbox.fieldState({ ...TARGET, bib: 8, field: 'clock_time' }), {
      what: 'bib 8 posted',
      until: (st) => st?.ackedValue === '0:18:00.0',
    });
    // Now every post is refused the same way: the second bib confirms it is the request.
    refuseAll = true;
    store!.apply([finish(9, '0:19:00.0')], 3);
    loop.wake();
    await waitFor(() => loop.status(), {
      what: 'bib 9 parked on its own',
      until: (s) => s.attention === 2,
    });
    store!.apply([finish(10, '0:20:00.0')], 4);
    loop.wake();
    await waitFor(() => loop.status(), { what: 'event paused', until: (s) => s.stalled !== null });
    s = loop.status();
    expect(s.stalled).toMatch(/event 11 \/ result set 21.*not open for results.*Nothing was lost/);
    expect(s.pending).toBe(1);
  });

  it('an event RunSignup does not know pauses only that event; the others keep flowing', async () => {
    const poster: ScriptedPoster = new ScriptedPoster((_rows, call): PostOutcome =>
      poster.calls[call - 1]!.target.eventId === TARGET.eventId
        ? fail('not-found', 'Event not found', 301)
        : OK,
    );
    const { loop, outbox } = setup(poster);
    store!.apply([finish(1, '0:20:00.0')], 1);
    store!.apply([other(1, '0:31:00.0'), other(2, '0:32:00.0')], 2);
    loop.start();
    const s = await loop.settled();
    expect(s.stalled).toMatch(/event 11/);
    expect(outbox.fieldState({ ...OTHER, bib: 2, field: 'clock_time' })?.ackedValue).toBe(
      '0:32:00.0',
    );
    // A new row for the live event still flows while event 11 waits.
    store!.apply([other(3, '0:33:00.0')], 3);
    loop.wake();
    await waitFor(() => outbox.fieldState({ ...OTHER, bib: 3, field: 'clock_time' }), {
      what: 'other event still posting',
      until: (st) => st?.ackedValue === '0:33:00.0',
    });
    expect(poster.calls.filter((c) => c.target.eventId === 11)).toHaveLength(1);
  });

  it('[assumed] with splitting off (isolateBadRowsBySplitting false), a rejected batch is parked whole', async () => {
    const poster = new ScriptedPoster((rows) =>
      bibsOf(rows).includes(2) ? rejected('Invalid time for bib 2') : OK,
    );
    const { loop } = setup(poster, { isolateBadRowsBySplitting: false });
    store!.apply(
      range(1, 4).map((b) => finish(b, `0:2${b}:00.0`)),
      1,
    );
    loop.start();
    const s = await loop.settled();
    expect(s.attention).toBe(4);
    expect(poster.calls).toHaveLength(1);
  });

  it('never posts rows of a target outside the current setup: they are parked with the reason', async () => {
    const poster = new ScriptedPoster(() => OK);
    const { loop, outbox } = setup(poster, {
      isCurrentTarget: (t) => t.resultSetId === OTHER.resultSetId,
    });
    store!.apply([finish(1, 'X'), finish(2, '0:20:00.0')], 1);
    store!.apply([other(1, '0:31:00.0')], 2);
    loop.start();
    const s = await loop.settled();
    expect(s.pending).toBe(0);
    expect(s.attention).toBe(2);
    expect(poster.calls.every((c) => c.target.resultSetId === OTHER.resultSetId)).toBe(true);
    expect(outbox.fieldState({ ...TARGET, bib: 1, field: 'clock_time' })?.attentionReason).toMatch(
      /not in this station's race setup/,
    );
  });

  it('resume drops queued work whose target left the setup', async () => {
    let current = TARGET.resultSetId;
    const denied = new ScriptedPoster(() => fail('auth', 'Key authentication failed', 6));
    const { loop } = setup(denied, { isCurrentTarget: (t) => t.resultSetId === current });
    store!.apply([finish(1, '0:20:00.0')], 1);
    loop.start();
    await loop.settled();
    current = OTHER.resultSetId;
    const good = new ScriptedPoster(() => OK);
    loop.resume(good);
    const s = await loop.settled();
    expect(good.calls).toHaveLength(0);
    expect(s.attention).toBe(1);
  });
});
