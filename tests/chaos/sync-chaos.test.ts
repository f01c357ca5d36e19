// Network chaos (DESIGN.md §6): the emulator fails well over 30% of requests in every way it
// knows while a 500-finisher race with corrections is captured through the REAL station core
// and posted by the sync loop. RunSignup must end exactly equal to the projection, and never
// receive an older value of a field after a newer one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src-shared/station-api';
import { openDatabase } from '../../src-main/db';
import { createJournalStore } from '../../src-main/core/store/journal-store';
import { project } from '../../src-main/core/projection';
import { openStationCore, type StationCore } from '../../src-main/core/station-core';
import { RunSignupClient } from '../../src-main/runsignup/client';
import { createRng, randInt } from '../../src-main/runsignup/emulator/prng';
import { ALL_FAULT_KINDS } from '../../src-main/runsignup/emulator/faults';
import { startEmulator, type RunningEmulator } from '../../src-main/runsignup/emulator';
import { createPracticeRace } from '../../src-main/runsignup/emulator/practice-race';
import { SyncLoop } from '../../src-main/sync/sync-loop';
import { mapBatch, toPostRows } from '../../src-main/sync/mapper';
import type { OutboxRow } from '../../src-main/sync/ports';
import { compareResults } from '../integration/sync/support';
import { outboxKey, tortureRace } from './torture-station';

const SEED = 11;
const FINISHES = 500;
const SIZE = { fiveK: 350, tenK: 250 };

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

let emu: RunningEmulator | null = null;
let core: StationCore | null = null;
let client: RunSignupClient | null = null;
let dir: string | null = null;
afterEach(async () => {
  await client?.close();
  await emu?.close();
  await core?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  emu = client = core = dir = null;
});

