// Second devices with their own rights: the main screen pairs a Chute screen and a read-only
// display, each with its own token; they may do only what their screen needs; `connect`,
// `configure` and pairing stay the main screen's; a revoked device is refused at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LaunchedStation } from '../../../src-main/web/launch';
import { commandRefusal, createDeviceRegistry, queryRefusal } from '../../../src-main/web/devices';
import { launchPracticeStation } from './practice-station';
import { openSocket, request, type TestSocket } from './support';

describe('rights of each screen (pure)', () => {
  it('the main screen may do everything; the Chute screen only the bib order; a display nothing', () => {
    for (const type of ['connect', 'configure', 'tap', 'order', 'undo'] as const) {
      expect(commandRefusal('main', type)).toBeNull();
      expect(commandRefusal('display', type)).toMatch(/read-only display may not/);
    }
    expect(commandRefusal('chute', 'order')).toBeNull();
    for (const type of [
      'connect',
      'configure',
      'tap',
      'gun',
      'undo',
      'refreshParticipants',
      'restoreBackup',
      'setBackupMirror',
    ] as const) {
      expect(commandRefusal('chute', type)).toMatch(/Chute screen may not.*only the main screen/);
    }
  });

  it('a device asks only what its screen reads: the Chute screen the snapshot and a bib, a display the snapshot', () => {
    const all = [
      'snapshot',
      'lookupBib',
      'journal',
      'results',
      'exportCsv',
      'races',
      'raceDetails',
      'backups',
    ] as const;
    for (const type of all) expect(queryRefusal('main', type)).toBeNull();
    expect(queryRefusal('chute', 'snapshot')).toBeNull();
    expect(queryRefusal('chute', 'lookupBib')).toBeNull();
    expect(queryRefusal('display', 'snapshot')).toBeNull();
    for (const type of all.filter((t) => t !== 'snapshot' && t !== 'lookupBib')) {
      expect(queryRefusal('chute', type)).toMatch(/Chute screen may not .*only the main screen/);
    }
    for (const type of all.filter((t) => t !== 'snapshot')) {
      expect(queryRefusal('display', type)).toMatch(
        /read-only display may not .*only the main screen/,
      );
    }
  });

  it('keeps no token, only its digest, and forgets a revoked one', () => {
    const registry = createDeviceRegistry(() => 5);
    const { device, token } = registry.pair('chute', '  Tablet  ');
    expect(device).toMatchObject({ role: 'chute', name: 'Tablet', pairedAt: 5 });
    expect(JSON.stringify(registry.list())).not.toContain(token);
    expect(registry.find(token)).toEqual(device);
    expect(registry.find('guess')).toBeNull();
    expect(registry.revoke(device.id)).toBe(true);
    expect(registry.find(token)).toBeNull();
    expect(registry.revoke(device.id)).toBe(false);
  });
});

