import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatabaseOpenError,
  LATEST_VERSION,
  listBackups,
  migrate,
  MIGRATIONS,
  NewerDatabaseError,
  openDatabase,
  restoreBackup,
  startRollingBackups,
  type Migration,
} from '../../../src-main/db';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chute-db-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const tables = (db: Database.Database) =>
  (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{
      name: string;
    }>
  ).map((r) => r.name);

describe('openDatabase', () => {
  it('puts the durable pragmas in force and reads them back', () => {
    const db = openDatabase(join(dir, 's.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('sets fullfsync on macOS', () => {
    const db = openDatabase(join(dir, 's.db'), { platform: 'darwin' });
    expect(db.pragma('fullfsync', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a database where WAL cannot be in force (in-memory)', () => {
    expect(() => openDatabase(':memory:')).toThrow(/journal_mode is memory, needs wal/);
  });

  it('refuses a file that is not a database, with a clear message', () => {
    const path = join(dir, 'junk.db');
    const fd = openSync(path, 'w');
    writeSync(fd, Buffer.alloc(8192, 0x41));
    closeSync(fd);
    expect(() => openDatabase(path)).toThrow(DatabaseOpenError);
    expect(() => openDatabase(path)).toThrow(/is damaged.*Restore the latest good backup/);
    // Nothing written over the timer's file.
    expect(readFileSync(path).every((b) => b === 0x41)).toBe(true);
  });

  it('reports a failed integrity check on a corrupted page', () => {
    const path = join(dir, 'c.db');
    const db = openDatabase(path);
    const insert = db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?)`);
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`k${i}`, 'v'.repeat(200));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const size = statSync(path).size;
    const pageSize = 4096;
    expect(size).toBeGreaterThan(pageSize * 20);
    // Scribble over interior pages (not the header): the file still opens but is damaged.
    const fd = openSync(path, 'r+');
    for (let p = 5; p < size / pageSize - 1; p += 3) {
      writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, p * pageSize + 8);
    }
    closeSync(fd);
    // The start-up quick check and the full check both refuse it.
    for (const integrityCheck of ['quick', 'full'] as const) {
      expect(() => openDatabase(path, { integrityCheck })).toThrow(
        /is damaged.*Restore the latest good backup/,
      );
    }
  });
});

describe('migrations', () => {
  it('migration 1 creates every table, and reopening does not re-run it', () => {
    const path = join(dir, 'm.db');
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'journal',
        'meta',
        'outbox',
        'participants',
        'race_cache',
        'station_config',
      ]),
    );
    db.prepare(`INSERT INTO meta (key, value) VALUES ('x', 'y')`).run();
    db.close();
    const again = openDatabase(path);
    expect(again.prepare(`SELECT value FROM meta WHERE key = 'x'`).get()).toEqual({ value: 'y' });
    again.close();
  });

  it('runs each migration in its own transaction: a failing one leaves the previous version', () => {
    const db = new Database(join(dir, 'f.db'));
    const failing: Migration = {
      version: MIGRATIONS.length + 1,
      description: 'fails half-way',
      up(d) {
        d.exec(`CREATE TABLE half (x INTEGER)`);
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(tables(db)).not.toContain('half');
    db.close();
  });

  it('applies later migrations to an older database, in order', () => {
    const db = new Database(join(dir, 'o.db'));
    migrate(db, MIGRATIONS);
    const second: Migration = {
      version: 2,
      description: 'adds a column',
      up: (d) => d.exec(`ALTER TABLE meta ADD COLUMN note TEXT`),
    };
    expect(migrate(db, [...MIGRATIONS, { ...second, version: MIGRATIONS.length + 1 }])).toBe(
      MIGRATIONS.length + 1,
    );
    db.prepare(`INSERT INTO meta (key, value, note) VALUES ('a', 'b', 'c')`).run();
    db.close();
  });

  it('migration 2 adds the outbox partial indexes to a version-1 database, keeping its rows', () => {
    const path = join(dir, 'v1.db');
    const v1 = new Database(path);
    migrate(v1, MIGRATIONS, 1);
    v1.prepare(
      `INSERT INTO outbox (result_set_id, bib, field, event_id, wanted_value, wanted_version, wanted_at)
       VALUES (1, 2, 'place', 3, '1', 1, 0)`,
    ).run();
    v1.close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const indexes = (
      db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'`)
        .all() as Array<{
        name: string;
      }>
    ).map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining(['outbox_pending', 'outbox_pending_by_set', 'outbox_attention']),
    );
    expect(indexes).not.toContain('outbox_by_age');
    expect(db.prepare(`SELECT count(*) AS n FROM outbox`).get()).toEqual({ n: 1 });
    db.close();
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const path = join(dir, 'n.db');
    const db = openDatabase(path);
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(NewerDatabaseError);
    expect(() => openDatabase(path)).toThrow(/newer version of Chute.*file was not changed/);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 5);
    raw.close();
  });
});

