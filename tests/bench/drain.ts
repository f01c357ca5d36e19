// Draining queued finishes to the local emulator: the real outbox (SQLite), the real sync loop
// and the real RunSignup client over HTTP, against the emulator with a race big enough to know
// every bib. Then the same queue posted ONE registrant row per request, for the ratio.
import { copyFileSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Participant } from '../../src-shared/domain';
import type { RaceDetails } from '../../src-shared/station-api';
import { openDatabase } from '../../src-main/db';
import { createOutboxStore } from '../../src-main/core/store/outbox-store';
import { RunSignupClient } from '../../src-main/runsignup/client';
import {
  createPracticeRace,
  startEmulator,
  type PracticeRaceData,
} from '../../src-main/runsignup/emulator';
import { SyncLoop } from '../../src-main/sync/sync-loop';
import type { Outbox, PostOutcome, ResultPostRow, ResultsPoster } from '../../src-main/sync/ports';
import { generateJournal, writeStation, type BenchRace } from './race-fixture';
import { READ_BACK_CLEARS_IN } from '../support/outbox-policy';

const SEED = 3;

/** The emulator's practice race as the station caches it. */
export function raceOfPractice(race: PracticeRaceData): BenchRace {
  const details: RaceDetails = {
    raceId: race.raceId,
    name: race.name,
    events: race.events.map((e) => ({
      eventId: e.eventId,
      name: e.name,
      startTime: null,
      resultSets: e.resultSets.map((r) => ({ resultSetId: r.resultSetId, name: r.name })),
      splits: [],
    })),
  };
  const participants: Participant[] = race.participants.map((p) => ({
    registrationId: p.registrationId,
    eventId: p.eventId,
    bib: p.bib,
    chip: p.chip,
    firstName: p.firstName,
    lastName: p.lastName,
    gender: p.gender,
    age: p.age,
  }));
  return { details, participants };
}

export interface DrainFixture {
  dbPath: string;
  race: PracticeRaceData;
  finishes: number;
  outboxRows: number;
}

/** A station file holding `finishes` bib-first finishes of one event, nothing posted yet. */
export async function prepareDrain(dbPath: string, finishes: number): Promise<DrainFixture> {
  // 6% of the practice runners have no bib: size the field so `finishes` bibs exist.
  const race = createPracticeRace(SEED, { fiveK: Math.ceil(finishes * 1.1) + 20, tenK: 0 });
  const event = race.events[0]!;
  const bibs = race.participants
    .filter((p) => p.eventId === event.eventId && p.bib !== null)
    .map((p) => p.bib as number)
    .slice(0, finishes);
  if (bibs.length < finishes) throw new Error(`practice race has only ${bibs.length} bibs`);
  const journal = generateJournal({
    rows: finishes + 1,
    bibs,
    eventIds: [event.eventId],
    endAt: Date.now() - 60_000,
    spanMs: 90 * 60_000,
    seed: 5,
    finishesOnly: true,
  });
  const written = await writeStation(dbPath, raceOfPractice(race), journal, [event.eventId]);
  return { dbPath, race, finishes, outboxRows: written.outboxRows };
}

export function copyStation(from: string, to: string): void {
  copyFileSync(from, to);
  for (const ext of ['-wal', '-shm'])
    if (existsSync(from + ext)) copyFileSync(from + ext, to + ext);
}

/** Posts each registrant row of a batch in its own request: the naive client, for the ratio. */
export function onePerRequest(
  inner: ResultsPoster,
  counter: { rows: number; requests: number },
): ResultsPoster {
  return {
    async postResults(target, rows: ResultPostRow[]): Promise<PostOutcome> {
      let elapsedMs = 0;
      let serverDate: number | null = null;
      for (const row of rows) {
        const outcome = await inner.postResults(target, [row]);
        counter.requests += 1;
        if (!outcome.ok) return outcome;
        counter.rows += 1;
        elapsedMs += outcome.elapsedMs;
        serverDate = outcome.serverDate;
      }
      return { ok: true, serverDate, elapsedMs };
    },
  };
}

/** Where the drain's time goes: the outbox's SQLite work and the posts (client + HTTP + emulator). */
export interface DrainBreakdown {
  outboxMs: number;
  postMs: number;
}

/** The outbox as the loop sees it, with the time spent in each call added up. */
export function timedOutbox(inner: Outbox, into: DrainBreakdown): Outbox {
  const timed =
    <A extends unknown[], R>(fn: (...a: A) => R) =>
    (...a: A): R => {
      const t0 = performance.now();
      try {
        return fn(...a);
      } finally {
        into.outboxMs += performance.now() - t0;
      }
    };
  return {
    takePending: timed((limit: number, exclude?: Parameters<Outbox['takePending']>[1]) =>
      inner.takePending(limit, exclude),
    ),
    stillPending: timed((rows: Parameters<Outbox['stillPending']>[0]) => inner.stillPending(rows)),
    acknowledge: timed((rows: Parameters<Outbox['acknowledge']>[0], at: number) =>
      inner.acknowledge(rows, at),
    ),
    markAttention: timed((row: Parameters<Outbox['markAttention']>[0], reason: string) =>
      inner.markAttention(row, reason),
    ),
    retryAttention: timed(() => inner.retryAttention()),
    counts: timed(() => inner.counts()),
  };
}

