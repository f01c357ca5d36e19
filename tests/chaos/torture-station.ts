// The station the crash-torture child runs: the real journal store, the real projection, the
// real outbox store and the sync loop, wired as the core wires them — the journal row and its
// outbox changes in ONE transaction. Shared by the child and the parent's final check.
import type { Database } from 'better-sqlite3';
import type {
  JournalEntry,
  JournalPayload,
  Participant,
  StationConfig,
} from '../../src-shared/domain';
import type { JournalStore } from '../../src-main/core/journal-store';
import type { OutboxStore, FieldChange as OutboxChange } from '../../src-main/core/outbox-store';
import { diffWanted, indexParticipants, project } from '../../src-main/core/projection';
import type {
  Projection,
  ProjectionContext,
  WantedField,
} from '../../src-main/core/projection-types';
import { createPracticeRace } from '../../src-main/runsignup/emulator/practice-race';
import { randInt, type Rng } from '../../src-main/runsignup/emulator/prng';

export const GUN_AT = Date.UTC(2026, 4, 16, 12, 0, 0);

export interface TortureRace {
  config: StationConfig;
  ctx: ProjectionContext;
  bibs: number[];
  eventByResultSet: Map<number, number>;
}

export function tortureRace(raceSeed: number): TortureRace {
  const race = createPracticeRace(raceSeed);
  const config: StationConfig = {
    stationId: 'torture',
    stationName: 'Finish',
    mode: 'practice',
    raceId: race.raceId,
    raceName: race.name,
    events: race.events.map((e) => ({
      eventId: e.eventId,
      name: e.name,
      resultSetId: e.resultSets[0]!.resultSetId,
      scheduledStart: null,
    })),
    role: { kind: 'finish' },
    precision: 1,
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
  return {
    config,
    ctx: { config, participants: indexParticipants(participants, config) },
    bibs: participants.flatMap((p) => (p.bib === null ? [] : [p.bib])),
    eventByResultSet: new Map(config.events.map((e) => [e.resultSetId, e.eventId])),
  };
}

/** The outbox's own key (`rs|bib|field`) of a wanted field. */
export function outboxKey(w: WantedField): string {
  return `${w.key.resultSetId}|${w.key.bib}|${w.key.field}`;
}

/**
 * What the outbox must change so its wanted values equal the projection. After a crash this is
 * empty when the journal row and its outbox changes really were one transaction.
 */
export function reconcileChanges(
  projection: Projection,
  outbox: OutboxStore,
  race: TortureRace,
): OutboxChange[] {
  const wanted = new Map([...projection.wanted.values()].map((w) => [outboxKey(w), w]));
  const changes: OutboxChange[] = [];
  const states = outbox.allStates();
  for (const [key, w] of wanted) {
    if (states.get(key)?.wantedValue !== w.value) changes.push({ ...w.key, value: w.value });
  }
  for (const [key, st] of states) {
    if (wanted.has(key) || st.wantedValue === null || st.wantedValue === 'X') continue;
    const [rs, bib, field] = key.split('|');
    const eventId = race.eventByResultSet.get(Number(rs));
    if (eventId === undefined || field === undefined) continue;
    changes.push({ resultSetId: Number(rs), eventId, bib: Number(bib), field, value: null });
  }
  return changes;
}

export class TortureStation {
  entries: JournalEntry[];
  projection: Projection;

  constructor(
    private readonly db: Database,
    private readonly journal: JournalStore,
    private readonly outbox: OutboxStore,
    private readonly race: TortureRace,
  ) {
    this.entries = journal.all();
    this.projection = project(this.entries, race.ctx);
  }

  /** Start-up: bring the outbox in line with the journal. Returns how many fields disagreed. */
  reconcile(at: number): number {
    const changes = reconcileChanges(this.projection, this.outbox, this.race);
    this.db.transaction(() => this.outbox.applyChanges(changes, at))();
    return changes.length;
  }

  /** Commit one entry: the journal row and its outbox changes in one transaction. */
  commit(payload: JournalPayload, recordedAt: number): number {
    let entry: JournalEntry | null = null;
    let next: Projection | null = null;
    this.db.transaction(() => {
      const seq = this.journal.append(payload, recordedAt);
      entry = { seq, stationId: this.journal.stationId, recordedAt, payload };
      next = project([...this.entries, entry], this.race.ctx);
      const changes = diffWanted(this.projection.wanted, next.wanted).map((c): OutboxChange => ({
        ...c.key,
        value: c.value,
      }));
      this.outbox.applyChanges(changes, recordedAt);
    })();
    // Only after the commit returned does the in-memory state move on.
    this.entries.push(entry!);
    this.projection = next!;
    return (entry as JournalEntry | null)?.seq ?? 0;
  }

  /** A plausible next operator action, given the journal so far. */
  nextAction(rng: Rng): JournalPayload {
    const guns = new Set(
      this.entries.flatMap((e) => (e.payload.kind === 'gun' ? [e.payload.eventId] : [])),
    );
    for (const ev of this.race.config.events) {
      if (!guns.has(ev.eventId)) return { kind: 'gun', eventId: ev.eventId, at: GUN_AT };
    }
    const taps = this.entries.filter((e) => e.payload.kind === 'tap').map((e) => e.seq);
    const bib = () => this.race.bibs[randInt(rng, 0, this.race.bibs.length - 1)]!;
    const r = rng();
    if (taps.length > 5) {
      const tap = () => taps[randInt(rng, 0, taps.length - 1)]!;
      if (r < 0.08) return { kind: 'assign', tapSeq: tap(), bib: bib() };
      if (r < 0.13) return { kind: 'void', tapSeq: tap() };
      if (r < 0.17) return { kind: 'status', bib: bib(), status: rng() < 0.7 ? 'DNF' : 'DQ' };
      if (r < 0.19) return { kind: 'status', bib: bib(), status: null };
      if (r < 0.22) return { kind: 'clear', bib: bib() };
      if (r < 0.235) {
        const ev = this.race.config.events[randInt(rng, 0, this.race.config.events.length - 1)]!;
        return { kind: 'gun', eventId: ev.eventId, at: GUN_AT + randInt(rng, -5_000, 5_000) };
      }
    }
    // A crossing: 14 minutes after the gun, about a second and a half apart.
    const at = GUN_AT + 14 * 60_000 + this.entries.length * 1_500 + randInt(rng, 0, 999);
    return { kind: 'tap', at, bib: bib(), unreadable: false };
  }
}
