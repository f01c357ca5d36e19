// Whole-station crash torture: the web station process (service, sync loop, web host) is
// SIGKILLed at random moments while a WebSocket client taps and corrects through it, then
// restarted on the same data folder, against an emulator running HERE so RunSignup survives
// every kill. At the end: every acknowledged entry is in the journal once, RunSignup shows
// exactly what the station wants, and the station's own read-back verified every runner.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Snapshot, type Command } from '../../src-shared/station-api';
import { DATABASE_FILE } from '../../src-main/app/compose';
import { openDatabase } from '../../src-main/db';
import { createOutboxStore } from '../../src-main/core/store/outbox-store';
import { startEmulator } from '../../src-main/runsignup/emulator';
import { createPracticeRace } from '../../src-main/runsignup/emulator/practice-race';
import { createRng, randInt } from '../../src-main/runsignup/emulator/prng';
import { compareResults } from '../integration/sync/support';
import { openSocket, request, type TestSocket } from '../integration/web/support';
import { bundleChild } from './torture-lib';
import { READ_BACK_CLEARS_IN } from '../support/outbox-policy';

export interface StationTortureOptions {
  cycles: number;
  seed?: number;
  /** Kill 100..this many ms after the station is connected (taps and corrections meanwhile). */
  maxKillDelayMs?: number;
  log?: (line: string) => void;
}

export interface StationTortureReport {
  cycles: number;
  kills: number;
  /** Commands the station answered ok (each one a journal entry it promised to keep). */
  acknowledged: number;
  lost: number;
  duplicated: number;
  mismatches: number;
  compared: number;
  /** Runners the station's own audit read back equal on RunSignup at the end. */
  verified: number;
  failures: string[];
}

const RACE_SEED = 9;
const SIZE = { fiveK: 80, tenK: 60 };
/** About 50 commands a second: a finish rush, and room for several cycles before the field is in. */
const TAP_INTERVAL_MS = 20;

interface Child {
  process: ChildProcess;
  ready: Promise<{ port: number; token: string }>;
  closed: Promise<void>;
  stderr: () => string;
}

