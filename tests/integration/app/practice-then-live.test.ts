// Volunteers practise on the laptop, then the timer sets up the live race on
// the same data folder. The practice file is archived (never deleted), the live race starts from
// a fresh journal, and nothing of the practice reaches the live RunSignup.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ARCHIVE_DIR,
  DATABASE_FILE,
  archiveFolderName,
  composeStationService,
} from '../../../src-main/app/compose';
import { openCorePort } from '../../../src-main/app/core-adapter';
import { practiceConnection } from '../../../src-main/app/practice';
import { memorySecretStore } from '../../../src-main/app/ports';
import type { StationService } from '../../../src-main/app/service';
import { createPracticeRace, startEmulator } from '../../../src-main/runsignup/emulator';
import { waitFor } from '../../support/poll';
import { isOnRunSignup } from '../../../src-shared/station-api';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(service: StationService, raceId: number, archiveNotice?: RegExp) {
  const details = await service.query({ type: 'raceDetails', raceId });
  const result = await service.command({
    type: 'configure',
    raceId,
    eventIds: [details.events[0]!.eventId],
    role: { kind: 'finish' },
    stationName: 'Finish line',
  });
  if (archiveNotice) {
    // The answer says where the old race's entries went.
    expect(result).toMatchObject({ ok: true, warnings: [{ message: expect.any(String) }] });
    expect(result.ok && result.warnings[0]!.message).toMatch(archiveNotice);
  } else {
    expect(result).toEqual({ ok: true, seq: null, warnings: [] });
  }
  return details;
}

