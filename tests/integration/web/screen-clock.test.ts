// A second screen (a tablet in the chute) taps with its own clock. The host
// measures each screen's clock on connect (ping/pong on the wire) and puts its taps in the
// host's clock; a screen that cannot be measured has a skewed tap refused with a reason. Bound
// to 0.0.0.0, the Origin check still compares with the addresses the host printed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Command, StationApi } from '../../../src-shared/station-api';
import type { WireRequest } from '../../../src-shared/wire';
import { startWebHost, type WebHost } from '../../../src-main/web/server';
import {
  MAX_UNMEASURED_SKEW_MS,
  SCREEN_CLOCK_PINGS,
  estimateScreenOffset,
  tapInHostClock,
} from '../../../src-main/web/screen-clock';
import { openSocket, request } from './support';
import { waitFor } from '../../support/poll';

const tap = (at: number): WireRequest => ({ id: 1, kind: 'command', body: { type: 'tap', at } });

describe('screen clock (pure)', () => {
  it('keeps the sample with the shortest round trip', () => {
    const est = estimateScreenOffset([
      { sentAt: 1_000, receivedAt: 1_400, clientAt: 21_500 },
      { sentAt: 2_000, receivedAt: 2_020, clientAt: 22_010 },
    ]);
    expect(est).toEqual({ offsetMs: 20_000, uncertaintyMs: 10 });
    expect(estimateScreenOffset([])).toBeNull();
  });

  it('corrects a measured tap, leaves one within the noise, refuses a skewed unmeasured one', () => {
    const behind = { offsetMs: -20_000, uncertaintyMs: 5 };
    expect(tapInHostClock(tap(80_000), behind, 100_000)).toEqual({
      ok: true,
      request: tap(100_000),
    });
    expect(tapInHostClock(tap(100_003), { offsetMs: 3, uncertaintyMs: 5 }, 100_010)).toEqual({
      ok: true,
      request: tap(100_003),
    });
    const refused = tapInHostClock(tap(80_000), null, 100_000);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatch(/20\.0 s behind.*Reload this page/);
    // An uncertain measurement counts as none.
    expect(tapInHostClock(tap(80_000), { offsetMs: -20_000, uncertaintyMs: 900 }, 100_000).ok).toBe(
      false,
    );
    // Close to the host's clock, an unmeasured screen's tap is taken as is.
    const near = tap(100_000 - MAX_UNMEASURED_SKEW_MS + 10);
    expect(tapInHostClock(near, null, 100_000)).toEqual({ ok: true, request: near });
    // A crossing inserted at a typed time is on no screen's clock: neither corrected nor refused.
    const inserted: WireRequest = {
      id: 4,
      kind: 'command',
      body: { type: 'tap', at: 80_000, typed: true },
    };
    expect(tapInHostClock(inserted, behind, 100_000)).toEqual({ ok: true, request: inserted });
    expect(tapInHostClock(inserted, null, 100_000)).toEqual({ ok: true, request: inserted });
    // Other requests pass unchanged.
    const order: WireRequest = { id: 2, kind: 'command', body: { type: 'order', bib: '12' } };
    expect(tapInHostClock(order, null, 0)).toEqual({ ok: true, request: order });
  });
});

describe('screen clock (pure): pressed guns and unmeasured screens', () => {
  const gun = (at: number, pressed?: boolean): WireRequest => ({
    id: 3,
    kind: 'command',
    body: { type: 'gun', eventId: 1, at, ...(pressed === undefined ? {} : { pressed }) },
  });
  const behind = { offsetMs: -20_000, uncertaintyMs: 5 };

  it('corrects a gun pressed on the screen like a tap, and leaves a typed gun alone', () => {
    expect(tapInHostClock(gun(80_000, true), behind, 100_000)).toEqual({
      ok: true,
      request: gun(100_000, true),
    });
    expect(tapInHostClock(gun(80_000, false), behind, 100_000)).toEqual({
      ok: true,
      request: gun(80_000, false),
    });
    expect(tapInHostClock(gun(80_000), behind, 100_000)).toEqual({
      ok: true,
      request: gun(80_000),
    });
  });

  it('takes an unmeasured tap delivered 2 s late, refuses one 20 s off saying why', () => {
    expect(MAX_UNMEASURED_SKEW_MS).toBeGreaterThanOrEqual(5_000);
    expect(tapInHostClock(tap(98_000), null, 100_000)).toEqual({ ok: true, request: tap(98_000) });
    const refused = tapInHostClock(tap(80_000), null, 100_000);
    expect(refused).toMatchObject({
      ok: false,
      error: expect.stringMatching(/20\.0 s behind the station's clock.*could not be measured/),
    });
    // A pressed gun is confirmed some time after the press: it waits for a measurement.
    expect(tapInHostClock(gun(99_000, true), null, 100_000)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not been measured.*confirm again/),
    });
    expect(tapInHostClock(gun(50_000), null, 100_000).ok).toBe(true);
  });
});

