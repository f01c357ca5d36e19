// Rolling online backups (SQLite's backup API, safe while the station writes), checked after
// writing, copied to an optional mirror folder (a USB stick), pruned by rules that never rotate
// the good copies away; and restore, which always keeps a copy of the file it replaces.
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Database as Db } from 'better-sqlite3';
import { connect } from './sqlite';
import { raceKeyOf, readBackupInfo, type BackupInfo } from './backup-info';
import { DatabaseOpenError } from './errors';
import { describeFailure, errorCode, failureKind, probeFolder } from './failure';
import { LATEST_VERSION } from './migrations';
import { checkIntegrity, StationLockedError } from './open';
import { backupsToDelete } from './retention';

const PREFIX = 'chute-';
const SUFFIX = '.sqlite';
/** Where restore keeps the files it replaced, beside the station file. */
export const REPLACED_DIR = 'replaced';

export type MirrorState = 'off' | 'ok' | 'missing' | 'failed';

export interface MirrorStatus {
  dir: string | null;
  state: MirrorState;
  /** The sentence for the status bar (null when off or fine). */
  message: string | null;
}

export interface RollingBackupOptions {
  dir: string;
  /** Default 3 minutes. */
  intervalMs?: number;
  /** How many of the newest backups are always kept. Default 5. */
  keep?: number;
  now?: () => number;
  /** Called when a scheduled backup fails (a backup failure must not stop capture). */
  onError?: (err: Error) => void;
  /** The mirror folder in force (read at every backup: Setup may change it). */
  mirrorDir?: () => string | null;
}

export interface RollingBackup {
  /** Take one backup now; resolves with its path once written, checked, mirrored and pruned. */
  backupNow(): Promise<string>;
  /** Stop the timer and take a final backup (the at-exit backup). */
  stop(options?: { finalBackup?: boolean }): Promise<string | null>;
  /**
   * The backups' state for the status bar: the last backup that failed to be written (a full
   * disk, say) with its sentence, else the mirror folder as it is now (a USB stick may have been
   * pulled since the last backup).
   */
  mirrorStatus(): MirrorStatus;
}

/** Backup file names sort by time: `chute-20261130T031500123Z-0001.sqlite`. */
export function backupFileName(at: number, counter: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:.]/g, '');
  return `${PREFIX}${stamp}-${String(counter).padStart(4, '0')}${SUFFIX}`;
}

/** The backups in `dir`, oldest first. */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(PREFIX) && f.endsWith(SUFFIX))
    .sort()
    .map((f) => join(dir, f));
}

/** The backups in `dir` with what each holds, oldest first. */
export function describeBackups(dir: string): BackupInfo[] {
  return listBackups(dir).map(readBackupInfo);
}

/** Deletes what the retention rules allow (see retention.ts); returns the deleted paths. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = describeBackups(dir).map((b) => ({
    path: b.path,
    takenAt: b.takenAt,
    entries: b.entries,
    raceKey: raceKeyOf(b.race),
  }));
  const removed = backupsToDelete(all, { keep });
  for (const f of removed) rmSync(f, { force: true });
  return removed;
}

/**
 * Makes a freshly written copy self-contained (rollback journal, no -wal needed, so it can be
 * carried on a USB stick) and checks it page by page; a copy that fails is deleted and the
 * backup reported as failed, never kept as if it were good.
 */
export function verifyBackupCopy(path: string): void {
  const copy = connect(path, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    checkIntegrity(copy, path);
    copy.prepare(`SELECT count(*) AS n FROM journal`).get();
  } catch (err) {
    copy.close();
    rmSync(path, { force: true });
    throw new DatabaseOpenError(
      `The backup just written to ${path} did not read back (${(err as Error).message}); ` +
        'it was deleted and the station file is untouched. Check the disk holding the data folder.',
      { cause: err },
    );
  }
  copy.close();
}

/** Copies `file` into `dir` under the same name, through a temporary name. */
function copyInto(file: string, dir: string): void {
  const target = join(dir, basename(file));
  if (existsSync(target)) return;
  copyFileSync(file, `${target}.partial`);
  renameSync(`${target}.partial`, target);
}

