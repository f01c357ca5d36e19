// End to end through the core: any sequence of commands (valid or not), syncs that succeed, lose
// their answer or are rejected, and a restart. Afterwards RunSignup (a map) must show exactly what
// the batch projection of the journal says, and the reopened core the same snapshot.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src-shared/station-api';
import { createJournalStore } from '../../../src-main/core/journal-store';
import { indexParticipants, project } from '../../../src-main/core/projection';
import type { OutboxRow } from '../../../src-main/sync/ports';
import { PARTICIPANTS, T0, harness } from './helpers';

const BIBS = ['1', '2', '3', '11', '12', '21', '777'];

type Op =
  | { t: 'cmd'; make: (taps: number[]) => Command }
  | { t: 'sync'; limit: number; outcome: 'ack' | 'lost' | 'reject' }
  | { t: 'retry' };

const pick = (taps: number[], i: number) => taps[i % Math.max(1, taps.length)] ?? 1;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        bib: fc.option(fc.constantFrom(...BIBS)),
        dt: fc.integer({ min: 1, max: 3_000_000 }),
      })
      .map(({ bib, dt }) => ({
        t: 'cmd' as const,
        make: () => ({ type: 'tap', at: T0 + dt, ...(bib === null ? {} : { bib }) }) as Command,
      })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ i: fc.nat(), bib: fc.option(fc.constantFrom(...BIBS)) })
      .map(({ i, bib }) => ({
        t: 'cmd' as const,
        make: (taps: number[]) => ({ type: 'assign', tapSeq: pick(taps, i), bib }) as Command,
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ i: fc.nat(), dt: fc.integer({ min: 1, max: 3_000_000 }) })
      .map(({ i, dt }) => ({
        t: 'cmd' as const,
        make: (taps: number[]) =>
          ({ type: 'adjust', tapSeq: pick(taps, i), at: T0 + dt }) as Command,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.nat().map((i) => ({
      t: 'cmd' as const,
      make: (taps: number[]) => ({ type: 'void', tapSeq: pick(taps, i) }) as Command,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        bib: fc.constantFrom(...BIBS),
        status: fc.constantFrom('DNF' as const, 'DQ' as const, null),
      })
      .map(({ bib, status }) => ({
        t: 'cmd' as const,
        make: () => ({ type: 'status', bib, status }) as Command,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...BIBS).map((bib) => ({
      t: 'cmd' as const,
      make: () => ({ type: 'clear', bib }) as Command,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ ev: fc.constantFrom(101, 102), dt: fc.integer({ min: 0, max: 600_000 }) })
      .map(({ ev, dt }) => ({
        t: 'cmd' as const,
        make: () => ({ type: 'gun', eventId: ev, at: T0 + dt }) as Command,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: -2_000, max: 2_000 }).map((ms) => ({
      t: 'cmd' as const,
      make: () => ({ type: 'offset', ms }) as Command,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({ t: 'cmd' as const, make: () => ({ type: 'undo' }) as Command }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('sync' as const),
      limit: fc.integer({ min: 1, max: 5 }),
      outcome: fc.constantFrom('ack' as const, 'lost' as const, 'reject' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'retry' as const }) },
);

const serverKey = (r: { resultSetId: number; bib: number; field: string }) =>
  `${r.resultSetId}|${r.bib}|${r.field}`;

describe('station core: properties', () => {
  it('RunSignup converges to the projection of the journal; a restart changes nothing', async () => {
    // Guard against a vacuous run: commands must mostly land and real values reach RunSignup.
    const seen = { ok: 0, refused: 0, postedValues: 0, clears: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const h = harness();
        try {
          const server = new Map<string, string>();
          const post = (rows: OutboxRow[]) =>
            rows.forEach((r) => server.set(serverKey(r), r.value));
          const taps: number[] = [];
          for (const op of ops) {
            if (op.t === 'cmd') {
              const cmd = op.make(taps);
              const before = h.core.query({ type: 'snapshot' }).journalLength;
              const r = h.core.execute(cmd);
              const after = h.core.query({ type: 'snapshot' }).journalLength;
              expect(after).toBe(r.ok ? before + 1 : before);
              if (r.ok && cmd.type === 'tap' && r.seq !== null) taps.push(r.seq);
              if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
              seen[r.ok ? 'ok' : 'refused'] += 1;
            } else if (op.t === 'sync') {
              const rows = h.core.outbox.takePending(op.limit);
              if (op.outcome === 'reject' && rows[0])
                h.core.outbox.markAttention(rows[0], 'rejected');
              else {
                post(rows);
                if (op.outcome === 'ack') h.core.outbox.acknowledge(rows, h.clock.now);
              }
            } else {
              h.core.execute({ type: 'retry' });
            }
          }

          const snapshot = h.core.query({ type: 'snapshot' });
          const core = await h.reopen();
          expect(core.query({ type: 'snapshot' })).toEqual(snapshot);

          core.outbox.retryAttention();
          for (let guard = 0; guard < 200; guard++) {
            const rows = core.outbox.takePending(7);
            if (rows.length === 0) break;
            post(rows);
            core.outbox.acknowledge(rows, h.clock.now);
          }
          expect(core.outbox.counts()).toEqual({ pending: 0, attention: 0 });

          // The reference: the batch projection of the journal as stored.
          const reader = new Database(h.dbPath, { readonly: true });
          const entries = createJournalStore(reader).all();
          reader.close();
          const config = core.config()!;
          const truth = project(entries, {
            config,
            participants: indexParticipants(PARTICIPANTS, config),
          });
          const wanted = new Map<string, string>();
          for (const f of truth.wanted.values()) wanted.set(serverKey(f.key), f.value);
          for (const [k, v] of wanted) expect(server.get(k), k).toBe(v);
          for (const [k, v] of server) if (!wanted.has(k)) expect(v, k).toBe('X');
          for (const v of server.values()) seen[v === 'X' ? 'clears' : 'postedValues'] += 1;
        } finally {
          await h.cleanup();
        }
      }),
      { numRuns: 25 },
    );
    expect(seen.ok).toBeGreaterThan(40);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.postedValues).toBeGreaterThan(5);
    expect(seen.clears).toBeGreaterThan(0);
  });
});
