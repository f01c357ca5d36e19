export {
  openDatabase,
  DatabaseOpenError,
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
  pruneBackups,
  backupFileName,
} from './backup';
export type { RollingBackup, RollingBackupOptions } from './backup';
