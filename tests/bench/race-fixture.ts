// A realistic race for the benchmarks: two events, a field of runners, and a journal that reads
// like a race day (guns, bib-first taps, time-first taps with bibs typed later, unreadable bibs
// fixed later, a few adjusts, voids and statuses). The generator is pure and seeded; writing it
// to a station file is the only I/O, done the way the core would have left it (journal rows and
// the outbox the projection wants), in one transaction so 100,000 rows take seconds, not minutes.
import type { JournalEntry, JournalPayload, Participant } from '../../src-shared/domain';
import type { RaceDetails } from '../../src-shared/station-api';
import { openDatabase } from '../../src-main/db';
import { openStationCore } from '../../src-main/core/station-core';
import { createOutboxStore } from '../../src-main/core/store/outbox-store';
import { indexParticipants, ProjectionState } from '../../src-main/core/projection';
import { StationConfig } from '../../src-shared/domain';
import { READ_BACK_CLEARS_IN } from '../support/outbox-policy';

export interface BenchRace {
  details: RaceDetails;
  participants: Participant[];
}

/** mulberry32: tiny, fast, good enough to shape a test journal. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BENCH_RACE_ID = 4242;
export const EVENT_5K = { eventId: 11, resultSetId: 21 };
export const EVENT_10K = { eventId: 12, resultSetId: 22 };

/** Two events sharing the runners half and half; bibs 1..n. */
export function benchRace(runners: number): BenchRace {
  const details: RaceDetails = {
    raceId: BENCH_RACE_ID,
    name: 'Benchmark City Marathon Weekend',
    events: [
      {
        eventId: EVENT_5K.eventId,
        name: '5K',
        startTime: null,
        resultSets: [{ resultSetId: EVENT_5K.resultSetId, name: '5K results' }],
        splits: [],
      },
      {
        eventId: EVENT_10K.eventId,
        name: '10K',
        startTime: null,
        resultSets: [{ resultSetId: EVENT_10K.resultSetId, name: '10K results' }],
        splits: [],
      },
    ],
  };
  const participants: Participant[] = [];
  for (let bib = 1; bib <= runners; bib++) {
    participants.push({
      registrationId: 100_000 + bib,
      eventId: bib % 2 === 0 ? EVENT_10K.eventId : EVENT_5K.eventId,
      bib,
      chip: null,
      firstName: `Runner${bib}`,
      lastName: 'Bench',
      gender: bib % 3 === 0 ? 'F' : 'M',
      age: 18 + (bib % 60),
    });
  }
  return { details, participants };
}

export interface JournalPlan {
  /** Exact number of journal rows. */
  rows: number;
  /** Bibs that may cross (in a random order, each once, then repeats). */
  bibs: readonly number[];
  eventIds: readonly number[];
  /** Tap times run from gun + 12 min up to `endAt`; guns at `endAt - spanMs - 12 min`. */
  endAt: number;
  spanMs: number;
  seed: number;
  /** Only bib-first taps (a drain test wants N clean finishes), default false. */
  finishesOnly?: boolean;
}

