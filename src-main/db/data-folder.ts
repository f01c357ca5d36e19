// One data folder for both shells, on every OS. The desktop app used to keep the station in
// Electron's userData (`~/.config/Chute` on Linux) and the web host in `~/.local/share/chute`:
// the same laptop opened an empty station when the shell changed. Both now use
// `stationDataDir`, and Chute's files found in the other folder are moved once, with a line.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listBackups } from './backup';
import { DatabaseOpenError } from './errors';
import { failureSentence } from './failure';
import { SETTINGS_FILE } from './settings';
import { BACKUP_DIR_NAME, stationFileState } from './station-history';

export const STATION_FILE_NAME = 'station.sqlite';

/** Chute's own files in a data folder (Electron keeps its caches beside them in userData). */
export const CHUTE_DATA_PARTS = [
  STATION_FILE_NAME,
  `${STATION_FILE_NAME}-wal`,
  `${STATION_FILE_NAME}-shm`,
  BACKUP_DIR_NAME,
  'archive',
  'replaced',
  'credentials.bin',
  SETTINGS_FILE,
];

export interface DataFolderContext {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

export function currentContext(): DataFolderContext {
  return { platform: process.platform, env: process.env, home: os.homedir() };
}

const join = (platform: NodeJS.Platform, ...parts: string[]): string =>
  (platform === 'win32' ? path.win32 : path.posix).join(...parts);

/** The station's data folder: CHUTE_DATA_DIR, else the one per-OS place both shells use. */
export function stationDataDir(c: DataFolderContext): string {
  if (c.env.CHUTE_DATA_DIR) return c.env.CHUTE_DATA_DIR;
  if (c.platform === 'win32') {
    return join(
      c.platform,
      c.env.APPDATA ?? join(c.platform, c.home, 'AppData', 'Roaming'),
      'Chute',
    );
  }
  if (c.platform === 'darwin') {
    return join(c.platform, c.home, 'Library', 'Application Support', 'Chute');
  }
  return join(
    c.platform,
    c.env.XDG_DATA_HOME ?? join(c.platform, c.home, '.local', 'share'),
    'chute',
  );
}

/**
 * Where an earlier desktop app kept its station (Electron's userData: the package name in a
 * checkout, the product name when packaged), minus any that is the data folder itself (macOS
 * and Windows folders ignore case).
 */
export function otherShellDataDirs(c: DataFolderContext): string[] {
  if (c.env.CHUTE_DATA_DIR) return [];
  const base =
    c.platform === 'win32'
      ? (c.env.APPDATA ?? join(c.platform, c.home, 'AppData', 'Roaming'))
      : c.platform === 'darwin'
        ? join(c.platform, c.home, 'Library', 'Application Support')
        : (c.env.XDG_CONFIG_HOME ?? join(c.platform, c.home, '.config'));
  const target = stationDataDir(c);
  const key = (p: string) => (c.platform === 'linux' ? p : p.toLowerCase());
  const seen = new Set([key(target)]);
  const out: string[] = [];
  for (const name of ['Chute', 'chute']) {
    const dir = join(c.platform, base, name);
    if (seen.has(key(dir))) continue;
    seen.add(key(dir));
    out.push(dir);
  }
  return out;
}

/** A rename, or copy-then-delete when the two folders are on different disks. */
function moveAcrossDisks(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(from, to, { recursive: true, errorOnExist: true, force: false });
    rmSync(from, { recursive: true, force: true });
  }
}

const holdsStation = (dir: string): boolean =>
  ['present', 'log-only'].includes(stationFileState(path.join(dir, STATION_FILE_NAME))) ||
  listBackups(path.join(dir, BACKUP_DIR_NAME)).length > 0;

/**
 * Moves Chute's files from each of `others` that holds a station into `target`, when `target`
 * holds none; a note in the old folder says where they went, so this happens once. Returns the
 * lines to show (one per folder moved, or left alone because both hold a station).
 */
export function adoptOtherShellData(target: string, others: readonly string[]): string[] {
  const lines: string[] = [];
  for (const other of others) {
    if (path.resolve(other) === path.resolve(target)) continue;
    if (!existsSync(other) || !holdsStation(other)) continue;
    if (holdsStation(target)) {
      lines.push(
        `Another station's data is in ${other} (not moved: ${target} holds this station's own). ` +
          `To use it instead, start Chute with CHUTE_DATA_DIR=${other}.`,
      );
      continue;
    }
    mkdirSync(target, { recursive: true });
    const moved: string[] = [];
    for (const part of CHUTE_DATA_PARTS) {
      const from = path.join(other, part);
      if (!existsSync(from) || existsSync(path.join(target, part))) continue;
      moveAcrossDisks(from, path.join(target, part));
      moved.push(part);
    }
    writeFileSync(
      path.join(other, 'MOVED-TO.txt'),
      `Chute's station data (${moved.join(', ')}) was moved to ${target}, the data folder both ` +
        'the desktop app and the web station use.\n',
    );
    lines.push(`Moved this station's data from ${other} to ${target} (${moved.join(', ')}).`);
  }
  return lines;
}

/**
 * A data folder the timer named (CHUTE_DATA_DIR, --data-dir) is created only where its parent
 * exists: a missing parent is a disk not plugged in or not mounted, and a station created there
 * would start empty on the laptop's own disk. Throws the sentence that says so.
 */
export function refuseUnreachableDataDir(dir: string): void {
  const parent = path.dirname(path.resolve(dir));
  if (existsSync(dir) || existsSync(parent)) return;
  throw new DatabaseOpenError(
    failureSentence(
      'missing-folder',
      path.join(dir, STATION_FILE_NAME),
      `${parent} does not exist`,
    ),
  );
}
