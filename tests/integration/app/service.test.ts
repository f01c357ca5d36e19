// The station service over the REAL RunSignup client, sync loop, emulator (practice mode) and
// core on a temporary file: practice boot, connect, configure, posting, credentials handling.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Participant, StationConfig } from '../../../src-shared/domain';
import { isOnRunSignup, ON_RUNSIGNUP, type StationEvent } from '../../../src-shared/station-api';
import { realParts } from '../../../src-main/app/parts';
import { practiceConnection } from '../../../src-main/app/practice';
import { memorySecretStore, type CorePort, type SecretStore } from '../../../src-main/app/ports';
import { openStationCore } from '../../../src-main/core/station-core';
import {
  CONNECTION_SECRET_KEY,
  createStationService,
  type StationService,
} from '../../../src-main/app/service';
import { startEmulator, type RunningEmulator } from '../../../src-main/runsignup/emulator';
import { waitFor } from '../../support/poll';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

/** The real core on a temporary file, remembering the participants list it was last given. */
type RecordingCore = CorePort & { participants: Participant[] };

async function createCore(): Promise<RecordingCore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chute-service-'));
  open.push({ close: () => rm(dir, { recursive: true, force: true }) });
  const core = openStationCore({
    readBackClearsIn: READ_BACK_CLEARS_IN,
    dbPath: path.join(dir, 'station.sqlite'),
    backupDir: null,
  });
  const cache = core.cacheParticipants;
  return Object.assign(core, {
    participants: [] as Participant[],
    cacheParticipants(list: readonly Participant[]) {
      cache(list);
      (core as RecordingCore).participants = [...list];
    },
  });
}

async function boot(
  core: RecordingCore,
  secrets: SecretStore = memorySecretStore(),
): Promise<{ service: StationService; events: StationEvent[] }> {
  const service = await createStationService(
    realParts({ core, secrets, practiceSeed: 7, syncIdlePollMs: 50 }),
  );
  open.push(service);
  const events: StationEvent[] = [];
  service.subscribe((e) => events.push(e));
  return { service, events };
}

describe('station service in practice mode', () => {
  it('boots into practice with the emulator and configures from it', async () => {
    const core = await createCore();
    const { service, events } = await boot(core);
    const emulator = service.practice()?.emulator;
    expect(emulator).toBeDefined();

    const snapshot = await service.query({ type: 'snapshot' });
    expect(snapshot.mode).toBe('practice');
    expect(snapshot.config).toBeNull();

    const races = await service.query({ type: 'races' });
    expect(races.map((r) => r.raceId)).toContain(emulator!.practice.raceId);
    const details = await service.query({ type: 'raceDetails', raceId: emulator!.practice.raceId });
    expect(details.events.length).toBe(emulator!.practice.events.length);
    expect(details.events[0]?.resultSets.length).toBeGreaterThan(0);

    const eventIds = details.events.map((e) => e.eventId);
    const result = await service.command({
      type: 'configure',
      raceId: details.raceId,
      eventIds,
      role: { kind: 'finish' },
      stationName: 'Finish line',
    });
    expect(result).toEqual({ ok: true, seq: null, warnings: [] });
    expect(core.participants.length).toBe(emulator!.practice.participantCount);
    expect(core.config()).toMatchObject({ mode: 'practice', raceId: details.raceId });
    expect(core.config()?.events.map((e) => e.resultSetId)).toEqual(
      details.events.map((e) => e.resultSets[0]?.resultSetId),
    );
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({
      done: core.participants.length,
      total: core.participants.length,
    });
    expect((await service.query({ type: 'snapshot' })).mode).toBe('practice');
  });

  it('posts what the outbox holds to the practice RunSignup once a change is journalled', async () => {
    const core = await createCore();
    const { service } = await boot(core);
    const emulator = service.practice()!.emulator!;
    const event = emulator.practice.events[0]!;
    await service.command({
      type: 'configure',
      raceId: emulator.practice.raceId,
      eventIds: [event.eventId],
      role: { kind: 'finish' },
      stationName: 'Finish',
    });
    const runner = core.participants.find((p) => p.bib !== null)!;
    const resultSetId = core.config()!.events[0]!.resultSetId;
    const at = Date.now();
    const gun = await service.command({ type: 'gun', eventId: event.eventId, at: at - 1_265_300 });
    expect(gun.ok).toBe(true);
    const tap = await service.command({ type: 'tap', at, bib: String(runner.bib) });
    expect(tap.ok).toBe(true);
    await waitFor(
      async () => {
        const snapshot = await service.query({ type: 'snapshot' });
        return { sync: snapshot.crossings[0]?.sync, pending: snapshot.sync.pending };
      },
      {
        what: 'the crossing sent and nothing pending',
        until: ({ sync, pending }) => isOnRunSignup(sync) && pending === 0,
        timeoutMs: 20_000,
      },
    );
    const row = emulator.results(resultSetId).find((r) => Number(r.bib) === runner.bib);
    expect(row?.clock_time).toMatch(/21:05\.3/);
  });

  it('rejects junk commands and queries with a clear sentence', async () => {
    const { service } = await boot(await createCore());
    const bad = await service.command({ type: 'configure' } as never);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/did not understand the command/);
    await expect(service.query({ type: 'nope' } as never)).rejects.toThrow(/did not understand/);
    const notSetUp = await service.command({ type: 'refreshParticipants' });
    expect(notSetUp).toEqual({
      ok: false,
      error: 'Set up the station first: there is no race to refresh.',
    });
    const unknownEvent = await service.command({
      type: 'configure',
      raceId: service.practice()!.emulator!.practice.raceId,
      eventIds: [123456789],
      role: { kind: 'finish' },
      stationName: 'x',
    });
    expect(unknownEvent.ok).toBe(false);
    if (!unknownEvent.ok) expect(unknownEvent.error).toMatch(/Event 123456789 is not part of/);
  });
});

