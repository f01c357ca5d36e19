// A station connected with an OAuth access token and its refresh token: a month later the
// client renews, the station keeps the new tokens at once (RunSignup takes a refresh token only
// once), and the station restarted from its kept connection still reaches RunSignup.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeStationService } from '../../../src-main/app/compose';
import { CONNECTION_SECRET_KEY } from '../../../src-main/app/connection';
import { memorySecretStore } from '../../../src-main/app/ports';
import { startEmulator } from '../../../src-main/runsignup/emulator';
import { Connection } from '../../../src-shared/station-api';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a station on an OAuth bearer with a refresh token', () => {
  it('renews without the timer noticing and keeps the new tokens across a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'chute-bearer-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const live = await startEmulator({ port: 0, seed: 13 });
    cleanups.push(() => live.close());
    const secrets = memorySecretStore();
    const open = async () => {
      const service = await composeStationService({
        dataDir: dir,
        secrets,
        practiceSeed: 11,
        syncIdlePollMs: 50,
      });
      return service;
    };
    const creds = live.practice.credentials;
    const first = await open();
    const connected = await first.command({
      type: 'connect',
      connection: {
        auth: 'bearer',
        baseUrl: live.url,
        token: creds.bearerToken,
        refreshToken: creds.bearerRefreshToken,
        clientId: creds.oauthClientId,
        callerToken: live.practice.caller.token,
        callerSecret: live.practice.caller.secret,
      },
    });
    expect(connected).toMatchObject({ ok: true });

    live.expireAccessTokens(); // a month passes
    const races = await first.query({ type: 'races' });
    expect(races.map((r) => r.raceId)).toContain(live.practice.raceId);
    const kept = Connection.parse(JSON.parse((await secrets.get(CONNECTION_SECRET_KEY))!));
    expect(kept.auth).toBe('bearer');
    if (kept.auth !== 'bearer') return;
    expect(kept.refreshToken).toBeDefined();
    expect(kept.refreshToken).not.toBe(creds.bearerRefreshToken);
    expect(kept.token).not.toBe(creds.bearerToken);
    await first.close();

    // Restarted from what was kept, another month later: the kept refresh token renews (the
    // original one, used already, would be refused).
    live.expireAccessTokens();
    const second = await open();
    cleanups.push(() => second.close());
    const again = await second.query({ type: 'races' });
    expect(again.map((r) => r.raceId)).toContain(live.practice.raceId);
  });
});
