// The runner counts the status bar shows are kept from the runners whose rows changed; they must
// always equal a grouping of the whole outbox, whatever wrote the rows.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOutboxStore, type OutboxStore } from '../../../src-main/core/store/outbox-store';
import { countRunnersFully, outboxTargetsFully } from '../../../src-main/core/store/outbox-audit';
import { migrate } from '../../../src-main/db';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

const SETS = [
  { eventId: 70, resultSetId: 7 },
  { eventId: 80, resultSetId: 8 },
];

type Op =
  | { kind: 'change'; set: number; bib: number; field: string; value: string | null }
  | { kind: 'take'; limit: number; ack: boolean; uncertain: boolean }
  | { kind: 'attention' }
  | { kind: 'retry' }
  | { kind: 'forget' }
  | { kind: 'scope'; only: number | null }
  | { kind: 'rolledBack'; bib: number }
  | { kind: 'dropSet'; set: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('change' as const),
      set: fc.integer({ min: 0, max: 1 }),
      bib: fc.integer({ min: 1, max: 6 }),
      field: fc.constantFrom('clock_time', 'place'),
      value: fc.option(fc.constantFrom('0:20:01.0', '0:21:00.0', 'DNF', 'X', '3'), {
        nil: null,
      }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('take' as const),
      limit: fc.integer({ min: 1, max: 5 }),
      ack: fc.boolean(),
      uncertain: fc.boolean(),
    }),
  },
  fc.constant({ kind: 'attention' as const }),
  fc.constant({ kind: 'retry' as const }),
  fc.constant({ kind: 'forget' as const }),
  fc.record({
    kind: fc.constant('scope' as const),
    only: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('rolledBack' as const), bib: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('dropSet' as const), set: fc.integer({ min: 0, max: 1 }) }),
);

function run(db: Database.Database, store: OutboxStore, o: Op, at: number): void {
  switch (o.kind) {
    case 'change':
      store.applyChanges([{ ...SETS[o.set]!, bib: o.bib, field: o.field, value: o.value }], at);
      return;
    case 'take': {
      const rows = store.takePending(o.limit);
      if (o.uncertain) store.markUncertain(rows, at);
      if (o.ack) store.acknowledge(rows, at);
      return;
    }
    case 'attention': {
      const [row] = store.takePending(1);
      if (row) store.markAttention(row, 'refused');
      return;
    }
    case 'retry':
      store.retryAttention();
      return;
    case 'forget':
      store.forgetAcknowledgements();
      return;
    case 'scope':
      store.setScope(o.only === null ? null : [SETS[o.only]!]);
      return;
    case 'dropSet':
      // Whatever removes rows (not only the store's own statements) is seen.
      db.prepare('DELETE FROM outbox WHERE result_set_id = ?').run(SETS[o.set]!.resultSetId);
      return;
    case 'rolledBack':
      // Counted inside a transaction that then rolls back: nothing it saw may stay counted.
      expect(() =>
        db.transaction(() => {
          store.applyChanges(
            [{ ...SETS[0]!, bib: o.bib, field: 'clock_time', value: '9:00:00.0' }],
            at,
          );
          store.runnerCounts();
          throw new Error('rolled back');
        })(),
      ).toThrow('rolled back');
      return;
  }
}

const scopeOf = (o: Op | undefined, was: string | null): string | null => {
  if (o?.kind !== 'scope') return was;
  return o.only === null
    ? null
    : JSON.stringify([`${SETS[o.only]!.eventId}:${SETS[o.only]!.resultSetId}`]);
};

describe('runner counts and audited result sets', () => {
  it('always equal a grouping of the whole outbox, after any writes', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (ops, askAt) => {
          const db = new Database(':memory:');
          migrate(db);
          const store = createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN });
          let scope: string | null = null;
          ops.forEach((o, i) => {
            run(db, store, o, i + 1);
            scope = scopeOf(o, scope);
            // Counts asked at some moments only, so several changes gather between two asks.
            if (askAt[i] ?? true) {
              expect(store.runnerCounts()).toEqual(countRunnersFully(db, scope));
              expect(store.auditTargets()).toEqual(outboxTargetsFully(db, scope));
            }
          });
          expect(store.runnerCounts()).toEqual(countRunnersFully(db, scope));
          expect(store.auditTargets()).toEqual(outboxTargetsFully(db, scope));
          db.close();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('two stores on one connection both count right', () => {
    const db = new Database(':memory:');
    migrate(db);
    const a = createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN });
    const b = createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN });
    a.applyChanges([{ ...SETS[0]!, bib: 1, field: 'clock_time', value: '0:20:00.0' }], 1);
    expect(a.runnerCounts()).toMatchObject({ saved: 1 });
    b.applyChanges([{ ...SETS[0]!, bib: 2, field: 'clock_time', value: '0:20:00.0' }], 2);
    expect(b.runnerCounts()).toMatchObject({ saved: 2 });
    expect(a.runnerCounts()).toMatchObject({ saved: 2 });
    db.close();
  });
});