describe('screen clock over the web host', () => {
  let dir: string | null = null;
  let host: WebHost | null = null;
  const commands: Command[] = [];
  const api: StationApi = {
    async command(command) {
      commands.push(command);
      return { ok: true, seq: commands.length, warnings: [] };
    },
    query: (async () => ({})) as StationApi['query'],
    subscribe: () => () => {},
  };
  afterEach(async () => {
    await host?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    host = dir = null;
    commands.length = 0;
  });
  async function start(
    bind = '127.0.0.1',
    clock: { clockRemeasureMs?: number; clockRetryMs?: number } = {},
  ): Promise<WebHost> {
    dir = await mkdtemp(path.join(tmpdir(), 'chute-clock-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Chute</title>');
    host = await startWebHost({ api, rendererDir: dir, port: 0, host: bind, ...clock });
    return host;
  }

  it("puts a tablet's taps, 20 s behind, in the host's clock", async () => {
    const h = await start();
    const tablet = await openSocket(h, { skewMs: -20_000 });
    try {
      await waitFor(tablet.pings, { what: '3 clock pings', until: (n) => n >= 3 });
      const pressed = Date.now() - 20_000; // the tablet's clock at the key press
      const answer = await request(tablet, { kind: 'command', body: { type: 'tap', at: pressed } });
      expect(answer).toMatchObject({ ok: true, result: { ok: true } });
      const saved = commands.at(-1) as Extract<Command, { type: 'tap' }>;
      // Same machine, so the true offset is exactly -20 s; allow the measurement's noise.
      expect(Math.abs(saved.at - (pressed + 20_000))).toBeLessThan(250);
    } finally {
      tablet.ws.close();
    }
  });

  it('a tablet 20 s behind presses the gun and taps: the elapsed time is right', async () => {
    const h = await start();
    const tablet = await openSocket(h, { skewMs: -20_000 });
    try {
      await waitFor(tablet.pings, { what: '3 clock pings', until: (n) => n >= 3 });
      const gunPressed = Date.now() - 20_000 - 60_000; // pressed a minute ago, tablet's clock
      const g = await request(tablet, {
        kind: 'command',
        body: { type: 'gun', eventId: 1, at: gunPressed, pressed: true },
      });
      expect(g).toMatchObject({ ok: true, result: { ok: true } });
      const tapped = Date.now() - 20_000;
      await request(tablet, { kind: 'command', body: { type: 'tap', at: tapped } });
      const [savedGun, savedTap] = commands as [
        Extract<Command, { type: 'gun' }>,
        Extract<Command, { type: 'tap' }>,
      ];
      expect(savedGun.type).toBe('gun');
      expect(Math.abs(savedGun.at - (gunPressed + 20_000))).toBeLessThan(250);
      expect(Math.abs(savedTap.at - savedGun.at - (tapped - gunPressed))).toBeLessThan(5);
      // A gun time typed as a time of day is not moved.
      await request(tablet, { kind: 'command', body: { type: 'gun', eventId: 1, at: 123_000 } });
      expect(commands.at(-1)).toEqual({ type: 'gun', eventId: 1, at: 123_000 });
    } finally {
      tablet.ws.close();
    }
  });

  it("measures again after the tablet's clock is stepped", async () => {
    const h = await start('127.0.0.1', { clockRemeasureMs: 300, clockRetryMs: 100 });
    const clock = { skewMs: -20_000 };
    const tablet = await openSocket(h, clock);
    try {
      await waitFor(tablet.pings, { what: '3 clock pings', until: (n) => n >= 3 });
      clock.skewMs = 0; // NTP fixed the tablet's clock mid-race
      const seen = tablet.pings();
      await waitFor(tablet.pings, { what: 'three more clock pings', until: (n) => n >= seen + 3 });
      await new Promise((r) => setTimeout(r, 50));
      const pressed = Date.now();
      await request(tablet, { kind: 'command', body: { type: 'tap', at: pressed } });
      const saved = commands.at(-1) as Extract<Command, { type: 'tap' }>;
      expect(Math.abs(saved.at - pressed)).toBeLessThan(250);
    } finally {
      tablet.ws.close();
    }
  });

  it('keeps pinging a screen with slow answers, then corrects once measured', async () => {
    const h = await start('127.0.0.1', { clockRetryMs: 200 });
    const link = { skewMs: -20_000, delayMs: 700 };
    const tablet = await openSocket(h, link);
    try {
      // All answered too slowly.
      await waitFor(tablet.pings, {
        what: 'a full round of clock pings',
        until: (n) => n >= SCREEN_CLOCK_PINGS,
      });
      // Unmeasured: a tap 20 s off is refused, saying the clock could not be measured.
      const refused = await request(tablet, {
        kind: 'command',
        body: { type: 'tap', at: Date.now() - 20_000 },
      });
      expect(refused).toMatchObject({
        ok: true,
        result: { ok: false, error: expect.stringMatching(/could not be measured/) },
      });
      expect(commands).toEqual([]);
      // The link recovers: a later round measures the clock and the taps are corrected.
      link.delayMs = 0;
      await new Promise((r) => setTimeout(r, 1_000));
      const pressed = Date.now() - 20_000;
      const answer = await request(tablet, { kind: 'command', body: { type: 'tap', at: pressed } });
      expect(answer).toMatchObject({ ok: true, result: { ok: true } });
      const saved = commands.at(-1) as Extract<Command, { type: 'tap' }>;
      expect(Math.abs(saved.at - (pressed + 20_000))).toBeLessThan(250);
    } finally {
      tablet.ws.close();
    }
  });

  it('takes an unmeasured tap that arrives 2 s after its key press (transport delay is not skew)', async () => {
    const h = await start();
    const old = await openSocket(h);
    try {
      const late = await request(old, {
        kind: 'command',
        body: { type: 'tap', at: Date.now() - 2_000 },
      });
      expect(late).toMatchObject({ ok: true, result: { ok: true } });
    } finally {
      old.ws.close();
    }
  });

  it('refuses a skewed tap from a screen that does not answer clock pings, with the reason', async () => {
    const h = await start();
    const old = await openSocket(h);
    try {
      const answer = await request(old, {
        kind: 'command',
        body: { type: 'tap', at: Date.now() - 20_000 },
      });
      expect(answer).toMatchObject({
        ok: true,
        result: { ok: false, error: expect.stringMatching(/behind the station's/) },
      });
      expect(commands).toEqual([]);
      // A tap on a clock that agrees is taken.
      const fine = await request(old, { kind: 'command', body: { type: 'tap', at: Date.now() } });
      expect(fine).toMatchObject({ ok: true, result: { ok: true } });
      expect(old.pings()).toBe(0);
    } finally {
      old.ws.close();
    }
  });

  it('bound to 0.0.0.0, a socket from a page at a printed address is let in, any other refused', async () => {
    const h = await start('0.0.0.0');
    const status = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ws?token=${h.token}`, {
          headers: { Origin: origin },
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => {});
      });
    expect(await status(h.origin)).toBe(101);
    for (const url of h.lanUrls) expect(await status(new URL(url).origin)).toBe(101);
    expect(await status('http://evil.example')).toBe(403);
    expect(await status(`http://192.0.2.77:${h.port}`)).toBe(403);
  });
});