describe('sync under network chaos', () => {
  it('converges to the exact projection and never posts an older value after a newer one', async () => {
    emu = await startEmulator({
      seed: SEED,
      race: createPracticeRace(SEED, SIZE),
      faults: {
        // Every kind once, in order, then 40% of the rest at random.
        script: [...ALL_FAULT_KINDS],
        probability: 0.4,
        latencyMs: 40,
        noAnswerMs: 1_500,
        seed: SEED,
      },
    });
    const race = tortureRace(SEED, SIZE);
    dir = mkdtempSync(join(tmpdir(), 'chute-chaos-'));
    const dbPath = join(dir, 'station.db');
    core = openStationCore({ dbPath, backupDir: null });
    core.configure(race.config);
    core.cacheParticipants(race.participants);
    const station = core;

    const creds = emu.practice.credentials;
    client = new RunSignupClient({
      baseUrl: emu.url,
      auth: { mode: 'api-key', apiKey: creds.apiKey, apiSecret: creds.apiSecret },
      raceId: emu.practice.raceId,
      // Short, so a held socket ("no-answer") costs a fraction of a second, not 30 s.
      timeouts: { connectMs: 300, headersMs: 300, bodyMs: 300, overallMs: 600 },
    });
    // Every post in order, with the versions it carried: the ordering check's evidence.
    const posts: OutboxRow[][] = [];
    let staleSends = 0;
    let checkedSends = 0;
    let onNextPost: (() => void) | null = null;
    const loop = new SyncLoop({
      outbox: station.outbox,
      poster: client,
      idlePollMs: 60_000,
      backoff: { baseMs: 5, capMs: 60 },
      // Review finding 5: every row posted is the outbox's wanted value and version at send time
      // (never a value carried across a failure after the timer corrected it).
      beforePost: (_t, rows) => {
        for (const r of rows) {
          const st = station.outbox.fieldState(r);
          staleSends += st?.wantedVersion === r.version && st.wantedValue === r.value ? 0 : 1;
          checkedSends += 1;
        }
      },
      onPost: (_t, rows) => {
        posts.push(rows);
        onNextPost?.();
      },
    });
    station.subscribe((e) => {
      if (e.type === 'changed') loop.wake();
    });
    const nextPost = () =>
      new Promise<void>((resolve) => {
        onNextPost = resolve;
      });
    const run = (command: Command) => {
      const result = station.execute(command);
      if (!result.ok) throw new Error(`${command.type} refused: ${result.error}`);
      return result.seq ?? 0;
    };

    const rng = createRng(SEED);
    const start = Date.now() - 40 * 60_000;
    for (const ev of race.config.events) run({ type: 'gun', eventId: ev.eventId, at: start });
    const bibs = [...race.bibs].sort(() => rng() - 0.5);
    const taps: number[] = [];
    const kinds = new Map<string, number>();
    loop.start();
    try {
      for (let i = 0; i < FINISHES; i++) {
        // Crossings 15+ minutes after the gun, in order, well in the past.
        taps.push(run({ type: 'tap', at: start + 15 * 60_000 + i * 2_000, bib: String(bibs[i]) }));
        // Corrections, as timers make them, while earlier values may be in flight.
        const r = rng();
        const anyTap = () => taps[randInt(rng, 0, taps.length - 1)]!;
        const earlierBib = () => String(bibs[randInt(rng, 0, i)]);
        let done: string | null = null;
        if (r < 0.04) {
          // A misread bib: the crossing belongs to a runner not yet seen.
          const seq = anyTap();
          const fresh = String(bibs[FINISHES + (i % (bibs.length - FINISHES))]);
          if (station.execute({ type: 'assign', tapSeq: seq, bib: fresh }).ok) done = 'assign';
        } else if (r < 0.07) {
          if (station.execute({ type: 'void', tapSeq: anyTap() }).ok) done = 'void';
        } else if (r < 0.1) {
          run({ type: 'status', bib: earlierBib(), status: 'DNF' });
          done = 'dnf';
        } else if (r < 0.12) {
          run({ type: 'clear', bib: earlierBib() });
          done = 'clear';
        }
        if (done) kinds.set(done, (kinds.get(done) ?? 0) + 1);
        if (i === 250) {
          // The gun was 3 s earlier than typed: every time of that event changes.
          run({ type: 'gun', eventId: race.config.events[0]!.eventId, at: start - 3_000 });
          kinds.set('gun', 1);
        }
        // Let capture and posting interleave: every 20 finishes, wait for a post to end.
        if (i % 20 === 19) await nextPost();
      }
      for (const k of ['assign', 'void', 'dnf', 'clear', 'gun'])
        expect(kinds.get(k) ?? 0).toBeGreaterThan(0);

      let final = await loop.settled();
      while (final.pending > 0 && !final.stalled) final = await loop.settled();
      expect(final.pending).toBe(0);
      expect(final.stalled).toBeNull();
      expect(final.attention).toBe(0);

      // RunSignup shows exactly what the outbox wants...
      const states = station.outbox.allStates();
      for (const ev of race.config.events) {
        const verdict = compareResults(emu.results(ev.resultSetId), states, ev.resultSetId);
        expect(verdict.mismatches).toEqual([]);
        expect(verdict.duplicates).toEqual([]);
        expect(verdict.compared).toBeGreaterThan(100);
      }
      // ...and the outbox wants exactly an independent projection of the journal. The station
      // holds its database exclusively: stop and close it before reading the file directly.
      await loop.stop();
      await station.close();
      core = null;
      const db = openDatabase(dbPath);
      const entries = createJournalStore(db).all();
      db.close();
      const wanted = new Map(
        [...project(entries, race.ctx).wanted.values()].map((w) => [outboxKey(w), w.value]),
      );
      expect(wanted.size).toBeGreaterThan(FINISHES);
      for (const [key, value] of wanted) expect(states.get(key)?.wantedValue).toBe(value);
      for (const [key, st] of states) {
        if (!wanted.has(key)) expect([null, 'X']).toContain(st.wantedValue);
      }

      expect(checkedSends).toBeGreaterThan(FINISHES);
      expect(staleSends).toBe(0);

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

      // The chaos was real: every kind hit a post, and well over 30% of posts failed.
      const postsLog = emu.log.filter((l) => l.method === 'POST');
      const faulted = postsLog.filter((l) => l.fault !== null && l.fault !== 'latency');
      expect(faulted.length / postsLog.length).toBeGreaterThanOrEqual(0.3);
      const seen = new Set(postsLog.map((l) => l.fault));
      for (const k of ALL_FAULT_KINDS) expect(seen).toContain(k);
    } finally {
      await loop.stop();
    }
  });
});
