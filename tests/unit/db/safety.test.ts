// Backups checked after writing and mirrored to a folder that may come and go; restore keeps a
// copy of what it replaces; each failure gets the sentence and action that fit it.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backupTable,
  describeBackups,
  failureKind,
  failureSentence,
  listBackups,
  mirrorProblem,
  notSavedSentence,
  openDatabase,
  openFailure,
  probeFolder,
  REPLACED_DIR,
  restoreBackup,
  startRollingBackups,
  stationFileState,
  verifyBackupCopy,
} from '../../../src-main/db';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chute-safe-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function stationWith(entries: number, path = join(dir, 'station.sqlite')) {
  const db = openDatabase(path);
  const add = db.prepare(
    `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES ('s', ?, 'offset', '{"kind":"offset","ms":0}')`,
  );
  for (let i = 0; i < entries; i++) add.run(1_000 + i);
  return { db, add };
}

describe('backups', () => {
  it('writes self-contained copies (no -wal needed) that hold the entries', async () => {
    const { db } = stationWith(3);
    const backups = startRollingBackups(db, { dir: join(dir, 'backups'), intervalMs: 3_600_000 });
    const file = await backups.backupNow();
    await backups.stop({ finalBackup: false });
    db.close();
    // Byte 18 of the header: 1 = rollback journal, 2 = WAL.
    expect(readFileSync(file)[18]).toBe(1);
    expect(describeBackups(join(dir, 'backups'))[0]).toMatchObject({ entries: 3, race: null });
  });

  it('deletes a copy that does not read back instead of keeping it as a backup', () => {
    const bad = join(dir, 'chute-x.sqlite.partial');
    writeFileSync(bad, Buffer.alloc(4096, 0x42));
    expect(() => verifyBackupCopy(bad)).toThrow(/did not read back.*station file is untouched/);
    expect(existsSync(bad)).toBe(false);
  });

  it('mirrors every backup to a folder that exists, never creates a missing one, and catches up', async () => {
    const { db, add } = stationWith(1);
    const stick = join(dir, 'usb');
    let clock = Date.UTC(2026, 10, 30, 8, 0, 0);
    const backups = startRollingBackups(db, {
      dir: join(dir, 'backups'),
      intervalMs: 3_600_000,
      now: () => (clock += 60_000),
      mirrorDir: () => stick,
    });
    expect(backups.mirrorStatus()).toMatchObject({ state: 'missing', message: /USB stick/ });
    await backups.backupNow();
    expect(existsSync(stick)).toBe(false);
    mkdirSync(stick);
    expect(backups.mirrorStatus()).toMatchObject({ state: 'ok', message: null });
    add.run(5_000);
    await backups.backupNow();
    // Both backups reach the stick: the one taken while it was out, and the new one.
    expect(readdirSync(stick).sort()).toEqual(
      listBackups(join(dir, 'backups')).map((p) => p.split(/[\\/]/).pop()),
    );
    expect(describeBackups(stick).map((b) => b.entries)).toEqual([1, 2]);
    await backups.stop({ finalBackup: false });
    db.close();
  });

  it('a backup that cannot be written is said in the status until the next one is', async () => {
    const { db } = stationWith(2);
    const folder = join(dir, 'backups');
    const backups = startRollingBackups(db, { dir: folder, intervalMs: 3_600_000 });
    expect(backups.mirrorStatus()).toEqual({ dir: null, state: 'off', message: null });
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'not a folder'); // where the backups should go, something else
    await expect(backups.backupNow()).rejects.toThrow();
    expect(backups.mirrorStatus()).toMatchObject({
      state: 'failed',
      message: expect.stringMatching(/^The last backup could not be written to .*capture goes on/),
    });
    rmSync(folder);
    mkdirSync(folder);
    await backups.backupNow();
    expect(backups.mirrorStatus()).toEqual({ dir: null, state: 'off', message: null });
    await backups.stop({ finalBackup: false });
    db.close();
  });

  it('a mirror copy that failed says what to do when the stick is full or write-protected', () => {
    const failure = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(mirrorProblem(failure('ENOSPC', 'no space left on device'), dir)).toMatch(
      /no space left on device: the stick is full; free space on it or use another/,
    );
    expect(mirrorProblem(failure('EROFS', 'read-only file system'), dir)).toMatch(
      /write-protect switch/,
    );
    expect(mirrorProblem(failure('EIO', 'i/o error'), dir)).toBe('i/o error');
  });

  it('keeps every older backup that holds more entries than an emptied station', async () => {
    const path = join(dir, 'station.sqlite');
    const { db } = stationWith(5, path);
    let clock = Date.UTC(2026, 10, 30, 8, 0, 0);
    const options = { dir: join(dir, 'backups'), keep: 2, now: () => (clock += 60_000) };
    let backups = startRollingBackups(db, options);
    await backups.backupNow();
    await backups.stop();
    db.close();
    rmSync(path);
    for (let restart = 0; restart < 6; restart++) {
      const empty = openDatabase(path);
      backups = startRollingBackups(empty, options);
      await backups.stop();
      empty.close();
    }
    const entries = describeBackups(join(dir, 'backups')).map((b) => b.entries);
    expect(entries.filter((n) => n === 5)).toHaveLength(2);
  });
});

