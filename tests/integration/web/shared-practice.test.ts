// Two web stations on ONE practice race (launchWebStation's `practiceEmulator`): a finish and a
// split station post to the same practice RunSignup, and closing a station leaves it running.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPracticeRace,
  startEmulator,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import type { StationRole } from '../../../src-shared/domain';
import { launchWebStation, type LaunchedStation } from '../../../src-main/web/launch';
import { waitFor } from '../../support/poll';

// An hour ago, on a whole second (the core refuses guns days away from now).
const GUN = Math.floor((Date.now() - 3_600_000) / 1_000) * 1_000;

describe('two web stations sharing one practice emulator', () => {
  let dir: string;
  let emulator: RunningEmulator;
  let finish: LaunchedStation;
  let split: LaunchedStation;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'chute-shared-'));
    const rendererDir = path.join(dir, 'renderer');
    await mkdir(rendererDir);
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Chute</title>');
    emulator = await startEmulator({ seed: 3 });
    const common = { port: 0, rendererDir, syncIdlePollMs: 50, practiceEmulator: emulator };
    finish = await launchWebStation({ ...common, dataDir: path.join(dir, 'finish') });
    split = await launchWebStation({ ...common, dataDir: path.join(dir, 'split') });
  });
  afterAll(async () => {
    await split?.close();
    await finish?.close();
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('both stations expose the same emulator and post their own fields to it', async () => {
    expect(finish.emulator).toBe(emulator);
    expect(split.emulator).toBe(emulator);
    const raceId = emulator.practice.raceId;
    const event = emulator.practice.events.find((e) => e.resultSets[0]?.splits.length)!;
    const set = event.resultSets[0]!;
    const splitId = set.splits[0]!.splitId;
    for (const [station, role] of [
      [finish, { kind: 'finish' }],
      [split, { kind: 'split', name: 'Mile 1', splits: [{ eventId: event.eventId, splitId }] }],
    ] as Array<[LaunchedStation, StationRole]>) {
      const configured = await station.service.command({
        type: 'configure',
        raceId,
        eventIds: [event.eventId],
        resultSets: [{ eventId: event.eventId, resultSetId: set.resultSetId }],
        role,
        stationName: role.kind,
      });
      expect(configured).toEqual({ ok: true, seq: null, warnings: [] });
      const gun = await station.service.command({ type: 'gun', eventId: event.eventId, at: GUN });
      expect(gun, JSON.stringify(gun)).toMatchObject({ ok: true });
    }
    const runner = createPracticeRace(3).participants.find(
      (p) => p.eventId === event.eventId && p.bib !== null,
    )!;
    const bib = String(runner.bib);
    expect(await split.service.command({ type: 'tap', at: GUN + 20 * 60_000, bib })).toMatchObject({
      ok: true,
    });
    expect(await finish.service.command({ type: 'tap', at: GUN + 41 * 60_000, bib })).toMatchObject(
      { ok: true },
    );
    await waitFor(() => emulator.results(set.resultSetId).find((r) => String(r.bib) === bib), {
      what: `bib ${bib}'s finish and split on RunSignup`,
      until: (row) => Boolean(row && row.clock_time && row[`split-${splitId}`]),
    });
    const row = emulator.results(set.resultSetId).find((r) => String(r.bib) === bib)!;
    expect(row.clock_time).toBe('41:00.0');
    expect(row[`split-${splitId}`]).toBe('20:00.0');
  });

  it('closing a station leaves the shared emulator answering', async () => {
    await split.close();
    const { token, secret } = emulator.practice.caller;
    const answer = await fetch(`${emulator.url}/races?format=json&rsu_api_reg=${token}`, {
      headers: { 'X-RSU-API-REG-SECRET': secret },
    });
    expect(answer.status).toBe(200);
  });
});
