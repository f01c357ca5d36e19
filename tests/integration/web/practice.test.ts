// The web host in front of a REAL station service in practice mode (launchWebStation): token,
// junk that leaves the socket usable, setup and a tap over the socket, pushed events.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RaceDetails, Snapshot } from '../../../src-shared/station-api';
import { launchWebStation, type LaunchedStation } from '../../../src-main/web/launch';
import { openSocket, request } from './support';

describe('web station in practice mode', () => {
  let dir: string;
  let station: LaunchedStation;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'chute-webapp-'));
    const rendererDir = path.join(dir, 'renderer');
    await mkdir(rendererDir);
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Chute</title>');
    station = await launchWebStation({
      dataDir: path.join(dir, 'data'),
      port: 0,
      rendererDir,
      syncIdlePollMs: 50,
    });
  });
  afterAll(async () => {
    await station?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a loopback URL carrying the token and exposes the practice emulator', () => {
    expect(station.url).toBe(
      `http://127.0.0.1:${station.port}/?token=${encodeURIComponent(station.token)}`,
    );
    expect(station.token.length).toBeGreaterThanOrEqual(32);
    expect(station.emulator?.practice.raceId).toBeGreaterThan(0);
  });

  it('refuses the socket without the token', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${station.port}/ws`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
  });

  it('sets up, records a tap over the socket, pushes events, and survives junk', async () => {
    const socket = await openSocket(station);
    try {
      const snap0 = await request(socket, { kind: 'query', body: { type: 'snapshot' } });
      expect(snap0).toMatchObject({ ok: true });
      expect(Snapshot.parse((snap0 as { result: unknown }).result).mode).toBe('practice');

      const junk = await socket.next(() => socket.ws.send('not json at all'));
      expect(junk).toEqual({ id: null, ok: false, error: 'The message is not valid JSON.' });
      const badTap = await request(socket, {
        kind: 'command',
        body: { type: 'tap', at: 'now', bib: 12 },
      });
      expect(badTap).toMatchObject({
        ok: false,
        error: expect.stringMatching(/did not understand/),
      });

      const raceId = station.emulator!.practice.raceId;
      const detailsAnswer = await request(socket, {
        kind: 'query',
        body: { type: 'raceDetails', raceId },
      });
      const details = RaceDetails.parse((detailsAnswer as { result: unknown }).result);
      const progress = socket.events.length;
      const configured = await request(socket, {
        kind: 'command',
        body: {
          type: 'configure',
          raceId,
          eventIds: [details.events[0]!.eventId],
          role: { kind: 'finish' },
          stationName: 'Finish',
        },
      });
      expect(configured).toMatchObject({ ok: true, result: { ok: true } });
      expect(
        socket.events.slice(progress).some((e) => (e as { type: string }).type === 'progress'),
      ).toBe(true);

      const changed = socket.nextEvent();
      const tap = await request(socket, { kind: 'command', body: { type: 'tap', at: Date.now() } });
      expect(tap).toMatchObject({ ok: true, result: { ok: true, seq: 1 } });
      expect(await changed).toMatchObject({
        type: 'rows',
        journalLength: 1,
        crossings: [{ tapSeq: 1 }],
      });

      const snap1 = await request(socket, { kind: 'query', body: { type: 'snapshot' } });
      const snapshot = Snapshot.parse((snap1 as { result: unknown }).result);
      expect(snapshot.crossings).toHaveLength(1);
      expect(snapshot.crossings[0]?.tapSeq).toBe(1);
    } finally {
      socket.ws.close();
    }
  });
});
