import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createOutboxStore,
  type OutboxChange,
  type OutboxStore,
} from '../../../src-main/core/store/outbox-store';
import { migrate } from '../../../src-main/db';
import type { OutboxRow } from '../../../src-main/sync/ports';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

function freshStore(): { db: Database.Database; store: OutboxStore } {
  // In-memory is fine here: these tests are about the outbox's rules, not durability.
  const db = new Database(':memory:');
  migrate(db);
  return { db, store: createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN }) };
}

const key = (bib: number, field = 'clock_time', resultSetId = 7, eventId = 70) => ({
  resultSetId,
  eventId,
  bib,
  field,
});
const change = (bib: number, value: string | null, field = 'clock_time'): OutboxChange => ({
  ...key(bib, field),
  value,
});

describe('outbox store: rules', () => {
  it('three offline edits leave one pending row with the latest value', () => {
    const { store } = freshStore();
    store.applyChanges([change(5, '0:20:01.1')], 1);
    store.applyChanges([change(5, '0:20:02.1')], 2);
    store.applyChanges([change(5, '0:20:03.1')], 3);
    const rows = store.takePending(100);
    expect(rows).toEqual([{ ...key(5), value: '0:20:03.1', version: 3 }]);
    expect(store.counts()).toEqual({ pending: 1, attention: 0 });
  });

  it('an ack of an older version never overwrites a newer wanted value', () => {
    const { store } = freshStore();
    store.applyChanges([change(5, 'A')], 1);
    const [first] = store.takePending(10);
    store.applyChanges([change(5, 'B')], 2);
    store.acknowledge([first!], 3);
    expect(store.takePending(10)).toEqual([{ ...key(5), value: 'B', version: 2 }]);
    const st = store.fieldState(key(5))!;
    expect(st).toMatchObject({
      wantedValue: 'B',
      wantedVersion: 2,
      ackedValue: 'A',
      ackedVersion: 1,
    });
  });

  it('withdrawing a field never acknowledged and never taken sends nothing', () => {
    const { store } = freshStore();
    store.applyChanges([change(5, 'A')], 1);
    store.applyChanges([change(5, null)], 2);
    expect(store.takePending(10)).toEqual([]);
    store.applyChanges([change(6, null)], 3);
    expect(store.fieldState(key(6))).toBeNull();
  });

  it('withdrawing an acknowledged value sends "X"', () => {
    const { store } = freshStore();
    store.applyChanges([change(5, 'A')], 1);
    store.acknowledge(store.takePending(10), 2);
    store.applyChanges([change(5, null)], 3);
    expect(store.takePending(10)).toEqual([{ ...key(5), value: 'X', version: 2 }]);
  });

  it('withdrawing a value handed to the sync loop but not yet acknowledged sends "X"', () => {
    const { store } = freshStore();
    store.applyChanges([change(5, 'A')], 1);
    const taken = store.takePending(10);
    store.applyChanges([change(5, null)], 2);
    store.acknowledge(taken, 3); // the post landed after all
    expect(store.takePending(10)).toEqual([{ ...key(5), value: 'X', version: 2 }]);
  });

  it('attention parks a row at its version; a new value or retry lifts it', () => {
    const { store } = freshStore();
    store.applyChanges([change(5, 'A'), change(6, 'A')], 1);
    const rows = store.takePending(10);
    store.markAttention(rows[0]!, 'bib number invalid');
    expect(store.counts()).toEqual({ pending: 1, attention: 1 });
    expect(store.takePending(10).map((r) => r.bib)).toEqual([6]);
    expect(store.fieldState(key(5))?.attentionReason).toBe('bib number invalid');
    expect(store.retryAttention()).toBe(1);
    expect(store.counts()).toEqual({ pending: 2, attention: 0 });
    store.markAttention(store.takePending(10)[0]!, 'again');
    store.applyChanges([change(5, 'B')], 2);
    expect(store.counts()).toEqual({ pending: 2, attention: 0 });
  });

  it('attention for an outdated version is ignored', () => {
    const { store } = freshStore();
    store.applyChanges([change(5, 'A')], 1);
    const [old] = store.takePending(10);
    store.applyChanges([change(5, 'B')], 2);
    store.markAttention(old!, 'stale');
    expect(store.counts()).toEqual({ pending: 1, attention: 0 });
  });

  it('takePending returns rows of one (eventId, resultSetId), oldest first', () => {
    const { store } = freshStore();
    store.applyChanges([{ ...key(1, 'clock_time', 8, 80), value: 'A' }], 1);
    store.applyChanges([change(3, 'A')], 2);
    store.applyChanges([change(2, 'A')], 3);
    store.applyChanges([{ ...key(4, 'clock_time', 8, 80), value: 'A' }], 4);
    const first = store.takePending(10);
    expect(first.map((r) => [r.resultSetId, r.bib])).toEqual([
      [8, 1],
      [8, 4],
    ]);
    store.acknowledge(first, 5);
    expect(store.takePending(1).map((r) => r.bib)).toEqual([3]);
    expect(store.takePending(0)).toEqual([]);
  });

  it('refuses a blank value: a blank never means clear', () => {
    const { store } = freshStore();
    expect(() => store.applyChanges([change(5, '')], 1)).toThrow(/blank value is never sent/);
  });

  it('re-sending an unchanged value keeps the acknowledgement', () => {
    const { store } = freshStore();
    store.applyChanges([change(5, 'A')], 1);
    store.acknowledge(store.takePending(10), 2);
    store.applyChanges([change(5, 'A')], 3);
    expect(store.counts().pending).toBe(0);
  });
});

