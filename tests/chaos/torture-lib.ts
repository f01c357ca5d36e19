// Crash torture (DESIGN.md §6): a child station is SIGKILLed at random moments of capture and
// sync, then restarted on the same database, against an emulator running HERE (the parent) so
// RunSignup's state survives every crash. Every entry the child reported committed must be in
// the journal after the crash; at the end, after a clean sync, RunSignup must equal the
// projection with nothing duplicated.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { openDatabase } from '../../src-main/db';
import { createJournalStore } from '../../src-main/core/store/journal-store';
import { createOutboxStore } from '../../src-main/core/store/outbox-store';
import { project } from '../../src-main/core/projection';
import { startEmulator, type RunningEmulator } from '../../src-main/runsignup/emulator';
import { createRng, randInt } from '../../src-main/runsignup/emulator/prng';
import { compareResults } from '../integration/sync/support';
import { outboxKey, tortureRace } from './torture-station';
import { READ_BACK_CLEARS_IN } from '../support/outbox-policy';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

export interface TortureOptions {
  cycles: number;
  seed?: number;
  raceSeed?: number;
  capturesPerCycle?: number;
  /** For the cycles killed by time rather than at a commit: 0..this many ms after READY. */
  maxKillDelayMs?: number;
  log?: (line: string) => void;
}

export interface TortureReport {
  cycles: number;
  /** Entries the child reported committed (printed after commit returned). */
  acknowledged: number;
  lost: number;
  /** Results shown twice for one bib on RunSignup, plus journal seqs reported twice. */
  duplicates: number;
  /** Fields where RunSignup differs from the outbox, or the outbox from the projection. */
  mismatches: number;
  /** Fields the outbox disagreed with the journal on at restart (a torn transaction). */
  drift: number;
  killedDuringCapture: number;
  /** Killed after capture, while posting what was left. */
  killedDuringSync: number;
  /** Killed with everything posted (an idle station). */
  killedIdle: number;
  childFailures: string[];
  journalLength: number;
  comparedFields: number;
}

/** Bundles a child once so each restart costs a plain `node` start, not a TypeScript compile. */
export async function bundleChild(entry = 'torture-child.ts'): Promise<string> {
  const outDir = join(ROOT, 'node_modules', '.cache', 'chute-torture');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${entry.replace(/\.ts$/, '')}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(HERE, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return outfile;
}

interface ChildRun {
  committed: Array<{ seq: number; kind: string }>;
  captureOver: boolean;
  settled: boolean;
  done: string | null;
  drift: number;
  killed: boolean;
  exitCode: number | null;
  stderr: string;
}

/** When to SIGKILL: at the n-th acknowledged commit, some ms after capture ended, or after READY. */
export type KillPlan =
  { atCommit: number } | { afterCaptureMs: number } | { afterReadyMs: number } | null;

function describePlan(plan: KillPlan): string {
  if (!plan) return 'no kill';
  if ('atCommit' in plan) return `at commit ${plan.atCommit}`;
  if ('afterCaptureMs' in plan) return `${plan.afterCaptureMs} ms after capture`;
  return `${plan.afterReadyMs} ms after start`;
}

function runChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  plan: KillPlan,
): Promise<ChildRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ChildRun = {
      committed: [],
      captureOver: false,
      settled: false,
      done: null,
      drift: 0,
      killed: false,
      exitCode: null,
      stderr: '',
    };
    let timer: NodeJS.Timeout | null = null;
    // A child that never gets READY (or a final run that never ends) must not hang the parent.
    const watchdog = setTimeout(() => {
      run.stderr += '\n[watchdog: no progress in 30 s, killed]';
      child.kill('SIGKILL');
    }, 30_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      run.stderr += d;
    });
    const killIn = (ms: number) => {
      if (timer) return;
      timer = setTimeout(() => {
        run.killed = child.kill('SIGKILL');
      }, ms);
    };
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const [tag, a, b] = line.split(' ');
      if (tag === 'C') {
        run.committed.push({ seq: Number(a), kind: b ?? '' });
        if (plan && 'atCommit' in plan && run.committed.length >= plan.atCommit) {
          run.killed = child.kill('SIGKILL');
        }
      } else if (tag === 'R') run.drift = Number(a);
      else if (tag === 'S') {
        run.captureOver = true;
        if (plan && 'afterCaptureMs' in plan) killIn(plan.afterCaptureMs);
        // A commit-indexed kill beyond the last commit: kill as capture ends instead.
        if (plan && 'atCommit' in plan) killIn(0);
      } else if (tag === 'SETTLED') run.settled = true;
      else if (tag === 'DONE') run.done = `${a} ${b}`;
      else if (tag === 'READY' && plan && 'afterReadyMs' in plan) killIn(plan.afterReadyMs);
    });
    child.on('error', reject);
    // 'close' (not 'exit'): every stdout line has been read by then.
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      clearTimeout(watchdog);
      run.exitCode = code;
      resolveRun(run);
    });
  });
}

function journalSeqs(dbPath: string): Map<number, string> {
  const db = openDatabase(dbPath);
  try {
    const rows = db
      .prepare<[], { seq: number; kind: string }>('SELECT seq, kind FROM journal')
      .all();
    return new Map(rows.map((r) => [r.seq, r.kind]));
  } finally {
    db.close();
  }
}

