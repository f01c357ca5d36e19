// Credentials against the emulator: a key without access, or a station without the app's API
// caller registration, pauses the queue (nothing dropped, each with its own sentence) until new
// credentials resume it; an expired temporary key is renewed without bothering the timer;
// and the Date headers of ordinary posts give an honest clock offset.
import { afterEach, describe, expect, it } from 'vitest';
import { RunSignupClient, type RunSignupClientOptions } from '../../../src-main/runsignup/client';
import type { RunSignupAuth } from '../../../src-main/runsignup/auth';
import { createPracticeRace } from '../../../src-main/runsignup/emulator/practice-race';
import { startEmulator, type RunningEmulator } from '../../../src-main/runsignup/emulator';
import { SyncLoop } from '../../../src-main/sync/sync-loop';
import { tempOutbox, type TempOutbox } from '../../unit/sync/helpers';
import { compareResults } from './support';

const SEED = 9;
let emu: RunningEmulator | null = null;
let store: TempOutbox | null = null;
const clients: RunSignupClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await emu?.close();
  store?.close();
  emu = store = null;
});

async function setup() {
  emu = await startEmulator({ seed: SEED });
  const race = createPracticeRace(SEED);
  const event = emu.practice.events[0]!;
  const resultSetId = event.resultSets[0]!.resultSetId;
  const bibs = race.participants
    .filter((p) => p.eventId === event.eventId && p.bib !== null)
    .map((p) => p.bib as number);
  store = tempOutbox();
  const running = emu;
  const client = (
    auth: RunSignupAuth,
    caller: RunSignupClientOptions['caller'] = running.practice.caller,
  ) => {
    const c = new RunSignupClient({
      baseUrl: running.url,
      auth,
      caller,
      raceId: running.practice.raceId,
    });
    clients.push(c);
    return c;
  };
  const finishes = (from: number, to: number, at: number) =>
    store!.apply(
      bibs.slice(from, to).map((bib, i) => ({
        eventId: event.eventId,
        resultSetId,
        bib,
        field: 'clock_time',
        value: `0:2${i % 10}:${String(10 + (i % 50)).padStart(2, '0')}.${i % 10}`,
      })),
      at,
    );
  return {
    emu: running,
    store: store,
    resultSetId,
    client,
    finishes,
    creds: running.practice.credentials,
  };
}

describe('sync credentials against the emulator', () => {
  it('pauses on a key without access, drops nothing, and resumes with good credentials', async () => {
    const { emu, store, resultSetId, client, finishes, creds } = await setup();
    finishes(0, 60, 1);
    const loop = new SyncLoop({
      outbox: store.outbox,
      poster: client({
        mode: 'api-key',
        apiKey: creds.noAccessApiKey,
        apiSecret: creds.noAccessApiSecret,
      }),
      idlePollMs: 60_000,
    });
    loop.start();
    try {
      const paused = await loop.settled();
      expect(paused.stalled).toMatch(/refused the credentials.*error 7.*Nothing was lost/);
      expect(paused.stalled).not.toContain(creds.noAccessApiSecret);
      expect(paused.pending).toBe(60);
      expect(emu.results(resultSetId)).toEqual([]);
      loop.resume(client({ mode: 'api-key', apiKey: creds.apiKey, apiSecret: creds.apiSecret }));
      let s = await loop.settled();
      while (s.pending > 0 && !s.stalled) s = await loop.settled();
      expect(s.stalled).toBeNull();
      expect(s.pending).toBe(0);
      const verdict = compareResults(
        emu.results(resultSetId),
        store.outbox.allStates(),
        resultSetId,
      );
      expect(verdict.mismatches).toEqual([]);
      expect(verdict.compared).toBe(60);
    } finally {
      await loop.stop();
    }
  });

  it('without the caller registration: pauses with its own sentence, drops nothing, resumes once it is given', async () => {
    const { emu, store, resultSetId, client, finishes, creds } = await setup();
    finishes(0, 30, 1);
    const key: RunSignupAuth = {
      mode: 'api-key',
      apiKey: creds.apiKey,
      apiSecret: creds.apiSecret,
    };
    const loop = new SyncLoop({
      outbox: store.outbox,
      poster: client(key, null),
      idlePollMs: 60_000,
    });
    loop.start();
    try {
      const paused = await loop.settled();
      expect(paused.stalled).toMatch(/API caller registration \(error 17\).*Setup.*API Keys page/);
      expect(paused.stalled).not.toMatch(/race key|api key and secret/i);
      expect(paused.pending).toBe(30);
      expect(emu.results(resultSetId)).toEqual([]);
      expect(emu.log.every((l) => l.status === 400 && l.errorCode === 17)).toBe(true);
      loop.resume(client(key));
      let s = await loop.settled();
      while (s.pending > 0 && !s.stalled) s = await loop.settled();
      expect(s).toMatchObject({ stalled: null, pending: 0 });
      const verdict = compareResults(
        emu.results(resultSetId),
        store.outbox.allStates(),
        resultSetId,
      );
      expect(verdict.mismatches).toEqual([]);
      expect(verdict.compared).toBe(30);
      // Every request of the resumed station carried both values.
      expect(emu.log.filter((l) => l.status === 200).every((l) => l.caller === 'valid')).toBe(true);
    } finally {
      await loop.stop();
    }
  });

  it('rides through an expired temporary key (the client logs in again), never stalling', async () => {
    const { emu, store, resultSetId, client, finishes, creds } = await setup();
    const loop = new SyncLoop({
      outbox: store.outbox,
      poster: client({ mode: 'login', email: creds.email, password: creds.password }),
      idlePollMs: 60_000,
    });
    loop.start();
    try {
      finishes(0, 30, 1);
      expect((await loop.settled()).pending).toBe(0);
      emu.expireTemporaryKeys();
      finishes(30, 80, 2);
      const s = await loop.settled();
      expect(s.stalled).toBeNull();
      expect(s.pending).toBe(0);
      const verdict = compareResults(
        emu.results(resultSetId),
        store.outbox.allStates(),
        resultSetId,
      );
      expect(verdict.mismatches).toEqual([]);
      expect(verdict.compared).toBe(80);
      expect(emu.log.some((l) => l.errorCode === 6)).toBe(true);
    } finally {
      await loop.stop();
    }
  });

  it('estimates the clock offset from the Date headers of its posts', async () => {
    const { store, client, finishes, creds } = await setup();
    const loop = new SyncLoop({
      outbox: store.outbox,
      poster: client({ mode: 'api-key', apiKey: creds.apiKey, apiSecret: creds.apiSecret }),
      idlePollMs: 60_000,
      batchSize: { initial: 5, max: 5 },
      isolationPaceMs: 20,
    });
    loop.start();
    try {
      finishes(0, 60, 1);
      await loop.settled();
      const est = loop.clockOffset();
      expect(est).not.toBeNull();
      expect(est?.samples).toBeGreaterThanOrEqual(10);
      expect(est?.consistent).toBe(true);
      // Same machine, same clock: the truth (0) is inside the reported bounds.
      expect(Math.abs(est?.offsetMs ?? Infinity)).toBeLessThanOrEqual(est?.uncertaintyMs ?? 0);
      expect(est?.uncertaintyMs).toBeLessThanOrEqual(1_000);
      expect(est?.warning).toBeNull();
    } finally {
      await loop.stop();
    }
  });
});