describe('journal table', () => {
  it('forbids UPDATE and DELETE', () => {
    const db = openDatabase(join(dir, 'j.db'));
    db.prepare(
      `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES ('s', 1, 'offset', '{"kind":"offset","ms":0}')`,
    ).run();
    expect(() => db.prepare(`UPDATE journal SET recorded_at = 2`).run()).toThrow(
      /append-only: UPDATE/,
    );
    expect(() => db.prepare(`DELETE FROM journal`).run()).toThrow(/append-only: DELETE/);
    expect(db.prepare(`SELECT recorded_at FROM journal`).all()).toEqual([{ recorded_at: 1 }]);
    db.close();
  });

  it('refuses a payload that is not JSON', () => {
    const db = openDatabase(join(dir, 'j2.db'));
    expect(() =>
      db
        .prepare(
          `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES ('s', 1, 'tap', 'nope')`,
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    db.close();
  });
});

describe('backups', () => {
  it('keeps a handful of rolling backups, pruning the oldest, and restores one', async () => {
    const path = join(dir, 'live.db');
    const db = openDatabase(path);
    const add = db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?)`);
    let clock = Date.UTC(2026, 10, 30, 8, 0, 0);
    const backups = startRollingBackups(db, {
      dir: join(dir, 'backups'),
      intervalMs: 3_600_000,
      keep: 3,
      now: () => (clock += 1000),
    });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      add.run(`row${i}`, String(i));
      made.push(await backups.backupNow());
    }
    expect(listBackups(join(dir, 'backups'))).toEqual(made.slice(2));
    add.run('after', 'x');
    const last = await backups.stop();
    expect(last).not.toBeNull();
    expect(listBackups(join(dir, 'backups'))).toHaveLength(3);
    db.close();

    // Restore the backup taken after row3: row4 and 'after' are gone.
    restoreBackup(made[3]!, path);
    const restored = openDatabase(path);
    const keys = (
      restored.prepare(`SELECT key FROM meta ORDER BY key`).all() as Array<{ key: string }>
    )
      .map((r) => r.key)
      .filter((k) => k.startsWith('row') || k === 'after');
    expect(keys).toEqual(['row0', 'row1', 'row2', 'row3']);
    restored.close();
  });

  it('refuses to restore a damaged backup and keeps the current file', () => {
    const path = join(dir, 'live.db');
    const db = openDatabase(path);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('keep', 'me')`).run();
    db.close();
    const bad = join(dir, 'bad.sqlite');
    const fd = openSync(bad, 'w');
    writeSync(fd, Buffer.alloc(4096, 0x42));
    closeSync(fd);
    expect(() => restoreBackup(bad, path)).toThrow();
    expect(() => restoreBackup(join(dir, 'missing.sqlite'), path)).toThrow(/No backup/);
    const still = openDatabase(path);
    expect(still.prepare(`SELECT value FROM meta WHERE key = 'keep'`).get()).toEqual({
      value: 'me',
    });
    still.close();
  });
});
