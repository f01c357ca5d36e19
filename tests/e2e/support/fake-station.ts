// An in-browser fake of the station, installed as `window.chute` (the Electron preload bridge
// shape) so the renderer can be looked at and driven before the real web host exists. Test
// support only, never shipped. It keeps a tiny journal and derives the screen's views from it
// with simple rules (the real projection lives in src-main/core); good enough to exercise every
// screen, not a reference for results.
import type { PreloadBridge } from '../../../src-shared/wire';
import {
  Command,
  Query,
  type CommandResult,
  type CrossingView,
  type Snapshot,
  type Warning,
} from '../../../src-shared/station-api';
import type { StationConfig } from '../../../src-shared/domain';

interface Tap {
  seq: number;
  at: number;
  bib: number | null;
  unreadable: boolean;
  voided: boolean;
}

const PEOPLE: Array<[number, string, string, number]> = [
  [101, 'Ada', 'Lovelace', 1],
  [102, 'Grace', 'Hopper', 1],
  [103, 'Alan', 'Turing', 1],
  [104, 'Edsger', 'Dijkstra', 1],
  [105, 'Barbara', 'Liskov', 1],
  [201, 'Donald', 'Knuth', 2],
  [202, 'Frances', 'Allen', 2],
  [203, 'Ken', 'Thompson', 2],
];

export interface FakeControls {
  /** A gun read from RunSignup (another station's), as a split station would see it change. */
  remoteGun(eventId: number, at: number): void;
}

