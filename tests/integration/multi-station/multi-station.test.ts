// Stations sharing one race: a finish station and two split stations, SEPARATE databases in
// SEPARATE processes, against ONE emulator here in the parent. Each station is offline for a
// while (its RunSignup calls fail like a refused connection), all three capture and post 300
// runners concurrently, the finish station's gun is set while it is offline and reaches the
// split stations through the start-time call. At the end RunSignup has every field of every
// station, and nothing was erased by a blank.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPracticeRace,
  startEmulator,
  type RunningEmulator,
} from '../../../src-main/runsignup/emulator';
import type { StationRole } from '../../../src-shared/domain';
import { formatCompact } from '../../../src-shared/time';
import type { FromChild, ToChild } from './station-child';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'station-child.ts');
const RUNNERS = 300;

interface Station {
  name: string;
  child: ChildProcess;
  ask(message: ToChild, expect: FromChild['op']): Promise<FromChild>;
  stderr: string[];
}

function startStation(name: string): Station {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(String(d)));
  const inbox: FromChild[] = [];
  const waiters: Array<() => void> = [];
  child.on('message', (m: FromChild) => {
    inbox.push(m);
    for (const w of waiters.splice(0)) w();
  });
  child.on('exit', () => {
    for (const w of waiters.splice(0)) w();
  });
  return {
    name,
    child,
    stderr,
    async ask(message, expected) {
      child.send(message);
      for (;;) {
        const error = inbox.find((m) => m.op === 'error');
        if (error && error.op === 'error') throw new Error(`${name}: ${error.message}`);
        const i = inbox.findIndex((m) => m.op === expected);
        if (i >= 0) return inbox.splice(i, 1)[0]!;
        if (child.exitCode !== null) {
          throw new Error(`${name} exited (${child.exitCode}): ${stderr.join('').slice(-2000)}`);
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

describe('a finish station and two split stations on one race', () => {
  let dir: string;
  let emulator: RunningEmulator;
  const stations: Station[] = [];

  afterAll(async () => {
    for (const s of stations) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ends with every field of every station on RunSignup, none erased by a blank', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'chute-3stations-'));
    const race = createPracticeRace(21, { fiveK: 5, tenK: RUNNERS + 20 });
    emulator = await startEmulator({ race });
    const event = race.events.find((e) => e.resultSets[0]!.splits.length >= 2)!;
    const set = event.resultSets[0]!;
    const mid = set.splits[0]!;
    const late = set.splits[1]!;
    const runners = race.participants
      .filter((p) => p.eventId === event.eventId && p.bib !== null)
      .slice(0, RUNNERS);
    expect(runners).toHaveLength(RUNNERS);

    // Whole tenths after a whole-second gun: every expected time is exact.
    const gun = Math.floor((Date.now() - 2 * 3_600_000) / 1_000) * 1_000;
    const times = runners.map((r, i) => ({
      bib: r.bib!,
      mid: 20 * 60_000 + i * 1_000 + (i % 10) * 100,
      late: 40 * 60_000 + i * 1_100 + (i % 7) * 100,
      finish: 60 * 60_000 + i * 1_200 + (i % 3) * 100,
    }));
    const roles: Array<[string, StationRole, (t: (typeof times)[number]) => number]> = [
      ['finish', { kind: 'finish' }, (t) => t.finish],
      [
        'split-5k',
        { kind: 'split', name: '5K', splits: [{ eventId: event.eventId, splitId: mid.splitId }] },
        (t) => t.mid,
      ],
      [
        'split-8k',
        { kind: 'split', name: '8K', splits: [{ eventId: event.eventId, splitId: late.splitId }] },
        (t) => t.late,
      ],
    ];
    const { apiKey, apiSecret, callerToken, callerSecret } = emulator.practice.credentials;
    for (const [name, role] of roles) {
      const station = startStation(name);
      stations.push(station);
      await station.ask(
        {
          op: 'open',
          dataDir: path.join(dir, name),
          url: emulator.url,
          apiKey,
          apiSecret,
          callerToken,
          callerSecret,
          raceId: race.raceId,
          eventId: event.eventId,
          resultSetId: set.resultSetId,
          role,
        },
        'ready',
      );
    }

    // All three capture at once. The finish station is offline from the start (its gun is set
    // offline and must still reach the others), the 5K split in the middle, the 8K split at the end.
    const offline: Array<[number, number]> = [
      [0, 120],
      [100, 200],
      [220, RUNNERS],
    ];
    const ran = await Promise.all(
      roles.map(([, role, at], i) =>
        stations[i]!.ask(
          {
            op: 'run',
            gun: role.kind === 'finish' ? gun : null,
            taps: times.map((t) => ({ at: gun + at(t), bib: t.bib })),
            offlineFrom: offline[i]![0],
            offlineTo: offline[i]![1],
          },
          'ran',
        ),
      ),
    );
    // Each station really was cut off (its calls failed) for a while.
    for (const r of ran) expect(r.op === 'ran' && r.offlineFailures).toBeGreaterThan(0);

    const drained = await Promise.all(stations.map((s) => s.ask({ op: 'drain' }, 'drained')));
    for (const d of drained)
      expect(d).toEqual({ op: 'drained', pending: 0, attention: 0, gunAt: gun });

    // RunSignup has every station's field for every runner, at the right time.
    const rows = new Map(emulator.results(set.resultSetId).map((r) => [Number(r.bib), r]));
    const missing: string[] = [];
    for (const t of times) {
      const row = rows.get(t.bib);
      // Finish times grow with i, so the places are 1..300 in that order.
      if (String(row?.place) !== String(times.indexOf(t) + 1)) {
        missing.push(`${t.bib} place: ${String(row?.place)} != ${times.indexOf(t) + 1}`);
      }
      const want: Array<[string, number]> = [
        ['clock_time', t.finish],
        [`split-${mid.splitId}`, t.mid],
        [`split-${late.splitId}`, t.late],
      ];
      for (const [field, ms] of want) {
        if (row?.[field] !== formatCompact(ms, 1)) {
          missing.push(`${t.bib} ${field}: ${String(row?.[field])} != ${formatCompact(ms, 1)}`);
        }
      }
    }
    expect(missing.slice(0, 10)).toEqual([]);

    // Every posted row carried the fields of ONE station (the finish station's clock time and
    // place, or one split) and never a blank: no station could erase another's field.
    const stationFields = [
      new Set(['clock_time', 'place']),
      new Set([`split-${mid.splitId}`]),
      new Set([`split-${late.splitId}`]),
    ];
    let posted = 0;
    for (const entry of emulator.log) {
      for (const row of entry.posted ?? []) {
        posted += 1;
        const fields = Object.keys(row).filter((k) => k !== 'bib');
        const owner = stationFields.filter((set) => fields.every((f) => set.has(f)));
        expect(fields.length > 0 && owner.length === 1, JSON.stringify(row)).toBe(true);
        for (const f of fields) expect(row[f] ?? '', JSON.stringify(row)).not.toBe('');
      }
    }
    expect(posted).toBeGreaterThanOrEqual(3 * RUNNERS);
    // The gun reached RunSignup from the finish station (set while it was offline).
    const gunPosts = emulator.log.filter(
      (e) => e.method === 'POST' && e.path.endsWith('/results/start-time') && e.status === 200,
    );
    expect(gunPosts.length).toBeGreaterThanOrEqual(1);

    await Promise.all(stations.map((s) => s.ask({ op: 'close' }, 'closed')));
  }, 60_000);
});
