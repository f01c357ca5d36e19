// Which backups may be deleted. Pure, so the rules are property-tested: rolling backups must
// never rotate the good copies away (an empty station backed up five times must not push out
// the copies that held the race).

export interface RetainedBackup {
  /** The file, as listed (any unique key works). */
  path: string;
  /** When the backup was taken (ms since epoch). */
  takenAt: number;
  /** Journal entries it holds; null when it could not be read (such a file is never deleted). */
  entries: number | null;
  /** Which race it belongs to (`live-123`), null before setup. */
  raceKey: string | null;
}

export interface RetentionRules {
  /** The newest this many are always kept. */
  keep: number;
  /** One backup (the last) of each such period is kept. Default one hour. */
  periodMs?: number;
}

const HOUR_MS = 3_600_000;

const byAge = (a: RetainedBackup, b: RetainedBackup): number =>
  a.takenAt - b.takenAt || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * The backups to keep: the newest `keep`; every one holding more journal entries than the
 * newest; the last one of every race; the last one of every hour; every one that could not be
 * read. The rest may be deleted.
 */
export function backupsToKeep(all: readonly RetainedBackup[], rules: RetentionRules): Set<string> {
  const sorted = [...all].sort(byAge);
  const keep = new Set<string>();
  const newest = sorted[sorted.length - 1];
  if (newest === undefined) return keep;
  const periodMs = rules.periodMs ?? HOUR_MS;
  for (const b of sorted.slice(-Math.max(1, rules.keep))) keep.add(b.path);
  const lastOfRace = new Map<string | null, string>();
  const lastOfPeriod = new Map<number, string>();
  for (const b of sorted) {
    if (b.entries === null || (newest.entries !== null && b.entries > newest.entries)) {
      keep.add(b.path);
    }
    lastOfRace.set(b.raceKey, b.path);
    lastOfPeriod.set(Math.floor(b.takenAt / periodMs), b.path);
  }
  for (const path of lastOfRace.values()) keep.add(path);
  for (const path of lastOfPeriod.values()) keep.add(path);
  return keep;
}

/** The complement of `backupsToKeep`, oldest first. */
export function backupsToDelete(all: readonly RetainedBackup[], rules: RetentionRules): string[] {
  const keep = backupsToKeep(all, rules);
  return [...all]
    .sort(byAge)
    .filter((b) => !keep.has(b.path))
    .map((b) => b.path);
}
