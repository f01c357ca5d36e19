// The web host end to end: a real station service in practice mode (its in-process emulator and
// sync loop running), the real web host, and a real WebSocket client speaking the wire protocol.
// Measures send -> result of `tap` commands, one at a time, and paced sustained capture.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CommandResult, RaceDetails } from '../../src-shared/station-api';
import { launchWebStation, type LaunchedStation } from '../../src-main/web/launch';
import { createPracticeRace, startEmulator } from '../../src-main/runsignup/emulator';
import { openWireClient, type WireClient } from './ws-client';
import { runPaced, tickCount, window } from './pacer';
import { summarize, type Summary } from './stats';

const PRACTICE_SEED = 1;
/** Enough runners that every bib-first tap of the WebSocket runs is a runner's first crossing. */
const PRACTICE_SIZE = { fiveK: 3_000, tenK: 2_000 };

export interface WebBench {
  station: LaunchedStation;
  client: WireClient;
  /** Registered bibs of the configured events, in a fixed order. */
  bibs: number[];
  /** Taps sent so far and the next unused bib (see tapBody). */
  taps: number;
  nextBib: number;
  close(): Promise<void>;
}

function commandOk(answer: { ok: boolean; result?: unknown; error?: string }): number {
  if (!answer.ok) throw new Error(`wire error: ${answer.error}`);
  const result = CommandResult.parse(answer.result);
  if (!result.ok) throw new Error(`command refused: ${result.error}`);
  return result.seq ?? 0;
}

