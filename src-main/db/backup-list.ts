// The backup list as `npm run restore` prints it: number, time, race, entries, and which one is
// newest and which holds the most entries.
import { describeStationFile, type BackupInfo } from './backup-info';

export function backupTable(backups: readonly BackupInfo[], fullest: BackupInfo | null): string[] {
  const newest = backups[backups.length - 1];
  return backups.map((b, i) => {
    const marks = [b === newest ? 'newest' : null, b === fullest ? 'most entries' : null].filter(
      (m) => m !== null,
    );
    const tail = marks.length > 0 ? `  <- ${marks.join(', ')}` : '';
    return `${String(i + 1).padStart(3)}. ${describeStationFile(b, b.takenAt)}${tail}`;
  });
}