export function startRollingBackups(db: Db, options: RollingBackupOptions): RollingBackup {
  const intervalMs = options.intervalMs ?? 3 * 60_000;
  const keep = Math.max(1, options.keep ?? 5);
  const now = options.now ?? Date.now;
  mkdirSync(options.dir, { recursive: true });
  let counter = 0;
  let mirrorError: string | null = null;
  let backupError: string | null = null;
  // One backup at a time: a second request waits for the first.
  let chain: Promise<unknown> = Promise.resolve();

  /** Every local backup the mirror lacks goes there (a stick plugged back in catches up). */
  const mirror = (): void => {
    const dir = options.mirrorDir?.() ?? null;
    // A missing folder is never created: that would fill the laptop's disk where the stick was.
    if (dir === null || !existsSync(dir)) return;
    try {
      for (const file of listBackups(options.dir)) copyInto(file, dir);
      pruneBackups(dir, keep);
      mirrorError = null;
    } catch (err) {
      mirrorError = mirrorProblem(err, dir);
    }
  };

  const backupNow = (): Promise<string> => {
    const run = async (): Promise<string> => {
      counter += 1;
      const final = join(options.dir, backupFileName(now(), counter));
      const partial = `${final}.partial`;
      try {
        await db.backup(partial);
        verifyBackupCopy(partial);
        // Rename only a complete, checked copy: a crash mid-backup never leaves a bad "backup".
        renameSync(partial, final);
      } catch (err) {
        try {
          rmSync(partial, { force: true });
        } catch {
          // the folder itself is gone or unusable: there is no partial copy to remove
        }
        const { kind, sentence } = describeFailure(err, final);
        backupError =
          kind === 'other'
            ? `The last backup could not be written to ${options.dir} (${(err as Error).message}): ` +
              'capture goes on and the station file is untouched; check that folder (the next ' +
              'backup tries again).'
            : `The last backup could not be written: ${sentence}`;
        throw err;
      }
      backupError = null;
      pruneBackups(options.dir, keep);
      mirror();
      return final;
    };
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  };

  const timer = setInterval(() => {
    backupNow().catch((err: Error) => options.onError?.(err));
  }, intervalMs);
  timer.unref();

  return {
    backupNow,
    async stop({ finalBackup = true } = {}) {
      clearInterval(timer);
      if (!finalBackup || !db.open) {
        await chain;
        return null;
      }
      return backupNow();
    },
    mirrorStatus() {
      const dir = options.mirrorDir?.() ?? null;
      if (backupError !== null) return { dir, state: 'failed', message: backupError };
      return mirrorStatusOf(dir, mirrorError);
    },
  };
}

/** Why a copy to the mirror folder failed, with what to do when the cause is known. */
export function mirrorProblem(err: unknown, dir: string): string {
  const detail = err instanceof Error ? err.message : String(err);
  const kind = failureKind(errorCode(err), () => probeFolder(dir));
  if (kind === 'disk-full') return `${detail}: the stick is full; free space on it or use another`;
  if (kind === 'read-only') {
    return `${detail}: the stick takes no writes (its write-protect switch?); use another`;
  }
  return detail;
}

export function mirrorStatusOf(dir: string | null, lastError: string | null): MirrorStatus {
  if (dir === null) return { dir, state: 'off', message: null };
  if (!existsSync(dir)) {
    return {
      dir,
      state: 'missing',
      message: `The backup mirror folder ${dir} is missing (USB stick unplugged?): backups stay on this laptop only until it is back.`,
    };
  }
  if (lastError !== null) {
    return {
      dir,
      state: 'failed',
      message: `The last backup could not be copied to the mirror folder ${dir} (${lastError}).`,
    };
  }
  return { dir, state: 'ok', message: null };
}

/** A name under `dir` that is not taken yet: `station-<stamp>.sqlite`, `-2`, … */
function freeName(dir: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:.]/g, '');
  let name = join(dir, `station-${stamp}${SUFFIX}`);
  for (let n = 2; existsSync(name); n++) name = join(dir, `station-${stamp}-${n}${SUFFIX}`);
  return name;
}

/**
 * Replace the (closed) database at `dbPath` with the backup at `backupPath`. The backup is
 * integrity-checked first; the current file (and its -wal) is copied to
 * `replaced/station-<time>.sqlite` beside it first, under a name never reused, so no restore
 * ever overwrites a station file without a copy kept. Returns that copy's path (null when there
 * was no file to replace).
 */