describe('practice, then the live race on one data folder', () => {
  it('archives the practice file and posts nothing of the practice in the live race', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'chute-switch-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const live = await startEmulator({ port: 0, seed: 5 });
    cleanups.push(() => live.close());
    const service = await composeStationService({
      dataDir: dir,
      secrets: memorySecretStore(),
      practiceSeed: 11,
      syncIdlePollMs: 50,
    });
    cleanups.push(() => service.close());

    // Practice: a gun and taps on the first bibs, all sent to the practice RunSignup.
    const practice = service.practice()!.emulator!;
    const pDetails = await setUp(service, practice.practice.raceId);
    const pEvent = pDetails.events[0]!;
    const pBibs = createPracticeRace(11)
      .participants.filter((p) => p.eventId === pEvent.eventId && p.bib !== null)
      .slice(0, 3)
      .map((p) => p.bib!);
    const now = Date.now();
    await service.command({ type: 'gun', eventId: pEvent.eventId, at: now - 1_200_000 });
    for (const [i, bib] of pBibs.entries()) {
      expect(
        (await service.command({ type: 'tap', at: now - 30_000 + i, bib: String(bib) })).ok,
      ).toBe(true);
    }
    await waitFor(
      async () => (await service.query({ type: 'snapshot' })).crossings.map((c) => c.sync),
      {
        what: 'the three practice crossings sent',
        until: (syncs) => syncs.length === 3 && syncs.every((sync) => isOnRunSignup(sync)),
      },
    );
    const practiceConfig = (await service.query({ type: 'snapshot' })).config!;

    // The timer connects to RunSignup and sets up the live race.
    const liveConnection = practiceConnection(live);
    const connected = await service.command({
      type: 'connect',
      connection: liveConnection,
    });
    expect(connected.ok).toBe(true);
    const lDetails = await setUp(
      service,
      live.practice.raceId,
      new RegExp(`put aside .*${ARCHIVE_DIR}.*practice-${practiceConfig.raceId}-`),
    );
    const lEvent = lDetails.events[0]!;

    const fresh = await service.query({ type: 'snapshot' });
    expect(fresh.mode).toBe('live');
    expect(fresh.journalLength).toBe(0);
    expect(fresh.crossings).toEqual([]);

    // The practice file is kept, whole, in the archive.
    const archiveRoot = path.join(dir, ARCHIVE_DIR);
    const folders = readdirSync(archiveRoot);
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(new RegExp(`^practice-${practiceConfig.raceId}-\\d{8}-\\d{6}$`));
    expect(archiveFolderName(practiceConfig, 0)).toBe(
      `practice-${practiceConfig.raceId}-19700101-000000`,
    );
    const archived = path.join(archiveRoot, folders[0]!, DATABASE_FILE);
    expect(existsSync(archived)).toBe(true);
    const db = new Database(archived, { readonly: true });
    try {
      const row = db.prepare('SELECT count(*) AS n FROM journal').get() as { n: number };
      expect(row.n).toBe(4); // the gun and three taps
    } finally {
      db.close();
    }

    // Live capture posts only live crossings.
    await service.command({ type: 'gun', eventId: lEvent.eventId, at: now - 600_000 });
    const liveBib = createPracticeRace(5).participants.find(
      (p) => p.eventId === lEvent.eventId && p.bib !== null,
    )!.bib!;
    expect((await service.command({ type: 'tap', at: now, bib: String(liveBib) })).ok).toBe(true);
    await waitFor(
      async () => {
        const s = await service.query({ type: 'snapshot' });
        return { syncs: s.crossings.map((c) => c.sync), pending: s.sync.pending };
      },
      {
        what: 'the live crossing sent and nothing pending',
        until: ({ syncs, pending }) =>
          syncs.length === 1 && isOnRunSignup(syncs[0]!) && pending === 0,
      },
    );
    const posted = live.log.flatMap((l) => (l.posted ? l.posted : []));
    expect(posted.map((r) => Number(r['bib']))).toEqual(expect.arrayContaining([liveBib]));
    expect(new Set(posted.map((r) => Number(r['bib'])))).toEqual(new Set([liveBib]));
    const liveSet = (await service.query({ type: 'snapshot' })).config!.events[0]!.resultSetId;
    const shown = live.results(liveSet);
    expect(shown.filter((r) => r.clock_time !== '').map((r) => r.bib)).toEqual([liveBib]);
  });

  it('when the archive cannot be made, refuses the new race and keeps the practice station working', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'chute-switch-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // A file where the archive folder would go: the archive cannot be created.
    writeFileSync(path.join(dir, ARCHIVE_DIR), 'in the way');
    const live = await startEmulator({ port: 0, seed: 5 });
    cleanups.push(() => live.close());
    const service = await composeStationService({
      dataDir: dir,
      secrets: memorySecretStore(),
      practiceSeed: 11,
      syncIdlePollMs: 50,
    });
    cleanups.push(() => service.close());
    const practice = service.practice()!.emulator!;
    const pDetails = await setUp(service, practice.practice.raceId);
    const now = Date.now();
    await service.command({ type: 'gun', eventId: pDetails.events[0]!.eventId, at: now - 60_000 });
    const liveConnection = practiceConnection(live);
    await service.command({
      type: 'connect',
      connection: liveConnection,
    });
    const details = await service.query({ type: 'raceDetails', raceId: live.practice.raceId });
    const refused = await service.command({
      type: 'configure',
      raceId: live.practice.raceId,
      eventIds: [details.events[0]!.eventId],
      role: { kind: 'finish' },
      stationName: 'Finish line',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: expect.stringMatching(/aside.*nothing was changed/),
    });
    const still = await service.query({ type: 'snapshot' });
    expect(still.config).toMatchObject({ mode: 'practice', raceId: practice.practice.raceId });
    expect(still.journalLength).toBe(1);
    expect(existsSync(path.join(dir, DATABASE_FILE))).toBe(true);
    // The reopened station still takes entries.
    expect((await service.command({ type: 'tap', at: Date.now() })).ok).toBe(true);
  });

  it('refuses to put aside a live race whose results are not all on RunSignup', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'chute-switch-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const live = await startEmulator({ port: 0, seed: 5 });
    let liveOpen = true;
    cleanups.push(async () => {
      if (liveOpen) await live.close();
    });
    const service = await composeStationService({
      dataDir: dir,
      secrets: memorySecretStore(),
      practiceSeed: 11,
      syncIdlePollMs: 50,
    });
    cleanups.push(() => service.close());
    const liveConnection = practiceConnection(live);
    await service.command({
      type: 'connect',
      connection: liveConnection,
    });
    const lDetails = await setUp(service, live.practice.raceId);
    // The park has no signal: RunSignup is out of reach, the finishes stay pending.
    liveOpen = false;
    await live.close();
    const lEvent = lDetails.events[0]!;
    const bib = createPracticeRace(5).participants.find(
      (p) => p.eventId === lEvent.eventId && p.bib !== null,
    )!.bib!;
    const now = Date.now();
    await service.command({ type: 'gun', eventId: lEvent.eventId, at: now - 600_000 });
    expect((await service.command({ type: 'tap', at: now, bib: String(bib) })).ok).toBe(true);

    // Someone switches to practice and sets up the practice race.
    expect((await service.command({ type: 'connect', connection: { auth: 'practice' } })).ok).toBe(
      true,
    );
    const practice = service.practice()!.emulator!;
    const pDetails = await service.query({ type: 'raceDetails', raceId: practice.practice.raceId });
    const refused = await service.command({
      type: 'configure',
      raceId: practice.practice.raceId,
      eventIds: [pDetails.events[0]!.eventId],
      role: { kind: 'finish' },
      stationName: 'Finish line',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        new RegExp(
          `^Not changed: \\d+ results? of ${lDetails.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ` +
            `\\(race ${live.practice.raceId}\\) (is|are) not yet on RunSignup.*kept on this station`,
        ),
      ),
    });
    const still = await service.query({ type: 'snapshot' });
    expect(still.config).toMatchObject({ mode: 'live', raceId: live.practice.raceId });
    expect(still.journalLength).toBe(2);
    expect(existsSync(path.join(dir, ARCHIVE_DIR))).toBe(false);
  });

  it('when the new setup fails after the archive, puts the old race back', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'chute-switch-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const live = await startEmulator({ port: 0, seed: 5 });
    cleanups.push(() => live.close());
    let opens = 0;
    const service = await composeStationService({
      dataDir: dir,
      secrets: memorySecretStore(),
      practiceSeed: 11,
      syncIdlePollMs: 50,
      openCore: async (dbPath, options) => {
        const core = await openCorePort(dbPath, options);
        // The fresh file opened by the archive refuses its setup.
        if (++opens === 2) {
          core.configure = () => {
            throw new Error('The disk is full.');
          };
        }
        return core;
      },
    });
    cleanups.push(() => service.close());
    const practice = service.practice()!.emulator!;
    const pDetails = await setUp(service, practice.practice.raceId);
    await service.command({
      type: 'gun',
      eventId: pDetails.events[0]!.eventId,
      at: Date.now() - 60_000,
    });
    const liveConnection = practiceConnection(live);
    await service.command({
      type: 'connect',
      connection: liveConnection,
    });
    const details = await service.query({ type: 'raceDetails', raceId: live.practice.raceId });
    const failed = await service.command({
      type: 'configure',
      raceId: live.practice.raceId,
      eventIds: [details.events[0]!.eventId],
      role: { kind: 'finish' },
      stationName: 'Finish line',
    });
    expect(failed).toMatchObject({
      ok: false,
      error: expect.stringMatching(/The disk is full\..*put back as it was/),
    });
    expect(opens).toBe(3);
    const still = await service.query({ type: 'snapshot' });
    expect(still.config).toMatchObject({ mode: 'practice', raceId: practice.practice.raceId });
    expect(still.journalLength).toBe(1);
    expect((await service.command({ type: 'tap', at: Date.now() })).ok).toBe(true);
  });
});
