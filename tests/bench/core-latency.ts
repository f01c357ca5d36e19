// Key event to committed journal row, in the core: the time `execute({type:'tap'})` takes on a
// station file already holding a race (command parse, validation, projection step, journal row
// and outbox change in one transaction with synchronous=FULL, i.e. an fsync per tap).
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src-main/db';
import { openStationCore } from '../../src-main/core/station-core';
import { summarize, type Summary } from './stats';

export interface CoreLatencyResult extends Summary {
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
): Promise<CoreLatencyResult> {
  const core = openStationCore({ dbPath, backupDir: null });
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
    });
    const used = process.cpuUsage(cpu);
    return {
      ...summarize(samples),
      journalRowsBefore: before,
      failures,
      cpuPerTapMs: (used.user + used.system) / 1000 / samples.length,
    };
  } finally {
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
  const core = openStationCore({ dbPath, backupDir: null });
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
export function measureCommitFloor(dbPath: string, count: number, warmup: number): Summary {
  const db = openDatabase(dbPath, { migrations: [] });
  try {
    db.exec('CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO floor (payload) VALUES (?)');
    const one = db.transaction((payload: string) => insert.run(payload));
    const samples: number[] = [];
    for (let i = 0; i < count + warmup; i++) {
      const t0 = performance.now();
      one(`{"kind":"tap","at":${Date.now()},"bib":${i},"unreadable":false}`);
      const t1 = performance.now();
      if (i >= warmup) samples.push(t1 - t0);
    }
    return summarize(samples);
  } finally {
    db.close();
  }
}
