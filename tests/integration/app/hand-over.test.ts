// The laptop that dies mid-race is replaced from the USB stick: its backups were mirrored there,
// the new laptop restores the newest into its own (empty) data folder, carries on with the same
// station, and posts RunSignup only what it does not have yet.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeStationService } from '../../../src-main/app/compose';
import { practiceConnection } from '../../../src-main/app/practice';
import { memorySecretStore } from '../../../src-main/app/ports';
import type { StationService } from '../../../src-main/app/service';
import {
  describeBackups,
  restoreBackup,
  STATION_FILE_NAME,
  writeDataSettings,
} from '../../../src-main/db';
import { createPracticeRace, startEmulator } from '../../../src-main/runsignup/emulator';
import { isOnRunSignup } from '../../../src-shared/station-api';
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

describe('hand-over to another laptop', () => {
  it('carries on from the USB stick and posts only what RunSignup lacks', async () => {
    const runsignup = await startEmulator({ port: 0, seed: 5 });
    cleanups.push(() => runsignup.close());
    const connection = practiceConnection(runsignup);
    const usb = await folder('usb');

    // Laptop A: backups mirrored to the stick.
    const laptopA = await folder('laptop-a');
    writeDataSettings(laptopA, { mirrorDir: usb });
    const a: StationService = await composeStationService({
      dataDir: laptopA,
      secrets: memorySecretStore(),
      syncIdlePollMs: 50,
    });
    let aOpen = true;
    cleanups.push(async () => {
      if (aOpen) await a.close();
    });
    expect((await a.command({ type: 'connect', connection })).ok).toBe(true);
    const details = await a.query({ type: 'raceDetails', raceId: runsignup.practice.raceId });
    const event = details.events[0]!;
    expect(
      await a.command({
        type: 'configure',
        raceId: details.raceId,
        eventIds: [event.eventId],
        role: { kind: 'finish' },
        stationName: 'Finish line',
      }),
    ).toMatchObject({ ok: true });
    const bibs = createPracticeRace(5)
      .participants.filter((p) => p.eventId === event.eventId && p.bib !== null)
      .slice(0, 5)
      .map((p) => p.bib!);
    const now = Date.now();
    await a.command({ type: 'gun', eventId: event.eventId, at: now - 1_800_000 });
    for (const [i, bib] of bibs.slice(0, 3).entries()) {
      expect(
        (await a.command({ type: 'tap', at: now - 60_000 + i * 1000, bib: String(bib) })).ok,
      ).toBe(true);
    }
    await waitFor(async () => (await a.query({ type: 'snapshot' })).crossings.map((c) => c.sync), {
      what: 'the first three sent from laptop A',
      until: (syncs) => syncs.length === 3 && syncs.every((s) => isOnRunSignup(s)),
      timeoutMs: 20_000,
    });
    // RunSignup stops answering (throttled); two more finishes are saved but not sent.
    runsignup.setFaults({ probability: 1, kinds: ['throttle'] });
    for (const [i, bib] of bibs.slice(3).entries()) {
      expect(
        (await a.command({ type: 'tap', at: now - 30_000 + i * 1000, bib: String(bib) })).ok,
      ).toBe(true);
    }
    await a.close(); // laptop A dies (its last backup went to the stick)
    aOpen = false;

    // Laptop B: an empty data folder, the newest backup from the stick restored into it.
    const laptopB = await folder('laptop-b');
    await mkdir(laptopB, { recursive: true });
    const onStick = describeBackups(usb);
    const newest = onStick[onStick.length - 1]!;
    expect(newest.entries).toBe(6); // gun + five finishes
    restoreBackup(newest.path, path.join(laptopB, STATION_FILE_NAME));
    runsignup.setFaults(null);
    const postsBefore = runsignup.log.length;
    const b = await composeStationService({
      dataDir: laptopB,
      secrets: memorySecretStore(), // credentials never travel on the stick
      syncIdlePollMs: 50,
    });
    cleanups.push(() => b.close());
    const restored = await b.query({ type: 'snapshot' });
    expect(restored.config).toMatchObject({ raceId: details.raceId });
    expect(restored.crossings).toHaveLength(5);
    expect((await b.command({ type: 'connect', connection })).ok).toBe(true);

    const resultSetId = restored.config!.events[0]!.resultSetId;
    await waitFor(() => runsignup.results(resultSetId).filter((r) => r.clock_time !== ''), {
      what: 'all five finishes on RunSignup',
      until: (rows) => rows.length === 5,
      timeoutMs: 20_000,
    });
    const postedByB = runsignup.log
      .slice(postsBefore)
      .flatMap((entry) => entry.posted ?? [])
      .map((row) => Number(row.bib));
    const byNumber = (x: number, y: number) => x - y;
    expect([...new Set(postedByB)].sort(byNumber)).toEqual(bibs.slice(3).sort(byNumber));
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
