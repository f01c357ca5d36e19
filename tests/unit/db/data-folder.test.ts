// One data folder for the desktop app and the web station; a station left in the desktop app's
// old folder is moved once, with a line saying so. And the native module each shell loads.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  adoptOtherShellData,
  openDatabase,
  otherShellDataDirs,
  refuseUnreachableDataDir,
  stationDataDir,
  useSqliteBinding,
} from '../../../src-main/db';
import { electronSqliteBinding } from '../../../src-main/electron/sqlite-binding';
import { NODE_SQLITE_BUILD } from './node-sqlite-build';

describe('the data folder', () => {
  const home = '/home/ann';
  it('is one place per OS, for both shells', () => {
    expect(stationDataDir({ platform: 'linux', env: {}, home })).toBe(
      '/home/ann/.local/share/chute',
    );
    expect(stationDataDir({ platform: 'linux', env: { XDG_DATA_HOME: '/x' }, home })).toBe(
      '/x/chute',
    );
    expect(stationDataDir({ platform: 'darwin', env: {}, home })).toBe(
      '/home/ann/Library/Application Support/Chute',
    );
    expect(
      stationDataDir({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' },
        home,
      }),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\Chute');
    expect(stationDataDir({ platform: 'linux', env: { CHUTE_DATA_DIR: '/data' }, home })).toBe(
      '/data',
    );
  });

  it("knows the desktop app's old folders, and not the data folder itself", () => {
    expect(otherShellDataDirs({ platform: 'linux', env: {}, home })).toEqual([
      '/home/ann/.config/Chute',
      '/home/ann/.config/chute',
    ]);
    // macOS and Windows ignore case: userData is already the data folder there.
    expect(otherShellDataDirs({ platform: 'darwin', env: {}, home })).toEqual([]);
    expect(otherShellDataDirs({ platform: 'win32', env: { APPDATA: 'C:\\R' }, home })).toEqual([]);
    expect(otherShellDataDirs({ platform: 'linux', env: { CHUTE_DATA_DIR: '/d' }, home })).toEqual(
      [],
    );
  });
});

describe('a data folder the timer named', () => {
  it('is created where its parent exists, and refused with the sentence where its disk is not there', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'chute-named-'));
    try {
      expect(() => refuseUnreachableDataDir(path.join(root, 'chute'))).not.toThrow();
      const onStick = path.join(root, 'usb-stick', 'chute');
      expect(() => refuseUnreachableDataDir(onStick)).toThrow(
        /data folder .*usb-stick.*cannot be reached .*does not exist.*plug in or mount the disk/,
      );
      expect(existsSync(path.join(root, 'usb-stick'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('moving a station from the other shell’s folder', () => {
  let root: string;
  let target: string;
  let old: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'chute-folders-'));
    target = path.join(root, 'share', 'chute');
    old = path.join(root, 'config', 'Chute');
    mkdirSync(path.join(old, 'backups'), { recursive: true });
    mkdirSync(path.join(old, 'GPUCache')); // Electron's own: stays
    openDatabase(path.join(old, 'station.sqlite')).close();
    writeFileSync(path.join(old, 'backups', 'chute-20261130T080000000Z-0001.sqlite'), 'x');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('moves Chute’s files once, with a line, and leaves Electron’s own', () => {
    const lines = adoptOtherShellData(target, [old]);
    expect(lines).toEqual([
      expect.stringMatching(
        /^Moved this station's data from .*config\/Chute to .*share\/chute \(station\.sqlite, backups\)\.$/,
      ),
    ]);
    expect(existsSync(path.join(target, 'station.sqlite'))).toBe(true);
    expect(existsSync(path.join(old, 'station.sqlite'))).toBe(false);
    expect(existsSync(path.join(old, 'GPUCache'))).toBe(true);
    expect(readFileSync(path.join(old, 'MOVED-TO.txt'), 'utf8')).toContain(target);
    expect(adoptOtherShellData(target, [old])).toEqual([]);
  });

  it('moves nothing when the data folder holds its own station, and says where the other is', () => {
    mkdirSync(target, { recursive: true });
    openDatabase(path.join(target, 'station.sqlite')).close();
    expect(adoptOtherShellData(target, [old])).toEqual([
      expect.stringMatching(/not moved.*CHUTE_DATA_DIR=.*config\/Chute/),
    ]);
    expect(existsSync(path.join(old, 'station.sqlite'))).toBe(true);
    expect(adoptOtherShellData(target, [target])).toEqual([]);
  });
});

describe('the native module each shell loads', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chute-binding-'));
  });
  afterEach(() => {
    useSqliteBinding(null);
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the station with the binding it is given (better-sqlite3 nativeBinding)', () => {
    useSqliteBinding(path.join(dir, 'missing.node'));
    expect(() => openDatabase(path.join(dir, 'a.sqlite'))).toThrow();
    useSqliteBinding(NODE_SQLITE_BUILD);
    openDatabase(path.join(dir, 'b.sqlite')).close();
  });

  it('the Electron main takes the prepared build, else the one beside the checkout, else the default', () => {
    const exists = (f: string) => f === '/prepared.node' || f.startsWith('/repo/');
    const facts = { env: {}, packaged: false, appPath: '/repo', exists };
    expect(
      electronSqliteBinding({ ...facts, env: { CHUTE_ELECTRON_SQLITE: '/prepared.node' } }),
    ).toBe('/prepared.node');
    expect(electronSqliteBinding(facts)).toBe(
      path.join('/repo', 'node_modules', '.chute', 'electron', 'better_sqlite3.node'),
    );
    expect(electronSqliteBinding({ ...facts, packaged: true })).toBeNull();
  });
});