describe('restore', () => {
  it('keeps a copy of every file it replaces, under names never reused', async () => {
    const path = join(dir, 'station.sqlite');
    const { db } = stationWith(2, path);
    const backups = startRollingBackups(db, { dir: join(dir, 'backups'), intervalMs: 3_600_000 });
    const backup = await backups.backupNow();
    await backups.stop({ finalBackup: false });
    db.prepare(
      `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES ('s', 9, 'offset', '{"kind":"offset","ms":0}')`,
    ).run();
    db.close();
    const at = Date.UTC(2026, 10, 30, 9, 0, 0);
    const first = restoreBackup(backup, path, at);
    const second = restoreBackup(backup, path, at);
    expect(first).not.toBeNull();
    expect(second).not.toBe(first);
    const kept = readdirSync(join(dir, REPLACED_DIR)).filter((f) => f.endsWith('.sqlite'));
    expect(kept).toHaveLength(2);
    const original = new Database(first!, { readonly: true });
    expect(original.prepare(`SELECT count(*) AS n FROM journal`).get()).toEqual({ n: 3 });
    original.close();
  });
});

describe('carrying on from a station file', () => {
  it('brought with its write-ahead log (copied while Chute ran), every entry of the log comes along', () => {
    const source = join(dir, 'usb', 'station.sqlite');
    mkdirSync(join(dir, 'usb'));
    const { db, add } = stationWith(0);
    db.pragma('wal_autocheckpoint = 0');
    for (let i = 0; i < 40; i++) add.run(i);
    // A copy taken while it runs: the newest entries are only in the log.
    writeFileSync(source, readFileSync(join(dir, 'station.sqlite')));
    writeFileSync(`${source}-wal`, readFileSync(join(dir, 'station.sqlite-wal')));
    db.close();
    const target = join(dir, 'laptop-b', 'station.sqlite');
    mkdirSync(join(dir, 'laptop-b'));
    restoreBackup(source, target);
    expect(existsSync(`${target}-wal`)).toBe(false);
    const carried = openDatabase(target);
    expect(carried.prepare(`SELECT count(*) AS n FROM journal`).get()).toEqual({ n: 40 });
    carried.close();
    expect(readFileSync(`${source}-wal`).length).toBeGreaterThan(0); // the source is not changed
  });
});

describe('station file state', () => {
  it('a missing or empty main file whose -wal holds pages is a log without its file', () => {
    const path = join(dir, 'station.sqlite');
    expect(stationFileState(path)).toBe('missing');
    writeFileSync(path, '');
    expect(stationFileState(path)).toBe('empty');
    writeFileSync(`${path}-wal`, Buffer.alloc(32, 1));
    expect(stationFileState(path)).toBe('log-only');
    rmSync(path);
    expect(stationFileState(path)).toBe('log-only');
    writeFileSync(path, Buffer.alloc(4096, 0));
    expect(stationFileState(path)).toBe('present');
  });

  it('a write-ahead log left without its file is never opened (SQLite would start empty and delete it), backups or not', () => {
    const path = join(dir, 'station.sqlite');
    const { db, add } = stationWith(0, path);
    db.pragma('wal_autocheckpoint = 0');
    for (let i = 0; i < 50; i++) add.run(i);
    // The log as a crash leaves it (the entries not yet checkpointed into the file).
    const log = readFileSync(`${path}-wal`);
    expect(log.length).toBeGreaterThan(0);
    db.close();
    for (const mainFile of ['truncated', 'deleted'] as const) {
      if (mainFile === 'truncated') writeFileSync(path, '');
      else rmSync(path, { force: true });
      writeFileSync(`${path}-wal`, log);
      expect(() => openDatabase(path, { history: 'backups' })).toThrow(
        /station\.sqlite is missing or empty, but its write-ahead log .* is still there.*did not start/,
      );
      expect(readFileSync(`${path}-wal`).equals(log)).toBe(true);
    }
  });
});

