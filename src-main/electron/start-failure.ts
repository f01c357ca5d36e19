// A desktop app started from an icon has no terminal for `npm run restore`: when the station
// file is missing, empty or damaged while the data folder holds backups, the start-failure
// dialog offers to restore the fullest one (the file it replaces is kept) and start again.
import path from 'node:path';
import {
  BACKUP_DIR_NAME,
  STATION_FILE_NAME,
  StationDamagedError,
  StationHistoryError,
  bestBackup,
  describeBackups,
  describeStationFile,
  type BackupInfo,
} from '../db';

export interface RestoreOffer {
  backup: BackupInfo;
  dbPath: string;
  /** The dialog's buttons: restore (the default) or quit. */
  buttons: [string, string];
  detail: string;
}

export function restoreOffer(error: unknown, dataDir: string): RestoreOffer | null {
  if (!(error instanceof StationHistoryError || error instanceof StationDamagedError)) return null;
  const backup = bestBackup(describeBackups(path.join(dataDir, BACKUP_DIR_NAME)));
  if (backup === null) return null;
  return {
    backup,
    dbPath: path.join(dataDir, STATION_FILE_NAME),
    buttons: ['Restore this backup and start', 'Quit'],
    detail:
      `The fullest backup: ${describeStationFile(backup, backup.takenAt)}. Restoring it keeps ` +
      `the station file it replaces in ${path.join(dataDir, 'replaced')}; Chute then starts ` +
      'again and sends RunSignup only what it does not have yet.',
  };
}
