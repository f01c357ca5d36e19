// "X" in a finish field is not documented to clear it. After RunSignup accepts
// it, the sync loop reads get-results back and only then counts it cleared. Against the
// emulator's three variants: X clears, X is rejected, X is accepted and silently ignored (the
// dangerous one: it must end needing attention, never "sent").
import { afterEach, describe, expect, it } from 'vitest';
import { RunSignupClient } from '../../../src-main/runsignup/client';
import { createPracticeRace } from '../../../src-main/runsignup/emulator/practice-race';
import { startEmulator, type RunningEmulator } from '../../../src-main/runsignup/emulator';
import { SyncLoop } from '../../../src-main/sync/sync-loop';
import type { ResultsPoster } from '../../../src-main/sync/ports';
import type { OutboxChange } from '../../../src-main/core/store/outbox-store';
import { tempOutbox, type TempOutbox } from '../../unit/sync/helpers';
import { waitFor } from '../../support/poll';

const SEED = 7;
let emu: RunningEmulator | null = null;
let store: TempOutbox | null = null;
let client: RunSignupClient | null = null;
let loop: SyncLoop | null = null;
afterEach(async () => {
  await loop?.stop();
  await client?.close();
  await emu?.close();
  store?.close();
  loop = emu = store = client = null;
});

describe.each(['clears', 'rejected', 'ignored'] as const)(
  'X in clock_time: RunSignup %s it',
  (variant) => {
    it('reads the set back after the X is acknowledged and never calls an uncleared time sent', async () => {
      emu = await startEmulator({ seed: SEED, assumptions: { clearFinishWithX: variant } });
      const race = createPracticeRace(SEED);
      const event = emu.practice.events[0]!;
      const target = { eventId: event.eventId, resultSetId: event.resultSets[0]!.resultSetId };
      const [a, b] = race.participants
        .filter((p) => p.eventId === event.eventId && p.bib !== null)
        .map((p) => p.bib as number);
      const creds = emu.practice.credentials;
      const raceId = emu.practice.raceId;
      client = new RunSignupClient({
        baseUrl: emu.url,
        auth: { mode: 'api-key', apiKey: creds.apiKey, apiSecret: creds.apiSecret },
        caller: emu.practice.caller,
        raceId,
      });
      const c = client;
      const poster: ResultsPoster = {
        postResults: (t, rows) => c.postResults(t, rows),
        readResults: (t) => c.getResults(raceId, t.eventId, t.resultSetId),
      };
      store = tempOutbox();
      const { outbox } = store;
      const change = (bib: number, value: string): OutboxChange => ({
        ...target,
        bib,
        field: 'clock_time',
        value,
      });
      loop = new SyncLoop({
        outbox,
        poster,
        verification: outbox,
        idlePollMs: 20,
        readBackPaceMs: 20,
        isolationPaceMs: 20,
      });
      loop.start();
      store.apply([change(a!, '0:20:00.0'), change(b!, '0:21:00.0')], 1);
      loop.wake();
      await waitFor(() => outbox.counts(), { what: 'times posted', until: (c) => c.pending === 0 });
      const getsBefore = emu.log.filter((l) => l.path.includes('get-results')).length;
      expect(getsBefore).toBe(0); // no read-back when nothing awaits one

      // The timer withdraws bib a's finish: the outbox wants X.
      store.apply([change(a!, 'X')], 2);
      loop.wake();
      const key = { ...target, bib: a!, field: 'clock_time' };
      await waitFor(() => outbox.fieldState(key), {
        what: 'the X settled: verified or needing attention',
        until: (st) =>
          st !== null &&
          st.verifyVersion === null &&
          (st.ackedValue === 'X' || st.attentionReason !== null),
      });
      const st = outbox.fieldState(key)!;
      const shown = emu.results(target.resultSetId).find((r) => r.bib === a)?.clock_time ?? '';
      if (variant === 'clears') {
        expect(shown).toBe('');
        expect(st.ackedValue).toBe('X');
        expect(st.attentionReason).toBeNull();
        expect(emu.log.filter((l) => l.path.includes('get-results')).length).toBeGreaterThan(0);
      } else {
        // Rejected or ignored: RunSignup still shows the time, so the row needs attention.
        expect(shown).not.toBe('');
        expect(st.ackedValue).not.toBe('X');
        expect(st.attentionReason).not.toBeNull();
        expect(outbox.counts().attention).toBe(1);
        if (variant === 'ignored') {
          expect(st.attentionReason).toMatch(/still shows/);
          expect(emu.log.filter((l) => l.path.includes('get-results')).length).toBeGreaterThan(0);
        }
      }
      // Bib b was never touched and stays as posted.
      expect(emu.results(target.resultSetId).find((r) => r.bib === b)?.clock_time).not.toBe('');
    });
  },
);
