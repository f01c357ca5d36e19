// "Sent" is true: the real station core, sync loop, client and emulator. A post RunSignup holds
// past the client's timeout and applies after a correction is caught by a settled read-back and
// repaired; a value edited on RunSignup behind the station's back is a conflict the station
// never overwrites until the timer decides.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src-shared/station-api';
import { openStationCore, type StationCore } from '../../../src-main/core/station-core';
import { RunSignupClient } from '../../../src-main/runsignup/client';
import {
  startEmulator,
  type FaultPlan,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import { createPracticeRace } from '../../../src-main/runsignup/emulator/practice-race';
import { SyncLoop } from '../../../src-main/sync/sync-loop';
import { tortureRace } from '../../chaos/torture-station';
import { shownAs } from './support';
import { waitFor } from '../../support/poll';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

const SEED = 5;
const SIZE = { fiveK: 40, tenK: 20 };
/** The emulator holds a faulted post this long, then applies it; the client gives up sooner. */
const HOLD_MS = 1_200;
const CLIENT_TIMEOUT_MS = 300;
/** Longer than the hold: a read this long after the client gave up sees every late post. */
const SETTLE_MS = 1_500;

let emu: RunningEmulator | null = null;
let core: StationCore | null = null;
const clients: RunSignupClient[] = [];
let loop: SyncLoop | null = null;
let dir: string | null = null;
afterEach(async () => {
  await loop?.stop();
  for (const c of clients.splice(0)) await c.close();
  await emu?.close();
  await core?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  emu = core = loop = dir = null;
});

async function station(faults: FaultPlan | undefined) {
  emu = await startEmulator({ seed: SEED, race: createPracticeRace(SEED, SIZE), faults });
  const race = tortureRace(SEED, SIZE);
  dir = mkdtempSync(join(tmpdir(), 'chute-audit-'));
  core = openStationCore({
    dbPath: join(dir, 'station.db'),
    backupDir: null,
    readBackClearsIn: READ_BACK_CLEARS_IN,
  });
  core.configure(race.config);
  core.cacheParticipants(race.participants);
  const creds = emu.practice.credentials;
  const client = (overallMs: number) => {
    const c = new RunSignupClient({
      baseUrl: emu!.url,
      auth: { mode: 'api-key', apiKey: creds.apiKey, apiSecret: creds.apiSecret },
      caller: emu!.practice.caller,
      raceId: emu!.practice.raceId,
      timeouts: {
        connectMs: overallMs,
        headersMs: overallMs,
        bodyMs: overallMs,
        overallMs,
      },
    });
    clients.push(c);
    return c;
  };
  const c = client(CLIENT_TIMEOUT_MS);
  const raceId = emu.practice.raceId;
  const s = core;
  loop = new SyncLoop({
    outbox: s.outbox,
    poster: {
      postResults: (t, rows) => c.postResults(t, rows),
      // Reads wait longer than posts: a read is never held by the emulator's faults here.
      readResults: (t) => client(5_000).getResults(raceId, t.eventId, t.resultSetId),
    },
    verification: s.outbox,
    audit: s.outbox,
    settleMs: SETTLE_MS,
    auditQuietMs: 50,
    auditEveryMs: 400,
    idlePollMs: 100,
    backoff: { baseMs: 20, capMs: 50 },
  });
  s.subscribe((e) => {
    if (e.type === 'changed') loop?.wake();
  });
  const event = race.config.events[0]!;
  const bibs = race.participants.filter((p) => p.eventId === event.eventId && p.bib !== null);
  return { s, race, event, bibs: bibs.map((p) => p.bib as number), other: client(5_000) };
}

function run(s: StationCore, command: Command): number {
  const r = s.execute(command);
  if (!r.ok) throw new Error(`${command.type} refused: ${r.error}`);
  return r.seq ?? 0;
}

function crossingOf(s: StationCore, bib: number) {
  return s.query({ type: 'snapshot' }).crossings.find((c) => c.bib === bib);
}

describe('uncertain posts and the standing audit', () => {
  it('a post held past the timeout and applied after a correction is repaired, and the row ends verified', async () => {
    const { s, event, bibs } = await station({ script: ['latency'], latencyMs: HOLD_MS });
    const gun = Date.now() - 60 * 60_000;
    run(s, { type: 'gun', eventId: event.eventId, at: gun });
    const bib = bibs[0]!;
    // The crossing is posted first; the emulator holds that post past the client's timeout.
    const tap = run(s, { type: 'tap', at: gun + 30 * 60_000 + 9_500, bib: String(bib) });
    const firstValue = s.outbox.fieldState({
      resultSetId: event.resultSetId,
      bib,
      field: 'clock_time',
    })?.wantedValue;
    expect(firstValue).toBe('0:30:09.5');
    loop!.start();
    await waitFor(() => loop!.figures(), {
      what: 'the held post to time out',
      until: (f) => f.uncertainPosts >= 1,
      timeoutMs: 15_000,
    });
    // Meanwhile the timer corrects the time: the new value is posted and acknowledged...
    run(s, { type: 'adjust', tapSeq: tap, at: gun + 29 * 60_000 + 53_000 });
    const key = { resultSetId: event.resultSetId, bib, field: 'clock_time' };
    await waitFor(() => s.outbox.fieldState(key), {
      what: 'the correction to be acknowledged',
      until: (st) => st?.wantedValue === '0:29:53.0' && st.ackedVersion === st.wantedVersion,
      timeoutMs: 15_000,
    });
    expect(crossingOf(s, bib)?.sync).toBe('sending'); // acknowledged, but a post is uncertain
    // ...then RunSignup applies the held post last: it shows the OLD time.
    const row = () => emu!.results(event.resultSetId).find((r) => Number(r.bib) === bib);
    await waitFor(row, {
      what: 'the held post to land late',
      until: (r) => r?.clock_time === shownAs('clock_time', '0:30:09.5'),
      timeoutMs: 15_000,
    });
    const held = emu!.log.find((l) => l.fault === 'latency');
    expect(held?.applied).toBe(true);
    // The audit waits until the hold is over, reads, sees an older value of its own, posts again.
    await waitFor(() => crossingOf(s, bib)?.sync, {
      what: 'the row to be verified',
      until: (sync) => sync === 'verified',
      timeoutMs: 15_000,
    });
    expect(row()?.clock_time).toBe(shownAs('clock_time', '0:29:53.0'));
    expect(row()?.place).toBe(1);
    const st = s.outbox.fieldState(key)!;
    expect(st.verifiedVersion).toBe(st.wantedVersion);
    expect(st.uncertainAt).toBeNull();
    const f = loop!.figures();
    expect(f.repairs).toBeGreaterThanOrEqual(1);
    expect(f.conflicts).toBe(0);
    expect(s.outbox.lastAudit()).toMatchObject({ resultSetId: event.resultSetId, error: null });
  });

  it('a value edited on RunSignup behind the station is a conflict, never overwritten until the timer decides', async () => {
    const { s, event, bibs, other } = await station(undefined);
    const gun = Date.now() - 60 * 60_000;
    run(s, { type: 'gun', eventId: event.eventId, at: gun });
    const [a, b] = [bibs[0]!, bibs[1]!];
    run(s, { type: 'tap', at: gun + 20 * 60_000, bib: String(a) });
    run(s, { type: 'tap', at: gun + 21 * 60_000, bib: String(b) });
    loop!.start();
    const syncs = () => [a, b].map((bib) => crossingOf(s, bib)?.sync);
    await waitFor(syncs, {
      what: 'both rows verified',
      until: (states) => states.every((sync) => sync === 'verified'),
      timeoutMs: 15_000,
    });
    // Someone edits both times on RunSignup (its dashboard, another program).
    const target = { eventId: event.eventId, resultSetId: event.resultSetId };
    const edit = await other.postResults(target, [
      { bib: a, clock_time: '0:19:59.0' },
      { bib: b, clock_time: '0:21:30.0' },
    ]);
    expect(edit.ok).toBe(true);
    await waitFor(syncs, {
      what: 'both conflicts',
      until: (states) => states.every((sync) => sync === 'conflict'),
      timeoutMs: 15_000,
    });
    expect(s.outbox.conflicts().map((c) => [c.bib, c.stationValue, c.runsignupValue])).toEqual([
      [a, '0:20:00.0', shownAs('clock_time', '0:19:59.0')],
      [b, '0:21:00.0', shownAs('clock_time', '0:21:30.0')],
    ]);
    expect(crossingOf(s, a)?.syncReason).toContain('never sent');
    // Several audits later RunSignup still shows the edits: nothing was posted over them.
    const audits = loop!.figures().audits;
    await waitFor(() => loop!.figures().audits, {
      what: 'two more audits',
      until: (n) => n >= audits + 2,
      timeoutMs: 15_000,
    });
    const shown = (bib: number) =>
      emu!.results(event.resultSetId).find((r) => Number(r.bib) === bib)?.clock_time;
    expect(shown(a)).toBe(shownAs('clock_time', '0:19:59.0'));
    expect(shown(b)).toBe(shownAs('clock_time', '0:21:30.0'));
    const postsOfA = () =>
      emu!.log.filter((l) => l.posted?.some((r) => Number(r['bib']) === a)).length;
    const before = postsOfA();

    // The timer keeps this station's time for a, RunSignup's for b.
    expect(
      s.outbox.resolveConflict({ ...target, bib: a, field: 'clock_time' }, 'station'),
    ).not.toBeNull();
    expect(
      s.outbox.resolveConflict({ ...target, bib: b, field: 'clock_time' }, 'runsignup'),
    ).not.toBeNull();
    loop!.wake();
    await waitFor(() => crossingOf(s, a)?.sync, {
      what: 'a verified with the station time',
      until: (sync) => sync === 'verified',
      timeoutMs: 15_000,
    });
    expect(postsOfA()).toBeGreaterThan(before);
    expect(shown(a)).toBe(shownAs('clock_time', '0:20:00.0'));
    const auditsNow = loop!.figures().audits;
    await waitFor(() => loop!.figures().audits, {
      what: 'two more audits',
      until: (n) => n >= auditsNow + 2,
      timeoutMs: 15_000,
    });
    expect(shown(b)).toBe(shownAs('clock_time', '0:21:30.0'));
    expect(s.outbox.conflicts()).toEqual([]);
    expect(crossingOf(s, b)?.sync).not.toBe('conflict');
  });
});
