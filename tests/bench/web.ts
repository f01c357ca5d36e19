// The web host end to end: a real station service in practice mode (its sync loop running) and
// the real web host in a process of their own (web-station-child.ts), posting to the practice
// RunSignup in this process, and a real WebSocket client speaking the wire protocol. Measures
// send -> result of `tap` commands one at a time, and paced sustained capture with a screen
// beside it, with the station process's own CPU time.
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  CommandResult,
  RaceDetails,
  type CrossingView,
  type DeltaCursor,
  type Snapshot,
  type StationEvent,
} from '../../src-shared/station-api';
import { changedStep, mergeRows, orderCrossings, rowsStep } from '../../src-renderer/lib/deltas';
import { createPracticeRace, startEmulator } from '../../src-main/runsignup/emulator';
import { buildRenderer } from '../e2e/support/renderer';
import { openWireClient, type WireClient } from './ws-client';
import { runPaced, tickCount, window } from './pacer';
import { summarize, type Summary } from './stats';
import type { StationStart } from './web-station-child';

const PRACTICE_SEED = 1;
/** Enough runners that every bib-first tap of the WebSocket runs is a runner's first crossing. */
const PRACTICE_SIZE = { fiveK: 6_000, tenK: 4_000 };
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

export interface WebBench {
  /** The page a browser opens, token included. */
  url: string;
  client: WireClient;
  /** The station process's CPU time so far (user + system), ms. */
  stationCpuMs(): Promise<number>;
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

/** The station process: started, asked for its CPU time, closed. */
function stationProcess(start: StationStart) {
  const child: ChildProcess = fork(path.join(here, 'web-station-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(pick: (m: Record<string, unknown>) => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: unknown) => {
        const found =
          typeof m === 'object' && m !== null ? pick(m as Record<string, unknown>) : undefined;
        if (found === undefined) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(found);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`the bench's station process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = next((m) => {
    if (typeof m.failed === 'string') throw new Error(`station did not start: ${m.failed}`);
    return m.ready as { port: number; token: string; url: string } | undefined;
  });
  child.send({ start });
  return {
    ready,
    cpuMs(): Promise<number> {
      const answer = next((m) => (typeof m.cpuMs === 'number' ? m.cpuMs : undefined));
      child.send('cpu');
      return answer;
    },
    close(): Promise<void> {
      if (child.exitCode !== null) return Promise.resolve();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('close');
      return exited;
    },
  };
}

/** A practice web station set up over the socket, as a timer would: race, events, guns. */
export async function startWebBench(): Promise<WebBench> {
  const dir = await mkdtemp(path.join(tmpdir(), 'chute-bench-web-'));
  // The real renderer, as `npm start` serves it, for the browser figures.
  const rendererDir = buildRenderer();
  for (const f of ['index.html', 'styles.css']) {
    copyFileSync(path.join(root, 'src-renderer', f), path.join(rendererDir, f));
  }
  const race = createPracticeRace(PRACTICE_SEED, PRACTICE_SIZE);
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed: PRACTICE_SEED, race });
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const station = stationProcess({
    dataDir,
    rendererDir,
    practiceSeed: PRACTICE_SEED,
    emulator: { url: emulator.url, practice: emulator.practice },
  });
  const cleanup = async () => {
    await station.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
    await rm(rendererDir, { recursive: true, force: true });
  };
  try {
    const { port, token, url } = await station.ready;
    const client = await openWireClient(port, token);
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
      url,
      client,
      stationCpuMs: () => station.cpuMs(),
      bibs,
      taps: 0,
      nextBib: 0,
      async close() {
        await client.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
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
  /** Tap sent -> the `rows` event carrying its row arrived: the row on a delta screen. */
  tapAndRows: Summary;
  /** Tap answered, then a snapshot (limit 1000) answered: the row on a reloading screen. */
  tapAndSnapshot: Summary;
}

export async function measureWsLatency(
  bench: WebBench,
  count: number,
  warmup: number,
): Promise<WsLatencyResult> {
  const tap: number[] = [];
  const rows: number[] = [];
  const screen: number[] = [];
  const rowAt = new Map<number, number>();
  bench.client.onEvent((event) => {
    if (event.type !== 'rows') return;
    const at = performance.now();
    for (const c of event.crossings) if (!rowAt.has(c.tapSeq)) rowAt.set(c.tapSeq, at);
  });
  try {
    for (let i = 0; i < count + warmup; i++) {
      const sent = performance.now();
      const answer = await bench.client.command(tapBody(bench));
      const seq = commandOk(answer);
      const snap = await bench.client.query({ type: 'snapshot', limit: 1000 });
      if (!snap.ok) throw new Error(`snapshot failed: ${snap.error}`);
      const shown = rowAt.get(seq);
      if (shown === undefined) throw new Error(`tap ${seq} came with no rows event`);
      if (i >= warmup) {
        tap.push(answer.at - sent);
        rows.push(shown - sent);
        screen.push(snap.at - sent);
      }
    }
  } finally {
    bench.client.onEvent(null);
  }
  return { tap: summarize(tap), tapAndRows: summarize(rows), tapAndSnapshot: summarize(screen) };
}

/** Taps one at a time until the station holds `crossings` (a screenful of history). */
export async function preload(bench: WebBench, crossings: number): Promise<number> {
  const snap = await bench.client.query({ type: 'snapshot', limit: 1 });
  let have = (snap.result as { journalLength?: number } | undefined)?.journalLength ?? 0;
  for (; have < crossings; have++) commandOk(await bench.client.command(tapBody(bench)));
  return have;
}

/**
 * How the screen beside a sustained run keeps its rows. `rows`: as the renderer does, applying
 * the station's `rows` events and reloading a snapshot only when told (a change it did not get
 * as rows, a gap). `snapshot`: reloading the whole snapshot after every change and every move of
 * the sync queue, as the renderer did before the station sent rows.
 */
export type ScreenMode = 'rows' | 'snapshot';

/** A screen of `limit` rows on the bench's socket, reloads coalesced as the renderer's are. */
function benchScreen(client: WireClient, mode: ScreenMode, limit: number) {
  let rows: CrossingView[] = [];
  let cursor: DeltaCursor | null = null;
  let early: Array<Extract<StationEvent, { type: 'rows' }>> = [];
  let announced: DeltaCursor | null = null;
  let loading = false;
  let again = false;
  let stopped = false;
  const loads: Array<{ sentAt: number; latency: number }> = [];
  let applied = 0;
  const reload = async (): Promise<void> => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    do {
      again = false;
      const sentAt = performance.now();
      const answer = await client.query({ type: 'snapshot', limit });
      loads.push({ sentAt, latency: answer.at - sentAt });
      const snap = answer.result as Snapshot;
      rows = orderCrossings(snap.crossings);
      cursor = snap.delta ?? null;
      for (const e of early) {
        const step = rowsStep(cursor, e.delta);
        if (step === 'reload') again = true;
        if (step !== 'apply') continue;
        rows = mergeRows(rows, e.crossings, limit);
        cursor = e.delta;
      }
      if (announced && changedStep(cursor, announced) === 'reload') again = true;
      early = [];
      announced = null;
    } while (again && !stopped);
    loading = false;
  };
  client.onEvent((event) => {
    if (stopped) return;
    if (mode === 'snapshot') {
      if (event.type === 'changed' || event.type === 'sync') void reload();
      return;
    }
    if (event.type === 'rows') {
      if (loading) early.push(event);
      else {
        const step = rowsStep(cursor, event.delta);
        if (step === 'apply') {
          rows = mergeRows(rows, event.crossings, limit);
          cursor = event.delta;
          applied += 1;
        } else if (step === 'reload') void reload();
      }
    } else if (event.type === 'changed') {
      if (loading && event.delta) announced = event.delta;
      else if (changedStep(cursor, event.delta) === 'reload') void reload();
    }
  });
  return {
    start: reload,
    stop() {
      stopped = true;
      client.onEvent(null);
    },
    shown: () => rows.length,
    loads: () => loads,
    applied: () => applied,
  };
}

export interface SustainedResult {
  screen: ScreenMode;
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
  /** Snapshots the screen loaded, and `rows` events it applied instead. */
  screenReloads: number;
  rowsApplied: number;
  /** Rows on the screen at the end. */
  rowsShown: number;
  /** Bib-first taps sent so far (all WebSocket runs) and runners available for them. */
  bibFirstTaps: number;
  runners: number;
  /**
   * The STATION process's CPU per wall second over the whole run, and per tap: what a laptop at
   * the line pays (the practice RunSignup and this client run in another process).
   */
  stationCpuMsPerS: number;
  stationCpuMsPerTap: number;
  /** The same in the first and last window: more CPU means our own work grew. */
  cpuFirstMsPerS: number;
  cpuLastMsPerS: number;
  /** Per-second p99 of the tap latency, for a look at spikes versus a trend. */
  p99BySecond: number[];
  /** The screen's snapshot send -> answer, p50 in the first and last window. */
  snapshotFirstP50: number;
  snapshotLastP50: number;
  journalLength: number;
}

/**
 * `rate` taps a second for `seconds`, each sent at its precomputed time; latency is answer
 * minus TARGET time. A screen of `screenRows` rows runs beside it (see ScreenMode), so the
 * station carries a screen's load.
 */
export async function measureSustained(
  bench: WebBench,
  rate: number,
  seconds: number,
  mode: ScreenMode,
  screenRows = 1000,
): Promise<SustainedResult> {
  const samples: Array<{ targetOffsetMs: number; latency: number }> = [];
  const pending: Array<Promise<void>> = [];
  let failures = 0;
  let maxFireLag = 0;
  const screen = benchScreen(bench.client, mode, screenRows);
  await screen.start();
  let start = 0;
  // The station's CPU time at the start of every second of the run (asked, answered later).
  const cpuAt: Array<Promise<number>> = [];
  const cpuAsked: number[] = [];
  const askCpu = (): void => {
    cpuAsked.push(performance.now());
    cpuAt.push(bench.stationCpuMs());
  };
  try {
    const run = await runPaced({
      ratePerSecond: rate,
      count: tickCount(rate, seconds),
      now: () => performance.now(),
      fire: (i, target) => {
        if (i === 0) start = target;
        if (i % rate === 0) askCpu();
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
    askCpu();
  } finally {
    screen.stop();
  }
  const cpu = await Promise.all(cpuAt);
  const durationMs = seconds * 1000;
  const windowMs = Math.min(10_000, durationMs / 3);
  const head = window(samples, 0, windowMs).map((s) => s.latency);
  const tail = window(samples, durationMs - windowMs, durationMs).map((s) => s.latency);
  const first10s = summarize(head);
  const last10s = summarize(tail);
  const windowS = Math.round(windowMs / 1000);
  const cpuRate = (from: number, to: number): number =>
    ((cpu[to] ?? Number.NaN) - (cpu[from] ?? Number.NaN)) / (to - from);
  const p99BySecond: number[] = [];
  for (let sec = 0; sec < seconds; sec++) {
    const xs = window(samples, sec * 1000, (sec + 1) * 1000).map((x) => x.latency);
    p99BySecond.push(xs.length > 0 ? Math.round(summarize(xs).p99 * 10) / 10 : Number.NaN);
  }
  const loads = screen
    .loads()
    .map((l) => ({ targetOffsetMs: l.sentAt - start, latency: l.latency }));
  const snapP50 = (from: number, to: number): number => {
    const xs = window(loads, from, to).map((s) => s.latency);
    return xs.length > 0 ? summarize(xs).p50 : Number.NaN;
  };
  const snap = await bench.client.query({ type: 'snapshot', limit: 1 });
  const journalLength = (snap.result as { journalLength?: number } | undefined)?.journalLength ?? 0;
  const totalCpu = (cpu.at(-1) ?? Number.NaN) - (cpu[0] ?? Number.NaN);
  return {
    screen: mode,
    taps: samples.length,
    failures,
    windowSeconds: windowMs / 1000,
    first10s,
    last10s,
    growth: last10s.p99 / first10s.p99,
    maxFireLagMs: maxFireLag,
    screenReloads: loads.length,
    rowsApplied: screen.applied(),
    rowsShown: screen.shown(),
    bibFirstTaps: bench.nextBib,
    runners: bench.bibs.length,
    stationCpuMsPerS: totalCpu / (((cpuAsked.at(-1) ?? 0) - (cpuAsked[0] ?? 0)) / 1000),
    stationCpuMsPerTap: totalCpu / samples.length,
    cpuFirstMsPerS: cpuRate(0, windowS),
    cpuLastMsPerS: cpuRate(seconds - windowS, seconds),
    p99BySecond,
    snapshotFirstP50: snapP50(0, windowMs),
    snapshotLastP50: snapP50(durationMs - windowMs, durationMs),
    journalLength,
  };
}
