// The data folder's backups as Setup uses them: the list (the data folder's and the mirror
// folder's), the mirror folder setting, and restore. Restore happens in two steps around the
// closing of the station file: `prepare` copies the chosen backup aside and checks it while the
// station still runs; `restoreAndReopen`, once the file is closed, puts it in place (keeping a
// copy of the file it replaces) and opens it.
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BackupList, BackupView } from '../../src-shared/station-api';
import {
  BACKUP_DIR_NAME,
  RESTORING_DIR,
  backupViews,
  bestBackup,
  describeBackups,
  describeStationFile,
  mirrorStatusOf,
  probeFolder,
  readDataSettings,
  restoreBackup,
  stageForRestore,
  writeDataSettings,
  type MirrorStatus,
} from '../db';
import type { CorePort } from './ports';

export type Prepared = { ok: true; staged: string; what: string } | { ok: false; error: string };

export interface StationBackups {
  /** `mirror`: the core's view of the mirror (it knows the last copy's failure), if any. */
  list(stationEntries: number, mirror: MirrorStatus | null): BackupList;
  /** Null when set, else the sentence why not. */
  setMirror(dir: string | null): string | null;
  /** Copies the chosen backup aside and checks it (the station still runs). */
  prepare(file: string, where: BackupView['where']): Prepared;
  /**
   * With the station file closed: put the prepared copy in its place and open it. On failure
   * nothing was replaced (or the replaced file was put back) and `core` is the file in use.
   */
  restoreAndReopen(staged: string): Promise<{
    core: CorePort;
    error: string | null;
    kept: string | null;
  }>;
  /** Drops a prepared copy that will not be used. */
  discard(staged: string): void;
}

export function stationBackups(
  dataDir: string,
  dbPath: string,
  open: (dbPath: string) => CorePort | Promise<CorePort>,
): StationBackups {
  const folderOf = (where: BackupView['where']): string | null =>
    where === 'data' ? path.join(dataDir, BACKUP_DIR_NAME) : readDataSettings(dataDir).mirrorDir;
  const errorText = (error: unknown): string =>
    error instanceof Error ? error.message : String(error);
  const discard = (staged: string): void => {
    if (path.basename(path.dirname(staged)) === RESTORING_DIR) {
      rmSync(path.dirname(staged), { recursive: true, force: true });
    }
  };

  return {
    list(stationEntries, mirror) {
      const mirrorDir = readDataSettings(dataDir).mirrorDir;
      const status = mirror ?? mirrorStatusOf(mirrorDir, null);
      const backups: BackupView[] = [];
      for (const where of ['data', 'mirror'] as const) {
        const dir = folderOf(where);
        if (dir === null || !existsSync(dir)) continue;
        const found = describeBackups(dir);
        backups.push(...backupViews(found, where, bestBackup(found)));
      }
      return {
        dataDir,
        stationEntries,
        mirror: { dir: status.dir, state: status.state, message: status.message },
        backups,
      };
    },

    setMirror(dir) {
      if (dir === null) {
        writeDataSettings(dataDir, { ...readDataSettings(dataDir), mirrorDir: null });
        return null;
      }
      const folder = dir.trim();
      if (!path.isAbsolute(folder)) {
        return `"${folder}" is not a full folder path (it starts with / on Linux and macOS, with a drive letter on Windows).`;
      }
      if (!existsSync(folder) || !statSync(folder).isDirectory()) {
        return `There is no folder ${folder}: plug in the USB stick and give the folder on it.`;
      }
      const resolved = path.resolve(folder);
      if (
        resolved === path.resolve(dataDir) ||
        resolved.startsWith(path.resolve(dataDir) + path.sep)
      ) {
        return `The mirror folder must be outside the data folder (${dataDir}): a mirror there is lost with the laptop. Choose a folder on a USB stick.`;
      }
      const probe = probeFolder(folder);
      if (probe !== 'writable') {
        return `Chute cannot write into ${folder} (${probe === 'full' ? 'the disk is full' : probe}): choose another folder.`;
      }
      writeDataSettings(dataDir, { ...readDataSettings(dataDir), mirrorDir: folder });
      return null;
    },

    prepare(file, where) {
      const dir = folderOf(where);
      if (dir === null) return { ok: false, error: 'No mirror folder is set.' };
      try {
        const staged = stageForRestore(path.join(dir, file), dataDir);
        const [info] = describeBackups(path.dirname(staged));
        const what = info ? describeStationFile(info, info.takenAt) : file;
        return { ok: true, staged, what };
      } catch (error) {
        return { ok: false, error: errorText(error) };
      }
    },

    async restoreAndReopen(staged) {
      let kept: string | null;
      try {
        kept = restoreBackup(staged, dbPath);
      } catch (error) {
        discard(staged);
        return { core: await open(dbPath), error: errorText(error), kept: null };
      }
      discard(staged);
      try {
        return { core: await open(dbPath), error: null, kept };
      } catch (error) {
        // The backup would not open here (a newer Chute's, say): the file it replaced goes back.
        if (kept === null) throw error;
        try {
          restoreBackup(kept, dbPath);
        } catch (putBack) {
          throw new Error(
            `${errorText(error)} Putting the station file in use back failed too ` +
              `(${errorText(putBack)}); it is kept whole as ${kept}.`,
          );
        }
        return {
          core: await open(dbPath),
          error: `${errorText(error)} The station file in use was put back.`,
          kept: null,
        };
      }
    },

    discard,
  };
}
