// The store fed by the station's change stream: rows applied without a snapshot, and a snapshot
// whenever the stream cannot be trusted (a gap, another stream, a reconnect).
import { describe, expect, it } from 'vitest';
import type {
  CrossingView,
  DeltaCursor,
  Query,
  Snapshot,
  StationApi,
  StationEvent,
} from '../../../src-shared/station-api';
import { createChuteStore } from '../../../src-renderer/store';
import type { LinkState } from '../../../src-renderer/lib/sync-status';
import { crossing, snapshot } from './fixtures';

/** A station whose snapshot answers can be held back, to send events while one is on its way. */
function fakeStation(initial: Snapshot) {
  let snap = initial;
  const queries: Query[] = [];
  const held: Array<() => void> = [];
  let hold = false;
  const listeners = new Set<(e: StationEvent) => void>();
  const links = new Set<(s: LinkState) => void>();
  const api: StationApi = {
    command: () => Promise.resolve({ ok: true, seq: 1, warnings: [] }),
    query(q) {
      queries.push(q);
      const answer = snap;
      if (!hold) return Promise.resolve(answer) as never;
      return new Promise((resolve) => held.push(() => resolve(answer as never)));
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    api,
    onLink(l: (s: LinkState) => void) {
      links.add(l);
      return () => links.delete(l);
    },
    link: (s: LinkState) => links.forEach((l) => l(s)),
    snapshots: () => queries.filter((q) => q.type === 'snapshot').length,
    setSnapshot: (s: Snapshot) => (snap = s),
    emit: (e: StationEvent) => listeners.forEach((l) => l(e)),
    holdSnapshots: (on: boolean) => (hold = on),
    releaseSnapshot: () => held.shift()?.(),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const at = (seq: number, stream = 'one'): DeltaCursor => ({ stream, seq });

function withCursor(rows: CrossingView[], delta: DeltaCursor): Snapshot {
  return { ...snapshot(rows), delta };
}

function rowsEvent(delta: DeltaCursor, rows: CrossingView[], journalLength: number): StationEvent {
  return { type: 'rows', delta, journalLength, crossings: rows };
}

async function started(initial: Snapshot) {
  const f = fakeStation(initial);
  const store = createChuteStore({ api: f.api, onLink: f.onLink, snapshotLimit: 3 });
  store.getState().start();
  f.link('open');
  await flush();
  return { f, store, shown: () => store.getState().snapshot?.crossings.map((c) => c.tapSeq) };
}

describe('store on the change stream', () => {
  it('puts a new tap on screen from its rows, and skips the change event of the same position', async () => {
    const { f, store, shown } = await started(withCursor([crossing({ tapSeq: 1 })], at(3)));
    const before = f.snapshots();
    f.emit(rowsEvent(at(4), [crossing({ tapSeq: 2, bib: 7 })], 2));
    f.emit({ type: 'changed', journalLength: 2, delta: at(4) });
    await flush();
    expect(shown()).toEqual([2, 1]);
    expect(store.getState().snapshot?.journalLength).toBe(2);
    expect(f.snapshots()).toBe(before);
  });

  it('shows a sync change of a row without a snapshot, and without reloading on the sync event', async () => {
    const { f, store } = await started(withCursor([crossing({ tapSeq: 1, bib: 7 })], at(1)));
    const before = f.snapshots();
    f.emit(rowsEvent(at(2), [crossing({ tapSeq: 1, bib: 7, sync: 'sent' })], 1));
    f.emit({ type: 'sync', sync: { ...snapshot([]).sync, pending: 0, lastSuccessAt: 5 } });
    await flush();
    expect(store.getState().snapshot?.crossings[0]?.sync).toBe('sent');
    expect(f.snapshots()).toBe(before);
  });

  it('reloads the snapshot on a gap in the stream', async () => {
    const { f, shown } = await started(withCursor([crossing({ tapSeq: 1 })], at(1)));
    const before = f.snapshots();
    f.setSnapshot(
      withCursor(
        [1, 2, 3].map((tapSeq) => crossing({ tapSeq })),
        at(3),
      ),
    );
    f.emit(rowsEvent(at(3), [crossing({ tapSeq: 3 })], 3)); // position 2 never arrived
    await flush();
    expect(f.snapshots()).toBe(before + 1);
    expect(shown()).toEqual([3, 2, 1]);
  });

  it('reloads on another stream (a new station file) and on a change it did not get as rows', async () => {
    const { f } = await started(withCursor([crossing({ tapSeq: 1 })], at(1)));
    const before = f.snapshots();
    f.setSnapshot(withCursor([], at(0, 'two')));
    f.emit(rowsEvent(at(2, 'two'), [crossing({ tapSeq: 1 })], 1));
    await flush();
    expect(f.snapshots()).toBe(before + 1);
    f.emit({ type: 'changed', journalLength: 1, delta: at(1, 'two') });
    await flush();
    expect(f.snapshots()).toBe(before + 2);
  });

  it('applies the rows sent while a snapshot was on its way only when they are newer than it', async () => {
    const { f, store, shown } = await started(withCursor([crossing({ tapSeq: 1 })], at(1)));
    f.holdSnapshots(true);
    // The link dropped and came back: a snapshot is asked for; it was taken at position 3.
    f.link('closed');
    f.setSnapshot(
      withCursor(
        [1, 2].map((tapSeq) => crossing({ tapSeq })),
        at(3),
      ),
    );
    f.link('open');
    await flush();
    // Position 3 is already in the snapshot, 4 is after it.
    f.emit(rowsEvent(at(3), [crossing({ tapSeq: 2, sync: 'attention' })], 2));
    f.emit(rowsEvent(at(4), [crossing({ tapSeq: 3 })], 3));
    f.emit({ type: 'changed', journalLength: 3, delta: at(4) });
    const before = f.snapshots();
    f.releaseSnapshot();
    await flush();
    expect(shown()).toEqual([3, 2, 1]);
    expect(store.getState().snapshot?.crossings[1]?.sync).toBe('saved');
    expect(store.getState().snapshot?.journalLength).toBe(3);
    expect(f.snapshots()).toBe(before);
  });

  it('loads another snapshot when a change announced meanwhile is not in the one that came', async () => {
    const { f, shown } = await started(withCursor([crossing({ tapSeq: 1 })], at(1)));
    f.holdSnapshots(true);
    f.link('closed');
    f.link('open');
    await flush();
    f.emit({ type: 'changed', journalLength: 2, delta: at(2) }); // not sent as rows
    f.holdSnapshots(false);
    f.setSnapshot(
      withCursor(
        [1, 2].map((tapSeq) => crossing({ tapSeq })),
        at(2),
      ),
    );
    const before = f.snapshots();
    f.releaseSnapshot(); // still the snapshot of position 1
    await flush();
    await flush();
    expect(f.snapshots()).toBe(before + 1);
    expect(shown()).toEqual([2, 1]);
  });

  it('keeps its window: a full screen lets the oldest row go for a new one', async () => {
    const rows = [1, 2, 3].map((tapSeq) => crossing({ tapSeq }));
    const { f, shown } = await started(withCursor(rows, at(1)));
    f.emit(rowsEvent(at(2), [crossing({ tapSeq: 4 })], 4));
    await flush();
    expect(shown()).toEqual([4, 3, 2]);
  });

  it('takes a new clock estimate as it is, without reloading the rows', async () => {
    const { f, store } = await started(withCursor([crossing({ tapSeq: 1 })], at(1)));
    const before = f.snapshots();
    const clock = { offsetMs: 120, uncertaintyMs: 15, measuredAt: 5, warning: null };
    f.emit({ type: 'clock', clock });
    await flush();
    expect(store.getState().snapshot?.clock).toEqual(clock);
    expect(f.snapshots()).toBe(before);
  });

  it('still reloads on sync moves from a station that sends no positions', async () => {
    const { f } = await started(snapshot([crossing({ tapSeq: 1 })]));
    const before = f.snapshots();
    f.emit({ type: 'sync', sync: { ...snapshot([]).sync, pending: 3 } });
    await flush();
    expect(f.snapshots()).toBe(before + 1);
  });

  it('strikes a crossing voided on another screen from its row, and brings back an undone void', async () => {
    const rows = [1, 2, 3].map((tapSeq) => crossing({ tapSeq, bib: tapSeq + 10 }));
    const { f, store, shown } = await started(withCursor(rows, at(1)));
    const voided = () => store.getState().voidedRows.map((c) => c.tapSeq);
    const before = f.snapshots();
    store.getState().select(2);
    // Tap 2 voided: its row comes struck, with the rows whose place moved.
    f.emit(
      rowsEvent(
        at(2),
        [
          crossing({ tapSeq: 2, bib: 12, voided: true }),
          crossing({ tapSeq: 3, bib: 13, place: 2 }),
        ],
        4,
      ),
    );
    f.emit({ type: 'changed', journalLength: 4, delta: at(2) });
    await flush();
    expect(shown()).toEqual([3, 1]);
    expect(voided()).toEqual([2]);
    expect(store.getState().snapshot?.crossings[0]?.place).toBe(2);
    expect(store.getState().selected).not.toBe(2);
    // The void undone: the crossing is back among the rows, struck no more.
    f.emit(rowsEvent(at(3), [crossing({ tapSeq: 2, bib: 12, place: 2 })], 5));
    await flush();
    expect(shown()).toEqual([3, 2, 1]);
    expect(voided()).toEqual([]);
    expect(f.snapshots()).toBe(before);
  });

  it('keeps a struck row sent while a snapshot was on its way', async () => {
    const rows = [1, 2].map((tapSeq) => crossing({ tapSeq }));
    const { f, store, shown } = await started(withCursor(rows, at(1)));
    f.holdSnapshots(true);
    f.link('closed');
    f.link('open');
    await flush();
    f.emit(rowsEvent(at(2), [crossing({ tapSeq: 1, voided: true })], 3));
    const before = f.snapshots();
    f.releaseSnapshot(); // taken at position 1, before the void
    await flush();
    expect(shown()).toEqual([2]);
    expect(store.getState().voidedRows.map((c) => c.tapSeq)).toEqual([1]);
    expect(f.snapshots()).toBe(before);
  });
});
