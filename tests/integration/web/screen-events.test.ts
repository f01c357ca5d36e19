// What each screen on a station hears while the timer works: how many sync-status events a tap
// costs every screen, and corrections (void, undo) told as rows, so a crossing voided on one
// screen is struck on the other without a snapshot reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RIGHTS_PARAM } from '../../../src-shared/wire';
import { createPracticeRace } from '../../../src-main/runsignup/emulator';
import type { LaunchedStation } from '../../../src-main/web/launch';
import type { Snapshot, StationEvent } from '../../../src-shared/station-api';
import { launchPracticeStation } from './practice-station';
import { openSocket, request, type TestSocket } from './support';
import { waitFor } from '../../support/poll';

const SEED = 6;

describe('events each screen hears', () => {
  let station: LaunchedStation;
  let dispose: () => Promise<void>;
  let timer: TestSocket;
  let other: TestSocket;
  let gun: number;
  let bibs: number[];

  const command = async (socket: TestSocket, body: Record<string, unknown>) => {
    const answer = await request(socket, { kind: 'command', body });
    expect(answer).toMatchObject({ ok: true, result: { ok: true } });
    return (answer as { result: { seq: number } }).result;
  };
  const syncState = async () => {
    const answer = await request(timer, { kind: 'query', body: { type: 'snapshot', limit: 1 } });
    return (answer as { result: Snapshot }).result.sync;
  };
  const of = <K extends StationEvent['type']>(socket: TestSocket, type: K, from = 0) =>
    (socket.events.slice(from) as StationEvent[]).filter(
      (e): e is Extract<StationEvent, { type: K }> => e.type === type,
    );

  beforeAll(async () => {
    ({ station, dispose } = await launchPracticeStation('screen-events', SEED));
    timer = await openSocket(station, { skewMs: 0 });
    other = await openSocket(station, { skewMs: 0 });
    await waitFor(() => station.measuredScreens(), {
      what: 'both screens measured',
      until: (n) => n >= 2,
    });
    const practice = station.emulator!.practice;
    const event = practice.events[0]!;
    await command(timer, {
      type: 'configure',
      raceId: practice.raceId,
      eventIds: [event.eventId],
      role: { kind: 'finish' },
      stationName: 'Finish',
    });
    gun = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
    await command(timer, { type: 'gun', eventId: event.eventId, at: gun });
    bibs = createPracticeRace(SEED)
      .participants.filter((p) => p.eventId === event.eventId && p.bib !== null)
      .map((p) => p.bib!);
  });
  afterAll(async () => {
    timer?.ws.close();
    other?.ws.close();
    await dispose?.();
  });

  it('a tap costs every screen at most one sync-status event', async () => {
    const lastSync = () => of(other, 'sync').at(-1)?.sync;
    const sentBefore = (await syncState()).runners?.sent ?? 0;
    const taps = 6;
    const from = other.events.length;
    for (let i = 0; i < taps; i++) {
      await command(timer, { type: 'tap', at: gun + 1_200_000 + i * 1_000, bib: String(bibs[i]) });
      // Each tap on its own, as at a quiet finish: the other screen hears it sent.
      await waitFor(lastSync, {
        what: `the other screen told tap ${i + 1} is sent`,
        until: (s) => s?.pending === 0 && s.runners?.sent === sentBefore + i + 1,
      });
    }
    // Before gathering, a tap cost each screen 4 (queued, request out, answer, acknowledged).
    expect(of(other, 'sync', from).length).toBeLessThanOrEqual(taps);
  });

  it('a rush of taps costs each screen far fewer sync-status events than taps', async () => {
    const taps = 30;
    const sentBefore = (await syncState()).runners?.sent ?? 0;
    const from = other.events.length;
    await Promise.all(
      Array.from({ length: taps }, (_, i) =>
        command(timer, {
          type: 'tap',
          at: gun + 1_300_000 + i * 100,
          bib: String(bibs[10 + i]),
        }),
      ),
    );
    await waitFor(syncState, {
      what: 'the rush sent',
      until: (s) => s.pending === 0 && s.inFlight === 0,
    });
    await waitFor(() => of(other, 'sync').at(-1), {
      what: 'the other screen told the rush is sent',
      until: (e) =>
        e !== undefined && e.sync.pending === 0 && e.sync.runners?.sent === sentBefore + taps,
    });
    expect(of(other, 'sync', from).length).toBeLessThan(taps / 2);
  });

  it('a crossing voided on one screen reaches the other as its row, struck, and back on undo', async () => {
    const tap = await command(timer, { type: 'tap', at: gun + 1_400_000, bib: String(bibs[50]) });
    const later = await command(timer, {
      type: 'tap',
      at: gun + 1_401_000,
      bib: String(bibs[51]),
    });
    const rowOf = (event: Extract<StationEvent, { type: 'rows' }>, seq: number) =>
      event.crossings.find((c) => c.tapSeq === seq);
    const placeOfLater = (await request(other, { kind: 'query', body: { type: 'snapshot' } })) as {
      result: Snapshot;
    };
    const place = placeOfLater.result.crossings.find((c) => c.tapSeq === later.seq)?.place;
    expect(place).toBeGreaterThan(1);

    let from = other.events.length;
    await command(timer, { type: 'void', tapSeq: tap.seq });
    const struck = await waitFor(() => of(other, 'rows', from), {
      what: 'the other screen told of the void as rows',
      until: (events) => events.some((e) => rowOf(e, tap.seq)?.voided === true),
    });
    const voidEvent = struck.find((e) => rowOf(e, tap.seq)?.voided === true)!;
    // The place behind it moved up, in the same rows.
    expect(rowOf(voidEvent, later.seq)?.place).toBe(place! - 1);

    from = other.events.length;
    await command(timer, { type: 'undo' });
    const back = await waitFor(() => of(other, 'rows', from), {
      what: 'the other screen told of the undone void as rows',
      until: (events) =>
        events.some(
          (e) => rowOf(e, tap.seq)?.voided === undefined && rowOf(e, tap.seq) !== undefined,
        ),
    });
    const undoEvent = back.find((e) => rowOf(e, tap.seq) !== undefined)!;
    expect(rowOf(undoEvent, later.seq)?.place).toBe(place);
  });

  it('a screen that asks is told what its token allows first; one that does not ask is not', async () => {
    const firstMessage = (token: string, ask: boolean) =>
      new Promise<unknown>((resolve, reject) => {
        const ws = new WebSocket(
          `ws://127.0.0.1:${station.port}/ws?token=${encodeURIComponent(token)}` +
            (ask ? `&${RIGHTS_PARAM}=1` : ''),
        );
        ws.once('message', (data) => {
          resolve(JSON.parse(String(data)));
          ws.close();
        });
        ws.once('error', reject);
        // A screen that does not ask hears nothing until something changes: ask for a snapshot.
        ws.once('open', () =>
          ws.send(JSON.stringify({ id: 1, kind: 'query', body: { type: 'snapshot', limit: 1 } })),
        );
      });
    const paired = await request(timer, {
      kind: 'host',
      body: { type: 'pairDevice', role: 'display' },
    });
    const display = (paired as { result: { token: string } }).result.token;
    expect(await firstMessage(station.token, true)).toEqual({ screenRights: 'main' });
    expect(await firstMessage(display, true)).toEqual({ screenRights: 'display' });
    expect(await firstMessage(display, false)).not.toHaveProperty('screenRights');
  });
});
