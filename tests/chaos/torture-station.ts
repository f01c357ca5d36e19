// The station the crash-torture child runs: the real station core (journal row + outbox changes
// in ONE transaction) driven by plausible timer commands, plus the checks the parent and child
// make against it (an independent projection of the journal, the outbox's agreement with it).
import type { Participant, StationConfig } from '../../src-shared/domain';
import type { Command, CommandResult } from '../../src-shared/station-api';
import type { OutboxStore, OutboxChange } from '../../src-main/core/store/outbox-store';
import { indexParticipants } from '../../src-main/core/projection';
import type {
  Projection,
  ProjectionContext,
  WantedField,
} from '../../src-main/core/projection/types';
import type { StationCore } from '../../src-main/core/station-core';
import {
  createPracticeRace,
  type PracticeRaceSize,
} from '../../src-main/runsignup/emulator/practice-race';
import { randInt, type Rng } from '../../src-main/runsignup/emulator/prng';

export interface TortureRace {
  config: StationConfig;
  ctx: ProjectionContext;
  participants: Participant[];
  bibs: number[];
  eventByResultSet: Map<number, number>;
}

export function tortureRace(raceSeed: number, size: PracticeRaceSize = {}): TortureRace {
  const race = createPracticeRace(raceSeed, size);
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
    participants,
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

/**
 * Drives the REAL station core (src-main/core/station-core) the way a timer does: commands in,
 * each one journal row + its outbox changes in one transaction, acknowledged when `execute`
 * returns. Picks plausible next commands from what the journal holds.
 */
export class CoreDriver {
  private readonly taps: number[] = [];

  constructor(
    private readonly core: StationCore,
    private readonly race: TortureRace,
  ) {
    let before: number | undefined;
    for (;;) {
      const page = core.query({
        type: 'journal',
        limit: 1000,
        ...(before ? { beforeSeq: before } : {}),
      });
      for (const e of page) if (e.kind === 'tap') this.taps.push(e.seq);
      const last = page[page.length - 1];
      if (page.length < 1000 || !last) break;
      before = last.seq;
    }
  }

  /** First start only: configure the station and cache the participants. */
  ensureSetup(): void {
    if (this.core.config()) return;
    this.core.configure(this.race.config);
    this.core.cacheParticipants(this.race.participants);
  }

  execute(command: Command): CommandResult {
    const result = this.core.execute(command);
    if (result.ok && command.type === 'tap' && result.seq !== null) this.taps.push(result.seq);
    return result;
  }

  /** A plausible next operator command. Times are real (the core refuses future or stale ones). */
  nextCommand(rng: Rng, now: number): Command {
    const guns = this.core.query({ type: 'snapshot', limit: 1 }).guns;
    for (const g of guns) {
      if (g.at === null) return { type: 'gun', eventId: g.eventId, at: now - 30 * 60_000 };
    }
    const bib = () => String(this.race.bibs[randInt(rng, 0, this.race.bibs.length - 1)]);
    const r = rng();
    if (this.taps.length > 5) {
      const tap = () => this.taps[randInt(rng, 0, this.taps.length - 1)]!;
      if (r < 0.08) return { type: 'assign', tapSeq: tap(), bib: bib() };
      if (r < 0.12) return { type: 'void', tapSeq: tap() };
      if (r < 0.14) return { type: 'adjust', tapSeq: tap(), at: now - randInt(rng, 0, 60_000) };
      if (r < 0.18) return { type: 'status', bib: bib(), status: rng() < 0.7 ? 'DNF' : 'DQ' };
      if (r < 0.21) return { type: 'clear', bib: bib() };
      if (r < 0.23) return { type: 'undo' };
      if (r < 0.245) {
        const g = guns[randInt(rng, 0, guns.length - 1)];
        if (g?.at != null) {
          return { type: 'gun', eventId: g.eventId, at: g.at + randInt(rng, -5_000, 5_000) };
        }
      }
    }
    return { type: 'tap', at: now - randInt(rng, 0, 999), bib: bib() };
  }
}
