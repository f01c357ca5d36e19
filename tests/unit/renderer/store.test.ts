import { describe, expect, it } from 'vitest';
import type {
  Command,
  CommandResult,
  Query,
  Snapshot,
  StationApi,
  StationEvent,
} from '../../../src-shared/station-api';
import { createChuteStore, orderCrossings, syncMoved, toneOf } from '../../../src-renderer/store';
import type { Tone } from '../../../src-renderer/lib/sync-status';
import { crossing, snapshot } from './fixtures';

/** A fake station whose answers the test releases by hand, to see the states in between. */
function fakeApi(initial: Snapshot) {
  let snap = initial;
  const commands: Command[] = [];
  const queries: Query[] = [];
  const listeners = new Set<(e: StationEvent) => void>();
  const held: Array<(r: CommandResult) => void> = [];
  let hold = false;
  const api: StationApi = {
    command(c) {
      commands.push(c);
      if (hold) return new Promise((resolve) => held.push(resolve));
      return Promise.resolve({ ok: true, seq: commands.length, warnings: [] });
    },
    query(q) {
      queries.push(q);
      if (q.type === 'snapshot') return Promise.resolve(snap) as never;
      if (q.type === 'lookupBib') {
        return Promise.resolve({
          bib: Number(q.bib),
          participant: null,
          eventName: null,
          warnings: [],
          error: null,
        }) as never;
      }
      return Promise.reject(new Error('not in this fake'));
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    api,
    commands,
    queries,
    setSnapshot: (s: Snapshot) => (snap = s),
    emit: (e: StationEvent) => listeners.forEach((l) => l(e)),
    holdCommands: () => (hold = true),
    release: (r: CommandResult) => held.shift()?.(r),
    listenerCount: () => listeners.size,
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('store', () => {
  it('orders crossings newest first and reads outcomes', () => {
    const rows = orderCrossings([
      crossing({ tapSeq: 1, at: 100 }),
      crossing({ tapSeq: 3, at: 100 }),
      crossing({ tapSeq: 2, at: 300 }),
    ]);
    expect(rows.map((r) => r.tapSeq)).toEqual([2, 3, 1]);
    expect(toneOf({ ok: true, seq: 1, warnings: [] })).toBe('ok');
    expect(toneOf({ ok: true, seq: 1, warnings: [{ code: 'no-gun', message: 'No gun' }] })).toBe(
      'warn',
    );
    expect(toneOf({ ok: false, error: 'x' })).toBe('error');
  });

  it('shows a command as pending until its result returns, then saved (or NOT saved) with a sound', async () => {
    const f = fakeApi(snapshot([]));
    const tones: Tone[] = [];
    const store = createChuteStore({ api: f.api, onOutcome: (t) => tones.push(t), now: () => 42 });
    const stop = store.getState().start();
    f.holdCommands();
    const first = store.getState().run({ type: 'tap', at: 1_700_000_000_000, bib: '5' }, 'bib 5');
    expect(store.getState().pending).toMatchObject([{ label: 'bib 5', fillsTap: null }]);
    expect(store.getState().notice).toBeNull();
    f.release({
      ok: true,
      seq: 1,
      warnings: [{ code: 'unknown-bib', message: 'Bib 5 is not registered' }],
    });
    await first;
    expect(store.getState().pending).toEqual([]);
    expect(store.getState().notice).toMatchObject({ tone: 'warn', text: 'Saved: bib 5' });
    const second = store.getState().run({ type: 'undo' }, 'undo');
    f.release({ ok: false, error: 'Nothing to undo' });
    await second;
    expect(store.getState().notice).toMatchObject({
      tone: 'error',
      text: 'NOT saved: undo — Nothing to undo',
    });
    expect(tones).toEqual(['warn', 'error']);
    stop();
    expect(f.listenerCount()).toBe(0);
  });

  it("Ctrl+Z takes back this screen's own entries, newest first, never another screen's", async () => {
    const f = fakeApi(snapshot([]));
    const store = createChuteStore({ api: f.api });
    // A screen that made no entry since it loaded: the station's latest, as before.
    await store.getState().run({ type: 'undo' }, 'undo');
    expect(f.commands.at(-1)).toEqual({ type: 'undo' });
    expect(store.getState().notice?.text).toBe('Undone: the latest entry');
    await store.getState().run({ type: 'tap', at: 1_700_000_000_000, bib: '5' }, 'bib 5'); // seq 2
    await store.getState().run({ type: 'order', bib: '6' }, 'bib 6'); // seq 3
    // Another screen's entry (seq 4) is not known here.
    await f.api.command({ type: 'tap', at: 1_700_000_000_100, bib: '7' });
    await store.getState().run({ type: 'undo' }, 'undo');
    expect(f.commands.at(-1)).toEqual({ type: 'undo', targetSeq: 3 });
    // The undo says what it took back.
    expect(store.getState().notice?.text).toBe('Undone: bib 6');
    await store.getState().run({ type: 'undo' }, 'undo');
    expect(f.commands.at(-1)).toEqual({ type: 'undo', targetSeq: 2 });
    expect(store.getState().notice?.text).toBe('Undone: bib 5');
    const sent = f.commands.length;
    const result = await store.getState().run({ type: 'undo' }, 'undo');
    expect(result.ok).toBe(false);
    expect(f.commands.length).toBe(sent);
    expect(store.getState().notice?.text).toMatch(/^NOT saved: undo — Nothing left to undo/);
  });

  it("a restored backup is another journal: Ctrl+Z no longer targets this screen's old seqs", async () => {
    const tapped = async (store: ReturnType<typeof createChuteStore>) => {
      await store.getState().run({ type: 'tap', at: 1_700_000_000_000, bib: '5' }, 'bib 5');
    };
    // Restored here.
    const f = fakeApi(snapshot([]));
    const store = createChuteStore({ api: f.api });
    await tapped(store);
    await store
      .getState()
      .run(
        { type: 'restoreBackup', file: 'chute-20261130T031500123Z-0001.sqlite', where: 'data' },
        'restore',
      );
    const sent = f.commands.length;
    expect((await store.getState().run({ type: 'undo' }, 'undo')).ok).toBe(false);
    expect(f.commands.length).toBe(sent);
    // Restored from another screen: the journal this screen sees got shorter.
    const g = fakeApi({ ...snapshot([]), journalLength: 10 });
    const other = createChuteStore({ api: g.api });
    await other.getState().refresh();
    await tapped(other);
    g.setSnapshot({ ...snapshot([]), journalLength: 3 });
    await other.getState().refresh();
    const before = g.commands.length;
    expect((await other.getState().run({ type: 'undo' }, 'undo')).ok).toBe(false);
    expect(g.commands.length).toBe(before);
  });

  it("a station file opened again (a restore leaving the same race and a journal as long) forgets this screen's seqs", async () => {
    const f = fakeApi({ ...snapshot([]), journalLength: 3, delta: { stream: 'first', seq: 4 } });
    const store = createChuteStore({ api: f.api });
    await store.getState().refresh();
    await store.getState().run({ type: 'tap', at: 1_700_000_000_000, bib: '5' }, 'bib 5'); // seq 1
    // The same file, further on: the screen's entry is still its own.
    f.setSnapshot({ ...snapshot([]), journalLength: 4, delta: { stream: 'first', seq: 5 } });
    await store.getState().refresh();
    await store.getState().run({ type: 'tap', at: 1_700_000_000_100, bib: '6' }, 'bib 6'); // seq 2
    await store.getState().run({ type: 'undo' }, 'undo');
    expect(f.commands.at(-1)).toEqual({ type: 'undo', targetSeq: 2 });
    // Restored from another screen: same race, a journal no shorter, a new stream.
    f.setSnapshot({ ...snapshot([]), journalLength: 6, delta: { stream: 'second', seq: 0 } });
    await store.getState().refresh();
    const sent = f.commands.length;
    const result = await store.getState().run({ type: 'undo' }, 'undo');
    expect(result.ok).toBe(false);
    expect(f.commands.length).toBe(sent);
  });

  it('an undo refused for good moves on to the entry before', async () => {
    const f = fakeApi(snapshot([]));
    const store = createChuteStore({ api: f.api });
    await store.getState().run({ type: 'tap', at: 1_700_000_000_000, bib: '5' }, 'bib 5'); // seq 1
    await store.getState().run({ type: 'tap', at: 1_700_000_000_100, bib: '6' }, 'bib 6'); // seq 2
    f.holdCommands();
    const refused = store.getState().run({ type: 'undo' }, 'undo');
    f.release({ ok: false, error: 'That entry (2) was already undone' });
    await refused;
    const next = store.getState().run({ type: 'undo' }, 'undo');
    f.release({ ok: true, seq: 5, warnings: [] });
    await next;
    expect(f.commands.slice(-2)).toEqual([
      { type: 'undo', targetSeq: 2 },
      { type: 'undo', targetSeq: 1 },
    ]);
  });

  it('two quick Ctrl+Z before the first answer take back two entries', async () => {
    const f = fakeApi(snapshot([]));
    const store = createChuteStore({ api: f.api });
    await store.getState().run({ type: 'tap', at: 1_700_000_000_000, bib: '5' }, 'bib 5'); // seq 1
    await store.getState().run({ type: 'tap', at: 1_700_000_000_100, bib: '6' }, 'bib 6'); // seq 2
    f.holdCommands();
    const first = store.getState().run({ type: 'undo' }, 'undo');
    const second = store.getState().run({ type: 'undo' }, 'undo');
    f.release({ ok: true, seq: 3, warnings: [] });
    f.release({ ok: true, seq: 4, warnings: [] });
    await Promise.all([first, second]);
    expect(f.commands.slice(-2)).toEqual([
      { type: 'undo', targetSeq: 2 },
      { type: 'undo', targetSeq: 1 },
    ]);
  });

  it('keeps the entry when the undo never reached the station (lost link)', async () => {
    const f = fakeApi(snapshot([]));
    let fail = false;
    const api = {
      ...f.api,
      command: (c: Command) => (fail ? Promise.reject(new Error('offline')) : f.api.command(c)),
    };
    const store = createChuteStore({ api });
    await store.getState().run({ type: 'tap', at: 1_700_000_000_000, bib: '5' }, 'bib 5'); // seq 1
    fail = true;
    expect((await store.getState().run({ type: 'undo' }, 'undo')).ok).toBe(false);
    fail = false;
    await store.getState().run({ type: 'undo' }, 'undo');
    expect(f.commands.at(-1)).toEqual({ type: 'undo', targetSeq: 1 });
  });

  it('forgets its entries when the station is set up for another race', async () => {
    const f = fakeApi(snapshot([]));
    const store = createChuteStore({ api: f.api });
    await store.getState().refresh();
    await store.getState().run({ type: 'tap', at: 1_700_000_000_000, bib: '5' }, 'bib 5');
    const base = snapshot([]);
    f.setSnapshot({ ...base, config: { ...base.config!, raceId: base.config!.raceId + 1 } });
    await store.getState().refresh();
    const result = await store.getState().run({ type: 'undo' }, 'undo');
    expect(result.ok).toBe(false);
    expect(f.commands.filter((c) => c.type === 'undo')).toEqual([]);
  });

  it('does not reload a snapshot that already shows the saved entry', async () => {
    const f = fakeApi(snapshot([crossing({ tapSeq: 1 })], 5));
    const store = createChuteStore({ api: f.api });
    await store.getState().refresh();
    const count = () => f.queries.filter((q) => q.type === 'snapshot').length;
    const before = count();
    await store.getState().run({ type: 'undo' }, 'undo'); // the fake answers seq 1 ≤ 5
    expect(count()).toBe(before);
    f.setSnapshot(snapshot([crossing({ tapSeq: 1 })], 0));
    await store.getState().refresh();
    await store.getState().run({ type: 'undo' }, 'undo'); // seq 2 > 0: reload
    expect(count()).toBe(before + 2);
  });

  it('refreshes on change events, coalescing a burst into at most one extra snapshot', async () => {
    const f = fakeApi(snapshot([]));
    const store = createChuteStore({ api: f.api });
    store.getState().start();
    await flush();
    const before = f.queries.filter((q) => q.type === 'snapshot').length;
    f.setSnapshot(snapshot([crossing({ tapSeq: 1, at: 5 }), crossing({ tapSeq: 2, at: 9 })]));
    for (let i = 0; i < 10; i++) f.emit({ type: 'changed', journalLength: i });
    await store.getState().refresh();
    await flush();
    const after = f.queries.filter((q) => q.type === 'snapshot').length;
    expect(after - before).toBeLessThanOrEqual(3);
    expect(store.getState().snapshot?.crossings.map((c) => c.tapSeq)).toEqual([2, 1]);
  });

  it('reloads rows only when the sync queue moved', () => {
    const base = snapshot([]).sync;
    expect(syncMoved(null, base)).toBe(true);
    expect(syncMoved(base, { ...base, online: false, lastError: 'timeout' })).toBe(false);
    expect(syncMoved(base, { ...base, pending: 1 })).toBe(true);
    expect(syncMoved(base, { ...base, lastSuccessAt: 5 })).toBe(true);
    expect(syncMoved(base, { ...base, attention: 2 })).toBe(true);
  });

  it('takes sync and progress events, and keeps the selection only while its row exists', async () => {
    const f = fakeApi(snapshot([crossing({ tapSeq: 1 }), crossing({ tapSeq: 2 })]));
    const store = createChuteStore({ api: f.api });
    store.getState().start();
    await store.getState().refresh();
    store.getState().moveSelection(1);
    expect(store.getState().selected).toBe(2);
    store.getState().moveSelection(1);
    expect(store.getState().selected).toBe(1);
    f.setSnapshot(snapshot([crossing({ tapSeq: 2 })]));
    await store.getState().refresh();
    expect(store.getState().selected).toBeNull();
    f.emit({ type: 'progress', task: 'Participants', done: 3, total: 10 });
    expect(store.getState().progress).toEqual({ task: 'Participants', done: 3, total: 10 });
    f.emit({ type: 'progress', task: 'Participants', done: 10, total: 10 });
    expect(store.getState().progress).toBeNull();
    const snapshotsBefore = f.queries.filter((q) => q.type === 'snapshot').length;
    f.emit({ type: 'sync', sync: { ...snapshot([]).sync, pending: 7 } });
    expect(store.getState().sync?.pending).toBe(7);
    // The queue moved: rows may have changed sync state, so they are reloaded.
    await store.getState().refresh();
    expect(f.queries.filter((q) => q.type === 'snapshot').length).toBeGreaterThan(snapshotsBefore);
  });

  it('keeps the bib field to digits and shows only the latest lookup', async () => {
    const f = fakeApi(snapshot([]));
    const store = createChuteStore({ api: f.api });
    store.getState().setBibText('1');
    store.getState().setBibText('12x');
    expect(store.getState().bibText).toBe('12');
    await flush();
    expect(store.getState().lookup?.bib).toBe(12);
    store.getState().setBibText('');
    expect(store.getState().lookup).toBeNull();
  });

  it('follows the link state and reports a failing snapshot', async () => {
    const f = fakeApi(snapshot([]));
    let linkListener: ((s: 'connecting' | 'open' | 'closed') => void) | null = null;
    f.api.query = (() => Promise.reject(new Error('station unreachable'))) as never;
    const store = createChuteStore({
      api: f.api,
      onLink: (l) => {
        linkListener = l;
        return () => {};
      },
    });
    store.getState().start();
    linkListener!('open');
    await store.getState().refresh();
    expect(store.getState().link).toBe('open');
    expect(store.getState().snapshotError).toBe('station unreachable');
  });

  it('draws a saved crossing from the answer at once, and never before the answer', async () => {
    const f = fakeApi(snapshot([crossing({ tapSeq: 1, at: 1_000 })], 1));
    const store = createChuteStore({ api: f.api });
    await store.getState().refresh();
    f.holdCommands();
    const run = store.getState().run({ type: 'tap', at: 2_000, bib: '7' }, 'bib 7', {
      runner: { name: 'Ada Lovelace', eventId: 10, eventName: '5K' },
    });
    // Not saved yet: only the pending line, no row.
    expect(store.getState().snapshot?.crossings.map((c) => c.tapSeq)).toEqual([1]);
    // The answer arrives while the station's snapshot still lags behind (journal length 1).
    f.release({ ok: true, seq: 2, warnings: [] });
    await run;
    const rows = store.getState().snapshot?.crossings ?? [];
    expect(rows.map((c) => c.tapSeq)).toEqual([2, 1]);
    expect(rows[0]).toMatchObject({ bib: 7, name: 'Ada Lovelace', sync: 'saved', place: null });
    // A lagging snapshot keeps it; the one that includes it replaces it with the full row.
    await store.getState().refresh();
    expect(store.getState().snapshot?.crossings.map((c) => c.tapSeq)).toEqual([2, 1]);
    f.setSnapshot(
      snapshot(
        [crossing({ tapSeq: 1, at: 1_000 }), crossing({ tapSeq: 2, at: 2_000, bib: 7, place: 1 })],
        2,
      ),
    );
    await store.getState().refresh();
    expect(store.getState().snapshot?.crossings[0]).toMatchObject({ tapSeq: 2, place: 1 });
  });

  it('draws nothing for a refused tap', async () => {
    const f = fakeApi(snapshot([], 0));
    const store = createChuteStore({ api: f.api });
    await store.getState().refresh();
    f.holdCommands();
    const run = store.getState().run({ type: 'tap', at: 2_000 }, 'time only');
    f.release({ ok: false, error: 'disk full' });
    await run;
    expect(store.getState().snapshot?.crossings).toEqual([]);
  });

  it('stretches a block with extendSelection and drops it on a plain move', async () => {
    const f = fakeApi(snapshot([1, 2, 3, 4].map((s) => crossing({ tapSeq: s, at: s }))));
    const store = createChuteStore({ api: f.api });
    await store.getState().refresh();
    store.getState().moveSelection(1); // newest: #4
    store.getState().extendSelection(1);
    store.getState().extendSelection(1);
    expect(store.getState()).toMatchObject({ anchor: 4, selected: 2 });
    store.getState().moveSelection(-1);
    expect(store.getState()).toMatchObject({ anchor: null, selected: 3 });
  });

  it('notices a gun read from RunSignup that changed, and only that', async () => {
    const at = 1_700_000_000_000;
    const base = snapshot([]);
    const f = fakeApi({ ...base, guns: [{ eventId: 10, at: null }] });
    const store = createChuteStore({ api: f.api });
    await store.getState().refresh();
    f.setSnapshot({ ...base, guns: [{ eventId: 10, at, source: 'local' }] });
    await store.getState().refresh();
    expect(store.getState().gunNotices).toEqual([]);
    f.setSnapshot({ ...base, guns: [{ eventId: 10, at: at + 1000, source: 'runsignup' }] });
    await store.getState().refresh();
    expect(store.getState().gunNotices).toHaveLength(1);
    expect(store.getState().gunNotices[0]).toMatch(/^Gun for 5K changed \(from RunSignup\)/);
    store.getState().dismissGunNotices();
    expect(store.getState().gunNotices).toEqual([]);
  });
});
