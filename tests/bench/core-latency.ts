// Key event to committed journal row, in the core: the time `execute({type:'tap'})` takes on a
// station file already holding a race (command parse, validation, projection step, journal row
// and outbox change in one transaction with synchronous=FULL, i.e. an fsync per tap).
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src-main/db';
import { openStationCore } from '../../src-main/core/station-core';
import { summarize, type Summary } from './stats';
import { READ_BACK_CLEARS_IN } from '../support/outbox-policy';

export interface CoreLatencyResult extends Summary {
  /** Bare one-row commits interleaved with the taps: the disk under the core at the same moments. */
  floor: Summary;
  journalRowsBefore: number;
  failures: number;
  /** Mean CPU time (user + system) per tap: the wall latency without disk or core waits. */
  cpuPerTapMs: number;
}

/** `bibs` are registered runners who have not crossed yet (each tap is a new finish). */
export async function measureCoreTapLatency(
  dbPath: string,
  bibs: readonly number[],
  warmup: number,
  floorPath: string,
): Promise<CoreLatencyResult> {
  const core = openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, backupDir: null });
  const floor = commitFloor(floorPath);
  const floorSamples: number[] = [];
  try {
    const before = core.query({ type: 'snapshot', limit: 1 }).journalLength;
    const samples: number[] = [];
    let failures = 0;
    let cpu = process.cpuUsage();
    bibs.forEach((bib, i) => {
      if (i === warmup) cpu = process.cpuUsage();
      const keyEvent = performance.now();
      const result = core.execute({ type: 'tap', at: Date.now(), bib: String(bib) });
      const committed = performance.now();
      if (!result.ok) failures += 1;
      // The first few taps warm the JIT and SQLite's page cache; they are not the steady state.
      if (i >= warmup) samples.push(committed - keyEvent);
      const f = floor.commitOne(i);
      if (i >= warmup) floorSamples.push(f);
    });
    const used = process.cpuUsage(cpu);
    return {
      ...summarize(samples),
      floor: summarize(floorSamples),
      journalRowsBefore: before,
      failures,
      // Includes the interleaved floor commits' CPU (tiny: a one-row insert).
      cpuPerTapMs: (used.user + used.system) / 1000 / samples.length,
    };
  } finally {
    floor.close();
    await core.close();
  }
}

/**
 * A correction that moves places: voiding an early crossing re-places every later finisher of
 * its event, and each changed place is an outbox write in the same transaction as the row.
 */
export async function measureCoreVoids(
  dbPath: string,
  tapSeqs: readonly number[],
): Promise<Summary & { failures: number }> {
  const core = openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, backupDir: null });
  try {
    const samples: number[] = [];
    let failures = 0;
    for (const tapSeq of tapSeqs) {
      const t0 = performance.now();
      const result = core.execute({ type: 'void', tapSeq });
      samples.push(performance.now() - t0);
      if (!result.ok) failures += 1;
    }
    return { ...summarize(samples), failures };
  } finally {
    await core.close();
  }
}

/**
 * The floor under any commit on this disk: a bare one-row INSERT, one transaction each, with the
 * station's pragmas (WAL, synchronous=FULL). What the core adds is the difference.
 */
function commitFloor(dbPath: string): { commitOne(i: number): number; close(): void } {
  const db = openDatabase(dbPath, { migrations: [] });
  db.exec('CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO floor (payload) VALUES (?)');
  const one = db.transaction((payload: string) => insert.run(payload));
  return {
    commitOne(i) {
      const t0 = performance.now();
      one(`{"kind":"tap","at":${Date.now()},"bib":${i},"unreadable":false}`);
      return performance.now() - t0;
    },
    close: () => db.close(),
  };
}
