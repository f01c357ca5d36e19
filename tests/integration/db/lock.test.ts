// One process per station database, refused with a sentence, never left stale.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, StationLockedError } from '../../../src-main/db';
import { LOCK_WAIT_MS } from '../../../src-main/db/open';
import { openStationCore } from '../../../src-main/core/station-core';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

let dir: string;
let child: ChildProcess | null = null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chute-lock-'));
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = null;
  rmSync(dir, { recursive: true, force: true });
});

const REFUSAL = /^Chute is already running on this station's data \(.*station\.db\)/;

/** Start a child that holds the file; resolves once it has it. */
function holdInChild(path: string, releaseAfterMs?: number): Promise<ChildProcess> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, 'lock-child.ts'),
      path,
      ...(releaseAfterMs === undefined ? [] : [String(releaseAfterMs)]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = proc;
  return new Promise((resolve, reject) => {
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('open')) resolve(proc);
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}): ${err}`)));
  });
}

describe('station lock', () => {
  it('a second open in the same process is refused with a clear sentence', () => {
    const path = join(dir, 'station.db');
    const first = openDatabase(path);
    try {
      let refusal: unknown = null;
      try {
        openDatabase(path).close();
      } catch (err) {
        refusal = err;
      }
      expect(refusal).toBeInstanceOf(StationLockedError);
      expect((refusal as Error).message).toMatch(REFUSAL);
    } finally {
      first.close();
    }
    // Closed: the next open gets the file.
    openDatabase(path).close();
  });

  it('two station cores on one file: the second is refused and the first keeps working', async () => {
    const dbPath = join(dir, 'station.db');
    const a = openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, backupDir: null });
    try {
      expect(() =>
        openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, backupDir: null }),
      ).toThrow(REFUSAL);
      expect(a.outbox.counts()).toEqual({ pending: 0, attention: 0 });
    } finally {
      await a.close();
    }
  });

  it('another process holding the file refuses this one; once it is killed, the file opens', async () => {
    const path = join(dir, 'station.db');
    openDatabase(path).close(); // created and migrated
    const proc = await holdInChild(path);
    expect(() => openDatabase(path)).toThrow(REFUSAL);
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
    // The OS drops a dead process's lock: no stale lock to clean up by hand.
    const db = openDatabase(path);
    expect(db.prepare('SELECT pid FROM station_lock').get()).toEqual({ pid: process.pid });
    db.close();
  });

  it('a quick restart waits for the closing Chute (released after ~2 s) instead of refusing', async () => {
    const path = join(dir, 'station.db');
    openDatabase(path).close();
    await holdInChild(path, 2_000);
    const started = Date.now();
    const db = openDatabase(path);
    const waited = Date.now() - started;
    try {
      expect(db.prepare('SELECT pid FROM station_lock').get()).toEqual({ pid: process.pid });
      expect(waited).toBeGreaterThan(1_000);
      expect(waited).toBeLessThan(LOCK_WAIT_MS);
    } finally {
      db.close();
    }
  }, 20_000);

  it('a holder that never lets go is refused with the same sentence after the wait', async () => {
    const path = join(dir, 'station.db');
    openDatabase(path).close();
    await holdInChild(path);
    const started = Date.now();
    expect(() => openDatabase(path, { lockWaitMs: 1_500 })).toThrow(REFUSAL);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  }, 20_000);
});
