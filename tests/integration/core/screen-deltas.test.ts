// The core's change stream against its own snapshot: a screen that applies every `rows` event
// and reloads only when told (a `changed` it does not hold, a gap) shows exactly the rows a fresh
// snapshot shows, voided crossings (struck) included, after any sequence of commands and sync
// acknowledgements.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Command,
  CrossingView,
  DeltaCursor,
  StationEvent,
} from '../../../src-shared/station-api';
import { changedStep, mergeRows, orderCrossings, rowsStep } from '../../../src-renderer/lib/deltas';
import { T0, harness, ok, type Harness } from './helpers';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(async () => {
  await h.cleanup();
});

const LIMIT = 1000;

/** A screen as the store keeps it, without React: rows (voided ones too), position, reloads counted. */
function screenOn(core: Harness['core']) {
  let rows: CrossingView[] = [];
  let cursor: DeltaCursor | null = null;
  let reloads = 0;
  let applied = 0;
  const reload = () => {
    const snap = core.query({ type: 'snapshot', limit: LIMIT, withVoided: true });
    rows = orderCrossings(snap.crossings);
    cursor = snap.delta ?? null;
    reloads += 1;
  };
  const events: StationEvent[] = [];
  core.subscribe((e) => events.push(e));
  reload();
  return {
    /** Take the events of the last command, as a screen would on its socket. */
    catchUp() {
      for (const e of events.splice(0)) {
        if (e.type === 'rows') {
          const step = rowsStep(cursor, e.delta);
          if (step === 'apply') {
            rows = mergeRows(rows, e.crossings, LIMIT);
            cursor = e.delta;
            applied += 1;
          } else if (step === 'reload') reload();
        } else if (e.type === 'changed' && changedStep(cursor, e.delta) === 'reload') reload();
      }
    },
    rows: () => rows,
    counts: () => ({ reloads, applied }),
  };
}

const truth = (core: Harness['core']) =>
  orderCrossings(core.query({ type: 'snapshot', limit: LIMIT, withVoided: true }).crossings);

describe('the screen fed by the change stream', () => {
  it('gets a live tap, its post and its acknowledgement as rows, with no snapshot', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const screen = screenOn(h.core);
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    screen.catchUp();
    h.core.outbox.acknowledge(h.core.outbox.takePending(10), h.clock.now);
    screen.catchUp();
    expect(screen.counts()).toEqual({ reloads: 1, applied: 3 }); // tap, taken (sending), acknowledged
    expect(screen.rows()).toEqual(truth(h.core));
    expect(screen.rows()[0]).toMatchObject({ bib: 1, place: 1, sync: 'sent' });
  });

  it('reloads for a tap timed before another crossing (places behind it move)', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }));
    const screen = screenOn(h.core);
    ok(h.core.execute({ type: 'tap', at: T0 + 30_000, bib: '2' }));
    screen.catchUp();
    expect(screen.counts().reloads).toBe(2);
    expect(screen.rows().map((r) => [r.bib, r.place])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it('gets a void and its undo as rows: struck, brought back, and the places that moved', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const seqs = ['1', '2', '3'].map(
      (bib, i) => ok(h.core.execute({ type: 'tap', at: T0 + 60_000 + i * 1_000, bib })).seq,
    );
    const extra = ok(h.core.execute({ type: 'tap', at: T0 + 64_000 })).seq; // a time-only extra
    const screen = screenOn(h.core);
    const placeOf = (bib: number) => screen.rows().find((r) => r.bib === bib && !r.voided)?.place;

    ok(h.core.execute({ type: 'void', tapSeq: seqs[0] as number }));
    screen.catchUp();
    expect(screen.rows().find((r) => r.tapSeq === seqs[0])).toMatchObject({ voided: true });
    expect([placeOf(2), placeOf(3)]).toEqual([1, 2]);
    ok(h.core.execute({ type: 'void', tapSeq: extra as number }));
    screen.catchUp();
    ok(h.core.execute({ type: 'undo' })); // the extra's void undone
    ok(h.core.execute({ type: 'undo' })); // bib 1's void undone
    screen.catchUp();
    expect(screen.rows()).toEqual(truth(h.core));
    expect([placeOf(1), placeOf(2), placeOf(3)]).toEqual([1, 2, 3]);
    expect(screen.counts()).toEqual({ reloads: 1, applied: 4 });
  });

  it('reloads for a void while bibs wait for time-only crossings', () => {
    ok(h.core.execute({ type: 'gun', eventId: 101, at: T0 }));
    const tap = ok(h.core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' })).seq;
    ok(h.core.execute({ type: 'order', bib: '2' })); // waits for a time-only crossing
    const screen = screenOn(h.core);
    ok(h.core.execute({ type: 'void', tapSeq: tap as number }));
    screen.catchUp();
    expect(screen.counts().reloads).toBe(2);
    expect(screen.rows()).toEqual(truth(h.core));
  });

  it('equals a fresh snapshot after any commands and acknowledgements (property)', () => {
    const bibs = ['1', '2', '3', '11', '12', '21', '777'];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('tap' as const),
        dt: fc.integer({ min: -40_000, max: 40_000 }),
        bib: fc.option(fc.constantFrom(...bibs), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant('assign' as const),
        back: fc.nat(),
        bib: fc.constantFrom(...bibs),
      }),
      fc.record({ kind: fc.constant('void' as const), back: fc.nat() }),
      fc.record({ kind: fc.constant('undo' as const) }),
      fc.record({ kind: fc.constant('order' as const), bib: fc.constantFrom(...bibs) }),
      fc.record({ kind: fc.constant('gun' as const), eventId: fc.constantFrom(101, 102) }),
      fc.record({ kind: fc.constant('ack' as const), n: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('take' as const), n: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('lost' as const), n: fc.integer({ min: 1, max: 6 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const run = harness();
        try {
          const core = run.core;
          const screen = screenOn(core);
          let at = T0 + 600_000;
          const taps: number[] = [];
          for (const o of ops) {
            const target = () =>
              taps[taps.length - 1 - ((o as { back: number }).back % taps.length)];
            let command: Command | null = null;
            if (o.kind === 'tap') {
              at += o.dt;
              command = { type: 'tap', at, ...(o.bib === undefined ? {} : { bib: o.bib }) };
            } else if (o.kind === 'assign' && taps.length > 0) {
              command = { type: 'assign', tapSeq: target() as number, bib: o.bib };
            } else if (o.kind === 'void' && taps.length > 0) {
              command = { type: 'void', tapSeq: target() as number };
            } else if (o.kind === 'undo') command = { type: 'undo' };
            else if (o.kind === 'order') command = { type: 'order', bib: o.bib };
            else if (o.kind === 'gun') command = { type: 'gun', eventId: o.eventId, at: T0 };
            else if (o.kind === 'ack') {
              core.outbox.acknowledge(core.outbox.takePending(o.n), run.clock.now);
            } else if (o.kind === 'take') {
              core.outbox.takePending(o.n); // posted, no answer yet: sending
            } else if (o.kind === 'lost') {
              core.outbox.markUncertain(core.outbox.takePending(o.n), run.clock.now);
            }
            if (command) {
              const result = core.execute(command);
              if (result.ok && command.type === 'tap' && result.seq !== null) {
                taps.push(result.seq);
              }
            }
            screen.catchUp();
            expect(screen.rows()).toEqual(truth(core));
          }
        } finally {
          void run.cleanup();
        }
      }),
      { numRuns: 30 },
    );
  });
});
