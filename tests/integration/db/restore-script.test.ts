// `npm run restore` as a timer runs it: the numbered list (race, time, entries, newest, most
// entries), a restore that keeps the file it replaces, a refusal while Chute holds the file,
// and a file that is not a station refused with a sentence. Nothing is changed by a refusal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  REPLACED_DIR,
  STATION_FILE_NAME,
  openDatabase,
  readStationFileInfo,
  startRollingBackups,
} from '../../../src-main/db';

const root = path.resolve(import.meta.dirname, '../../..');
let dir: string;
let station: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'chute-restore-script-'));
  station = path.join(dir, STATION_FILE_NAME);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function restore(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/restore.ts'), '--data-dir', dir, ...args],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** A station file with `first` entries backed up, then `more` entries after the backup. */
async function stationWithBackup(first: number, more: number): Promise<void> {
  const db = openDatabase(station);
  const add = db.prepare(
    `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES ('s', ?, 'offset', '{"kind":"offset","ms":0}')`,
  );
  for (let i = 0; i < first; i++) add.run(1_000 + i);
  const backups = startRollingBackups(db, { dir: path.join(dir, 'backups') });
  await backups.backupNow();
  for (let i = 0; i < more; i++) add.run(2_000 + i);
  await backups.stop({ finalBackup: false });
  db.close();
}

describe('npm run restore', () => {
  it('lists the backups, restores one by number and keeps the file it replaced', async () => {
    await stationWithBackup(3, 2);
    const listed = restore();
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/Station file: no race set up, 5 entries/);
    expect(listed.out).toMatch(
      / {2}1\. no race set up, \d{4}-\d\d-\d\d \d\d:\d\d UTC, 3 entries {2}<- newest, most entries/,
    );
    expect(listed.out).toMatch(/npm run restore -- <number>/);

    const restored = restore('1');
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(/Restored .*3 entries/);
    expect(restored.out).toMatch(/The station file it replaced is kept as .*replaced/);
    expect(readStationFileInfo(station).entries).toBe(3);
    const kept = readdirSync(path.join(dir, REPLACED_DIR)).filter((f) => f.endsWith('.sqlite'));
    expect(kept.map((f) => readStationFileInfo(path.join(dir, REPLACED_DIR, f)).entries)).toEqual([
      5,
    ]);
  });

  it('refuses while Chute holds the station file, and a number not listed; nothing changes', async () => {
    await stationWithBackup(3, 2);
    const running = openDatabase(station);
    try {
      const refused = restore('1');
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(
        /Nothing was restored: Chute is already running.*close the other Chute/,
      );
    } finally {
      running.close();
    }
    const wrong = restore('7');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/"7" is not a number from 1 to 1/);
    expect(readStationFileInfo(station).entries).toBe(5);
  });

  it('refuses a file that is not a station file', () => {
    const junk = path.join(dir, 'notes.txt');
    writeFileSync(junk, 'hello');
    const refused = restore('--file', junk);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/cannot be read as a station file/);
  });
});