/** Every post waits `ms` first: a network round trip the loopback emulator does not have. */
export function withRoundTrip(inner: ResultsPoster, ms: number): ResultsPoster {
  if (ms <= 0) return inner;
  return {
    async postResults(target, rows) {
      await new Promise((r) => setTimeout(r, ms));
      return inner.postResults(target, rows);
    },
  };
}

export interface DrainRun {
  breakdown: DrainBreakdown;
  /** Registrant rows RunSignup acknowledged (one per finish). */
  rowsPosted: number;
  requests: number;
  seconds: number;
  /** True when the queue emptied; false when stopped at the time box. */
  complete: boolean;
  pendingLeft: number;
  attention: number;
  /** The emulator's result rows for the event afterwards (complete runs only are checked). */
  resultsOnEmulator: number;
}

/**
 * Drain the station's outbox to a fresh emulator. `perRequest: 'batch'` is the product (adaptive
 * batches); `'one'` posts one row per request and stops after `timeBoxMs` (the loop finishes
 * the batch in flight, so it can run a little over).
 */
export async function drain(
  fixture: DrainFixture,
  dbPath: string,
  perRequest: 'batch' | 'one',
  timeBoxMs: number,
  roundTripMs = 0,
): Promise<DrainRun> {
  const emu = await startEmulator({ seed: SEED, race: fixture.race });
  const db = openDatabase(dbPath);
  const creds = emu.practice.credentials;
  const client = new RunSignupClient({
    baseUrl: emu.url,
    auth: { mode: 'api-key', apiKey: creds.apiKey, apiSecret: creds.apiSecret },
    caller: emu.practice.caller,
    raceId: emu.practice.raceId,
  });
  const counter = { rows: 0, requests: 0 };
  const breakdown: DrainBreakdown = { outboxMs: 0, postMs: 0 };
  const wire = withRoundTrip(client, roundTripMs);
  const timedClient: ResultsPoster = {
    async postResults(target, rows) {
      const t0 = performance.now();
      try {
        return await wire.postResults(target, rows);
      } finally {
        breakdown.postMs += performance.now() - t0;
      }
    },
  };
  const batched: ResultsPoster = {
    async postResults(target, rows) {
      const outcome = await timedClient.postResults(target, rows);
      counter.requests += 1;
      if (outcome.ok) counter.rows += rows.length;
      return outcome;
    },
  };
  const outbox = createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN });
  const loop = new SyncLoop({
    outbox: timedOutbox(outbox, breakdown),
    poster: perRequest === 'one' ? onePerRequest(timedClient, counter) : batched,
    idlePollMs: 60_000,
  });
  try {
    const started = performance.now();
    loop.start();
    const settled = loop.settled();
    let timer: NodeJS.Timeout | undefined;
    const boxed = new Promise<'box'>((resolve) => {
      timer = setTimeout(() => resolve('box'), timeBoxMs);
    });
    const how = await Promise.race([settled.then(() => 'settled' as const), boxed]);
    clearTimeout(timer);
    await loop.stop();
    const seconds = (performance.now() - started) / 1000;
    const counts = outbox.counts();
    const resultSetId = fixture.race.events[0]!.resultSets[0]!.resultSetId;
    return {
      breakdown,
      rowsPosted: counter.rows,
      requests: counter.requests,
      seconds,
      complete: how === 'settled' && counts.pending === 0,
      pendingLeft: counts.pending,
      attention: counts.attention,
      resultsOnEmulator: emu.results(resultSetId).length,
    };
  } finally {
    await client.close();
    db.close();
    await emu.close();
  }
}

/** A drain's time for the whole queue: measured when it finished, else extrapolated linearly. */
export function oneRowSeconds(run: DrainRun, finishes: number): number {
  return run.complete ? run.seconds : (run.seconds * finishes) / run.rowsPosted;
}

/** The one-row-per-request figure as printed, saying when it is extrapolated. */
export function oneRowMeasured(run: DrainRun, seconds: number): string {
  return run.complete
    ? `${run.seconds.toFixed(1)} s, ${run.requests.toLocaleString('en-US')} requests`
    : `${seconds.toFixed(1)} s EXTRAPOLATED from ${run.rowsPosted.toLocaleString('en-US')} rows in ${run.seconds.toFixed(1)} s`;
}

/**
 * Every finish on the emulator and nothing parked (rows posted can exceed finishes: a bib whose
 * two fields straddle a batch boundary is posted in both batches).
 */
export function fullyDrained(run: DrainRun, finishes: number): boolean {
  return run.complete && run.resultsOnEmulator === finishes && run.attention === 0;
}