/** A practice web station set up over the socket, as a timer would: race, events, guns. */
export async function startWebBench(): Promise<WebBench> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chute-bench-web-'));
  const rendererDir = path.join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Chute</title>');
  const race = createPracticeRace(PRACTICE_SEED, PRACTICE_SIZE);
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed: PRACTICE_SEED, race });
  let station: LaunchedStation;
  try {
    station = await launchWebStation({
      dataDir: path.join(dir, 'data'),
      port: 0,
      rendererDir,
      practiceSeed: PRACTICE_SEED,
      practiceEmulator: emulator,
    });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  try {
    const client = await openWireClient(station.port, station.token);
    const raceId = emulator.practice.raceId;
    const details = RaceDetails.parse((await client.query({ type: 'raceDetails', raceId })).result);
    const eventIds = details.events.map((e) => e.eventId);
    commandOk(
      await client.command({
        type: 'configure',
        raceId,
        eventIds,
        role: { kind: 'finish' },
        stationName: 'Bench finish',
      }),
    );
    const gunAt = Date.now() - 20 * 60_000;
    for (const eventId of eventIds) {
      commandOk(await client.command({ type: 'gun', eventId, at: gunAt }));
    }
    const bibs = race.participants
      .filter((p) => p.bib !== null && eventIds.includes(p.eventId))
      .map((p) => p.bib as number);
    return {
      station,
      client,
      bibs,
      taps: 0,
      nextBib: 0,
      async close() {
        await client.close();
        await station.close();
        await emulator.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await station.close();
    await emulator.close();
    throw error;
  }
}

/**
 * Bib-first for two crossings in three, time-first (no bib) for the third: a busy finish. Each
 * runner crosses once (the practice race is sized for it; should the field ever run out, the
 * remaining crossings are time-first).
 */
function tapBody(bench: WebBench): { type: 'tap'; at: number; bib?: string } {
  const i = bench.taps++;
  const bib = i % 3 === 2 ? undefined : bench.bibs[bench.nextBib];
  if (bib === undefined) return { type: 'tap', at: Date.now() };
  bench.nextBib += 1;
  return { type: 'tap', at: Date.now(), bib: String(bib) };
}

export interface WsLatencyResult {
  tap: Summary;
  /** Tap answered, then the snapshot the screen loads (limit 1000) answered: row on screen. */
  tapAndSnapshot: Summary;
}

export async function measureWsLatency(
  bench: WebBench,
  count: number,
  warmup: number,
): Promise<WsLatencyResult> {
  const tap: number[] = [];
  const screen: number[] = [];
  for (let i = 0; i < count + warmup; i++) {
    const sent = performance.now();
    const answer = await bench.client.command(tapBody(bench));
    commandOk(answer);
    const snap = await bench.client.query({ type: 'snapshot', limit: 1000 });
    if (!snap.ok) throw new Error(`snapshot failed: ${snap.error}`);
    if (i >= warmup) {
      tap.push(answer.at - sent);
      screen.push(snap.at - sent);
    }
  }
  return { tap: summarize(tap), tapAndSnapshot: summarize(screen) };
}

export interface SustainedResult {
  taps: number;
  failures: number;
  /** The first and last 10 s (a third of the run when shorter than 30 s). */
  windowSeconds: number;
  first10s: Summary;
  last10s: Summary;
  /** last10s.p99 / first10s.p99: 1 means no lag growth. */
  growth: number;
  /** Latest a tick fired after its target (scheduler health, not station latency). */
  maxFireLagMs: number;
  screenRefreshes: number;
  /** Bib-first taps sent so far (all WebSocket runs) and runners available for them. */
  bibFirstTaps: number;
  runners: number;
  /**
   * CPU this process (station, emulator, client) used per wall second in the first and last
   * window: equal CPU with higher latency means other work took the cores; more CPU means our
   * own work grew.
   */
  cpuFirstMsPerS: number;
  cpuLastMsPerS: number;
  /** Per-second p99 of the tap latency, for a look at spikes versus a trend. */
  p99BySecond: number[];
  /** The screen's snapshot (1,000 rows) send -> answer, p50 in the first and last window. */
  snapshotFirstP50: number;
  snapshotLastP50: number;
  journalLength: number;
}

/**
 * `rate` taps a second for `seconds`, each sent at its precomputed time; latency is answer
 * minus TARGET time. A screen refresher runs beside it like the renderer does (one snapshot of
 * 1,000 rows per burst of change events, coalesced), so the station carries a screen's load.
 */
export async function measureSustained(
  bench: WebBench,
  rate: number,
  seconds: number,
): Promise<SustainedResult> {
  const samples: Array<{ targetOffsetMs: number; latency: number }> = [];
  const snapshots: Array<{ targetOffsetMs: number; latency: number }> = [];
  const pending: Array<Promise<void>> = [];
  let failures = 0;
  let maxFireLag = 0;
  let refreshes = 0;
  let refreshing = false;
  let refreshAgain = false;
  let stopScreen = false;
  const seenEvents = { n: bench.client.events() };
  const refresh = async (): Promise<void> => {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    do {
      refreshAgain = false;
      const sent = performance.now();
      const answer = await bench.client.query({ type: 'snapshot', limit: 1000 });
      snapshots.push({ targetOffsetMs: sent - start, latency: answer.at - sent });
      refreshes += 1;
    } while (refreshAgain && !stopScreen);
    refreshing = false;
  };
  // Poll the client's event counter on the event loop (cheap) instead of hooking its internals.
  const screen = setInterval(() => {
    const n = bench.client.events();
    if (n !== seenEvents.n) {
      seenEvents.n = n;
      void refresh();
    }
  }, 16);
  let start = 0;
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  // Process CPU time at the start of every second of the run.
  const cpuAt: number[] = [];
  try {
    const run = await runPaced({
      ratePerSecond: rate,
      count: tickCount(rate, seconds),
      now: () => performance.now(),
      fire: (i, target) => {
        if (i === 0) start = target;
        if (i % rate === 0) cpuAt.push(cpuMs());
        maxFireLag = Math.max(maxFireLag, performance.now() - target);
        pending.push(
          bench.client.command(tapBody(bench)).then((answer) => {
            let ok = answer.ok;
            if (ok) ok = CommandResult.parse(answer.result).ok;
            if (!ok) failures += 1;
            samples.push({ targetOffsetMs: target - start, latency: answer.at - target });
          }),
        );
      },
    });
    start = run.startMs;
    await Promise.all(pending);
    cpuAt.push(cpuMs());
  } finally {
    stopScreen = true;
    clearInterval(screen);
  }
  const durationMs = seconds * 1000;
  const windowMs = Math.min(10_000, durationMs / 3);
  const head = window(samples, 0, windowMs).map((s) => s.latency);
  const tail = window(samples, durationMs - windowMs, durationMs).map((s) => s.latency);
  const first10s = summarize(head);
  const last10s = summarize(tail);
  const windowS = Math.round(windowMs / 1000);
  const cpuRate = (from: number, to: number): number =>
    ((cpuAt[to] ?? Number.NaN) - (cpuAt[from] ?? Number.NaN)) / (to - from);
  const p99BySecond: number[] = [];
  for (let sec = 0; sec < seconds; sec++) {
    const xs = window(samples, sec * 1000, (sec + 1) * 1000).map((x) => x.latency);
    p99BySecond.push(xs.length > 0 ? Math.round(summarize(xs).p99 * 10) / 10 : Number.NaN);
  }
  const snapP50 = (from: number, to: number): number => {
    const xs = window(snapshots, from, to).map((s) => s.latency);
    return xs.length > 0 ? summarize(xs).p50 : Number.NaN;
  };
  const snap = await bench.client.query({ type: 'snapshot', limit: 1 });
  const journalLength = (snap.result as { journalLength?: number } | undefined)?.journalLength ?? 0;
  return {
    taps: samples.length,
    failures,
    windowSeconds: windowMs / 1000,
    first10s,
    last10s,
    growth: last10s.p99 / first10s.p99,
    maxFireLagMs: maxFireLag,
    screenRefreshes: refreshes,
    bibFirstTaps: bench.nextBib,
    runners: bench.bibs.length,
    cpuFirstMsPerS: cpuRate(0, windowS),
    cpuLastMsPerS: cpuRate(seconds - windowS, seconds),
    p99BySecond,
    snapshotFirstP50: snapP50(0, windowMs),
    snapshotLastP50: snapP50(durationMs - windowMs, durationMs),
    journalLength,
  };
}