describe('failure sentences', () => {
  const path = '/data/chute/station.sqlite';
  const never = () => {
    throw new Error('not probed');
  };

  it('names each kind from its code, probing the folder only when the code is ambiguous', () => {
    expect(failureKind('SQLITE_READONLY', never)).toBe('read-only');
    expect(failureKind('SQLITE_READONLY_DIRECTORY', never)).toBe('read-only');
    expect(failureKind('EROFS', never)).toBe('read-only');
    expect(failureKind('SQLITE_FULL', never)).toBe('disk-full');
    expect(failureKind('ENOSPC', never)).toBe('disk-full');
    expect(failureKind('SQLITE_BUSY', never)).toBe('locked');
    expect(failureKind('SQLITE_NOTADB', never)).toBe('damaged');
    expect(failureKind('SQLITE_CORRUPT', never)).toBe('damaged');
    // "disk I/O error" in a read-only folder is a read-only folder, not a damaged file.
    expect(failureKind('SQLITE_IOERR_WRITE', () => 'read-only')).toBe('read-only');
    expect(failureKind('SQLITE_IOERR', () => 'full')).toBe('disk-full');
    expect(failureKind('SQLITE_CANTOPEN', () => 'missing')).toBe('missing-folder');
    expect(failureKind('SQLITE_IOERR_READ', () => 'writable')).toBe('damaged');
  });

  it('tells a read-only folder not to restore, and a damaged file to restore', () => {
    const ro = failureSentence('read-only', path, 'attempt to write a readonly database');
    expect(ro).toMatch(/data folder \/data\/chute is read-only/);
    expect(ro).toMatch(/needs no restore/);
    expect(failureSentence('disk-full', path, 'database or disk is full')).toMatch(
      /is full.*Free some space.*already saved is intact/,
    );
    expect(failureSentence('damaged', path, 'file is not a database')).toMatch(
      /is damaged.*npm run restore/,
    );
    expect(failureSentence('locked', path, '')).toMatch(/already running.*close the other Chute/);
    expect(failureSentence('missing-folder', path, 'x')).toMatch(
      /cannot be reached.*CHUTE_DATA_DIR/,
    );
  });

  it('each start and write failure gets its own action, at start and while capturing', () => {
    const station = join(dir, 'station.sqlite');
    const pulled = join(dir, 'pulled-stick', 'station.sqlite');
    const failure = (code: string, message: string) => Object.assign(new Error(message), { code });
    const cases: Array<[Error, string, RegExp]> = [
      [
        failure('SQLITE_READONLY', 'attempt to write a readonly database'),
        station,
        /needs no restore: make the folder writable/,
      ],
      [failure('SQLITE_FULL', 'database or disk is full'), station, /Free some space/],
      [failure('SQLITE_BUSY', 'database is locked'), station, /close the other Chute/],
      [
        failure('SQLITE_CORRUPT', 'database disk image is malformed'),
        station,
        /Restore the latest good backup.*`npm run restore`/,
      ],
      [
        failure('SQLITE_CANTOPEN', 'unable to open database file'),
        pulled,
        /plug in or mount the disk/,
      ],
    ];
    for (const [error, path, action] of cases) {
      expect(openFailure(error, path).message).toMatch(action);
      expect(notSavedSentence(error, path)).toMatch(/^Not saved: /);
      expect(notSavedSentence(error, path)).toMatch(action);
    }
    // Another Chute holding the file is its own error class (the shells quit instead of retrying).
    expect(openFailure(cases[2]![0], station).name).toBe('StationLockedError');
  });

  it('a real write to a read-only database reads as read-only', () => {
    const p = join(dir, 'ro.sqlite');
    stationWith(0, p).db.close();
    const ro = new Database(p, { readonly: true });
    let caught: unknown;
    try {
      ro.prepare(`INSERT INTO meta (key, value) VALUES ('a', 'b')`).run();
    } catch (err) {
      caught = err;
    }
    ro.close();
    expect(openFailure(caught, p).message).toMatch(/is read-only.*needs no restore/);
  });

  it('a full disk while capturing says so and what to do; a later write goes through', () => {
    const p = join(dir, 'full.sqlite');
    const { db, add } = stationWith(0, p);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    let caught: unknown;
    try {
      db.transaction(() => {
        for (let i = 0; i < 500; i++) add.run(i);
      })();
    } catch (err) {
      caught = err;
    }
    expect(notSavedSentence(caught, p)).toMatch(
      /^Not saved: The disk holding .* is full.*Free some space/,
    );
    db.pragma(`max_page_count = ${pages * 100}`);
    add.run(1);
    expect(db.prepare(`SELECT count(*) AS n FROM journal`).get()).toEqual({ n: 1 });
    db.close();
  });

  it('probes a folder that is missing, and one that takes a write', () => {
    expect(probeFolder(join(dir, 'nope'))).toBe('missing');
    expect(probeFolder(dir)).toBe('writable');
    expect(readdirSync(dir)).toEqual([]); // the probe leaves nothing behind
  });

  it('a junk file opens as damaged, with the restore offered and the file left alone', () => {
    const p = join(dir, 'junk.sqlite');
    const fd = openSync(p, 'w');
    writeSync(fd, Buffer.alloc(8192, 0x41));
    closeSync(fd);
    expect(() => openDatabase(p)).toThrow(/is damaged.*npm run restore/);
    expect(readFileSync(p).every((b) => b === 0x41)).toBe(true);
  });
});

describe('the backup list of `npm run restore`', () => {
  it('numbers the backups and marks the newest and the fullest', () => {
    const b = (file: string, entries: number) => ({
      path: `/d/${file}`,
      file,
      takenAt: Date.UTC(2026, 10, 30, 8, entries),
      entries,
      lastEntryAt: null,
      race: { mode: 'live', raceId: 9, raceName: 'Turkey Trot' },
      problem: null,
    });
    const list = [b('a', 252), b('b', 0)];
    expect(backupTable(list, list[0]!)).toEqual([
      '  1. Turkey Trot (live), 2026-11-30 12:12 UTC, 252 entries  <- most entries',
      '  2. Turkey Trot (live), 2026-11-30 08:00 UTC, 0 entries  <- newest',
    ]);
  });
});
