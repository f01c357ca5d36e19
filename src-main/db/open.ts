// Opening the station's SQLite file: durable pragmas (verified, not assumed), an integrity check,
// and migrations. Anything short of that refuses to run: a timer must not capture into a file
// that can lose commits.
import { resolve } from 'node:path';
import type { Database as Db } from 'better-sqlite3';
import { connect } from './sqlite';
import { DatabaseOpenError, StationDamagedError } from './errors';
import { describeFailure, failureSentence, RESTORE_ADVICE } from './failure';
import { migrate, type Migration, MIGRATIONS } from './migrations';
import { refuseEmptyStartOverHistory, type HistoryGuard } from './station-history';

export type { Db };
export { DatabaseOpenError, StationDamagedError };

export interface OpenOptions {
  /** Platform, for `fullfsync` (macOS only). Defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  busyTimeoutMs?: number;
  /** How long to wait for another process's station lock before refusing (default 10 s). */
  lockWaitMs?: number;
  migrations?: readonly Migration[];
  /** Skip the integrity check (only for benchmarks that open a file they just checked). */
  skipIntegrityCheck?: boolean;
  /** `quick` (default, O(N)) or `full` (`PRAGMA integrity_check`); see `checkIntegrity`. */
  integrityCheck?: 'quick' | 'full';
  /**
   * A station file: refuse to start it empty while its folder holds what `history` names:
   * its backups, or its backups and archived races (not right after the caller archived the
   * race itself). Default: no check (a scratch database).
   */
  history?: HistoryGuard;
}

interface PragmaSpec {
  name: string;
  set: string;
  /** The value `PRAGMA name` must read back. */
  expect: string | number;
}

export function requiredPragmas(platform: NodeJS.Platform, busyTimeoutMs: number): PragmaSpec[] {
  const specs: PragmaSpec[] = [
    { name: 'journal_mode', set: 'journal_mode = WAL', expect: 'wal' },
    // better-sqlite3 defaults to NORMAL, which can lose the last commits on power loss.
    { name: 'synchronous', set: 'synchronous = FULL', expect: 2 },
    { name: 'foreign_keys', set: 'foreign_keys = ON', expect: 1 },
    { name: 'busy_timeout', set: `busy_timeout = ${busyTimeoutMs}`, expect: busyTimeoutMs },
  ];
  if (platform === 'darwin') specs.push({ name: 'fullfsync', set: 'fullfsync = ON', expect: 1 });
  return specs;
}

/** Read every required pragma back; throw naming each one not in force. */
export function verifyPragmas(db: Db, specs: PragmaSpec[]): void {
  const wrong: string[] = [];
  for (const spec of specs) {
    const actual = db.pragma(spec.name, { simple: true }) as unknown;
    const norm = typeof actual === 'string' ? actual.toLowerCase() : actual;
    if (norm !== spec.expect) wrong.push(`${spec.name} is ${String(actual)}, needs ${spec.expect}`);
  }
  if (wrong.length > 0) {
    throw new DatabaseOpenError(
      `The station database cannot guarantee durable writes (${wrong.join('; ')}). ` +
        'Refusing to run: move the data folder to a local disk.',
    );
  }
}

/**
 * `quick` (the start-up default): `PRAGMA quick_check`, every page and record checked, O(N) —
 * measured 76 ms against 400 ms for the full check on a 100,000-row station (DESIGN §6: ready in
 * 1 s). It skips only the cross-check of index entries against their rows, which the start-up
 * outbox reconciliation and the projection rebuild (both read the tables themselves) would not
 * trust anyway. `full`: `PRAGMA integrity_check`, for tools and backups.
 */
export function checkIntegrity(db: Db, path: string, mode: 'quick' | 'full' = 'quick'): void {
  let rows: Array<{ integrity_check: string }>;
  try {
    const pragma = mode === 'quick' ? 'quick_check' : 'integrity_check';
    // Same one-column result either way; named as integrity_check below.
    rows = (db.pragma(pragma) as Array<Record<string, string>>).map((r) => ({
      integrity_check: String(Object.values(r)[0]),
    }));
  } catch (err) {
    throw openFailure(err, path);
  }
  // One result row can hold many newline-separated findings; show the first few on one line.
  const problems = rows
    .flatMap((r) => r.integrity_check.split('\n'))
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'ok' && !s.startsWith('***'));
  if (rows.some((r) => r.integrity_check !== 'ok')) {
    throw new StationDamagedError(
      `The station file ${path} is damaged: it failed its integrity check (${problems.slice(0, 3).join('; ')}). ` +
        `${RESTORE_ADVICE}; the damaged file is kept aside, not deleted.`,
    );
  }
}