describe('station service with RunSignup credentials', () => {
  async function liveRunSignup(): Promise<RunningEmulator> {
    const emulator = await startEmulator({ port: 0, seed: 3 });
    open.push(emulator);
    return emulator;
  }

  it('keeps good credentials only in the secret store and never echoes a secret', async () => {
    const live = await liveRunSignup();
    const secrets = memorySecretStore();
    const { service } = await boot(await createCore(), secrets);
    const liveConnection = practiceConnection(live);
    const { apiSecret } = liveConnection;

    // Without the app's caller registration RunSignup (from 2027) refuses every call: the
    // timer is told it is the caller registration, not the race key, and nothing is kept.
    const { callerToken: _token, callerSecret: _secret, ...unregistered } = liveConnection;
    const refused = await service.command({ type: 'connect', connection: unregistered });
    expect(refused).toMatchObject({
      ok: false,
      error: expect.stringMatching(/API caller registration \(error 17\).*Setup.*API Keys page/),
    });
    expect(await secrets.get(CONNECTION_SECRET_KEY)).toBeNull();

    const wrong = await service.command({
      type: 'connect',
      connection: { ...liveConnection, apiSecret: 'not-the-secret-xyz' },
    });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.error).toMatch(/Could not connect to RunSignup/);
      expect(wrong.error).not.toContain('not-the-secret-xyz');
    }
    expect(await secrets.get(CONNECTION_SECRET_KEY)).toBeNull();

    const right = await service.command({
      type: 'connect',
      connection: liveConnection,
    });
    expect(right.ok).toBe(true);
    expect(JSON.parse((await secrets.get(CONNECTION_SECRET_KEY))!)).toMatchObject({ apiSecret });
    const snapshot = await service.query({ type: 'snapshot' });
    expect(snapshot.mode).toBe('setup');
    expect(JSON.stringify(snapshot)).not.toContain(apiSecret);
    const races = await service.query({ type: 'races' });
    expect(races.map((r) => r.raceId)).toContain(live.practice.raceId);

    // Back to practice: the stored credentials are forgotten.
    expect((await service.command({ type: 'connect', connection: { auth: 'practice' } })).ok).toBe(
      true,
    );
    expect(await secrets.get(CONNECTION_SECRET_KEY)).toBeNull();
    expect((await service.query({ type: 'snapshot' })).mode).toBe('practice');
  });

  it('never posts a live race to the practice emulator: without credentials sync stalls', async () => {
    const config: StationConfig = {
      stationId: 'fake-station',
      stationName: 'Finish',
      mode: 'live',
      raceId: 4242,
      raceName: 'Real race',
      events: [{ eventId: 1, name: '5K', resultSetId: 2, scheduledStart: null }],
      role: { kind: 'finish' },
      precision: 1,
    };
    const core = await createCore();
    core.configure(config);
    core.cacheParticipants([
      {
        registrationId: 70,
        eventId: 1,
        bib: 7,
        chip: null,
        firstName: 'Ada',
        lastName: 'Runner',
        gender: null,
        age: null,
      },
    ]);
    const at = Date.now();
    expect(core.execute({ type: 'gun', eventId: 1, at: at - 1_200_000 }).ok).toBe(true);
    expect(core.execute({ type: 'tap', at, bib: '7' }).ok).toBe(true);
    const waiting = core.outbox.counts();
    expect(waiting.pending).toBeGreaterThan(0);
    const { service } = await boot(core); // restart: the session's credentials are gone
    const stalled = await waitFor(
      async () => (await service.query({ type: 'snapshot' })).sync.stalled,
      { what: 'sync stalled', timeoutMs: 20_000 },
    );
    expect(stalled).toMatch(/credentials/);
    // Nothing was acknowledged: every field the tap made still waits to be sent.
    expect(core.outbox.counts()).toEqual(waiting);
    expect(ON_RUNSIGNUP).not.toContain(
      (await service.query({ type: 'snapshot' })).crossings[0]?.sync,
    );
    expect((await service.query({ type: 'snapshot' })).mode).toBe('live');
  });
});
