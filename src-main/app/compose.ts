// The station service as both shells start it: open the core's database under `dataDir`, then
// compose the real parts. The core opener is injectable so tests can swap it.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { StationConfig } from '../../src-shared/domain';
import type { RunningEmulator } from '../runsignup/emulator';
import { openCorePort, type OpenCoreOptions } from './core-adapter';
import { realParts } from './parts';
import type { CorePort, SecretStore } from './ports';
import { createStationService, type StationService } from './service';
import { stationBackups } from './station-backups';

export const DATABASE_FILE = 'station.sqlite';
/** Where a race's station file goes when another race or mode is configured. */
export const ARCHIVE_DIR = 'archive';

/** The archive folder name of a race: `<mode>-<raceId>-<YYYYMMDD-HHMMSS>` (UTC, sortable). */
export function archiveFolderName(config: StationConfig, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${config.mode}-${config.raceId}-${stamp}`;
}

/** The station file's parts, as `archiveStationFiles` moves them. */
const STATION_PARTS = [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, 'backups'];

/** Moves what of `names` exists from one folder to another, all or nothing. */
function moveAll(fromDir: string, toDir: string, names: readonly string[]): void {
  const moved: Array<[string, string]> = [];
  try {
    for (const name of names) {
      const from = path.join(fromDir, name);
      if (!existsSync(from)) continue;
      renameSync(from, path.join(toDir, name));
      moved.push([from, path.join(toDir, name)]);
    }
  } catch (error) {
    for (const [from, to] of moved.reverse()) renameSync(to, from);
    throw error;
  }
}

/**
 * Moves the (closed) station file, its -wal/-shm and its backups into
 * `archive/<mode>-<raceId>-<date>/`. Never deletes; a name already taken gets a suffix. Returns
 * the folder.
 */
export function archiveStationFiles(dataDir: string, config: StationConfig, at: number): string {
  const base = path.join(dataDir, ARCHIVE_DIR, archiveFolderName(config, at));
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  mkdirSync(dir, { recursive: true });
  // All or nothing: a database without its -wal would lose entries.
  moveAll(dataDir, dir, STATION_PARTS);
  return dir;
}

/**
 * Puts a station file archived in `dir` back in `dataDir`. The (closed) file in its place, fresh
 * from the archive, is kept in `dir/unused-fresh`, never deleted.
 */
export function unarchiveStationFiles(dataDir: string, dir: string): void {
  const aside = path.join(dir, 'unused-fresh');
  mkdirSync(aside, { recursive: true });
  moveAll(dataDir, aside, STATION_PARTS);
  try {
    moveAll(dir, dataDir, STATION_PARTS);
  } catch (error) {
    moveAll(aside, dataDir, STATION_PARTS);
    throw error;
  }
}

export interface ComposeOptions {
  dataDir: string;
  secrets: SecretStore;
  practiceSeed?: number;
  log?: (line: string) => void;
  openCore?: (dbPath: string, options?: OpenCoreOptions) => CorePort | Promise<CorePort>;
  syncIdlePollMs?: number;
  /** How often each result set is read back and compared (default: RESULT_AUDIT_ASSUMPTIONS). */
  syncAuditEveryMs?: number;
  /** Practice mode uses this running emulator (several stations on one practice race). */
  practiceEmulator?: RunningEmulator;
  /** The race's time zone for the shared gun (default: the laptop's). */
  timeZone?: string;
  /** How often a split station reads the shared gun (default 15 s). */
  gunPollMs?: number;
  /** Least time between isolation posts (default 1 s; tests shorten it). */
  syncIsolationPaceMs?: number;
}

export async function composeStationService(options: ComposeOptions): Promise<StationService> {
  mkdirSync(options.dataDir, { recursive: true });
  const open = options.openCore ?? openCorePort;
  const dbPath = path.join(options.dataDir, DATABASE_FILE);
  const core = await open(dbPath);
  const archiveAndReopen = async (
    current: StationConfig,
  ): Promise<{ core: CorePort; error: string | null; dir?: string }> => {
    try {
      const dir = archiveStationFiles(options.dataDir, current, Date.now());
      options.log?.(`Archived the ${current.mode} race ${current.raceId} to ${dir}.`);
      return { core: await open(dbPath, { freshAfterArchive: true }), error: null, dir };
    } catch (error) {
      // Nothing moved: the station goes on with the file it had.
      return {
        core: await open(dbPath),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  };
  const unarchiveAndReopen = async (
    dir: string,
  ): Promise<{ core: CorePort; error: string | null }> => {
    try {
      unarchiveStationFiles(options.dataDir, dir);
      options.log?.(`Put the station file archived in ${dir} back in use.`);
      return { core: await open(dbPath), error: null };
    } catch (error) {
      return {
        core: await open(dbPath),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  };
  try {
    return await createStationService({
      ...realParts({
        core,
        secrets: options.secrets,
        ...(options.practiceSeed !== undefined ? { practiceSeed: options.practiceSeed } : {}),
        ...(options.log ? { log: options.log } : {}),
        ...(options.syncIdlePollMs ? { syncIdlePollMs: options.syncIdlePollMs } : {}),
        ...(options.syncAuditEveryMs ? { syncAuditEveryMs: options.syncAuditEveryMs } : {}),
        ...(options.practiceEmulator ? { practiceEmulator: options.practiceEmulator } : {}),
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
        ...(options.gunPollMs ? { gunPollMs: options.gunPollMs } : {}),
        ...(options.syncIsolationPaceMs !== undefined
          ? { syncIsolationPaceMs: options.syncIsolationPaceMs }
          : {}),
        archiveAndReopen,
        unarchiveAndReopen,
      }),
      backups: stationBackups(options.dataDir, dbPath, (file) => open(file)),
      reopenInPlace: async () => open(dbPath),
    });
  } catch (error) {
    await core.close();
    throw error;
  }
}