describe('pairing second devices on the web host', () => {
  let station: LaunchedStation;
  let dispose: () => Promise<void>;
  let main: TestSocket;

  beforeAll(async () => {
    ({ station, dispose } = await launchPracticeStation('pairing', 4));
    main = await openSocket(station);
  });
  afterAll(async () => {
    main?.ws.close();
    await dispose?.();
  });

  async function pair(role: 'chute' | 'display') {
    const answer = await request(main, { kind: 'host', body: { type: 'pairDevice', role } });
    expect(answer).toMatchObject({ ok: true });
    const result = (
      answer as { result: { device: { id: string }; links: string[]; token: string } }
    ).result;
    return { id: result.device.id, links: result.links, token: result.token };
  }

  it('a Chute-screen token sends the bib order and reads, and is refused connect and configure', async () => {
    const { token } = await pair('chute');
    const chute = await openSocket({ port: station.port, token });
    try {
      const connect = await request(chute, {
        kind: 'command',
        body: { type: 'connect', connection: { auth: 'practice' } },
      });
      expect(connect).toMatchObject({
        ok: true,
        result: { ok: false, error: expect.stringMatching(/Chute screen may not send 'connect'/) },
      });
      const configure = await request(chute, {
        kind: 'command',
        body: {
          type: 'configure',
          raceId: 1,
          eventIds: [1],
          role: { kind: 'finish' },
          stationName: 'Finish',
        },
      });
      expect(configure).toMatchObject({ result: { ok: false, error: /only the main screen/ } });
      const restore = await request(chute, {
        kind: 'command',
        body: {
          type: 'restoreBackup',
          file: 'chute-20261130T031500123Z-0001.sqlite',
          where: 'data',
        },
      });
      expect(restore).toMatchObject({
        result: { ok: false, error: /Chute screen may not restore a backup: only the main screen/ },
      });
      const order = await request(chute, { kind: 'command', body: { type: 'order', bib: '12' } });
      // Not refused for its rights (the station itself may still say it is not set up).
      expect(JSON.stringify(order)).not.toMatch(/may not/);
      const snapshot = await request(chute, { kind: 'query', body: { type: 'snapshot' } });
      expect(snapshot).toMatchObject({ ok: true, result: { mode: 'practice' } });
      const bib = await request(chute, { kind: 'query', body: { type: 'lookupBib', bib: '12' } });
      expect(bib).toMatchObject({ ok: true });
      for (const body of [
        { type: 'backups' },
        { type: 'races' },
        { type: 'raceDetails', raceId: 1 },
        { type: 'results', eventId: 1 },
      ]) {
        const answer = await request(chute, { kind: 'query', body });
        expect(answer).toMatchObject({ ok: false, error: /Chute screen may not .*only the main/ });
      }
      const list = await request(chute, { kind: 'host', body: { type: 'devices' } });
      expect(list).toMatchObject({ ok: false, error: /may not pair or revoke/ });
    } finally {
      chute.ws.close();
    }
  });

  it('a read-only display only reads', async () => {
    const { token } = await pair('display');
    const display = await openSocket({ port: station.port, token });
    try {
      const order = await request(display, { kind: 'command', body: { type: 'order', bib: '3' } });
      expect(order).toMatchObject({ result: { ok: false, error: /read-only display may not/ } });
      const results = await request(display, { kind: 'query', body: { type: 'snapshot' } });
      expect(results).toMatchObject({ ok: true });
      for (const body of [
        { type: 'backups' },
        { type: 'races' },
        { type: 'raceDetails', raceId: 1 },
        { type: 'journal', limit: 10 },
        { type: 'lookupBib', bib: '3' },
      ]) {
        const answer = await request(display, { kind: 'query', body });
        expect(answer).toMatchObject({ ok: false, error: /read-only display may not/ });
        expect(answer).not.toHaveProperty('result');
      }
    } finally {
      display.ws.close();
    }
  });

  it('the main screen lists paired devices and revokes one: its socket closes and its token is refused at once', async () => {
    const { id, token } = await pair('chute');
    const device = await openSocket({ port: station.port, token });
    const closed = new Promise<number>((resolve) =>
      device.ws.once('close', (code) => resolve(code)),
    );
    const listed = await request(main, { kind: 'host', body: { type: 'devices' } });
    expect((listed as { result: Array<{ id: string }> }).result.map((d) => d.id)).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(token);
    const revoked = await request(main, { kind: 'host', body: { type: 'revokeDevice', id } });
    expect(revoked).toMatchObject({ ok: true, result: { revoked: true } });
    expect(await closed).toBe(4001);
    const again = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${station.port}/ws?token=${token}`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(again).toBe(401);
  });

  it('a station on this laptop only says so when pairing (no link another device could open)', async () => {
    const answer = await request(main, {
      kind: 'host',
      body: { type: 'pairDevice', role: 'display' },
    });
    expect(answer).toMatchObject({ ok: true, result: { links: [], note: /--host 0\.0\.0\.0/ } });
  });
});
