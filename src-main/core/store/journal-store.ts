// The append-only journal over SQLite. Rows written by this code were validated with zod on the
// way in; reading them back (cold start: 100,000 rows) uses a cheap structural check instead of a
// per-row zod parse, and still refuses a row that is not what we wrote.
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { JournalEntry, JournalPayload } from '../../../src-shared/domain';
import type { JournalItem } from '../projection/types';

export interface JournalStore {
  readonly stationId: string;
  /** Append one row; returns its seq. Call inside the transaction that writes its outbox changes. */
  append(payload: JournalPayload, recordedAt: number): number;
  count(): number;
  lastSeq(): number;
  get(seq: number): JournalEntry | null;
  /** Every entry in seq order. */
  all(): JournalEntry[];
  /**
   * Every entry's seq and payload in seq order: all a projection replay reads (cold start),
   * without 100,000 station ids and recording times it would only let go again.
   */
  replayItems(): JournalItem[];
  /** Newest first, strictly before `beforeSeq` when given. */
  page(limit: number, beforeSeq?: number): JournalEntry[];
}

interface Row {
  seq: number;
  station_id: string;
  recorded_at: number;
  kind: string;
  payload: string;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isIntOrNull = (v: unknown): boolean => v === null || isInt(v);

/** Structural check of a parsed payload: cheap enough for 100,000 rows at start-up. */
export function checkPayload(kind: string, value: unknown, seq: number): JournalPayload {
  const p = value as Record<string, unknown>;
  const ok = (() => {
    if (typeof p !== 'object' || p === null || p.kind !== kind) return false;
    switch (kind) {
      case 'tap':
        return isInt(p.at) && isIntOrNull(p.bib) && typeof p.unreadable === 'boolean';
      case 'assign':
        return isInt(p.tapSeq) && isIntOrNull(p.bib);
      case 'adjust':
        return isInt(p.tapSeq) && isInt(p.at);
      case 'void':
        return isInt(p.tapSeq);
      case 'status':
        return isInt(p.bib) && (p.status === null || typeof p.status === 'string');
      case 'clear':
        return isInt(p.bib);
      case 'gun':
        return (
          isInt(p.eventId) &&
          isInt(p.at) &&
          (p.source === undefined || p.source === 'local' || p.source === 'runsignup') &&
          (p.pressed === undefined || typeof p.pressed === 'boolean')
        );
      case 'offset':
        return isInt(p.ms);
      case 'undo':
        return isInt(p.targetSeq);
      case 'shift':
        return (
          isInt(p.fromTapSeq) &&
          isInt(p.toTapSeq) &&
          (p.direction === 'earlier' || p.direction === 'later')
        );
      case 'order':
        return isInt(p.bib);
      default:
        return false;
    }
  })();
  if (!ok) throw new Error(`Journal row ${seq} (${kind}) does not have the expected shape`);
  return p as unknown as JournalPayload;
}

/** Parse and check one stored payload. */
export function decodePayload(kind: string, json: string, seq: number): JournalPayload {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(`Journal row ${seq} is not valid JSON`);
  }
  return checkPayload(kind, value, seq);
}

function toEntry(r: Row): JournalEntry {
  return {
    seq: r.seq,
    stationId: r.station_id,
    recordedAt: r.recorded_at,
    payload: decodePayload(r.kind, r.payload, r.seq),
  };
}

/** Rows per page of a whole-journal read: big enough that paging costs nothing measurable. */
const PAGE_ROWS = 5_000;

/**
 * Read the journal page by page: `page(after)` gives the JSON text of the rows after seq
 * `after` (null or '[]' past the end), `take` keeps one row and returns its seq.
 */
function readPages<R>(
  page: (after: number) => string | null | undefined,
  take: (row: R) => number,
): void {
  let after = 0;
  for (;;) {
    const text = page(after);
    if (!text) return;
    let rows: R[];
    try {
      rows = JSON.parse(text) as R[];
    } catch (err) {
      throw new Error(`The journal is unreadable after row ${after}: ${(err as Error).message}`);
    }
    if (rows.length === 0) return;
    for (let i = 0; i < rows.length; i++) after = take(rows[i] as R);
  }
}

