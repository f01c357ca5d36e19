// The backup list as `npm run restore` prints it and Setup shows it: time, race, entries, and
// which one is newest and which holds the most entries.
import type { BackupView } from '../../src-shared/station-api';
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

/**
 * The backups of one folder as Setup lists them, newest first, with the newest and the fullest
 * (most entries, newest on ties: the one a restore should offer first) marked.
 */
export function backupViews(
  backups: readonly BackupInfo[],
  where: BackupView['where'],
  fullest: BackupInfo | null,
): BackupView[] {
  const newest = backups[backups.length - 1];
  return [...backups].reverse().map((b) => ({
    file: b.file,
    where,
    takenAt: b.takenAt,
    raceName: b.race?.raceName ?? null,
    mode: b.race?.mode ?? null,
    entries: b.entries,
    problem: b.problem,
    newest: b === newest,
    fullest: b === fullest,
  }));
}
