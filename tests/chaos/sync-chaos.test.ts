// Network chaos (DESIGN.md §6): the emulator fails well over 30% of requests in every way it
// knows, while a 500-tap race with corrections is captured and posted. The loop must converge
// to exactly the local truth and never post an older value of a field after a newer one.
import { afterEach, describe, expect, it } from 'vitest';
import { RunSignupClient } from '../../src-main/runsignup/client';
import { createPracticeRace } from '../../src-main/runsignup/emulator/practice-race';
import { createRng, randInt } from '../../src-main/runsignup/emulator/prng';
import { ALL_FAULT_KINDS } from '../../src-main/runsignup/emulator/faults';
import { startEmulator, type RunningEmulator } from '../../src-main/runsignup/emulator';
import { SyncLoop } from '../../src-main/sync/sync-loop';
import { mapBatch, toPostRows } from '../../src-main/sync/mapper';
import type { OutboxRow } from '../../src-main/sync/ports';
import { tempOutbox, type TempOutbox } from '../unit/sync/helpers';
import { compareResults } from '../integration/sync/support';
import { RaceModel, type ModelEvent } from './race-model';

const SEED = 11;

/** A post's rows as comparable text: every value as a string, fields sorted. */
function wireKey(rows: ReadonlyArray<Record<string, string | number | null>>): string {
  return JSON.stringify(
    rows.map((r) =>
      Object.entries(r)
        .filter(([, v]) => v !== null && v !== '')
        .map(([k, v]) => `${k}=${String(v)}`)
        .sort(),
    ),
  );
}
const TAPS = 500;
let emu: RunningEmulator | null = null;
let store: TempOutbox | null = null;
let client: RunSignupClient | null = null;
afterEach(async () => {
  await client?.close();
  await emu?.close();
  store?.close();
  emu = client = store = null;
});

describe('sync under network chaos', () => {
  it('converges to the exact local truth and never posts an older value after a newer one', async () => {
    // A race big enough that 500 finishes are 500 different runners.
    const race = createPracticeRace(SEED, { fiveK: 350, tenK: 250 });
    emu = await startEmulator({
      seed: SEED,
      race,
      faults: {
        // Every kind once, in order, then 40% of the rest at random.
        script: [...ALL_FAULT_KINDS],
        probability: 0.4,
        latencyMs: 40,
        noAnswerMs: 1_500,
        seed: SEED,
      },
    });
    const events: ModelEvent[] = emu.practice.events.map((e) => ({
      eventId: e.eventId,
      resultSetId: e.resultSets[0]!.resultSetId,
      gun: 1_779_000_000_000,
      bibs: new Set(
        race.participants
          .filter((p) => p.eventId === e.eventId && p.bib !== null)
          .map((p) => p.bib as number),
      ),
    }));
    const allBibs = events.flatMap((e) => [...e.bibs]);
    const creds = emu.practice.credentials;
    client = new RunSignupClient({
      baseUrl: emu.url,
      auth: { mode: 'api-key', apiKey: creds.apiKey, apiSecret: creds.apiSecret },
      raceId: emu.practice.raceId,
      // Short, so a held socket ("no-answer") costs a fraction of a second, not 30 s.
      timeouts: { connectMs: 300, headersMs: 300, bodyMs: 300, overallMs: 600 },
    });
    store = tempOutbox();
    const { outbox } = store;

    // Every post in order, with the versions it carried: the ordering check's evidence.
    const posts: OutboxRow[][] = [];
    let postsSeen = 0;
    let onNextPost: (() => void) | null = null;
    const loop = new SyncLoop({
      outbox,
      poster: client,
      idlePollMs: 60_000,
      backoff: { baseMs: 5, capMs: 60 },
      onPost: (_t, rows) => {
        posts.push(rows);
        postsSeen += 1;
        onNextPost?.();
      },
    });
    const nextPost = () =>
      new Promise<void>((resolve) => {
        const at = postsSeen;
        onNextPost = () => {
          if (postsSeen > at) resolve();
        };
      });

    const rng = createRng(SEED);
    const model = new RaceModel(events);
    const gun = events[0]!.gun;
    let clock = gun + 14 * 60_000;
    let now = 1;
    loop.start();
    try {
      const order = [...allBibs].sort(() => rng() - 0.5);
      for (let i = 0; i < TAPS; i++) {
        clock += randInt(rng, 50, 4_000);
        const r = rng();
        const bib = order[i % order.length]!;
        const tap = model.tap(clock, bib);
        // Corrections, as timers make them, while earlier values may be in flight.
        if (r < 0.05) model.assign(tap, order[(i + 7) % order.length]!);
        else if (r < 0.09) model.void(randInt(rng, 0, tap));
        else if (r < 0.12) model.setStatus(order[randInt(rng, 0, i)]!, 'DNF');
        else if (r < 0.14) model.clear(order[randInt(rng, 0, i)]!);
        else if (r < 0.15) model.setStatus(order[randInt(rng, 0, i)]!, null);
        if (i === 250) model.gun(events[0]!.eventId, gun - 3_000); // the gun was 3 s earlier
        if (i === 420) model.gun(events[1]!.eventId, gun + 1_500);
        model.publish(store.apply, now++);
        loop.wake();
        // Let capture and posting interleave: every 20 taps, wait for a post to finish.
        if (i % 20 === 19) await nextPost();
      }
      const final = await loop.settled();
      expect(final.pending).toBe(0);
      expect(final.stalled).toBeNull();
      expect(final.attention).toBe(0);

      for (const e of events) {
        const verdict = compareResults(
          emu.results(e.resultSetId),
          outbox.allStates(),
          e.resultSetId,
        );
        expect(verdict.mismatches).toEqual([]);
        expect(verdict.duplicates).toEqual([]);
        expect(verdict.compared).toBeGreaterThan(100);
      }
      // Exactly the model: every wanted field is what the outbox wants, nothing more.
      const wanted = model.wanted();
      for (const [key, st] of outbox.allStates()) {
        const w = wanted.get(key);
        if (w) expect(st.wantedValue).toBe(w.value);
        else expect([null, 'X']).toContain(st.wantedValue);
      }

      // Never an older value after a newer one, field by field, across all posts in order.
      const highest = new Map<string, number>();
      for (const rows of posts) {
        for (const r of rows) {
          const key = `${r.resultSetId}|${r.bib}|${r.field}`;
          expect(r.version).toBeGreaterThanOrEqual(highest.get(key) ?? 0);
          highest.set(key, r.version);
        }
      }

      // And on the wire: every body the emulator received (answers lost or not) is one of those
      // posts, in the same order, so RunSignup never saw an older value after a newer one.
      const sent = posts.map((rows) => wireKey(toPostRows(mapBatch(rows).units)));
      const received = emu.log.flatMap((l) => (l.posted ? [wireKey(l.posted)] : []));
      expect(received.length).toBeGreaterThanOrEqual(posts.length / 2);
      let j = 0;
      for (const body of received) {
        while (j < sent.length && sent[j] !== body) j += 1;
        expect(j).toBeLessThan(sent.length); // found, in order
        j += 1;
      }

      // The chaos was real: most kinds hit full-results posts, and well over 30% of posts failed.
      const postsLog = emu.log.filter((l) => l.method === 'POST');
      const faulted = postsLog.filter((l) => l.fault !== null && l.fault !== 'latency');
      expect(faulted.length / postsLog.length).toBeGreaterThanOrEqual(0.3);
      const kinds = new Set(postsLog.map((l) => l.fault));
      for (const k of ALL_FAULT_KINDS) expect(kinds).toContain(k);
    } finally {
      await loop.stop();
    }
  });
});
