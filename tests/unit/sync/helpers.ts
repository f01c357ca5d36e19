// Test doubles for the sync loop: a real SQLite outbox in a temp dir, a scripted poster that
// records every call, and timers that record the delays asked for and fire at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src-main/db';
import {
  createOutboxStore,
  type OutboxChange,
  type OutboxStore,
} from '../../../src-main/core/store/outbox-store';
import type { PostOutcome, ResultPostRow, ResultsPoster } from '../../../src-main/sync/ports';
import type { Timers } from '../../../src-main/sync/sync-loop';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

export interface TempOutbox {
  outbox: OutboxStore;
  /** applyChanges in one transaction, as the core does (one fsync, not one per row). */
  apply(changes: readonly OutboxChange[], at: number): void;
  close(): void;
}

export function tempOutbox(): TempOutbox {
  const dir = mkdtempSync(join(tmpdir(), 'chute-sync-'));
  const db = openDatabase(join(dir, 'station.db'));
  const outbox = createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN });
  return {
    outbox,
    apply: (changes, at) => db.transaction(() => outbox.applyChanges(changes, at))(),
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TARGET = { eventId: 11, resultSetId: 21 };

export function finish(bib: number, value: string, field = 'clock_time'): OutboxChange {
  return { ...TARGET, bib, field, value };
}

export interface PostCall {
  target: { eventId: number; resultSetId: number };
  rows: ResultPostRow[];
}

export const OK: PostOutcome = { ok: true, serverDate: null, elapsedMs: 5 };

export function rejected(message: string, code = 3): PostOutcome {
  return { ok: false, kind: 'rejected', code, message, retryAfterMs: null };
}

/** A poster answering with `respond`, recording every call and the peak concurrency. */
export class ScriptedPoster implements ResultsPoster {
  calls: PostCall[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    public respond: (rows: ResultPostRow[], call: number) => PostOutcome | Promise<PostOutcome>,
  ) {}

  async postResults(
    target: { eventId: number; resultSetId: number },
    rows: ResultPostRow[],
  ): Promise<PostOutcome> {
    this.calls.push({ target, rows: rows.map((r) => ({ ...r })) });
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.respond(rows, this.calls.length);
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** Timers that fire on the next macrotask and record each requested delay; "never" stays pending. */
export const NEVER = 1e9;
export class RecordingTimers implements Timers {
  delays: number[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    this.delays.push(ms);
    if (ms >= NEVER) return null;
    return setTimeout(fn, 0);
  }
  clearTimeout(handle: unknown): void {
    if (handle) clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
