// Rolling online backups (SQLite's backup API, safe while the station writes) and restore.
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { checkIntegrity, DatabaseOpenError } from './open';

const PREFIX = 'chute-';
const SUFFIX = '.sqlite';

export interface RollingBackupOptions {
  dir: string;
  /** Default 3 minutes. */
  intervalMs?: number;
  /** How many backups to keep; the oldest are pruned. Default 5. */
  keep?: number;
  now?: () => number;
  /** Called when a scheduled backup fails (a backup failure must not stop capture). */
  onError?: (err: Error) => void;
}

export interface RollingBackup {
  /** Take one backup now; resolves with its path once written and pruned. */
  backupNow(): Promise<string>;
  /** Stop the timer and take a final backup (the at-exit backup). */
  stop(options?: { finalBackup?: boolean }): Promise<string | null>;
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

export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const f of removed) rmSync(f, { force: true });
  return removed;
}

export function startRollingBackups(db: Db, options: RollingBackupOptions): RollingBackup {
  const intervalMs = options.intervalMs ?? 3 * 60_000;
  const keep = Math.max(1, options.keep ?? 5);
  const now = options.now ?? Date.now;
  mkdirSync(options.dir, { recursive: true });
  let counter = 0;
  // One backup at a time: a second request waits for the first.
  let chain: Promise<unknown> = Promise.resolve();

  const backupNow = (): Promise<string> => {
    const run = async (): Promise<string> => {
      counter += 1;
      const final = join(options.dir, backupFileName(now(), counter));
      const partial = `${final}.partial`;
      await db.backup(partial);
      // Rename only a complete copy, so a crash mid-backup never leaves a truncated "backup".
      renameSync(partial, final);
      pruneBackups(options.dir, keep);
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
  };
}

/**
 * Replace the (closed) database at `dbPath` with the backup at `backupPath`. The backup is
 * integrity-checked first; the current file is kept beside it as `<dbPath>.before-restore`.
 */
export function restoreBackup(backupPath: string, dbPath: string): void {
  if (!existsSync(backupPath)) throw new DatabaseOpenError(`No backup at ${backupPath}`);
  const probe = new Database(backupPath, { readonly: true, fileMustExist: true });
  try {
    checkIntegrity(probe, backupPath);
  } finally {
    probe.close();
  }
  const staging = `${dbPath}.restoring`;
  copyFileSync(backupPath, staging);
  if (existsSync(dbPath)) copyFileSync(dbPath, `${dbPath}.before-restore`);
  if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${dbPath}.before-restore-wal`);
  // The old WAL belongs to the old file: replaying it onto the backup would corrupt it.
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
  renameSync(staging, dbPath);
}
