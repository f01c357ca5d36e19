// A small race for the core's tests: a 5K and a 10K timed at this station, a kids' run not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Participant } from '../../../src-shared/domain';
import type { RaceDetails, Snapshot } from '../../../src-shared/station-api';
import { openStationCore, type StationCore } from '../../../src-main/core/station-core';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

export const T0 = Date.UTC(2026, 10, 30, 13, 0, 0);

export const RACE: RaceDetails = {
  raceId: 9,
  name: 'Turkey Trot',
  events: [
    {
      eventId: 101,
      name: '5K',
      startTime: null,
      resultSets: [{ resultSetId: 1001, name: '5K' }],
      splits: [],
    },
    {
      eventId: 102,
      name: '10K',
      startTime: null,
      resultSets: [{ resultSetId: 1002, name: '10K' }],
      splits: [],
    },
    {
      eventId: 103,
      name: 'Kids',
      startTime: null,
      resultSets: [{ resultSetId: 1003, name: 'Kids' }],
      splits: [],
    },
  ],
};

const person = (bib: number, eventId: number, first: string): Participant => ({
  registrationId: 5000 + bib,
  eventId,
  bib,
  chip: null,
  firstName: first,
  lastName: 'Runner',
  gender: null,
  age: null,
});

export const PARTICIPANTS: Participant[] = [
  person(1, 101, 'Ann'),
  person(2, 101, 'Bo'),
  person(3, 101, 'Cy'),
  person(11, 102, 'Di'),
  person(12, 102, 'Ed'),
  person(21, 103, 'Kid'),
];

/** Sets `core` up as the Turkey Trot's 5K finish line, runners downloaded. */
export function setUpFinishOf5K(core: StationCore): StationCore {
  core.cacheRace(RACE);
  core.configure({
    stationId: 'ignored',
    stationName: 'Finish',
    mode: 'live',
    raceId: 9,
    raceName: 'Turkey Trot',
    events: [{ eventId: 101, name: '5K', resultSetId: 1001, scheduledStart: null }],
    role: { kind: 'finish' },
    precision: 2,
  });
  core.cacheParticipants(PARTICIPANTS);
  return core;
}

export interface Harness {
  core: StationCore;
  dir: string;
  dbPath: string;
  clock: { now: number };
  reopen(): Promise<StationCore>;
  cleanup(): Promise<void>;
}

/** A configured finish station on a fresh file, clock at T0 + 1 h. */
export function harness(options: { configure?: boolean } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'chute-core-'));
  const dbPath = join(dir, 'station.db');
  const clock = { now: T0 + 3_600_000 };
  const open = () =>
    openStationCore({
      readBackClearsIn: READ_BACK_CLEARS_IN,
      dbPath,
      now: () => clock.now,
      backupDir: null,
    });
  const h: Harness = {
    core: open(),
    dir,
    dbPath,
    clock,
    async reopen() {
      await h.core.close();
      h.core = open();
      return h.core;
    },
    async cleanup() {
      await h.core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.configure !== false) {
    h.core.cacheRace(RACE);
    const r = h.core.execute({
      type: 'configure',
      raceId: 9,
      eventIds: [101, 102],
      role: { kind: 'finish' },
      stationName: 'Finish',
      precision: 1,
    });
    if (!r.ok) throw new Error(r.error);
    h.core.cacheParticipants(PARTICIPANTS);
  }
  return h;
}

export function ok(result: ReturnType<StationCore['execute']>): {
  seq: number | null;
  codes: string[];
} {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return { seq: result.seq, codes: result.warnings.map((w) => w.code) };
}

/**
 * A snapshot without its change-stream position: each opening of a file is a new stream (a
 * screen must reload after a restart), so only what the screen shows is compared across one.
 */
export function shownState(snapshot: Snapshot): Omit<Snapshot, 'delta'> {
  const { delta: _position, ...shown } = snapshot;
  return shown;
}
