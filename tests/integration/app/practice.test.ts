// The composed station (real core on SQLite, real client, sync loop and emulator): practice mode
// from a blank data folder, the setup flow, capture reaching the practice RunSignup, and a
// restart with the network gone that loses nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeStationService } from '../../../src-main/app/compose';
import { practiceConnection } from '../../../src-main/app/practice';
import { memorySecretStore, type SecretStore } from '../../../src-main/app/ports';
import type { StationService } from '../../../src-main/app/service';
import { createPracticeRace, startEmulator } from '../../../src-main/runsignup/emulator';
import { waitFor } from '../../support/poll';
import { isOnRunSignup } from '../../../src-shared/station-api';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chute-app-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dir: string, secrets: SecretStore): Promise<StationService> {
  const service = await composeStationService({
    dataDir: dir,
    secrets,
    practiceSeed: 11,
    syncIdlePollMs: 50,
  });
  let closed = false;
  cleanups.push(async () => {
    if (!closed) await service.close();
  });
  const close = service.close.bind(service);
  service.close = async () => {
    closed = true;
    await close();
  };
  return service;
}

async function setUp(service: StationService, raceId: number, eventIds?: number[]) {
  const details = await service.query({ type: 'raceDetails', raceId });
  const result = await service.command({
    type: 'configure',
    raceId,
    eventIds: eventIds ?? [details.events[0]!.eventId],
    role: { kind: 'finish' },
    stationName: 'Finish line',
  });
  expect(result).toEqual({ ok: true, seq: null, warnings: [] });
  return details;
}

describe('composed station in practice mode', () => {
  it('boots offline-first into practice, sets up, and posts a finish to the practice RunSignup', async () => {
    const service = await start(await dataDir(), memorySecretStore());
    const emulator = service.practice()!.emulator!;
    const first = await service.query({ type: 'snapshot' });
    expect(first.mode).toBe('practice');
    expect(first.config).toBeNull();

    const details = await setUp(service, emulator.practice.raceId);
    const event = details.events[0]!;
    const snapshot = await service.query({ type: 'snapshot' });
    expect(snapshot.config).toMatchObject({ mode: 'practice', raceId: details.raceId });

    // Participants are cached: a bib resolves to its runner with no further request.
    const runner = createPracticeRace(11).participants.find(
      (p) => p.eventId === event.eventId && p.bib !== null,
    )!;
    const bib = runner.bib!;
    const requestsBefore = emulator.log.length;
    const look = await service.query({ type: 'lookupBib', bib: String(bib) });
    expect(look.participant).toMatchObject({
      firstName: runner.firstName,
      lastName: runner.lastName,
    });
    expect(emulator.log.length).toBe(requestsBefore);

    const now = Date.now();
    expect(
      (await service.command({ type: 'gun', eventId: event.eventId, at: now - 1_200_000 })).ok,
    ).toBe(true);
    const tap = await service.command({ type: 'tap', at: now, bib: String(bib) });
    expect(tap.ok).toBe(true);
    const after = await service.query({ type: 'snapshot' });
    expect(after.crossings).toHaveLength(1);
    expect(after.crossings[0]).toMatchObject({
      bib,
      name: expect.stringContaining(runner.lastName),
    });

    const resultSetId = snapshot.config!.events[0]!.resultSetId;
    const posted = await waitFor(
      () => emulator.results(resultSetId).find((r) => Number(r.bib) === bib && r.clock_time !== ''),
      { what: `bib ${bib}'s time on the practice RunSignup`, timeoutMs: 20_000 },
    );
    expect(String(posted.clock_time)).toMatch(/20:00/);
    await waitFor(async () => (await service.query({ type: 'snapshot' })).crossings[0]?.sync, {
      what: 'the crossing shown sent',
      until: (sync) => isOnRunSignup(sync),
      timeoutMs: 20_000,
    });
  });
});

