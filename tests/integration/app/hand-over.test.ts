// The laptop that dies mid-race is replaced from the USB stick: its backups were mirrored there,
// the new laptop restores one into its own data folder (`npm run restore`, or Setup from the
// mirror folder), carries on with the same station and posts RunSignup only what it lacks.
// Restore through the StationApi as Setup does it: the backup list (race, time, entries,
// newest, fullest), a restore that keeps a copy of the file it replaces, the mirror folder.
import { copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeStationService } from '../../../src-main/app/compose';
import { openCorePort } from '../../../src-main/app/core-adapter';
import { openStationCore } from '../../../src-main/core/station-core';
import { CLIENT_ASSUMPTIONS } from '../../../src-main/runsignup/assumptions';
import { practiceConnection } from '../../../src-main/app/practice';
import { memorySecretStore } from '../../../src-main/app/ports';
import type { StationService } from '../../../src-main/app/service';
import {
  REPLACED_DIR,
  RESTORING_DIR,
  STATION_FILE_NAME,
  describeBackups,
  listBackups,
  readDataSettings,
  readStationFileInfo,
  restoreBackup,
  writeDataSettings,
} from '../../../src-main/db';
import { createPracticeRace, startEmulator } from '../../../src-main/runsignup/emulator';
import type { RunningEmulator } from '../../../src-main/runsignup/emulator';
import { isOnRunSignup, type StationEvent } from '../../../src-shared/station-api';
import { waitFor } from '../../support/poll';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function folder(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `chute-${name}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function station(dataDir: string): Promise<StationService> {
  const service = await composeStationService({
    dataDir,
    secrets: memorySecretStore(),
    syncIdlePollMs: 50,
  });
  let open = true;
  const close = service.close.bind(service);
  service.close = async () => {
    open = false;
    await close();
  };
  cleanups.push(async () => {
    if (open) await service.close();
  });
  return service;
}

/** Connects to `runsignup`, sets up its first event, fires the gun; returns the event's bibs. */
async function setUp(
  service: StationService,
  runsignup: RunningEmulator,
  seed: number,
): Promise<number[]> {
  expect(
    (await service.command({ type: 'connect', connection: practiceConnection(runsignup) })).ok,
  ).toBe(true);
  const details = await service.query({ type: 'raceDetails', raceId: runsignup.practice.raceId });
  const event = details.events[0]!;
  expect(
    await service.command({
      type: 'configure',
      raceId: details.raceId,
      eventIds: [event.eventId],
      role: { kind: 'finish' },
      stationName: 'Finish line',
    }),
  ).toMatchObject({ ok: true });
  expect(
    (await service.command({ type: 'gun', eventId: event.eventId, at: Date.now() - 1_800_000 })).ok,
  ).toBe(true);
  return createPracticeRace(seed)
    .participants.filter((p) => p.eventId === event.eventId && p.bib !== null)
    .map((p) => p.bib!);
}

async function tap(service: StationService, bibs: readonly number[], from: number) {
  for (const [i, bib] of bibs.entries()) {
    expect((await service.command({ type: 'tap', at: from + i * 1000, bib: String(bib) })).ok).toBe(
      true,
    );
  }
}

/**
 * Laptop A times five finishes with its backups mirrored to a stick (named in settings.json
 * before it starts, or set from Setup): three reach RunSignup, then RunSignup stops
 * answering (throttled), two more are saved but not sent, and laptop A dies (its last backup
 * goes to the stick). Returns the stick and the five bibs.
 */
async function laptopThatDies(
  runsignup: RunningEmulator,
  seed: number,
  mirror: 'settings-file' | 'setup',
): Promise<{ usb: string; bibs: number[] }> {
  const usb = await folder('usb');
  const laptopA = await folder('laptop-a');
  if (mirror === 'settings-file') writeDataSettings(laptopA, { mirrorDir: usb });
  const a = await station(laptopA);
  if (mirror === 'setup') {
    expect((await a.command({ type: 'setBackupMirror', dir: usb })).ok).toBe(true);
  }
  const bibs = (await setUp(a, runsignup, seed)).slice(0, 5);
  const now = Date.now();
  await tap(a, bibs.slice(0, 3), now - 60_000);
  await waitFor(async () => (await a.query({ type: 'snapshot' })).crossings.map((c) => c.sync), {
    what: 'the first three sent from laptop A',
    until: (syncs) => syncs.length === 3 && syncs.every((s) => isOnRunSignup(s)),
    timeoutMs: 20_000,
  });
  runsignup.setFaults({ probability: 1, kinds: ['throttle'] });
  await tap(a, bibs.slice(3), now - 30_000);
  await a.close();
  return { usb, bibs };
}

/**
 * Connects `b` to RunSignup and waits for all five finishes there: of RunSignup's requests
 * since `postsBefore`, only `rest` (what laptop A never got acknowledged) were posted.
 */
async function expectOnlyTheRestPosted(
  b: StationService,
  runsignup: RunningEmulator,
  postsBefore: number,
  rest: readonly number[],
  total = 5,
) {
  expect((await b.command({ type: 'connect', connection: practiceConnection(runsignup) })).ok).toBe(
    true,
  );
  const resultSetId = (await b.query({ type: 'snapshot' })).config!.events[0]!.resultSetId;
  await waitFor(() => runsignup.results(resultSetId).filter((r) => r.clock_time !== ''), {
    what: `all ${total} finishes on RunSignup`,
    until: (rows) => rows.length === total,
    timeoutMs: 20_000,
  });
  const postedByB = runsignup.log
    .slice(postsBefore)
    .flatMap((entry) => entry.posted ?? [])
    .map((row) => Number(row.bib));
  const byNumber = (x: number, y: number) => x - y;
  expect([...new Set(postedByB)].sort(byNumber)).toEqual([...rest].sort(byNumber));
}

describe('hand-over to another laptop', () => {
  it('carries on from the USB stick and posts only what RunSignup lacks', async () => {
    const runsignup = await startEmulator({ port: 0, seed: 5 });
    cleanups.push(() => runsignup.close());
    const { usb, bibs } = await laptopThatDies(runsignup, 5, 'settings-file');

    // Laptop B: an empty data folder, the newest backup from the stick restored into it.
    const laptopB = await folder('laptop-b');
    await mkdir(laptopB, { recursive: true });
    const onStick = describeBackups(usb);
    const newest = onStick[onStick.length - 1]!;
    expect(newest.entries).toBe(6); // gun + five finishes
    restoreBackup(newest.path, path.join(laptopB, STATION_FILE_NAME));
    runsignup.setFaults(null);
    const postsBefore = runsignup.log.length;
    const b = await station(laptopB); // credentials never travel on the stick
    const restored = await b.query({ type: 'snapshot' });
    expect(restored.config).toMatchObject({ raceId: runsignup.practice.raceId });
    expect(restored.crossings).toHaveLength(5);
    await expectOnlyTheRestPosted(b, runsignup, postsBefore, bibs.slice(3));
  });

  it('a station started in a folder that holds only an archived race is refused, not started empty', async () => {
    const dir = await folder('archived');
    await mkdir(path.join(dir, 'archive', 'live-9-20261130-140000'), { recursive: true });
    await expect(
      composeStationService({ dataDir: dir, secrets: memorySecretStore(), practiceSeed: 1 }),
    ).rejects.toThrow(/station\.sqlite is missing, but its data folder holds 1 archived race/);
  });

  it('the snapshot warns while the mirror folder (the USB stick) is missing', async () => {
    const dir = await folder('mirror');
    const stick = path.join(dir, 'stick');
    writeDataSettings(dir, { mirrorDir: stick });
    const station = await composeStationService({
      dataDir: dir,
      secrets: memorySecretStore(),
      practiceSeed: 1,
    });
    cleanups.push(() => station.close());
    expect((await station.query({ type: 'snapshot' })).backupMirror).toMatchObject({
      state: 'missing',
      message: expect.stringMatching(/mirror folder .*stick is missing \(USB stick unplugged\?\)/),
    });
    await mkdir(stick);
    expect((await station.query({ type: 'snapshot' })).backupMirror).toEqual({
      state: 'ok',
      message: null,
    });
  });
});

describe('the backup state reaches the screens during capture', () => {
  it('a failed backup, the stick pulled out, and each coming back are announced without a reload', async () => {
    const dir = await folder('backup-state');
    const stick = path.join(dir, 'stick');
    await mkdir(stick);
    writeDataSettings(dir, { mirrorDir: stick });
    const station = await composeStationService({
      dataDir: dir,
      secrets: memorySecretStore(),
      practiceSeed: 1,
      // As openCorePort, with backups and their watch quick enough for a test.
      openCore: (dbPath) =>
        openStationCore({
          dbPath,
          mirrorDir: () => readDataSettings(dir).mirrorDir,
          readBackClearsIn: CLIENT_ASSUMPTIONS.finishFieldsClearedByXNeedReadBack,
          backupIntervalMs: 100,
          backupWatchMs: 50,
        }),
    });
    cleanups.push(() => station.close());
    // A screen: it holds the snapshot and reloads it only when told something changed.
    let shown = (await station.query({ type: 'snapshot' })).backupMirror;
    station.subscribe((event) => {
      if (event.type !== 'changed') return;
      void station.query({ type: 'snapshot' }).then((snapshot) => {
        shown = snapshot.backupMirror;
      });
    });
    const screenShows = (what: string, state: string, message: RegExp | null) =>
      waitFor(() => shown, {
        what,
        until: (m) =>
          m?.state === state && (message === null ? m.message === null : message.test(m.message!)),
        timeoutMs: 10_000,
      });
    expect(shown).toMatchObject({ state: 'ok' });

    rmSync(stick, { recursive: true });
    await screenShows('the stick missing', 'missing', /stick is missing \(USB stick unplugged\?\)/);
    await mkdir(stick);
    await screenShows('the stick back', 'ok', null);

    // Where the backups go, something else (as a full disk would refuse them).
    rmSync(path.join(dir, 'backups'), { recursive: true });
    writeFileSync(path.join(dir, 'backups'), 'not a folder');
    await screenShows('the failed backup', 'failed', /^The last backup could not be written/);
    rmSync(path.join(dir, 'backups'));
    await mkdir(path.join(dir, 'backups'));
    await screenShows('backups working again', 'ok', null);
  });
});

describe('restore from Setup', () => {
  it('lists the backups, restores one and keeps the file it replaced; refuses a missing one', async () => {
    const runsignup = await startEmulator({ port: 0, seed: 8 });
    cleanups.push(() => runsignup.close());
    const dir = await folder('restore');
    const first = await station(dir);
    const bibs = await setUp(first, runsignup, 8);
    const now = Date.now();
    await tap(first, bibs.slice(0, 2), now - 60_000);
    await first.close(); // its last backup: gun + two finishes

    const second = await station(dir);
    await tap(second, bibs.slice(2, 5), now - 30_000);
    const listed = await second.query({ type: 'backups' });
    expect(listed.dataDir).toBe(dir);
    expect(listed.stationEntries).toBe(6);
    expect(listed.mirror).toEqual({ dir: null, state: 'off', message: null });
    expect(listed.backups).toHaveLength(1);
    const [backup] = listed.backups;
    expect(backup).toMatchObject({
      where: 'data',
      entries: 3,
      mode: 'live', // an emulator reached by its address is a live RunSignup to the station
      newest: true,
      fullest: true,
      problem: null,
    });
    expect(backup!.raceName).toBe(runsignup.practice.name);

    // A name that is not in the list: refused with a sentence, nothing changed.
    const missing = await second.command({
      type: 'restoreBackup',
      file: 'chute-20200101T000000000Z-0001.sqlite',
      where: 'data',
    });
    expect(missing).toMatchObject({ ok: false, error: expect.stringMatching(/no longer in/) });
    expect((await second.query({ type: 'snapshot' })).crossings).toHaveLength(5);
    // A path instead of a name never reaches the station.
    expect(
      (await second.command({ type: 'restoreBackup', file: '../station.sqlite', where: 'data' }))
        .ok,
    ).toBe(false);

    // This station was never connected: its results are not on RunSignup, and the timer
    // confirms restoring over them (the refusal without it is tested below).
    const restored = await second.command({
      type: 'restoreBackup',
      file: backup!.file,
      where: 'data',
      unsentConfirmed: true,
    });
    expect(restored).toMatchObject({
      ok: true,
      warnings: [
        {
          code: 'station-restored',
          message: expect.stringMatching(
            /Restored .*3 entries.*\(6 entries\) is kept as .*replaced/,
          ),
        },
      ],
    });
    const after = await second.query({ type: 'snapshot' });
    expect(after.crossings.map((c) => c.bib)).toEqual(expect.arrayContaining(bibs.slice(0, 2)));
    expect(after.crossings).toHaveLength(2);
    // The file it replaced is kept whole, and so is the closing backup of it.
    const kept = readdirSync(path.join(dir, REPLACED_DIR)).filter((f) => f.endsWith('.sqlite'));
    expect(kept).toHaveLength(1);
    expect(readStationFileInfo(path.join(dir, REPLACED_DIR, kept[0]!)).entries).toBe(6);
    const entries = listBackups(path.join(dir, 'backups')).map(
      (b) => readStationFileInfo(b).entries,
    );
    expect(entries).toContain(6);
    expect(existsSync(path.join(dir, RESTORING_DIR))).toBe(false);
    // A backup written by a newer Chute is refused before anything closes.
    const newer = path.join(dir, 'backups', 'chute-20991231T000000000Z-0001.sqlite');
    copyFileSync(path.join(dir, 'backups', backup!.file), newer);
    const db = new Database(newer);
    db.pragma('user_version = 999');
    db.close();
    expect(
      await second.command({ type: 'restoreBackup', file: path.basename(newer), where: 'data' }),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/newer version of Chute.*update Chute.*Nothing was changed/),
    });
    expect((await second.query({ type: 'snapshot' })).crossings).toHaveLength(2);
    rmSync(newer);
    // The station carries on from the restored file.
    await tap(second, bibs.slice(5, 6), now - 10_000);
    expect((await second.query({ type: 'snapshot' })).crossings).toHaveLength(3);
  });

  it('refuses to restore over live results not yet on RunSignup unless the timer confirms it', async () => {
    const runsignup = await startEmulator({ port: 0, seed: 9 });
    cleanups.push(() => runsignup.close());
    const dir = await folder('restore-unsent');
    const first = await station(dir);
    const bibs = await setUp(first, runsignup, 9);
    const now = Date.now();
    await tap(first, bibs.slice(0, 1), now - 60_000);
    await first.close(); // its last backup: gun + one finish

    // RunSignup stops answering: the next two finishes are saved, not sent.
    runsignup.setFaults({ probability: 1, kinds: ['throttle'] });
    const second = await station(dir);
    await tap(second, bibs.slice(1, 3), now - 30_000);
    const listed = await second.query({ type: 'backups' });
    expect(listed.unsentResults).toBeGreaterThanOrEqual(2);
    const [backup] = listed.backups;

    const refused = await second.command({
      type: 'restoreBackup',
      file: backup!.file,
      where: 'data',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /Not changed: \d+ results of .* are not yet on RunSignup .*before restoring, or confirm/,
      ),
    });
    expect((await second.query({ type: 'snapshot' })).crossings).toHaveLength(3);
    expect(existsSync(path.join(dir, REPLACED_DIR))).toBe(false);

    const confirmed = await second.command({
      type: 'restoreBackup',
      file: backup!.file,
      where: 'data',
      unsentConfirmed: true,
    });
    expect(confirmed).toMatchObject({ ok: true, warnings: [{ code: 'station-restored' }] });
    expect((await second.query({ type: 'snapshot' })).crossings).toHaveLength(1);
    const kept = readdirSync(path.join(dir, REPLACED_DIR)).filter((f) => f.endsWith('.sqlite'));
    expect(readStationFileInfo(path.join(dir, REPLACED_DIR, kept[0]!)).entries).toBe(4);
  });

  it('a restore whose station file will not open again reopens the file in use, still running', async () => {
    const runsignup = await startEmulator({ port: 0, seed: 12 });
    cleanups.push(() => runsignup.close());
    const dir = await folder('reopen');
    const first = await station(dir);
    const bibs = await setUp(first, runsignup, 12);
    await first.close(); // a backup: the setup and the gun
    // Opens 2 and 3 fail: the restored backup, then the file put back in its place.
    let opens = 0;
    const service = await composeStationService({
      dataDir: dir,
      secrets: memorySecretStore(),
      syncIdlePollMs: 50,
      openCore: (file, options) => {
        opens += 1;
        if (opens === 2 || opens === 3) throw new Error(`cannot open ${file} (test)`);
        return openCorePort(file, options);
      },
    });
    cleanups.push(() => service.close());
    const now = Date.now();
    await tap(service, bibs.slice(0, 1), now - 60_000);
    const [backup] = (await service.query({ type: 'backups' })).backups;
    const failed = await service.command({
      type: 'restoreBackup',
      file: backup!.file,
      where: 'data',
      unsentConfirmed: true,
    });
    expect(failed).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /Nothing was restored: .*The station file in use was opened again/,
      ),
    });
    expect(opens).toBe(4);
    const events: StationEvent[] = [];
    service.subscribe((e) => events.push(e));
    await tap(service, bibs.slice(1, 2), now - 30_000);
    expect(events.length).toBeGreaterThan(0);
    expect((await service.query({ type: 'snapshot' })).crossings).toHaveLength(2);
    await expectOnlyTheRestPosted(service, runsignup, 0, bibs.slice(0, 2), 2);
  });

  it('sets the mirror folder from Setup, refusing one that cannot be used', async () => {
    const dir = await folder('mirror-setting');
    const service = await composeStationService({
      dataDir: dir,
      secrets: memorySecretStore(),
      practiceSeed: 1,
    });
    cleanups.push(() => service.close());
    const set = (value: string | null) => service.command({ type: 'setBackupMirror', dir: value });
    expect(await set('usb/chute')).toMatchObject({ error: expect.stringMatching(/full folder/) });
    expect(await set(path.join(dir, 'nowhere'))).toMatchObject({
      error: expect.stringMatching(/There is no folder .*plug in the USB stick/),
    });
    for (const inside of [path.join(dir, 'backups'), dir]) {
      expect(await set(inside)).toMatchObject({
        error: expect.stringMatching(/must be outside the data folder/),
      });
    }
    const stick = await folder('stick');
    expect((await set(stick)).ok).toBe(true);
    expect(readDataSettings(dir).mirrorDir).toBe(stick);
    expect((await service.query({ type: 'backups' })).mirror).toMatchObject({
      dir: stick,
      state: 'ok',
    });
    expect((await set(null)).ok).toBe(true);
    expect(readDataSettings(dir).mirrorDir).toBeNull();
  });

  it('hands over from the stick on a new laptop: restore from the mirror, post only what RunSignup lacks', async () => {
    const runsignup = await startEmulator({ port: 0, seed: 6 });
    cleanups.push(() => runsignup.close());
    const { usb, bibs } = await laptopThatDies(runsignup, 6, 'setup');

    // Laptop B: a fresh station (no history), told where the stick is, restores from it.
    const laptopB = await folder('laptop-b');
    const b = await station(laptopB);
    expect((await b.command({ type: 'setBackupMirror', dir: usb })).ok).toBe(true);
    const onStick = (await b.query({ type: 'backups' })).backups.filter(
      (x) => x.where === 'mirror',
    );
    const offered = onStick.find((x) => x.fullest)!;
    expect(offered).toMatchObject({ entries: 6, newest: true });
    runsignup.setFaults(null);
    const postsBefore = runsignup.log.length;
    const restored = await b.command({
      type: 'restoreBackup',
      file: offered.file,
      where: 'mirror',
    });
    expect(restored).toMatchObject({ ok: true, warnings: [{ code: 'station-restored' }] });
    expect((await b.query({ type: 'snapshot' })).crossings).toHaveLength(5);
    await expectOnlyTheRestPosted(b, runsignup, postsBefore, bibs.slice(3, 5));
  });
});
