// Rebuilding the projection from a journal: the batch `project()`, the cold-start replay
// (`ProjectionState.fromJournal`) and the incremental path live capture uses (one `apply` per
// entry, each returning its outbox changes).
import { performance } from 'node:perf_hooks';
import type { JournalEntry, StationConfig } from '../../src-shared/domain';
import { indexParticipants, project, ProjectionState } from '../../src-main/core/projection';
import type { BenchRace } from './race-fixture';

export interface ProjectionTimes {
  entries: number;
  batchMs: number;
  replayMs: number;
  incrementalMs: number;
  /** incrementalMs / entries: the projection's share of one tap. */
  incrementalPerEntryMs: number;
  wantedFields: number;
  /** Batch and incremental agree on every wanted field (they are property-tested to). */
  agree: boolean;
}

export function measureProjection(
  entries: readonly JournalEntry[],
  race: BenchRace,
  config: StationConfig,
): ProjectionTimes {
  const ctx = { config, participants: indexParticipants(race.participants, config) };

  let t = performance.now();
  const batch = project(entries, ctx);
  const batchMs = performance.now() - t;

  t = performance.now();
  ProjectionState.fromJournal(entries, ctx);
  const replayMs = performance.now() - t;

  t = performance.now();
  const live = new ProjectionState(ctx);
  for (const e of entries) live.apply(e);
  const incrementalMs = performance.now() - t;

  const wanted = live.wanted();
  let agree = wanted.size === batch.wanted.size;
  for (const [k, w] of batch.wanted) {
    if (!agree) break;
    agree = wanted.get(k)?.value === w.value;
  }
  return {
    entries: entries.length,
    batchMs,
    replayMs,
    incrementalMs,
    incrementalPerEntryMs: incrementalMs / entries.length,
    wantedFields: batch.wanted.size,
    agree,
  };
}
