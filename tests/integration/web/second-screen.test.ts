// A second screen on the same station: the timer's screen taps times while the chute
// recorder's tablet types bib ORDER, two sockets on one station service. And the addresses the
// host prints for other devices when told to listen beyond loopback (pure over the interfaces:
// tests never bind beyond 127.0.0.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Snapshot } from '../../../src-shared/station-api';
import { createPracticeRace } from '../../../src-main/runsignup/emulator';
import type { LaunchedStation } from '../../../src-main/web/launch';
import { reachableAddresses } from '../../../src-main/web/server';
import { launchPracticeStation } from './practice-station';
import { openSocket, request } from './support';
import { waitFor } from '../../support/poll';

describe('addresses for another device', () => {
  const interfaces = {
    lo: [
      { address: '127.0.0.1', family: 'IPv4', internal: true },
      { address: '::1', family: 'IPv6', internal: true },
    ],
    wlan0: [
      { address: '192.168.1.23', family: 'IPv4', internal: false },
      { address: 'fe80::1', family: 'IPv6', internal: false },
    ],
    eth0: [{ address: '10.0.0.5', family: 'IPv4', internal: false }],
  } as unknown as Parameters<typeof reachableAddresses>[1];

  it('lists every external IPv4 address when listening everywhere', () => {
    expect(reachableAddresses('0.0.0.0', interfaces)).toEqual(['192.168.1.23', '10.0.0.5']);
    expect(reachableAddresses('::', interfaces)).toEqual(['192.168.1.23', '10.0.0.5']);
  });
  it('names the one address it was told, and none on loopback', () => {
    expect(reachableAddresses('192.168.1.23', interfaces)).toEqual(['192.168.1.23']);
    expect(reachableAddresses('127.0.0.1', interfaces)).toEqual([]);
    expect(reachableAddresses('localhost', interfaces)).toEqual([]);
  });
});

describe('two screens on one station', () => {
  let station: LaunchedStation;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ station, dispose } = await launchPracticeStation('2screens', 4));
  });
  afterAll(async () => {
    await dispose?.();
  });

  it('loopback host prints no other-device URL', () => {
    expect(station.lanUrls).toEqual([]);
  });

  it('the timer taps times, the chute tablet types bib order, both see every change', async () => {
    // Both screens answer clock pings as the renderer does (same machine: no skew).
    const timer = await openSocket(station, { skewMs: 0 });
    const chute = await openSocket(station, { skewMs: 0 });
    try {
      await waitFor(() => [timer.pings(), chute.pings()], {
        what: 'three clock pings on each screen',
        until: (pings) => pings.every((n) => n >= 3),
      });
      const emulator = station.emulator!;
      const event = emulator.practice.events[0]!;
      const configured = await request(timer, {
        kind: 'command',
        body: {
          type: 'configure',
          raceId: emulator.practice.raceId,
          eventIds: [event.eventId],
          role: { kind: 'finish' },
          stationName: 'Finish',
        },
      });
      expect(configured).toMatchObject({ ok: true, result: { ok: true } });
      const gun = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
      expect(
        await request(timer, {
          kind: 'command',
          body: { type: 'gun', eventId: event.eventId, at: gun },
        }),
      ).toMatchObject({ ok: true, result: { ok: true } });

      const bibs = createPracticeRace(4)
        .participants.filter((p) => p.eventId === event.eventId && p.bib !== null)
        .slice(0, 3)
        .map((p) => p.bib!);
      // Interleaved as at a real finish: two times, a bib, a time, two bibs.
      const seenByChute = chute.events.length;
      await request(timer, { kind: 'command', body: { type: 'tap', at: gun + 1_200_000 } });
      await request(timer, { kind: 'command', body: { type: 'tap', at: gun + 1_201_000 } });
      await request(chute, { kind: 'command', body: { type: 'order', bib: String(bibs[0]) } });
      await request(timer, { kind: 'command', body: { type: 'tap', at: gun + 1_202_500 } });
      const lastOrder = await request(chute, {
        kind: 'command',
        body: { type: 'order', bib: String(bibs[1]) },
      });
      expect(lastOrder).toMatchObject({ ok: true, result: { ok: true } });
      await request(chute, { kind: 'command', body: { type: 'order', bib: String(bibs[2]) } });

      // Each screen hears the other's entries (the renderer reloads on `changed`).
      const journalLengths = (events: unknown[]) =>
        events.map((e) => (e as { journalLength?: number }).journalLength);
      await waitFor(() => journalLengths(chute.events.slice(seenByChute)), {
        what: 'the chute screen told of entry 7',
        until: (lengths) => lengths.includes(7),
      });
      await waitFor(() => journalLengths(timer.events), {
        what: 'the timer screen told of entry 7',
        until: (lengths) => lengths.includes(7),
      });
      const answer = await request(chute, { kind: 'query', body: { type: 'snapshot' } });
      const snapshot = Snapshot.parse((answer as { result: unknown }).result);
      const byTime = [...snapshot.crossings].sort((a, b) => a.at - b.at);
      expect(byTime.map((c) => c.bib)).toEqual(bibs);
      expect(snapshot.waitingBibs ?? []).toEqual([]);
    } finally {
      timer.ws.close();
      chute.ws.close();
    }
  });
});
