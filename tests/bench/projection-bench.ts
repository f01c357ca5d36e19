// Rebuilding the projection from a journal: the batch `project()`, the cold-start replay
// (`ProjectionState.fromJournal`), and the incremental path live capture uses: one `apply` per
// entry on a projection already holding the rest of the journal, timed per entry kind (a tap
// appends; a correction of an early crossing re-places every later finisher of its event).
import { performance } from 'node:perf_hooks';
import type { JournalEntry, StationConfig } from '../../src-shared/domain';
import { indexParticipants, project, ProjectionState } from '../../src-main/core/projection';
import type { BenchRace } from './race-fixture';
import { summarize, type Summary } from './stats';

export interface KindCost extends Summary {
  /** Mean wanted-field changes per entry (each becomes an outbox write in the core). */
  changesPerEntry: number;
}

export interface ProjectionTimes {
  entries: number;
  batchMs: number;
  replayMs: number;
  /** Entries applied one by one at the end of the journal. */
  incrementalEntries: number;
  incrementalMs: number;
  byKind: Record<string, KindCost>;
  wantedFields: number;
  /** Batch and incremental agree on every wanted field (they are property-tested to). */
  agree: boolean;
}

function kindOf(e: JournalEntry): string {
  const p = e.payload;
  if (p.kind !== 'tap') return p.kind;
  return p.bib === null ? 'tap (no bib)' : 'tap (bib)';
}

export function measureProjection(
  entries: readonly JournalEntry[],
  race: BenchRace,
  config: StationConfig,
  incrementalTail: number,
): ProjectionTimes {
  const ctx = { config, participants: indexParticipants(race.participants, config) };

  let t = performance.now();
  const batch = project(entries, ctx);
  const batchMs = performance.now() - t;

  t = performance.now();
  ProjectionState.fromJournal(entries, ctx);
  const replayMs = performance.now() - t;

  const split = Math.max(0, entries.length - incrementalTail);
  const live = ProjectionState.fromJournal(entries.slice(0, split), ctx);
  const costs = new Map<string, { ms: number[]; changes: number }>();
  t = performance.now();
  for (const e of entries.slice(split)) {
    const t0 = performance.now();
    const changes = live.apply(e);
    const ms = performance.now() - t0;
    const c = costs.get(kindOf(e)) ?? { ms: [], changes: 0 };
    c.ms.push(ms);
    c.changes += changes.length;
    costs.set(kindOf(e), c);
  }
  const incrementalMs = performance.now() - t;

  const wanted = live.wanted();
  let agree = wanted.size === batch.wanted.size;
  for (const [k, w] of batch.wanted) {
    if (!agree) break;
    agree = wanted.get(k)?.value === w.value;
  }
  const byKind: Record<string, KindCost> = {};
  for (const [kind, c] of costs) {
    byKind[kind] = { ...summarize(c.ms), changesPerEntry: c.changes / c.ms.length };
  }
  return {
    entries: entries.length,
    batchMs,
    replayMs,
    incrementalEntries: entries.length - split,
    incrementalMs,
    byKind,
    wantedFields: batch.wanted.size,
    agree,
  };
}