function startChild(script: string, dataDir: string): Child {
  const child = spawn(process.execPath, [script, '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr += d;
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const ready = new Promise<{ port: number; token: string }>((resolve, reject) => {
    const watchdog = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the station did not start within 30 s: ${stderr.slice(-500)}`));
    }, 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [tag, port, token] = line.split(' ');
      if (tag === 'READY' && port && token) {
        clearTimeout(watchdog);
        resolve({ port: Number(port), token });
      }
    });
    void closed.then(() => {
      clearTimeout(watchdog);
      reject(new Error(`the station exited before it was ready: ${stderr.slice(-500)}`));
    });
  });
  return { process: child, ready, closed, stderr: () => stderr };
}

/** Per socket, one promise resolving null once it closed (the station was killed). */
const closings = new WeakMap<TestSocket, Promise<null>>();
function closedOf(socket: TestSocket): Promise<null> {
  let closed = closings.get(socket);
  if (!closed) {
    closed = new Promise<null>((resolve) => {
      if (socket.ws.readyState !== socket.ws.OPEN) resolve(null);
      socket.ws.once('close', () => resolve(null));
    });
    closings.set(socket, closed);
  }
  return closed;
}

/** A command's answer, or null when the socket closed first (the station was killed). */
async function command(
  socket: TestSocket,
  body: Command,
): Promise<{ ok: boolean; seq: number | null; error?: string } | null> {
  const answer = await Promise.race([request(socket, { kind: 'command', body }), closedOf(socket)]);
  if (!answer || !('ok' in answer) || !answer.ok) return answer ? { ok: false, seq: null } : null;
  const result = (answer as { result: { ok: boolean; seq?: number | null; error?: string } })
    .result;
  return {
    ok: result.ok,
    seq: result.seq ?? null,
    ...(result.error ? { error: result.error } : {}),
  };
}

async function snapshot(socket: TestSocket): Promise<Snapshot> {
  const answer = await request(socket, { kind: 'query', body: { type: 'snapshot', limit: 1 } });
  return Snapshot.parse((answer as { result: unknown }).result);
}

export async function runStationTorture(
  options: StationTortureOptions,
): Promise<StationTortureReport> {
  const log = options.log ?? (() => {});
  const rng = createRng(options.seed ?? 1);
  const maxKill = options.maxKillDelayMs ?? 1_500;
  const race = createPracticeRace(RACE_SEED, SIZE);
  const emu = await startEmulator({ seed: RACE_SEED, race });
  const dir = mkdtempSync(join(tmpdir(), 'chute-station-torture-'));
  const dataDir = join(dir, 'data');
  const script = await bundleChild('station-torture-child.ts');
  const report: StationTortureReport = {
    cycles: 0,
    kills: 0,
    acknowledged: 0,
    lost: 0,
    duplicated: 0,
    mismatches: 0,
    compared: 0,
    verified: 0,
    failures: [],
  };
  const acked = new Map<number, string>();
  const taps: Array<{ seq: number; at: number }> = [];
  const bibs = race.participants.flatMap((p) => (p.bib === null ? [] : [p.bib]));
  const gun = Date.now() - 60 * 60_000;
  let nextBib = 0;
  const { apiKey, apiSecret, callerToken, callerSecret } = emu.practice.credentials;
  const connect: Command = {
    type: 'connect',
    connection: {
      auth: 'api-key',
      baseUrl: emu.url,
      apiKey,
      apiSecret,
      callerToken,
      callerSecret,
    },
  };
  const expectOk = (what: string, r: Awaited<ReturnType<typeof command>>) => {
    if (!r?.ok) throw new Error(`${what} failed: ${r?.error ?? 'no answer'}`);
    return r;
  };
  try {
    for (let cycle = 0; cycle <= options.cycles; cycle++) {
      const final = cycle === options.cycles;
      const child = startChild(script, dataDir);
      const { port, token } = await child.ready;
      const socket = await openSocket({ port, token });
      expectOk('connect', await command(socket, connect));
      if (cycle === 0) {
        expectOk(
          'configure',
          await command(socket, {
            type: 'configure',
            raceId: race.raceId,
            eventIds: race.events.map((e) => e.eventId),
            role: { kind: 'finish' },
            stationName: 'Finish',
          }),
        );
        for (const e of race.events) {
          const r = expectOk(
            'gun',
            await command(socket, { type: 'gun', eventId: e.eventId, at: gun }),
          );
          if (r.seq !== null) acked.set(r.seq, 'gun');
        }
      }
      if (final) {
        // Every runner on RunSignup and read back equal by the station's own audit.
        const end = Date.now() + 90_000;
        for (;;) {
          const s = (await snapshot(socket)).sync;
          const r = s.runners;
          if (
            s.pending === 0 &&
            s.attention === 0 &&
            r &&
            r.saved + r.sending + r.sent + r.conflict === 0
          ) {
            report.verified = r.verified;
            break;
          }
          if (Date.now() > end) {
            report.failures.push(
              `the final station never verified everything: ${JSON.stringify(s)}`,
            );
            break;
          }
          await new Promise((res) => setTimeout(res, 200));
        }
        socket.ws.close();
        child.process.kill('SIGTERM');
        await child.closed;
        break;
      }
      // Taps and corrections until the kill, each acknowledged entry remembered.
      const killIn = randInt(rng, 100, maxKill);
      const killer = setTimeout(() => {
        child.process.kill('SIGKILL');
        report.kills += 1;
      }, killIn);
      for (;;) {
        // Paced like a busy finish line, so a fast machine does not finish the field in the
        // first cycle; once every bib has crossed, only corrections follow.
        await new Promise((res) => setTimeout(res, TAP_INTERVAL_MS));
        const correct = taps.length > 0 && (nextBib >= bibs.length || rng() < 0.15);
        const body: Command = correct
          ? (() => {
              const t = taps[randInt(rng, 0, taps.length - 1)]!;
              return { type: 'adjust', tapSeq: t.seq, at: t.at - randInt(rng, 1, 9) * 100 };
            })()
          : {
              type: 'tap',
              // A screen's tap is timed now (older ones from an unmeasured screen are refused).
              at: Date.now(),
              bib: String(bibs[nextBib]),
            };
        const r = await command(socket, body);
        if (r === null) break;
        if (!r.ok || r.seq === null) {
          log(`refused: ${body.type} ${r.error ?? ''}`);
          continue;
        }
        acked.set(r.seq, body.type);
        if (body.type === 'tap') {
          taps.push({ seq: r.seq, at: body.at });
          nextBib += 1;
        }
      }
      clearTimeout(killer);
      await child.closed;
      report.cycles += 1;
      log(`cycle ${cycle}: killed after ${killIn} ms, ${acked.size} acknowledged so far`);
    }

    // The station file, read directly now that no station holds it.
    const db = openDatabase(join(dataDir, DATABASE_FILE));
    try {
      const rows = db
        .prepare<[], { seq: number; kind: string }>('SELECT seq, kind FROM journal')
        .all();
      const seen = new Map<number, number>();
      for (const r of rows) seen.set(r.seq, (seen.get(r.seq) ?? 0) + 1);
      const kinds = new Map(rows.map((r) => [r.seq, r.kind]));
      for (const [seq, kind] of acked) if (kinds.get(seq) !== kind) report.lost += 1;
      for (const n of seen.values()) if (n > 1) report.duplicated += n - 1;
      const states = createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN }).allStates();
      for (const e of race.events) {
        const rs = e.resultSets[0]!.resultSetId;
        const verdict = compareResults(emu.results(rs), states, rs);
        report.mismatches += verdict.mismatches.length;
        report.duplicated += verdict.duplicates.length;
        report.compared += verdict.compared;
      }
    } finally {
      db.close();
    }
    report.acknowledged = acked.size;
  } catch (error) {
    report.failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(script, { force: true });
  }
  return report;
}

/** Whether a whole-station torture run failed: anything lost, doubled or different, or nothing checked. */
export function stationTortureFailed(r: StationTortureReport): boolean {
  return (
    r.failures.length > 0 ||
    r.lost > 0 ||
    r.duplicated > 0 ||
    r.mismatches > 0 ||
    r.acknowledged === 0 ||
    r.compared === 0 ||
    r.verified === 0
  );
}