describe('composed station with RunSignup credentials', () => {
  it('restarts with the network gone and keeps its race, runners and entries', async () => {
    const runsignup = await startEmulator({ port: 0, seed: 5 });
    let runsignupUp = true;
    cleanups.push(async () => {
      if (runsignupUp) await runsignup.close();
    });
    const dir = await dataDir();
    const secrets = memorySecretStore(); // stands in for safeStorage across the restart
    const runsignupConnection = practiceConnection(runsignup);

    const first = await start(dir, secrets);
    const connected = await first.command({
      type: 'connect',
      connection: runsignupConnection,
    });
    expect(connected.ok).toBe(true);
    const details = await setUp(first, runsignup.practice.raceId);
    const event = details.events[0]!;
    const now = Date.now();
    await first.command({ type: 'gun', eventId: event.eventId, at: now - 600_000 });
    const tap = await first.command({ type: 'tap', at: now });
    expect(tap.ok).toBe(true);
    expect((await first.query({ type: 'snapshot' })).mode).toBe('live');
    await first.close();

    await runsignup.close(); // the network is gone
    runsignupUp = false;

    const second = await start(dir, secrets);
    const snapshot = await second.query({ type: 'snapshot' });
    expect(snapshot.mode).toBe('live');
    expect(snapshot.config).toMatchObject({ raceId: details.raceId });
    expect(snapshot.crossings).toHaveLength(1);
    expect(snapshot.journalLength).toBe(2);
    const races = await second.query({ type: 'races' });
    expect(races.map((r) => r.raceId)).toEqual([details.raceId]);
    const cached = await second.query({ type: 'raceDetails', raceId: details.raceId });
    expect(cached.events.map((e) => e.eventId)).toContain(event.eventId);
    // Capture keeps working offline.
    expect((await second.command({ type: 'tap', at: Date.now() })).ok).toBe(true);
    expect((await second.query({ type: 'snapshot' })).crossings).toHaveLength(2);
  });
});

describe('practice RunSignup across a restart', () => {
  it('re-sends what the last practice RunSignup had acknowledged, and only shows it sent again once it is there', async () => {
    const dir = await dataDir();
    const first = await start(dir, memorySecretStore());
    const emulator1 = first.practice()!.emulator!;
    const details = await setUp(first, emulator1.practice.raceId);
    const event = details.events[0]!;
    const runners = createPracticeRace(11)
      .participants.filter((p) => p.eventId === event.eventId && p.bib !== null)
      .slice(0, 3);
    const now = Date.now();
    await first.command({ type: 'gun', eventId: event.eventId, at: now - 1_800_000 });
    for (const [i, r] of runners.entries()) {
      expect(
        (await first.command({ type: 'tap', at: now - 60_000 + i * 1_000, bib: String(r.bib) })).ok,
      ).toBe(true);
    }
    const resultSetId = (await first.query({ type: 'snapshot' })).config!.events[0]!.resultSetId;
    await waitFor(
      async () => (await first.query({ type: 'snapshot' })).crossings.map((c) => c.sync),
      {
        what: 'every crossing sent before the restart',
        until: (syncs) => syncs.every((sync) => isOnRunSignup(sync)),
        timeoutMs: 20_000,
      },
    );
    const before = emulator1.results(resultSetId).filter((r) => r.clock_time !== '');
    expect(before).toHaveLength(3);
    await first.close(); // the practice RunSignup goes with it

    const second = await start(dir, memorySecretStore());
    const emulator2 = second.practice()!.emulator!;
    expect(emulator2).not.toBe(emulator1);
    // A fresh practice RunSignup: the station sends everything again and it all arrives.
    const after = await waitFor(
      () => emulator2.results(resultSetId).filter((r) => r.clock_time !== ''),
      { what: 'the three times sent again', until: (rows) => rows.length === 3, timeoutMs: 20_000 },
    );
    expect(after.map((r) => [r.bib, r.clock_time])).toEqual(
      before.map((r) => [r.bib, r.clock_time]),
    );
    await waitFor(
      async () => {
        const s = await second.query({ type: 'snapshot' });
        return { syncs: s.crossings.map((c) => c.sync), pending: s.sync.pending };
      },
      {
        what: 'every crossing sent and nothing pending after the restart',
        until: ({ syncs, pending }) => syncs.every((sync) => isOnRunSignup(sync)) && pending === 0,
        timeoutMs: 20_000,
      },
    );
  });
});