/** The error for a station file that failed to open: a true sentence with the action that fits. */
export function openFailure(err: unknown, path: string): DatabaseOpenError {
  const { kind, sentence } = describeFailure(err, path);
  if (kind === 'locked') return new StationLockedError(path, { cause: err });
  if (kind === 'damaged') return new StationDamagedError(sentence, { cause: err });
  return new DatabaseOpenError(sentence, { cause: err });
}

/** Another process (a second `npm start`, the web host beside Electron) holds the station's data. */
export class StationLockedError extends DatabaseOpenError {
  constructor(path: string, options?: { cause?: unknown }) {
    super(failureSentence('locked', path, ''), options);
    this.name = 'StationLockedError';
  }
}

/**
 * How long a second opener waits for the lock before refusing: a Chute that is
 * closing takes its final backup first, which on a big journal takes seconds, so a quick restart
 * waits for it rather than failing. SQLite's busy handler polls the lock meanwhile.
 */
export const LOCK_WAIT_MS = 10_000;

/** Station files this process holds: a second open here is refused at once (waiting cannot help). */
const heldHere = new Set<string>();

/**
 * Take the database for this process alone, before anything else reads or writes it. Two
 * processes on one station file would each keep their own projection and write one outbox
 * (conflicting places, two sync loops). `locking_mode = EXCLUSIVE` makes SQLite keep the lock of
 * its first write until the connection closes; the OS drops it when the process dies (a SIGKILL
 * leaves no stale lock). The write records who holds it, for the audit only. Another process
 * holding it is waited for up to `waitMs` (it may be closing), then refused.
 */
export function takeStationLock(db: Db, path: string, waitMs: number = LOCK_WAIT_MS): void {
  const key = resolve(path);
  if (heldHere.has(key)) throw new StationLockedError(path);
  const attempt = (busyMs: number): void => {
    db.pragma(`busy_timeout = ${busyMs}`);
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec(
      `CREATE TABLE IF NOT EXISTS station_lock (
         id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, at INTEGER NOT NULL) STRICT`,
    );
    db.prepare('INSERT OR REPLACE INTO station_lock (id, pid, at) VALUES (1, ?, ?)').run(
      process.pid,
      Date.now(),
    );
  };
  const busy = (err: unknown): boolean => {
    const code = (err as { code?: unknown }).code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
  };
  try {
    try {
      attempt(0);
    } catch (err) {
      if (!busy(err) || waitMs <= 0) throw err;
      process.stderr.write(
        `Waiting up to ${Math.round(waitMs / 1000)} s for the previous Chute to close ${path}…\n`,
      );
      attempt(waitMs);
    }
  } catch (err) {
    if (busy(err)) throw new StationLockedError(path, { cause: err });
    throw openFailure(err, path);
  }
  heldHere.add(key);
  const close = db.close.bind(db);
  db.close = (): Db => {
    heldHere.delete(key);
    return close();
  };
}

/**
 * SQLite's page cache per connection, in KiB. better-sqlite3 sets 16 MiB, which the start-up
 * integrity check (it reads every page) fills at once: 16 MiB of a station's resident memory
 * before the first tap (DESIGN §6: 200 MiB once ready). A key press touches a few pages (the
 * journal's last, the outbox rows and indexes of one bib), which 4 MiB holds many times over;
 * the operating system's file cache keeps the rest of the file close anyway.
 */
export const PAGE_CACHE_KIB = 4_096;

/**
 * Open (creating if needed), take the station lock, verify pragmas and integrity, migrate.
 * Throws a clear error if unsafe or if another process has the file.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const platform = options.platform ?? process.platform;
  const busy = options.busyTimeoutMs ?? 5_000;
  if (options.history) {
    refuseEmptyStartOverHistory(path, { archived: options.history === 'backups-and-archive' });
  }
  let db: Db;
  try {
    db = connect(path);
  } catch (err) {
    throw openFailure(err, path);
  }
  try {
    takeStationLock(db, path, options.lockWaitMs ?? LOCK_WAIT_MS);
    // A file that is not a database fails on the first read; say so in the timer's words.
    try {
      for (const spec of requiredPragmas(platform, busy)) db.pragma(spec.set);
    } catch (err) {
      throw openFailure(err, path);
    }
    verifyPragmas(db, requiredPragmas(platform, busy));
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (!options.skipIntegrityCheck) checkIntegrity(db, path, options.integrityCheck ?? 'quick');
    migrate(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
