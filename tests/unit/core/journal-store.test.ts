import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { JournalPayload } from '../../../src-shared/domain';
import { createJournalStore, decodePayload } from '../../../src-main/core/store/journal-store';
import { migrate } from '../../../src-main/db';

const fresh = () => {
  const db = new Database(':memory:');
  migrate(db);
  return db;
};

const EVERY_KIND: JournalPayload[] = [
  { kind: 'tap', at: 1_000, bib: 12, unreadable: false },
  { kind: 'tap', at: 1_001, bib: null, unreadable: true },
  { kind: 'assign', tapSeq: 1, bib: null },
  { kind: 'adjust', tapSeq: 1, at: 999 },
  { kind: 'void', tapSeq: 2 },
  { kind: 'status', bib: 12, status: 'DNF' },
  { kind: 'status', bib: 12, status: null },
  { kind: 'clear', bib: 12 },
  { kind: 'gun', eventId: 4, at: 0 },
  { kind: 'offset', ms: -40 },
  { kind: 'undo', targetSeq: 3 },
  { kind: 'gun', eventId: 4, at: 5, source: 'runsignup' },
  { kind: 'gun', eventId: 4, at: 6, source: 'local' },
  { kind: 'shift', fromTapSeq: 1, toTapSeq: 2, direction: 'later' },
  { kind: 'shift', fromTapSeq: 1, toTapSeq: 2, direction: 'earlier' },
  { kind: 'order', bib: 12 },
];

// Every kind of the contract must be in EVERY_KIND: the compiler checks this list is complete,
// the test below checks EVERY_KIND covers it (a new kind the store forgets fails here).
const ALL_KINDS: Record<JournalPayload['kind'], true> = {
  tap: true,
  assign: true,
  adjust: true,
  void: true,
  status: true,
  clear: true,
  gun: true,
  offset: true,
  undo: true,
  shift: true,
  order: true,
};

describe('journal store', () => {
  it('round-trips every kind, in seq order, with the station id made once', () => {
    const db = fresh();
    const store = createJournalStore(db);
    EVERY_KIND.forEach((p, i) => expect(store.append(p, 5_000 + i)).toBe(i + 1));
    expect(store.all().map((e) => e.payload)).toEqual(EVERY_KIND);
    expect(store.all().every((e) => e.stationId === store.stationId)).toBe(true);
    expect(store.count()).toBe(EVERY_KIND.length);
    expect(store.lastSeq()).toBe(EVERY_KIND.length);
    expect(store.get(6)).toEqual({
      seq: 6,
      stationId: store.stationId,
      recordedAt: 5_005,
      payload: EVERY_KIND[5],
    });
    expect(store.get(99)).toBeNull();
    const n = EVERY_KIND.length;
    expect(store.page(3).map((e) => e.seq)).toEqual([n, n - 1, n - 2]);
    expect(store.page(3, 9).map((e) => e.seq)).toEqual([8, 7, 6]);
    expect(createJournalStore(db).stationId).toBe(store.stationId);
    db.close();
  });

  it('refuses a stored row that is not what the station wrote, naming the row', () => {
    const db = fresh();
    const store = createJournalStore(db);
    store.append({ kind: 'offset', ms: 1 }, 1);
    db.prepare(
      `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES ('s', 2, 'tap', '{"kind":"tap","at":"soon"}')`,
    ).run();
    expect(() => store.all()).toThrow('Journal row 2 (tap) does not have the expected shape');
    db.close();
  });

  it('a row written by another station keeps its station id on the cold-start read', () => {
    const db = fresh();
    const store = createJournalStore(db);
    store.append({ kind: 'offset', ms: 1 }, 1);
    db.prepare(
      `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES ('other', 2, 'clear', '{"kind":"clear","bib":4}')`,
    ).run();
    expect(store.all().map((e) => e.stationId)).toEqual([store.stationId, 'other']);
    db.close();
  });

  it('reads a journal of several pages whole and in order, and the replay read agrees', () => {
    const db = fresh();
    const store = createJournalStore(db);
    const rows = 12_345;
    db.transaction(() => {
      for (let i = 0; i < rows; i++) store.append(EVERY_KIND[i % EVERY_KIND.length]!, 10_000 + i);
    })();
    db.prepare(
      `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES ('other', 2, 'clear', '{"kind":"clear","bib":4}')`,
    ).run();
    const all = store.all();
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: rows + 1 }, (_, i) => i + 1));
    expect(all[rows - 1]).toEqual({
      seq: rows,
      stationId: store.stationId,
      recordedAt: 10_000 + rows - 1,
      payload: EVERY_KIND[(rows - 1) % EVERY_KIND.length],
    });
    expect(all[rows]!.stationId).toBe('other');
    expect(store.replayItems().map((i) => ({ seq: i.seq, payload: i.payload }))).toEqual(
      all.map((e) => ({ seq: e.seq, payload: e.payload })),
    );
    db.close();
  });

  it('an empty journal reads as no entries', () => {
    const store = createJournalStore(fresh());
    expect(store.all()).toEqual([]);
    expect(store.replayItems()).toEqual([]);
  });

  it('the samples cover every journal kind of the contract', () => {
    expect(new Set(EVERY_KIND.map((p) => p.kind))).toEqual(new Set(Object.keys(ALL_KINDS)));
  });

  it('refuses a bad gun source, shift direction or order bib', () => {
    expect(() => decodePayload('gun', '{"kind":"gun","eventId":1,"at":2,"source":"x"}', 1)).toThrow(
      /shape/,
    );
    expect(() =>
      decodePayload('shift', '{"kind":"shift","fromTapSeq":1,"toTapSeq":2,"direction":"up"}', 1),
    ).toThrow(/shape/);
    expect(() => decodePayload('order', '{"kind":"order","bib":"7"}', 1)).toThrow(/shape/);
  });

  it('decodePayload checks kind agreement and every field type', () => {
    expect(() => decodePayload('tap', '{"kind":"gun","eventId":1,"at":2}', 7)).toThrow(/row 7/);
    expect(() => decodePayload('undo', '{"kind":"undo","targetSeq":1.5}', 1)).toThrow(/shape/);
    expect(() => decodePayload('nope', '{"kind":"nope"}', 1)).toThrow(/shape/);
    expect(() => decodePayload('tap', 'not json', 3)).toThrow('Journal row 3 is not valid JSON');
    expect(() => decodePayload('tap', 'null', 3)).toThrow(/shape/);
    expect(decodePayload('void', '{"kind":"void","tapSeq":4}', 5)).toEqual({
      kind: 'void',
      tapSeq: 4,
    });
  });
});
