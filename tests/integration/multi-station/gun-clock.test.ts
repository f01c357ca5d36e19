// Two real station services (separate databases) on ONE practice emulator: the finish station's
// gun reaches the split station through the start-time call and re-times its entries; with a
// RunSignup that refuses fractions the gun goes as whole seconds; a skewed RunSignup clock is
// measured and shown in Snapshot.clock with a plain warning.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeStationService } from '../../../src-main/app/compose';
import { memorySecretStore } from '../../../src-main/app/ports';
import type { StationService } from '../../../src-main/app/service';
import {
  createPracticeRace,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import type { StationRole } from '../../../src-shared/domain';
import { formatStartTime } from '../../../src-main/sync/gun-time';
import { waitFor } from '../../support/poll';

// An hour ago (the core refuses guns days away from now), on a whole second: RunSignup keeps
// whole seconds, so a gun shared through it arrives exactly.
const GUN = Math.floor((Date.now() - 3_600_000) / 1_000) * 1_000;
// The laptops' own zone setting; RunSignup's race data gives the race's zone, which wins.
const ZONE = 'America/Denver';
const RACE_ZONE = createPracticeRace(5).timeZone;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setup(options: EmulatorOptions = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'chute-multi-'));
  const emulator = await startEmulator({ seed: 5, ...options });
  cleanup.push(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });
  const event = emulator.practice.events.find((e) => e.resultSets[0]?.splits.length)!;
  const set = event.resultSets[0]!;
  const open = async (name: string, laptopZone = ZONE): Promise<StationService> => {
    const service = await composeStationService({
      dataDir: path.join(dir, name),
      secrets: memorySecretStore(),
      practiceEmulator: emulator,
      timeZone: laptopZone,
      syncIdlePollMs: 50,
      gunPollMs: 60_000, // polled explicitly below
    });
    cleanup.push(() => service.close());
    return service;
  };
  const station = async (
    name: string,
    role: StationRole,
    zone?: string,
  ): Promise<StationService> => {
    const service = await open(name);
    const configured = await service.command({
      type: 'configure',
      raceId: emulator.practice.raceId,
      eventIds: [event.eventId],
      resultSets: [{ eventId: event.eventId, resultSetId: set.resultSetId }],
      role,
      stationName: name,
      ...(zone ? { timeZone: zone } : {}),
    });
    expect(configured).toMatchObject({ ok: true });
    return service;
  };
  const splitRole: StationRole = {
    kind: 'split',
    name: 'Mile 1',
    splits: [{ eventId: event.eventId, splitId: set.splits[0]!.splitId }],
  };
  return { emulator, event, set, open, station, splitRole };
}

async function startTimeOn(emulator: RunningEmulator, eventId: number): Promise<unknown> {
  const { apiKey, apiSecret, callerToken, callerSecret } = emulator.practice.credentials;
  const url = `${emulator.url}/race/${emulator.practice.raceId}/results/start-time?event_id=${eventId}&format=json&api_key=${apiKey}&api_secret=${apiSecret}&rsu_api_reg=${callerToken}`;
  const res = await fetch(url, { headers: { 'X-RSU-API-REG-SECRET': callerSecret } });
  return ((await res.json()) as { start_time: unknown }).start_time;
}