/** A race-day journal of exactly `plan.rows` payloads with their key-event times. Pure. */
export function generateJournal(plan: JournalPlan): Array<{ payload: JournalPayload; at: number }> {
  const random = rng(plan.seed);
  const gunAt = plan.endAt - plan.spanMs - 12 * 60_000;
  const out: Array<{ payload: JournalPayload; at: number }> = [];
  for (const eventId of plan.eventIds) {
    if (out.length < plan.rows)
      out.push({ payload: { kind: 'gun', eventId, at: gunAt }, at: gunAt });
  }
  const order = [...plan.bibs];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let nextBib = 0;
  const takeBib = (): number => {
    const bib = order[nextBib % order.length]!;
    nextBib += 1;
    return bib;
  };
  const taps: number[] = [];
  const tapAt = new Map<number, number>();
  const untagged: number[] = [];
  const remaining = plan.rows - out.length;
  const step = remaining > 0 ? plan.spanMs / remaining : 0;
  let clock = plan.endAt - plan.spanMs;
  const push = (payload: JournalPayload): void => {
    clock += step;
    out.push({ payload, at: Math.round(clock) });
  };
  while (out.length < plan.rows) {
    const at = Math.round(clock + step);
    const seq = out.length + 1;
    const r = plan.finishesOnly ? 0 : random();
    if (r < 0.64 || taps.length < 10) {
      push({ kind: 'tap', at, bib: takeBib(), unreadable: false });
      taps.push(seq);
      tapAt.set(seq, at);
    } else if (r < 0.78) {
      push({ kind: 'tap', at, bib: null, unreadable: false });
      taps.push(seq);
      tapAt.set(seq, at);
      untagged.push(seq);
    } else if (r < 0.8) {
      push({ kind: 'tap', at, bib: null, unreadable: true });
      taps.push(seq);
      tapAt.set(seq, at);
      untagged.push(seq);
    } else if (r < 0.95 && untagged.length > 0) {
      // Bibs typed later fill the oldest untagged times, in order (time-first capture).
      push({ kind: 'assign', tapSeq: untagged.shift()!, bib: takeBib() });
    } else if (r < 0.97) {
      // A hand time fixed by up to 2 s either way, as a timer does from a video or a watch.
      const tapSeq = taps[Math.floor(random() * taps.length)]!;
      const shift = Math.floor(random() * 4_001) - 2_000;
      push({ kind: 'adjust', tapSeq, at: (tapAt.get(tapSeq) ?? at) + shift });
    } else if (r < 0.98) {
      push({ kind: 'void', tapSeq: taps[Math.floor(random() * taps.length)]! });
    } else if (r < 0.99) {
      const status = (['DNF', 'DQ', 'DNS'] as const)[Math.floor(random() * 3)]!;
      push({ kind: 'status', bib: order[Math.floor(random() * order.length)]!, status });
    } else {
      push({ kind: 'tap', at, bib: takeBib(), unreadable: false });
      taps.push(seq);
      tapAt.set(seq, at);
    }
  }
  return out;
}

export interface WrittenStation {
  stationId: string;
  config: StationConfig;
  rows: number;
  outboxRows: number;
}

/**
 * A configured finish station at `dbPath` holding the given journal and the outbox its
 * projection wants (nothing acknowledged yet), as if every entry had been typed.
 */
export async function writeStation(
  dbPath: string,
  race: BenchRace,
  journal: ReadonlyArray<{ payload: JournalPayload; at: number }>,
  eventIds: readonly number[],
): Promise<WrittenStation> {
  // Setup through the core itself, so config, race cache and participants are stored its way.
  const core = openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, backupDir: null });
  try {
    core.cacheRace(race.details);
    const configured = core.execute({
      type: 'configure',
      raceId: race.details.raceId,
      eventIds: [...eventIds],
      role: { kind: 'finish' },
      stationName: 'Bench finish',
      precision: 1,
    });
    if (!configured.ok) throw new Error(`bench setup failed: ${configured.error}`);
    core.cacheParticipants(race.participants);
  } finally {
    await core.close();
  }

  const db = openDatabase(dbPath);
  try {
    const stationId = (
      db.prepare(`SELECT value FROM meta WHERE key = 'station_id'`).get() as { value: string }
    ).value;
    const config = StationConfig.parse(
      JSON.parse(
        (db.prepare(`SELECT json FROM station_config WHERE id = 1`).get() as { json: string }).json,
      ),
    );
    const insert = db.prepare(
      `INSERT INTO journal (seq, station_id, recorded_at, kind, payload) VALUES (?, ?, ?, ?, ?)`,
    );
    const entries: JournalEntry[] = journal.map((j, i) => ({
      seq: i + 1,
      stationId,
      recordedAt: j.at,
      payload: j.payload,
    }));
    const state = ProjectionState.fromJournal(entries, {
      config,
      participants: indexParticipants(race.participants, config),
    });
    const outbox = createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN });
    const wanted = [...state.wanted().values()].map((w) => ({ ...w.key, value: w.value }));
    const lastAt = journal.at(-1)?.at ?? Date.now();
    db.transaction(() => {
      for (const e of entries) {
        insert.run(e.seq, stationId, e.recordedAt, e.payload.kind, JSON.stringify(e.payload));
      }
      outbox.applyChanges(wanted, lastAt);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { stationId, config, rows: entries.length, outboxRows: wanted.length };
  } finally {
    db.close();
  }
}
