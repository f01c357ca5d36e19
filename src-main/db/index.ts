export {
  openDatabase,
  openFailure,
  DatabaseOpenError,
  StationDamagedError,
  StationLockedError,
  takeStationLock,
  verifyPragmas,
  requiredPragmas,
  checkIntegrity,
} from './open';
export type { Db, OpenOptions } from './open';
export { migrate, MIGRATIONS, LATEST_VERSION, NewerDatabaseError } from './migrations';
export type { Migration } from './migrations';
export {
  startRollingBackups,
  restoreBackup,
  listBackups,
  describeBackups,
  pruneBackups,
  backupFileName,
  mirrorProblem,
  mirrorStatusOf,
  verifyBackupCopy,
  assertStationFileFree,
  REPLACED_DIR,
  RESTORING_DIR,
  stageForRestore,
} from './backup';
export type { RollingBackup, RollingBackupOptions, MirrorStatus, MirrorState } from './backup';
export {
  readBackupInfo,
  readStationFileInfo,
  describeStationFile,
  backupTakenAt,
  raceKeyOf,
} from './backup-info';
export type { BackupInfo, StationFileInfo, StationFileRace } from './backup-info';
export { backupsToKeep, backupsToDelete } from './retention';
export type { RetainedBackup, RetentionRules } from './retention';
export {
  ARCHIVE_DIR_NAME,
  BACKUP_DIR_NAME,
  StationHistoryError,
  bestBackup,
  historySentence,
  refuseEmptyStartOverHistory,
  stationFileState,
  stationHistory,
} from './station-history';
export type { HistoryGuard, StationFileState, StationHistory } from './station-history';
export {
  RESTORE_ADVICE,
  RESTORE_COMMAND,
  describeFailure,
  errorCode,
  failureKind,
  failureSentence,
  notSavedSentence,
  probeFolder,
} from './failure';
export type { FailureKind, FolderProbe } from './failure';
export { connect, sqliteBinding, useSqliteBinding } from './sqlite';
export {
  CHUTE_DATA_PARTS,
  STATION_FILE_NAME,
  adoptOtherShellData,
  currentContext,
  otherShellDataDirs,
  refuseUnreachableDataDir,
  stationDataDir,
} from './data-folder';
export type { DataFolderContext } from './data-folder';
export { backupTable, backupViews } from './backup-list';
export { SETTINGS_FILE, readDataSettings, writeDataSettings } from './settings';
export type { DataSettings } from './settings';