describe('several stations on one race', () => {
  it("shares the finish station's gun with a split station, which re-times its entries", async () => {
    const { emulator, event, set, station, splitRole } = await setup();
    const finish = await station('finish', { kind: 'finish' });
    const split = await station('split', splitRole);
    const bib = String(
      createPracticeRace(5).participants.find((p) => p.eventId === event.eventId && p.bib)!.bib,
    );
    // The split timer records a crossing before any gun is known here.
    expect(await split.command({ type: 'tap', at: GUN + 20 * 60_000, bib })).toMatchObject({
      ok: true,
    });
    expect(await finish.command({ type: 'gun', eventId: event.eventId, at: GUN })).toMatchObject({
      ok: true,
    });
    await finish.gunsSent();
    const text = await startTimeOn(emulator, event.eventId);
    expect(text).toBe(formatStartTime(GUN, RACE_ZONE, false));

    await split.pollGunNow();
    const snapshot = await split.query({ type: 'snapshot' });
    expect(snapshot.guns.find((g) => g.eventId === event.eventId)).toMatchObject({
      at: GUN,
      source: 'runsignup',
    });
    const splitField = `split-${splitRole.kind === 'split' ? splitRole.splits[0]!.splitId : 0}`;
    await waitFor(() => emulator.results(set.resultSetId).find((r) => String(r.bib) === bib), {
      what: `bib ${bib}'s split time on RunSignup`,
      until: (row) => Boolean(row?.[splitField]),
    });
    const row = emulator.results(set.resultSetId).find((r) => String(r.bib) === bib);
    expect(row?.[splitField]).toBe('20:00.0');

    // The finish timer corrects the gun by two seconds: the split station follows.
    expect(
      await finish.command({ type: 'gun', eventId: event.eventId, at: GUN - 2_000 }),
    ).toMatchObject({ ok: true });
    await finish.gunsSent();
    await split.pollGunNow();
    const after = await split.query({ type: 'snapshot' });
    expect(after.guns.find((g) => g.eventId === event.eventId)?.at).toBe(GUN - 2_000);
    // Polling again with nothing new writes nothing.
    const length = after.journalLength;
    await split.pollGunNow();
    expect((await split.query({ type: 'snapshot' })).journalLength).toBe(length);
  });

  it('a gun RunSignup never got before a restart is sent after it', async () => {
    const { emulator, event, open, station } = await setup();
    const before = await startTimeOn(emulator, event.eventId);
    const finish = await station('finish', { kind: 'finish' });
    emulator.setFaults({ probability: 1, kinds: ['http-503'] });
    expect(await finish.command({ type: 'gun', eventId: event.eventId, at: GUN })).toMatchObject({
      ok: true,
    });
    await waitFor(
      () => emulator.log.filter((e) => e.path.endsWith('/start-time')).map((e) => e.fault),
      { what: 'the gun post refused by RunSignup (503)', until: (f) => f.includes('http-503') },
    );
    // It tried, and RunSignup failed it: the gun is only in this station's journal.
    expect(emulator.log.some((e) => e.path.endsWith('/start-time') && e.fault === 'http-503')).toBe(
      true,
    );
    await finish.close();
    emulator.setFaults(null);
    expect(await startTimeOn(emulator, event.eventId)).toBe(before);

    const again = await open('finish');
    await again.gunsSent();
    expect(await startTimeOn(emulator, event.eventId)).toBe(formatStartTime(GUN, RACE_ZONE, false));
  });

  it('[assumed] sends whole seconds to a RunSignup that refuses fractions', async () => {
    const { emulator, event, station } = await setup({
      assumptions: { startTimeFractions: 'rejected' },
    });
    const finish = await station('finish', { kind: 'finish' });
    await finish.command({ type: 'gun', eventId: event.eventId, at: GUN });
    await finish.gunsSent();
    expect(await startTimeOn(emulator, event.eventId)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it("writes the gun on the race's wall clock from RunSignup's race data, whole seconds, whatever the laptop's zone", async () => {
    // Laptop in UTC, race in America/New_York (RunSignup's race data), split station in the
    // race's zone: the finish posts New York wall clock, and the split reads the same instant.
    const { emulator, event, open, splitRole } = await setup();
    const configure = async (service: StationService, role: StationRole) =>
      service.command({
        type: 'configure',
        raceId: emulator.practice.raceId,
        eventIds: [event.eventId],
        role,
        stationName: role.kind,
      });
    const finish = await open('finish-utc', 'UTC');
    expect(await configure(finish, { kind: 'finish' })).toMatchObject({ ok: true });
    expect((await finish.query({ type: 'snapshot' })).config?.timeZone).toBe('America/New_York');
    const split = await open('split-ny', 'America/New_York');
    expect(await configure(split, splitRole)).toMatchObject({ ok: true });
    const gun = GUN + 250; // the finish timer's gun has a fraction; RunSignup gets the second
    await finish.command({ type: 'gun', eventId: event.eventId, at: gun });
    await finish.gunsSent();
    const text = await startTimeOn(emulator, event.eventId);
    expect(text).toBe(formatStartTime(GUN, 'America/New_York', false));
    expect(text).not.toBe(formatStartTime(GUN, 'UTC', false));
    await split.pollGunNow();
    const guns = (await split.query({ type: 'snapshot' })).guns;
    expect(guns.find((g) => g.eventId === event.eventId)).toMatchObject({
      at: GUN,
      source: 'runsignup',
    });
  });

  it("uses the station's zone setting when RunSignup gives none, and refuses a zone it does not know", async () => {
    const race = { ...createPracticeRace(5), reportsTimeZone: false };
    const { emulator, event, station } = await setup({ race });
    const finish = await station('finish', { kind: 'finish' }, 'Asia/Kolkata');
    expect((await finish.query({ type: 'snapshot' })).config?.timeZone).toBe('Asia/Kolkata');
    await finish.command({ type: 'gun', eventId: event.eventId, at: GUN });
    await finish.gunsSent();
    const wall = new Date(GUN + 5.5 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
    expect(await startTimeOn(emulator, event.eventId)).toBe(wall);
    const refused = await finish.command({
      type: 'configure',
      raceId: emulator.practice.raceId,
      eventIds: [event.eventId],
      role: { kind: 'finish' },
      stationName: 'finish',
      timeZone: 'Mars/Olympus_Mons',
    });
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/not a time zone/) });
    expect((await finish.query({ type: 'snapshot' })).config?.timeZone).toBe('Asia/Kolkata');
  });

  it("shares the gun in RunSignup's clock: a finish station 3 s behind posts local gun + 3 s", async () => {
    // RunSignup's clock (and the split station's reading of it) is 3 s ahead of these laptops.
    const { emulator, event, set, station, splitRole } = await setup({
      now: () => Date.now() + 3_000,
    });
    const finish = await station('finish', { kind: 'finish' });
    const split = await station('split', splitRole);
    // Both timers enter the offset the status bar measured.
    for (const s of [finish, split]) {
      expect(await s.command({ type: 'offset', ms: 3_000 })).toMatchObject({ ok: true });
    }
    const bib = String(
      createPracticeRace(5).participants.find((p) => p.eventId === event.eventId && p.bib)!.bib,
    );
    expect(await split.command({ type: 'tap', at: GUN + 20 * 60_000, bib })).toMatchObject({
      ok: true,
    });
    expect(await finish.command({ type: 'gun', eventId: event.eventId, at: GUN })).toMatchObject({
      ok: true,
    });
    await finish.gunsSent();
    expect(await startTimeOn(emulator, event.eventId)).toBe(
      formatStartTime(GUN + 3_000, RACE_ZONE, false),
    );
    await split.pollGunNow();
    const snapshot = await split.query({ type: 'snapshot' });
    expect(snapshot.guns.find((g) => g.eventId === event.eventId)).toMatchObject({
      at: GUN + 3_000,
      source: 'runsignup',
    });
    // The split crossing 20:00 after the gun on the shared clock.
    const splitField = `split-${splitRole.kind === 'split' ? splitRole.splits[0]!.splitId : 0}`;
    await waitFor(() => emulator.results(set.resultSetId).find((r) => String(r.bib) === bib), {
      what: `bib ${bib}'s split time on RunSignup`,
      until: (row) => Boolean(row?.[splitField]),
    });
    const row = emulator.results(set.resultSetId).find((r) => String(r.bib) === bib);
    expect(row?.[splitField]).toBe('20:00.0');
  });

  it('measures a RunSignup clock 3 s ahead and says so in the snapshot', async () => {
    const { station, splitRole } = await setup({ now: () => Date.now() + 3_000 });
    const split = await station('split', splitRole);
    const result = await split.command({ type: 'measureClock' });
    expect(result).toMatchObject({ ok: true });
    const clock = (await split.query({ type: 'snapshot' })).clock!;
    expect(clock.offsetMs).not.toBeNull();
    expect(Math.abs(clock.offsetMs! - 3_000)).toBeLessThanOrEqual(clock.uncertaintyMs! + 50);
    expect(clock.uncertaintyMs).toBeLessThanOrEqual(600);
    expect(clock.warning).toMatch(/[23]\.\d s behind RunSignup/);
    expect(clock.measuredAt).toBeGreaterThan(0);
  });
});