// ---- property tests: a model of RunSignup and the station's truth ----------------------------

const BIBS = [1, 2, 3];
const FIELDS = ['clock_time', 'split-5'];
const SETS = [
  { resultSetId: 1, eventId: 10 },
  { resultSetId: 2, eventId: 20 },
];
const VALUES = ['0:10.0', '0:11.0', 'DNF', null] as const;

type Op =
  | { t: 'change'; set: number; bib: number; field: string; value: string | null }
  | { t: 'sync'; limit: number; outcome: 'ack' | 'lost-ack' | 'not-applied' | 'reject-first' }
  | { t: 'stale-ack'; index: number }
  | { t: 'retry' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('change' as const),
      set: fc.integer({ min: 0, max: SETS.length - 1 }),
      bib: fc.constantFrom(...BIBS),
      field: fc.constantFrom(...FIELDS),
      value: fc.constantFrom(...VALUES),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('sync' as const),
      limit: fc.integer({ min: 1, max: 4 }),
      outcome: fc.constantFrom(
        'ack' as const,
        'lost-ack' as const,
        'not-applied' as const,
        'reject-first' as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('stale-ack' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('retry' as const) }) },
);

const k = (rs: number, bib: number, field: string) => `${rs}|${bib}|${field}`;

function pendingKeys(store: OutboxStore): Set<string> {
  const out = new Set<string>();
  for (const [key, s] of store.allStates()) {
    const parked = s.attentionVersion === s.wantedVersion;
    if (s.wantedValue !== null && s.wantedVersion > s.ackedVersion && !parked) out.add(key);
  }
  return out;
}

