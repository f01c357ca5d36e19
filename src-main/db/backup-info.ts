// What a backup (or any station file) holds, read without changing it: the race, the number of
// journal entries and the time of the last one. Listing, retention and restore all use it.
import { statSync } from 'node:fs';
import type { Database as Db } from 'better-sqlite3';
import { connect } from './sqlite';
import { basename } from 'node:path';

export interface StationFileRace {
  mode: string;
  raceId: number;
  raceName: string;
}

export interface StationFileInfo {
  path: string;
  /** Journal entries; null when the file could not be read. */
  entries: number | null;
  /** recorded_at of the newest journal entry. */
  lastEntryAt: number | null;
  race: StationFileRace | null;
  /** Why it could not be read (null when it could). */
  problem: string | null;
}

export interface BackupInfo extends StationFileInfo {
  file: string;
  /** When the backup was taken (from its name). */
  takenAt: number;
}

const STAMP = /^chute-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-\d+\.sqlite$/;

/** The time in a backup's name (`chute-20261130T031500123Z-0001.sqlite`), or null. */
export function backupTakenAt(file: string): number | null {
  const m = STAMP.exec(basename(file));
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

function raceOf(json: string | undefined): StationFileRace | null {
  if (json === undefined) return null;
  try {
    const c = JSON.parse(json) as Partial<StationFileRace>;
    if (typeof c.raceId !== 'number') return null;
    return {
      mode: typeof c.mode === 'string' ? c.mode : 'live',
      raceId: c.raceId,
      raceName: typeof c.raceName === 'string' ? c.raceName : `race ${c.raceId}`,
    };
  } catch {
    return null;
  }
}

/** Reads a station file read-only; a damaged or foreign file is reported, never thrown. */
export function readStationFileInfo(path: string): StationFileInfo {
  let db: Db | null = null;
  try {
    if (statSync(path).size === 0) {
      return { path, entries: 0, lastEntryAt: null, race: null, problem: null };
    }
    db = connect(path, { readonly: true, fileMustExist: true });
    const hasJournal = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'`)
      .get();
    if (!hasJournal) return { path, entries: 0, lastEntryAt: null, race: null, problem: null };
    const counts = db
      .prepare(`SELECT count(*) AS n, max(recorded_at) AS last FROM journal`)
      .get() as {
      n: number;
      last: number | null;
    };
    const config = db.prepare(`SELECT json FROM station_config WHERE id = 1`).get() as
      { json: string } | undefined;
    return {
      path,
      entries: counts.n,
      lastEntryAt: counts.last,
      race: raceOf(config?.json),
      problem: null,
    };
  } catch (err) {
    return { path, entries: null, lastEntryAt: null, race: null, problem: (err as Error).message };
  } finally {
    db?.close();
  }
}

// Backups never change once written: read each file once (keyed by path, size and time, so a
// file replaced under the same name is read again).
const cache = new Map<string, StationFileInfo>();

export function readBackupInfo(path: string): BackupInfo {
  const file = basename(path);
  let key: string | null = null;
  try {
    const st = statSync(path);
    key = `${path}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    // read below reports why
  }
  let info = key === null ? undefined : cache.get(key);
  if (info === undefined) {
    info = readStationFileInfo(path);
    if (cache.size > 1000) cache.clear(); // pruned files leave their entries behind
    if (info.problem === null && key !== null) cache.set(key, info);
  }
  return { ...info, path, file, takenAt: backupTakenAt(file) ?? 0 };
}

export function raceKeyOf(race: StationFileRace | null): string | null {
  return race === null ? null : `${race.mode}-${race.raceId}`;
}

/** "Turkey Trot (live), 30 Nov 2026 08:15 UTC, 252 entries" — for lists and sentences. */
export function describeStationFile(info: StationFileInfo, at: number | null): string {
  const race = info.race ? `${info.race.raceName} (${info.race.mode})` : 'no race set up';
  const when =
    at === null ? '' : `, ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const what =
    info.entries === null
      ? `unreadable (${info.problem ?? 'unknown'})`
      : `${info.entries} ${info.entries === 1 ? 'entry' : 'entries'}`;
  return `${race}${when}, ${what}`;
}