/** The station id, generated once per database and kept in `meta`. */
export function ensureStationId(db: Database): string {
  const row = db
    .prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'station_id'`)
    .get();
  if (row) return row.value;
  const id = randomUUID();
  db.prepare(`INSERT INTO meta (key, value) VALUES ('station_id', ?)`).run(id);
  return id;
}

export function createJournalStore(db: Database): JournalStore {
  const stationId = ensureStationId(db);
  const st = {
    insert: db.prepare(
      `INSERT INTO journal (station_id, recorded_at, kind, payload) VALUES (?, ?, ?, ?)`,
    ),
    count: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM journal`),
    last: db.prepare<[], { s: number | null }>(`SELECT max(seq) AS s FROM journal`),
    get: db.prepare<[number], Row>(`SELECT * FROM journal WHERE seq = ?`),
    // Cold start reads the journal in pages, each ONE JSON array of rows that SQLite writes
    // from the stored payload text (CHECK json_valid: already JSON, so no json() re-parse) and
    // JavaScript parses once: measured faster than a row object and a JSON.parse per row, and
    // than one array of the whole journal, whose text and parsed copy would sit in memory at
    // once (~20 MiB of resident memory at 100,000 rows). The station id is left out (null)
    // when it is this station's, as it always is.
    entryPage: db
      .prepare<[string, number, number], string>(
        `SELECT '[' || group_concat(
           '[' || seq || ',' || CASE WHEN station_id = ? THEN 'null' ELSE json_quote(station_id) END
             || ',' || recorded_at || ',' || json_quote(kind) || ',' || payload || ']', ',' ORDER BY seq)
           || ']'
         FROM (SELECT * FROM journal WHERE seq > ? ORDER BY seq LIMIT ?)`,
      )
      .pluck(),
    itemPage: db
      .prepare<[number, number], string>(
        // Each row already the item the projection keeps (plus its kind, to check the payload
        // against): no row array made and copied per entry.
        `SELECT '[' || group_concat(
           '{"seq":' || seq || ',"kind":' || json_quote(kind) || ',"payload":' || payload || '}',
           ',' ORDER BY seq) || ']'
         FROM (SELECT seq, kind, payload FROM journal WHERE seq > ? ORDER BY seq LIMIT ?)`,
      )
      .pluck(),
    page: db.prepare<[number, number], Row>(
      `SELECT * FROM journal WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
  };
  return {
    stationId,
    append(payload, recordedAt) {
      const info = st.insert.run(stationId, recordedAt, payload.kind, JSON.stringify(payload));
      return Number(info.lastInsertRowid);
    },
    count: () => st.count.get()?.n ?? 0,
    lastSeq: () => st.last.get()?.s ?? 0,
    get(seq) {
      const r = st.get.get(seq);
      return r ? toEntry(r) : null;
    },
    all() {
      const out: JournalEntry[] = [];
      readPages<[number, string | null, number, string, unknown]>(
        (after) => st.entryPage.get(stationId, after, PAGE_ROWS),
        ([seq, rowStation, recordedAt, kind, payload]) => {
          out.push({
            seq,
            stationId: rowStation ?? stationId,
            recordedAt,
            payload: checkPayload(kind, payload, seq),
          });
          return seq;
        },
      );
      return out;
    },
    replayItems() {
      const out: JournalItem[] = [];
      readPages<{ seq: number; kind: string; payload: unknown }>(
        (after) => st.itemPage.get(after, PAGE_ROWS),
        (row) => {
          checkPayload(row.kind, row.payload, row.seq);
          out.push(row as JournalItem);
          return row.seq;
        },
      );
      return out;
    },
    page: (limit, beforeSeq) =>
      st.page.all(beforeSeq ?? Number.MAX_SAFE_INTEGER, limit).map(toEntry),
  };
}