export function restoreBackup(backupPath: string, dbPath: string, at = Date.now()): string | null {
  if (!existsSync(backupPath)) throw new DatabaseOpenError(`No backup at ${backupPath}`);
  assertStationFileFree(dbPath);
  const problem = backupProblem(backupPath);
  if (problem !== null) {
    throw new DatabaseOpenError(
      `${backupPath} cannot be used (${problem}): choose another backup. Nothing was changed.`,
    );
  }
  const staging = `${dbPath}.restoring`;
  copyFileSync(backupPath, staging);
  rmSync(`${staging}-wal`, { force: true });
  if (existsSync(`${backupPath}-wal`)) {
    // A station file brought with its write-ahead log (copied from a laptop that was running):
    // the log's entries are folded into the copy, which is then a file on its own.
    copyFileSync(`${backupPath}-wal`, `${staging}-wal`);
    const copy = connect(staging, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
  }
  let kept: string | null = null;
  if (existsSync(dbPath) || existsSync(`${dbPath}-wal`)) {
    const dir = join(dirname(dbPath), REPLACED_DIR);
    mkdirSync(dir, { recursive: true });
    kept = freeName(dir, at);
    if (existsSync(dbPath)) copyFileSync(dbPath, kept);
    if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${kept}-wal`);
  }
  // The old WAL belongs to the old file: replaying it onto the backup would corrupt it. The old
  // main file goes first (its copy is kept): a crash in between then leaves no station file or
  // a WAL alone (refused at start, with the restore offered), never the old file silently
  // without the entries its WAL held.
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
  renameSync(staging, dbPath);
  return kept;
}

/**
 * Why a backup (or a station file brought from elsewhere) cannot be put in place, or null: it
 * fails SQLite's full integrity check, was written by a newer Chute, or holds no journal.
 */
export function backupProblem(path: string): string | null {
  try {
    const probe = connect(path, { readonly: true, fileMustExist: true });
    try {
      const rows = probe.pragma('integrity_check') as Array<Record<string, unknown>>;
      const found = rows.map((r) => String(Object.values(r)[0])).filter((v) => v !== 'ok');
      if (found.length > 0) return found.slice(0, 3).join('; ');
      const version = probe.pragma('user_version', { simple: true }) as number;
      if (version > LATEST_VERSION) {
        return (
          `written by a newer version of Chute, schema ${version}; this one reads up to ` +
          `${LATEST_VERSION}: update Chute on this laptop to restore it`
        );
      }
      probe.prepare(`SELECT count(*) FROM journal`).get();
      return null;
    } finally {
      probe.close();
    }
  } catch (err) {
    return (err as Error).message;
  }
}

/** Where a backup chosen for restore waits while the station closes. */
export const RESTORING_DIR = 'restoring';

/**
 * Copies the backup at `source` into `<dataDir>/restoring/` and checks it fully, before the
 * station closes: the closing station's last backup prunes its folder, and a stick may be pulled,
 * so the restore must not depend on the original still being there. Returns the copy's path.
 */
export function stageForRestore(source: string, dataDir: string): string {
  if (!existsSync(source)) {
    throw new DatabaseOpenError(
      `The backup ${basename(source)} is no longer in ${dirname(source)} (pruned, or the stick ` +
        'was pulled): list the backups again. Nothing was changed.',
    );
  }
  const dir = join(dataDir, RESTORING_DIR);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const staged = join(dir, basename(source));
  copyFileSync(source, staged);
  const problem = backupProblem(staged);
  if (problem !== null) {
    rmSync(dir, { recursive: true, force: true });
    throw new DatabaseOpenError(
      `The backup ${basename(source)} cannot be used (${problem}): choose another one. ` +
        'Nothing was changed.',
    );
  }
  return staged;
}

/** Refuses (StationLockedError) while another Chute holds the station file. */
export function assertStationFileFree(dbPath: string): void {
  if (!existsSync(dbPath)) return;
  let db: Db | null = null;
  try {
    db = connect(dbPath, { timeout: 0 });
    db.prepare(`SELECT count(*) FROM sqlite_master`).get();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    ) {
      throw new StationLockedError(dbPath, { cause: err });
    }
    // A damaged file is what restore is for: go on.
  } finally {
    db?.close();
  }
}