export async function runTorture(options: TortureOptions): Promise<TortureReport> {
  const seed = options.seed ?? 1;
  const raceSeed = options.raceSeed ?? 3;
  const captures = options.capturesPerCycle ?? 25;
  const maxKill = options.maxKillDelayMs ?? 400;
  const log = options.log ?? (() => {});
  const rng = createRng(seed);
  const script = await bundleChild();
  const dir = mkdtempSync(join(tmpdir(), 'chute-torture-'));
  const dbPath = join(dir, 'station.db');
  let emu: RunningEmulator | null = null;
  const report: TortureReport = {
    cycles: 0,
    acknowledged: 0,
    lost: 0,
    duplicates: 0,
    mismatches: 0,
    drift: 0,
    killedDuringCapture: 0,
    killedDuringSync: 0,
    killedIdle: 0,
    childFailures: [],
    journalLength: 0,
    comparedFields: 0,
  };
  try {
    emu = await startEmulator({
      seed: raceSeed,
      // Light network chaos too: answers lost after the post was saved, resets, 5xx, garbage.
      faults: {
        probability: 0.15,
        kinds: [
          'reset',
          'reset-after-apply',
          'http-500',
          'http-503',
          'truncated',
          'html',
          'latency',
        ],
        latencyMs: 20,
        seed,
      },
    });
    const creds = emu.practice.credentials;
    const env = {
      CHUTE_TORTURE_KEY: creds.apiKey,
      CHUTE_TORTURE_SECRET: creds.apiSecret,
      CHUTE_TORTURE_CALLER_TOKEN: creds.callerToken,
      CHUTE_TORTURE_CALLER_SECRET: creds.callerSecret,
    };
    const base = ['--db', dbPath, '--url', emu.url, '--race-seed', String(raceSeed)];
    const promised = new Map<number, string>();

    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      // Random points of capture (at a commit, the loop posting meanwhile), of the sync after
      // it (backlog plus injected faults), and now and then of an idle station.
      const n = randInt(rng, 1, captures);
      const r = rng();
      const plan: KillPlan =
        r < 0.6
          ? { atCommit: randInt(rng, 1, n) }
          : r < 0.9
            ? { afterCaptureMs: randInt(rng, 0, 40) }
            : { afterReadyMs: randInt(rng, 0, maxKill) };
      const run = await runChild(
        script,
        [...base, '--seed', String(seed * 100_000 + cycle), '--captures', String(n)],
        env,
        plan,
      );
      report.cycles = cycle;
      report.drift += run.drift;
      // A non-final child never exits by itself: anything but our SIGKILL is a failure.
      if (!run.killed) {
        report.childFailures.push(
          `cycle ${cycle}: exit ${run.exitCode}: ${run.stderr.slice(0, 500)}`,
        );
      } else if (run.settled) report.killedIdle += 1;
      else if (run.captureOver) report.killedDuringSync += 1;
      else report.killedDuringCapture += 1;
      for (const c of run.committed) {
        if (promised.has(c.seq)) report.duplicates += 1;
        promised.set(c.seq, c.kind);
      }
      report.acknowledged += run.committed.length;
      // The promise: every entry reported committed is in the journal after the crash.
      const journal = journalSeqs(dbPath);
      for (const [seq, kind] of promised) if (journal.get(seq) !== kind) report.lost += 1;
      log(
        `cycle ${cycle}: ${run.committed.length} committed, killed ${describePlan(plan)} ` +
          `(${run.settled ? 'idle' : run.captureOver ? 'sync' : 'capture'}), journal ${journal.size}`,
      );
    }

    // A final clean run: restart, reconcile, sync everything, exit.
    const final = await runChild(script, [...base, '--seed', '0', '--final'], env, null);
    report.drift += final.drift;
    if (final.exitCode !== 0 || final.done === null) {
      report.childFailures.push(`final: exit ${final.exitCode}: ${final.stderr.slice(0, 500)}`);
    } else if (final.done !== '0 0') {
      report.childFailures.push(`final: pending/attention left: ${final.done}`);
    }

    const race = tortureRace(raceSeed);
    const db = openDatabase(dbPath);
    try {
      const journal = createJournalStore(db);
      const outbox = createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN });
      const entries = journal.all();
      report.journalLength = entries.length;
      const projection = project(entries, race.ctx);
      const states = outbox.allStates();
      // The outbox wants exactly the projection...
      const wanted = new Map([...projection.wanted.values()].map((w) => [outboxKey(w), w.value]));
      for (const [key, value] of wanted) {
        if (states.get(key)?.wantedValue !== value) report.mismatches += 1;
      }
      for (const [key, st] of states) {
        if (!wanted.has(key) && st.wantedValue !== null && st.wantedValue !== 'X')
          report.mismatches += 1;
      }
      // ...and RunSignup shows exactly what the outbox wants, once per bib.
      for (const ev of race.config.events) {
        const verdict = compareResults(emu.results(ev.resultSetId), states, ev.resultSetId);
        report.mismatches += verdict.mismatches.length;
        report.duplicates += verdict.duplicates.length;
        report.comparedFields += verdict.compared;
        for (const m of verdict.mismatches.slice(0, 5)) log(`mismatch: ${JSON.stringify(m)}`);
      }
    } finally {
      db.close();
    }
    return report;
  } finally {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(script, { force: true });
  }
}

export function tortureFailed(r: TortureReport): boolean {
  return (
    r.lost > 0 || r.duplicates > 0 || r.mismatches > 0 || r.drift > 0 || r.childFailures.length > 0
  );
}
