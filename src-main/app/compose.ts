// The station service as both shells start it: open the core's database under `dataDir`, then
// compose the real parts. The core opener is injectable so tests can swap it.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { StationConfig } from '../../src-shared/domain';
import type { RunningEmulator } from '../runsignup/emulator';
import { openCorePort } from './core-adapter';
import { realParts } from './parts';
import type { CorePort, SecretStore } from './ports';
import { createStationService, type StationService } from './service';

export const DATABASE_FILE = 'station.sqlite';
/** Where a race's station file goes when another race or mode is configured. */
export const ARCHIVE_DIR = 'archive';

/** The archive folder name of a race: `<mode>-<raceId>-<YYYYMMDD-HHMMSS>` (UTC, sortable). */
export function archiveFolderName(config: StationConfig, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${config.mode}-${config.raceId}-${stamp}`;
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
  const moved: Array<[string, string]> = [];
  try {
    for (const name of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, 'backups']) {
      const from = path.join(dataDir, name);
      if (!existsSync(from)) continue;
      renameSync(from, path.join(dir, name));
      moved.push([from, path.join(dir, name)]);
    }
  } catch (error) {
    // All or nothing: a database without its -wal would lose entries. Put back what moved.
    for (const [from, to] of moved.reverse()) renameSync(to, from);
    throw error;
  }
  return dir;
}

export interface ComposeOptions {
  dataDir: string;
  secrets: SecretStore;
  practiceSeed?: number;
  log?: (line: string) => void;
  openCore?: (dbPath: string) => CorePort | Promise<CorePort>;
  syncIdlePollMs?: number;
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
  ): Promise<{ core: CorePort; error: string | null }> => {
    try {
      const dir = archiveStationFiles(options.dataDir, current, Date.now());
      options.log?.(`Archived the ${current.mode} race ${current.raceId} to ${dir}.`);
      return { core: await open(dbPath), error: null };
    } catch (error) {
      // Nothing moved: the station goes on with the file it had.
      return {
        core: await open(dbPath),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  };
  try {
    return await createStationService(
      realParts({
        core,
        secrets: options.secrets,
        ...(options.practiceSeed !== undefined ? { practiceSeed: options.practiceSeed } : {}),
        ...(options.log ? { log: options.log } : {}),
        ...(options.syncIdlePollMs ? { syncIdlePollMs: options.syncIdlePollMs } : {}),
        ...(options.practiceEmulator ? { practiceEmulator: options.practiceEmulator } : {}),
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
        ...(options.gunPollMs ? { gunPollMs: options.gunPollMs } : {}),
        ...(options.syncIsolationPaceMs !== undefined
          ? { syncIsolationPaceMs: options.syncIsolationPaceMs }
          : {}),
        archiveAndReopen,
      }),
    );
  } catch (error) {
    await core.close();
    throw error;
  }
}
