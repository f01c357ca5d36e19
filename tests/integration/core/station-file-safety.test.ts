// A missing or empty station file beside the race's backups is refused, every time, with the
// backups left exactly as they were; restoring the fullest one brings the race back. A closing
// backup that cannot be written still leaves the station file closed.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bestBackup,
  describeBackups,
  listBackups,
  restoreBackup,
  StationHistoryError,
} from '../../../src-main/db';
import { openStationCore, type StationCore } from '../../../src-main/core/station-core';
import { setUpFinishOf5K, shownState, T0 } from './helpers';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

let dir: string;
let dbPath: string;
const clock = () => T0 + 3_600_000;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chute-safety-'));
  dbPath = join(dir, 'station.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const configured = (): StationCore =>
  setUpFinishOf5K(openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, now: clock }));

const snapshotOfBackups = () =>
  listBackups(join(dir, 'backups')).map((p) => [p, readFileSync(p).toString('base64')]);

describe('never starting empty over a race', () => {
  it('refuses an empty station file ten restarts running, backups intact; restore brings it back', async () => {
    const core = configured();
    expect(core.execute({ type: 'gun', eventId: 101, at: T0 }).ok).toBe(true);
    for (let i = 1; i <= 3; i++) {
      expect(core.execute({ type: 'tap', at: T0 + i * 60_000, bib: String(i) }).ok).toBe(true);
    }
    const before = core.query({ type: 'snapshot' });
    await core.close();
    const backups = snapshotOfBackups();
    expect(backups).toHaveLength(1);

    writeFileSync(dbPath, '');
    rmSync(`${dbPath}-wal`, { force: true });
    for (let restart = 0; restart < 10; restart++) {
      expect(() =>
        openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, now: clock }),
      ).toThrow(StationHistoryError);
      expect(snapshotOfBackups()).toEqual(backups);
    }
    let sentence = '';
    try {
      openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, now: clock });
    } catch (err) {
      sentence = (err as Error).message;
    }
    expect(sentence).toMatch(/station\.sqlite is empty/);
    expect(sentence).toMatch(/1 backup \(the fullest: Turkey Trot \(live\), .* 4 entries\)/);
    expect(sentence).toMatch(/npm run restore/);
    expect(readFileSync(dbPath)).toHaveLength(0); // not turned into an empty station

    rmSync(dbPath);
    expect(() =>
      openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, now: clock }),
    ).toThrow(/station\.sqlite is missing/);
    expect(existsSync(dbPath)).toBe(false);

    const best = bestBackup(describeBackups(join(dir, 'backups')));
    expect(best?.entries).toBe(4);
    restoreBackup(best!.path, dbPath);
    const restored = openStationCore({
      readBackClearsIn: READ_BACK_CLEARS_IN,
      dbPath,
      now: clock,
      backupDir: null,
    });
    expect(shownState(restored.query({ type: 'snapshot' }))).toEqual(shownState(before));
    await restored.close();
  });

  it('starts fresh in a folder with no station history, and beside backups of a station never set up', async () => {
    const first = openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, now: clock });
    await first.close(); // a backup of nothing
    expect(listBackups(join(dir, 'backups'))).toHaveLength(1);
    rmSync(dbPath);
    const again = openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, now: clock });
    expect(again.config()).toBeNull();
    await again.close();
  });

  it('counts archived races only when asked to', async () => {
    const core = configured();
    await core.close();
    const archived = join(dir, 'archive', 'live-9-20261130-140000');
    mkdirSync(archived, { recursive: true });
    renameSync(dbPath, join(archived, 'station.sqlite'));
    renameSync(join(dir, 'backups'), join(archived, 'backups'));
    expect(() =>
      openStationCore({
        readBackClearsIn: READ_BACK_CLEARS_IN,
        dbPath,
        now: clock,
        history: 'backups-and-archive',
      }),
    ).toThrow(/is missing, but its data folder holds 1 archived race \(live-9-20261130-140000\)/);
    const fresh = openStationCore({
      readBackClearsIn: READ_BACK_CLEARS_IN,
      dbPath,
      now: clock,
      history: 'backups',
    });
    expect(fresh.config()).toBeNull();
    await fresh.close();
  });
});

describe('closing the station file', () => {
  it('closes the file even when its closing backup cannot be written', async () => {
    const core = configured();
    expect(core.execute({ type: 'gun', eventId: 101, at: T0 }).ok).toBe(true);
    expect(core.execute({ type: 'tap', at: T0 + 60_000, bib: '1' }).ok).toBe(true);
    const before = core.query({ type: 'snapshot' });
    // Where the backups go, something else (as a full disk would refuse them).
    rmSync(join(dir, 'backups'), { recursive: true });
    writeFileSync(join(dir, 'backups'), 'not a folder');
    await expect(core.close()).resolves.toBeUndefined();
    expect(() => core.query({ type: 'snapshot' })).toThrow(/not open/);
    // Closed cleanly: the write-ahead log folded in, every entry in the file.
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
    const again = openStationCore({
      readBackClearsIn: READ_BACK_CLEARS_IN,
      dbPath,
      now: clock,
      backupDir: null,
    });
    expect(shownState(again.query({ type: 'snapshot' }))).toEqual(shownState(before));
    await again.close();
  });
});