describe('outbox store: properties', () => {
  it('pending = wanted but unacknowledged; old acks never regress; it converges to the truth', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { db, store } = freshStore();
        const truth = new Map<string, string | null>(); // what the timer's journal says
        const server = new Map<string, string>(); // what RunSignup shows
        const taken: OutboxRow[] = []; // rows RunSignup saved: a late (stale) ack may still come
        let clock = 0;
        const post = (rows: OutboxRow[]) => {
          for (const r of rows) {
            expect(r.value).not.toBe('');
            server.set(k(r.resultSetId, r.bib, r.field), r.value);
          }
        };
        for (const op of ops) {
          clock += 1;
          if (op.t === 'change') {
            const s = SETS[op.set]!;
            store.applyChanges([{ ...s, bib: op.bib, field: op.field, value: op.value }], clock);
            truth.set(k(s.resultSetId, op.bib, op.field), op.value);
          } else if (op.t === 'sync') {
            const rows = store.takePending(op.limit);
            expect(rows.length).toBeLessThanOrEqual(op.limit);
            expect(
              new Set(rows.map((r) => `${r.eventId}/${r.resultSetId}`)).size,
            ).toBeLessThanOrEqual(1);
            if (op.outcome === 'ack') {
              post(rows);
              taken.push(...rows);
              store.acknowledge(rows, clock);
            } else if (op.outcome === 'lost-ack') {
              post(rows); // RunSignup saved it; the response never arrived
              taken.push(...rows);
            } else if (op.outcome === 'reject-first' && rows[0]) {
              store.markAttention(rows[0], 'rejected');
            }
          } else if (op.t === 'stale-ack') {
            if (taken.length === 0) continue;
            const old = taken[op.index % taken.length]!;
            const before = store.fieldState(old)!;
            store.acknowledge([old], clock);
            const after = store.fieldState(old)!;
            // An old ack may advance the ack, never move it back or touch the wanted value.
            expect(after.ackedVersion).toBeGreaterThanOrEqual(before.ackedVersion);
            expect(after.wantedVersion).toBe(before.wantedVersion);
            expect(after.wantedValue).toBe(before.wantedValue);
          } else {
            store.retryAttention();
          }

          // Invariant: the pending set is exactly the wanted-but-unacknowledged, unparked set,
          // and every wanted value matches the truth (or "X" standing for a withdrawn value).
          const pend = pendingKeys(store);
          expect(store.counts().pending).toBe(pend.size);
          for (const [key, s] of store.allStates()) {
            const want = truth.get(key) ?? null;
            if (want !== null) expect(s.wantedValue).toBe(want);
            else expect([null, 'X']).toContain(s.wantedValue);
            const parked = s.attentionVersion === s.wantedVersion;
            const acked = s.ackedVersion === s.wantedVersion;
            expect(pend.has(key)).toBe(s.wantedValue !== null && !acked && !parked);
          }
        }

        // Drain with a healthy RunSignup: the server ends at the truth.
        store.retryAttention();
        for (let guard = 0; guard < 100; guard++) {
          const rows = store.takePending(3);
          if (rows.length === 0) break;
          post(rows);
          store.acknowledge(rows, ++clock);
        }
        expect(store.counts()).toEqual({ pending: 0, attention: 0 });
        for (const [key, want] of truth) {
          const shown = server.get(key);
          if (want !== null) expect(shown).toBe(want);
          else expect([undefined, 'X']).toContain(shown);
        }
        db.close();
      }),
      { numRuns: 200 },
    );
  });
});

describe('outbox store: set-based writes', () => {
  const rowsOf = (db: Database.Database) =>
    db
      .prepare(
        `SELECT result_set_id, bib, field, event_id, wanted_value, wanted_version, acked_value,
           acked_version, maybe_posted, verify_version FROM outbox ORDER BY result_set_id, bib, field`,
      )
      .all();

  it('a big batch of changes (set-based) leaves the outbox exactly as one change at a time', () => {
    const value = fc.constantFrom<string | null>(null, null, 'A', 'B', 'X');
    // Each step: a batch over 40 bibs (above the set-based threshold), then a take and an ack.
    const step = fc.record({
      values: fc.array(value, { minLength: 40, maxLength: 40 }),
      take: fc.integer({ min: 0, max: 50 }),
      ack: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (steps) => {
        const a = freshStore();
        const b = freshStore();
        steps.forEach((s, i) => {
          const changes = s.values.map((v, bib) => change(bib + 1, v));
          a.store.applyChanges(changes, i);
          for (const c of changes) b.store.applyChanges([c], i);
          const ta = a.store.takePending(s.take);
          const tb = b.store.takePending(s.take);
          expect(ta).toEqual(tb);
          if (s.ack) {
            a.store.acknowledge(ta, i);
            b.store.acknowledge(tb, i);
          }
        });
        expect(rowsOf(a.db)).toEqual(rowsOf(b.db));
        // The set-based path really ran (more than the threshold changed at once).
        expect(steps[0]!.values.length).toBeGreaterThan(32);
      }),
      { numRuns: 60 },
    );
  });

  it('a big batch refuses a blank and writes nothing', () => {
    const { db, store } = freshStore();
    const changes = Array.from({ length: 40 }, (_, i) => change(i + 1, i === 39 ? '' : 'A'));
    expect(() => store.applyChanges(changes, 1)).toThrow(/blank/);
    expect(rowsOf(db)).toEqual([]);
  });

  it('acknowledge takes a whole batch in one statement and keeps the newest of two acks', () => {
    const { store } = freshStore();
    store.applyChanges([change(1, 'A')], 1);
    const [v1] = store.takePending(10);
    store.applyChanges([change(1, 'B')], 2);
    const [v2] = store.takePending(10);
    store.acknowledge([v2!, v1!], 3);
    expect(store.fieldState(key(1))).toMatchObject({ ackedValue: 'B', ackedVersion: 2 });
    expect(store.counts().pending).toBe(0);
  });
});