export function createFakeStation(options: {
  configured: boolean;
  now?: () => number;
}): PreloadBridge & FakeControls {
  const now = options.now ?? (() => Date.now());
  const listeners = new Set<(e: unknown) => void>();
  const journal: Array<{ seq: number; recordedAt: number; kind: string; summary: string }> = [];
  const taps: Tap[] = [];
  const guns = new Map<number, number>();
  const gunSources = new Map<number, 'local' | 'runsignup'>();
  // Bibs typed in order (`order`) still waiting for a time-only crossing, oldest first.
  const waiting: number[] = [];
  let offsetMs = 0;
  let clock: Snapshot['clock'] = {
    offsetMs: 120,
    uncertaintyMs: 35,
    measuredAt: now(),
    warning: null,
  };
  const statuses = new Map<number, string>();
  let config: StationConfig | null = options.configured
    ? {
        stationId: 'fake',
        stationName: 'Finish A',
        mode: 'practice',
        raceId: 7,
        raceName: 'Practice River Run',
        events: [
          { eventId: 1, name: '5K', resultSetId: 11, scheduledStart: null },
          { eventId: 2, name: '10K', resultSetId: 21, scheduledStart: null },
        ],
        role: { kind: 'finish' },
        precision: 1,
      }
    : null;
  let connected = options.configured;

  const person = (bib: number | null) => PEOPLE.find((p) => p[0] === bib) ?? null;
  const emit = () =>
    listeners.forEach((l) => l({ type: 'changed', journalLength: journal.length }));
  const record = (kind: string, summary: string) => {
    const seq = journal.length + 1;
    journal.push({ seq, recordedAt: now(), kind, summary });
    return seq;
  };
  const fmt = (ms: number) => {
    const t = Math.ceil(ms / 100) / 10;
    const h = Math.floor(t / 3600);
    const m = Math.floor((t % 3600) / 60);
    const s = (t % 60).toFixed(1).padStart(4, '0');
    return `${h}:${String(m).padStart(2, '0')}:${s}`;
  };

  const crossings = (): CrossingView[] => {
    const live = taps.filter((t) => !t.voided).sort((a, b) => a.at - b.at || a.seq - b.seq);
    const seen = new Set<number>();
    const places = new Map<number, number>();
    return live.map((t) => {
      const p = person(t.bib);
      const flags: Warning['code'][] = [];
      if (t.bib !== null && !p) flags.push('unknown-bib');
      if (t.bib !== null && seen.has(t.bib)) flags.push('already-recorded');
      if (t.unreadable && t.bib === null) flags.push('unreadable');
      const eventId = p ? p[3] : null;
      const gun = eventId !== null ? (guns.get(eventId) ?? null) : null;
      if (eventId !== null && gun === null) flags.push('no-gun');
      const status = t.bib !== null ? (statuses.get(t.bib) ?? null) : null;
      let place: number | null = null;
      if (p && eventId !== null && !flags.includes('already-recorded') && !status) {
        place = (places.get(eventId) ?? 0) + 1;
        places.set(eventId, place);
      }
      if (t.bib !== null) seen.add(t.bib);
      return {
        tapSeq: t.seq,
        at: t.at,
        bib: t.bib,
        unreadable: t.unreadable,
        name: p ? `${p[1]} ${p[2]}` : null,
        eventId,
        eventName:
          eventId === null
            ? null
            : (config?.events.find((e) => e.eventId === eventId)?.name ?? null),
        place,
        time: gun !== null && t.at >= gun ? fmt(t.at - gun) : null,
        status: (status as CrossingView['status']) ?? null,
        flags,
        sync: t.seq % 5 === 0 ? 'attention' : t.bib !== null && p ? 'sent' : 'unposted',
        syncReason: t.seq % 5 === 0 ? 'Bib number invalid (error 115)' : null,
      };
    });
  };

  const snapshot = (): Snapshot => {
    const rows = crossings();
    return {
      mode: config ? 'practice' : 'setup',
      config,
      guns: (config?.events ?? []).map((e) => ({
        eventId: e.eventId,
        at: guns.get(e.eventId) ?? null,
        source: gunSources.get(e.eventId) ?? 'local',
      })),
      waitingBibs: [...waiting],
      attention: [
        ...rows
          .filter((r) => r.sync === 'attention' && r.bib !== null)
          .map((r) => ({
            bib: r.bib!,
            eventId: r.eventId ?? 1,
            field: 'clock_time',
            value: r.time ?? '',
            reason: r.syncReason ?? 'rejected',
          })),
        // A status for a bib that never crossed: a status-only row RunSignup refused.
        ...[...statuses]
          .filter(([b]) => !rows.some((r) => r.bib === b))
          .map(([b, status]) => ({
            bib: b,
            eventId: person(b)?.[3] ?? 1,
            field: 'clock_time',
            value: status,
            reason: 'No result row for this bib yet (error 201)',
          })),
      ],
      clock,
      offsetMs,
      crossings: rows,
      sync: {
        online: true,
        pending: rows.filter((r) => r.sync === 'unposted').length,
        inFlight: 0,
        attention:
          rows.filter((r) => r.sync === 'attention').length +
          [...statuses.keys()].filter((b) => !rows.some((r) => r.bib === b)).length,
        lastSuccessAt: now() - 4000,
        lastError: null,
        nextRetryAt: null,
        stalled: null,
      },
      journalLength: journal.length,
    };
  };

  const warningsFor = (bib: number | null): Warning[] => {
    const w: Warning[] = [];
    if (bib === null) return w;
    const p = person(bib);
    if (!p) w.push({ code: 'unknown-bib', message: `Bib ${bib} is not registered` });
    else if (!guns.has(p[3])) w.push({ code: 'no-gun', message: 'No gun for this event yet' });
    if (taps.some((t) => !t.voided && t.bib === bib)) {
      w.push({ code: 'already-recorded', message: `Bib ${bib} already finished` });
    }
    return w;
  };

  const tapBySeq = (seq: number) => taps.find((t) => t.seq === seq);
  const inOrder = () => taps.filter((t) => !t.voided).sort((a, b) => a.at - b.at || a.seq - b.seq);
  const oldestTimeOnly = () => inOrder().find((t) => t.bib === null && !t.unreadable) ?? null;

  /** The shift rule of domain.ts: the end the block opens up must be time-only. */
  const shift = (from: number, to: number, direction: 'earlier' | 'later'): string | null => {
    const line = inOrder();
    const i = line.findIndex((t) => t.seq === from);
    const j = line.findIndex((t) => t.seq === to);
    if (i === -1 || j === -1 || j <= i) return `No block from #${from} to #${to}`;
    const block = line.slice(i, j + 1);
    if (direction === 'later') {
      if (block[block.length - 1]!.bib !== null) {
        return `Crossing #${to} has bib ${block[block.length - 1]!.bib}: shifting later would lose it`;
      }
      for (let k = block.length - 1; k > 0; k--) block[k]!.bib = block[k - 1]!.bib;
      block[0]!.bib = null;
    } else {
      if (block[0]!.bib !== null) {
        return `Crossing #${from} has bib ${block[0]!.bib}: shifting earlier would lose it`;
      }
      for (let k = 0; k < block.length - 1; k++) block[k]!.bib = block[k + 1]!.bib;
      block[block.length - 1]!.bib = null;
    }
    return null;
  };

  const execute = (c: Command): CommandResult => {
    switch (c.type) {
      case 'tap': {
        const bib = c.bib ? Number(c.bib) : null;
        const warnings = warningsFor(bib);
        const seq = record(
          'tap',
          bib === null ? (c.unreadable ? 'unreadable bib' : 'time only') : `bib ${bib}`,
        );
        // A time-only crossing takes the oldest bib waiting in order.
        const fill = bib === null && !c.unreadable ? (waiting.shift() ?? null) : null;
        taps.push({
          seq,
          at: c.at,
          bib: bib ?? fill,
          unreadable: c.unreadable ?? false,
          voided: false,
        });
        return { ok: true, seq, warnings };
      }
      case 'order': {
        const bib = Number(c.bib);
        const warnings = warningsFor(bib);
        const target = oldestTimeOnly();
        if (target) target.bib = bib;
        else waiting.push(bib);
        return { ok: true, seq: record('order', `bib ${bib} in order`), warnings };
      }
      case 'shift': {
        const refused = shift(c.fromTapSeq, c.toTapSeq, c.direction);
        if (refused) return { ok: false, error: refused };
        return {
          ok: true,
          seq: record('shift', `#${c.fromTapSeq}..#${c.toTapSeq} ${c.direction}`),
          warnings: [],
        };
      }
      case 'measureClock':
        clock = { offsetMs: 730, uncertaintyMs: 40, measuredAt: now(), warning: null };
        return { ok: true, seq: null, warnings: [] };
      case 'offset':
        offsetMs = c.ms;
        return { ok: true, seq: record('offset', `offset ${c.ms} ms`), warnings: [] };
      case 'assign': {
        const t = tapBySeq(c.tapSeq);
        if (!t) return { ok: false, error: `No crossing #${c.tapSeq}` };
        const bib = c.bib === null ? null : Number(c.bib);
        const warnings = warningsFor(bib);
        t.bib = bib;
        return {
          ok: true,
          seq: record('assign', `#${c.tapSeq} ← bib ${c.bib ?? 'none'}`),
          warnings,
        };
      }
      case 'adjust': {
        const t = tapBySeq(c.tapSeq);
        if (!t) return { ok: false, error: `No crossing #${c.tapSeq}` };
        t.at = c.at;
        return { ok: true, seq: record('adjust', `#${c.tapSeq} time moved`), warnings: [] };
      }
      case 'void': {
        const t = tapBySeq(c.tapSeq);
        if (!t) return { ok: false, error: `No crossing #${c.tapSeq}` };
        t.voided = true;
        return { ok: true, seq: record('void', `#${c.tapSeq} voided`), warnings: [] };
      }
      case 'status':
        if (c.status) statuses.set(Number(c.bib), c.status);
        else statuses.delete(Number(c.bib));
        return {
          ok: true,
          seq: record('status', `bib ${c.bib} ${c.status ?? 'lifted'}`),
          warnings: [],
        };
      case 'clear':
        return { ok: true, seq: record('clear', `bib ${c.bib} cleared (X)`), warnings: [] };
      case 'gun':
        guns.set(c.eventId, c.at);
        gunSources.set(c.eventId, 'local');
        return { ok: true, seq: record('gun', `gun event ${c.eventId}`), warnings: [] };
      case 'undo': {
        const last = [...taps].reverse().find((t) => !t.voided);
        if (!last) return { ok: false, error: 'Nothing to undo' };
        last.voided = true;
        return { ok: true, seq: record('undo', `undo #${last.seq}`), warnings: [] };
      }
      case 'connect':
        connected = true;
        return { ok: true, seq: null, warnings: [] };
      case 'configure':
        if (!connected) return { ok: false, error: 'Connect first' };
        config = {
          stationId: 'fake',
          stationName: c.stationName,
          mode: 'practice',
          raceId: c.raceId,
          raceName: 'Practice River Run',
          events: c.eventIds.map((id) => ({
            eventId: id,
            name: id === 1 ? '5K' : '10K',
            resultSetId: id * 10 + 1,
            scheduledStart: null,
          })),
          role: c.role,
          precision: c.precision ?? 1,
        };
        listeners.forEach((l) => l({ type: 'progress', task: 'Participants', done: 8, total: 8 }));
        return { ok: true, seq: null, warnings: [] };
      default:
        return { ok: true, seq: null, warnings: [] };
    }
  };

  const answer = (q: Query): unknown => {
    switch (q.type) {
      case 'snapshot':
        return snapshot();
      case 'lookupBib': {
        const bib = Number(q.bib);
        const p = person(bib);
        return {
          bib,
          participant: p
            ? {
                registrationId: bib * 10,
                eventId: p[3],
                bib,
                chip: null,
                firstName: p[1],
                lastName: p[2],
                gender: null,
                age: null,
              }
            : null,
          eventName: p ? (p[3] === 1 ? '5K' : '10K') : null,
          warnings: warningsFor(bib),
          error: null,
        };
      }
      case 'journal':
        return [...journal]
          .reverse()
          .filter((j) => q.beforeSeq === undefined || j.seq < q.beforeSeq)
          .slice(0, q.limit);
      case 'results':
        return crossings()
          .filter((c) => c.eventId === q.eventId && c.place !== null && c.bib !== null)
          .map((c) => ({
            place: c.place,
            bib: c.bib,
            name: c.name ?? '',
            time: c.time,
            status: null,
            sync: c.sync,
          }));
      case 'exportCsv':
        return 'place,bib,name,time\n';
      case 'races':
        return [{ raceId: 7, name: 'Practice River Run', nextDate: '2026-05-17' }];
      case 'raceDetails':
        return {
          raceId: 7,
          name: 'Practice River Run',
          events: [
            {
              eventId: 1,
              name: '5K',
              startTime: '8:00',
              resultSets: [{ resultSetId: 11, name: 'Overall' }],
              splits: [{ resultSetId: 11, splitId: 111, name: 'Mile 1' }],
            },
            {
              eventId: 2,
              name: '10K',
              startTime: '8:15',
              resultSets: [
                { resultSetId: 21, name: 'Overall' },
                { resultSetId: 22, name: 'Masters' },
              ],
              splits: [{ resultSetId: 21, splitId: 211, name: 'Mile 1' }],
            },
          ],
        };
    }
  };

  return {
    remoteGun(eventId, at) {
      guns.set(eventId, at);
      gunSources.set(eventId, 'runsignup');
      record('gun', `gun event ${eventId} from RunSignup`);
      emit();
    },
    async command(body) {
      const parsed = Command.safeParse(body);
      if (!parsed.success) return { ok: false, error: 'Malformed command' };
      const result = execute(parsed.data);
      emit();
      return result;
    },
    async query(body) {
      return answer(Query.parse(body));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
