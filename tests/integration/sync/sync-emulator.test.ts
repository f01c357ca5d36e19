// The real outbox store + the real RunSignup client + the emulator, in every variant of the
// [assumed] behaviours: whatever RunSignup turns out to do, the loop converges and isolates.
import { afterEach, describe, expect, it } from 'vitest';
import { EMULATOR_ASSUMPTION_VARIANTS } from '../../../src-main/runsignup/assumptions';
import { RunSignupClient } from '../../../src-main/runsignup/client';
import { createPracticeRace } from '../../../src-main/runsignup/emulator/practice-race';
import { startEmulator, type RunningEmulator } from '../../../src-main/runsignup/emulator';
import { SyncLoop } from '../../../src-main/sync/sync-loop';
import type { OutboxChange } from '../../../src-main/core/store/outbox-store';
import { tempOutbox, type TempOutbox } from '../../unit/sync/helpers';
import { compareResults, shownAs } from './support';

const SEED = 7;
let emu: RunningEmulator | null = null;
let store: TempOutbox | null = null;
let client: RunSignupClient | null = null;
afterEach(async () => {
  await client?.close();
  await emu?.close();
  store?.close();
  emu = null;
  store = null;
  client = null;
});

function time(i: number): string {
  const ms = 15 * 60_000 + i * 1_337;
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const f = Math.floor((ms % 1000) / 100);
  return `0:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${f}`;
}

describe.each(EMULATOR_ASSUMPTION_VARIANTS.map((v) => [JSON.stringify(v), v] as const))(
  'sync against the emulator, assumptions %s',
  (_name, variant) => {
    it('posts 300 rows, isolates a bad one, and RunSignup ends as the outbox wants', async () => {
      emu = await startEmulator({ seed: SEED, assumptions: variant });
      const race = createPracticeRace(SEED);
      const event = emu.practice.events[0]!;
      const resultSetId = event.resultSets[0]!.resultSetId;
      const registered = new Set(race.participants.map((p) => p.bib).filter((b) => b !== null));
      const bibs = race.participants
        .filter((p) => p.eventId === event.eventId && p.bib !== null)
        .map((p) => p.bib as number)
        .slice(0, 150);
      expect(bibs.length).toBeGreaterThanOrEqual(100);
      let unknownBib = 90_000;
      while (registered.has(unknownBib)) unknownBib += 1;

      const creds = emu.practice.credentials;
      client = new RunSignupClient({
        baseUrl: emu.url,
        auth: { mode: 'api-key', apiKey: creds.apiKey, apiSecret: creds.apiSecret },
        caller: emu.practice.caller,
        raceId: emu.practice.raceId,
        timeouts: { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000, overallMs: 8_000 },
      });
      store = tempOutbox();
      const { outbox } = store;
      const target = { eventId: event.eventId, resultSetId };
      const change = (bib: number, field: string, value: string | null): OutboxChange => ({
        ...target,
        bib,
        field,
        value,
      });
      const c = client;
      const raceId = emu.practice.raceId;
      const loop = new SyncLoop({
        outbox,
        poster: {
          postResults: (t, rows) => c.postResults(t, rows),
          readResults: (t) => c.getResults(raceId, t.eventId, t.resultSetId),
        },
        // An X acknowledged in clock_time is read back.
        verification: outbox,
        readBackPaceMs: 20,
        idlePollMs: 60_000,
        backoff: { baseMs: 20, capMs: 200 },
        // Isolation pacing (1 s in the field) is covered by the unit tests; kept short here.
        isolationPaceMs: 20,
      });
      loop.start();
      try {
        // Round 1: finishes, places, a DNF, and one bib RunSignup does not know.
        store.apply(
          [
            ...bibs.flatMap((bib, i) => [
              change(bib, 'clock_time', i === 5 ? 'DNF' : time(i)),
              change(bib, 'place', String(i + 1)),
            ]),
            change(unknownBib, 'clock_time', time(999)),
          ],
          1,
        );
        const first = await loop.settled();
        expect(first.pending).toBe(0);
        expect(first.stalled).toBeNull();
        const bad = outbox.fieldState({ resultSetId, bib: unknownBib, field: 'clock_time' });
        expect(bad?.attentionReason).toMatch(/RunSignup rejected clock_time for bib/);
        expect(first.attention).toBe(1);

        // Round 2: corrections: new times, a withdrawn finish (sent as X), a cleared place.
        store.apply(
          [
            change(bibs[0]!, 'clock_time', time(400)),
            change(bibs[1]!, 'clock_time', null),
            change(bibs[1]!, 'place', null),
            change(bibs[2]!, 'clock_time', 'DQ'),
          ],
          2,
        );
        const second = await loop.settled();
        expect(second.pending).toBe(0);
        // "X" on a finish time is [assumed]; where RunSignup refuses it, the row waits for the timer.
        // Where it accepts X but keeps the time, the read-back parks it: never "sent".
        const xParked = variant.clearFinishWithX === 'rejected' ? 1 : 0;
        const xIgnored = variant.clearFinishWithX === 'ignored' ? 1 : 0;
        // "X" in place is just as undocumented, and handled the same way.
        const placeParked = variant.clearPlaceWithX === 'rejected' ? 1 : 0;
        const placeIgnored = variant.clearPlaceWithX === 'ignored' ? 1 : 0;
        expect(second.attention).toBe(1 + xParked + xIgnored + placeParked + placeIgnored);
        const placeX = outbox.fieldState({ resultSetId, bib: bibs[1]!, field: 'place' });
        if (placeParked) expect(placeX?.attentionReason).toMatch(/RunSignup rejected place/);
        if (placeIgnored) expect(placeX?.attentionReason).toMatch(/still shows "2"/);
        if (!placeParked && !placeIgnored) expect(placeX?.attentionReason ?? null).toBeNull();

        const verdict = compareResults(emu.results(resultSetId), outbox.allStates(), resultSetId);
        if (xIgnored) {
          // RunSignup still shows the withdrawn time; the row says so and waits for the timer.
          const x = { resultSetId, bib: bibs[1]!, field: 'clock_time' };
          expect(outbox.fieldState(x)?.attentionReason).toMatch(/still shows/);
          expect(verdict.mismatches).toEqual([
            {
              bib: bibs[1]!,
              field: 'clock_time',
              expected: '',
              actual: shownAs('clock_time', time(1)),
            },
          ]);
        } else if (placeIgnored) {
          // RunSignup still shows the withdrawn place; the row says so and waits for the timer.
          expect(verdict.mismatches).toEqual([
            { bib: bibs[1]!, field: 'place', expected: null, actual: 2 },
          ]);
        } else expect(verdict.mismatches).toEqual([]);
        expect(verdict.duplicates).toEqual([]);
        expect(verdict.compared).toBe(bibs.length * 2 + 1);
      } finally {
        await loop.stop();
      }
    });
  },
);
