// Before a station file is created or opened: is there a race in this data folder that an empty
// station would hide? A missing or empty station file beside backups or archived races is never
// replaced by an empty station (its backups would then be rotated out by copies of nothing);
// the timer is told what was found and offered the restore.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeStationFile, type BackupInfo } from './backup-info';
import { describeBackups } from './backup';
import { RESTORE_COMMAND } from './failure';
import { DatabaseOpenError } from './errors';

/** Beside the station file: its rolling backups, and the races put aside by a new setup. */
export const BACKUP_DIR_NAME = 'backups';
export const ARCHIVE_DIR_NAME = 'archive';

/**
 * `log-only`: no station file (or a zero-length one) while its write-ahead log holds pages.
 * SQLite cannot read a log without its file: opening it would start an empty station and
 * delete the log, so such a file is never opened.
 */
export type StationFileState = 'present' | 'missing' | 'empty' | 'log-only';

export interface StationHistory {
  backups: BackupInfo[];
  /** Archived race folders (names). */
  archived: string[];
}

const size = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

export function stationFileState(dbPath: string): StationFileState {
  if (existsSync(dbPath) && size(dbPath) > 0) return 'present';
  if (size(`${dbPath}-wal`) > 0) return 'log-only';
  return existsSync(dbPath) ? 'empty' : 'missing';
}

export function stationHistory(dbPath: string): StationHistory {
  const dataDir = dirname(dbPath);
  const archiveDir = join(dataDir, ARCHIVE_DIR_NAME);
  let archived: string[] = [];
  try {
    archived = readdirSync(archiveDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    // no archive folder (or something else under its name): no archived races
  }
  return { backups: describeBackups(join(dataDir, BACKUP_DIR_NAME)), archived };
}

/** The backup a restore should offer first: the one holding the most entries, newest on ties. */
export function bestBackup(backups: readonly BackupInfo[]): BackupInfo | null {
  let best: BackupInfo | null = null;
  for (const b of backups) {
    if (b.entries === null) continue;
    if (
      best === null ||
      b.entries > (best.entries ?? -1) ||
      (b.entries === best.entries && b.takenAt >= best.takenAt)
    )
      best = b;
  }
  return best;
}

export class StationHistoryError extends DatabaseOpenError {
  constructor(message: string) {
    super(message);
    this.name = 'StationHistoryError';
  }
}

/** What was found, in one sentence, with the restore offered. */
export function historySentence(
  dbPath: string,
  state: StationFileState,
  history: StationHistory,
): string {
  const what = state === 'missing' ? 'is missing' : 'is empty';
  const found: string[] = [];
  if (history.backups.length > 0) {
    const best = bestBackup(history.backups);
    found.push(
      `${history.backups.length} backup${history.backups.length === 1 ? '' : 's'}` +
        (best ? ` (the fullest: ${describeStationFile(best, best.takenAt)})` : ''),
    );
  }
  if (history.archived.length > 0) {
    found.push(
      `${history.archived.length} archived race${history.archived.length === 1 ? '' : 's'} (${history.archived.slice(-3).join(', ')})`,
    );
  }
  return (
    `The station file ${dbPath} ${what}, but its data folder holds ${found.join(' and ')}. ` +
    'Chute did not start an empty station over them: restore a backup (the desktop app offers ' +
    `the fullest; or run \`${RESTORE_COMMAND}\`, which lists them; a copy of anything replaced is ` +
    'kept), or, to start a new station on purpose, move the data folder aside.'
  );
}

/** What counts as history a fresh station file must not hide. */
export type HistoryGuard = 'backups' | 'backups-and-archive';

/** A write-ahead log left without its station file: never opened (SQLite would delete it). */
export function logOnlySentence(dbPath: string): string {
  const kb = Math.ceil(size(`${dbPath}-wal`) / 1024);
  return (
    `The station file ${dbPath} is missing or empty, but its write-ahead log ` +
    `${dbPath}-wal (${kb} KB of entries) is still there. SQLite cannot read the log without ` +
    'its file and would start an empty station over it, so Chute did not start; the log is ' +
    `left as it is. Restore a backup (the desktop app offers the fullest; or run ` +
    `\`${RESTORE_COMMAND}\`), or put the station file back beside its log.`
  );
}

/**
 * Throws a StationHistoryError when the station file is missing or empty while the folder
 * holds backups (or, with `archived`, archived races: not when the caller has just archived
 * the race itself and asks for a fresh file), and always when its write-ahead log is there
 * without it.
 */
export function refuseEmptyStartOverHistory(
  dbPath: string,
  options: { archived?: boolean } = {},
): void {
  const state = stationFileState(dbPath);
  if (state === 'present') return;
  if (state === 'log-only') throw new StationHistoryError(logOnlySentence(dbPath));
  const history = stationHistory(dbPath);
  const relevant: StationHistory = {
    // A backup of a station never set up, with no entries, protects nothing.
    backups: history.backups.filter((b) => b.entries !== 0 || b.race !== null),
    archived: options.archived ? history.archived : [],
  };
  if (relevant.backups.length === 0 && relevant.archived.length === 0) return;
  throw new StationHistoryError(historySentence(dbPath, state, relevant));
}
