// The station core: commands -> one journal row + its outbox changes in ONE transaction ->
// incremental projection -> screens. Knows nothing of Electron, HTTP or RunSignup's wire.
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import {
  Participant as ParticipantSchema,
  StationConfig,
  type JournalEntry,
  type JournalPayload,
  type Participant,
} from '../../src-shared/domain';
import {
  Command,
  Query,
  RaceDetails,
  type CommandResult,
  type CrossingView,
  type QueryResultOf,
  type ResultRow,
  type Snapshot,
  type StationEvent,
  type Warning,
  IDLE_SYNC_STATUS,
} from '../../src-shared/station-api';
import { isResultStatus } from '../../src-shared/time';
import { parseBibText } from '../../src-shared/bib';
import { describeIssues, type IssueLike } from '../../src-shared/zod-issues';
import {
  mirrorStatusOf,
  notSavedSentence,
  openDatabase,
  startRollingBackups,
  type HistoryGuard,
  type MirrorStatus,
  type RollingBackup,
} from '../db';
import {
  beforeCorrection,
  correctedTap,
  correctionRows,
  type CorrectionBefore,
} from './correction-rows';
import { isJournalCommand, MAX_FUTURE_MS, toJournalPayload } from './command-validation';
import { createJournalStore, type JournalStore } from './store/journal-store';
import {
  createOutboxStore,
  outboxRowKey,
  type OutboxChange,
  type OutboxPolicy,
  type OutboxStore,
} from './store/outbox-store';
import { createAttentionReader, reconcileChanges } from './store/outbox-review';
import {
  CROSSING_FLAG_MESSAGES,
  indexParticipants,
  planEvents,
  ProjectionState,
  type Crossing,
  type FieldChange,
  type JournalItem,
} from './projection';
import type { EventPlan } from './projection/rules';
import { createSetupStore, type SetupStore } from './store/setup-store';
import {
  crossingView,
  flagWarnings,
  resultsCsv,
  sortResults,
  summarizeEntry,
  syncOfBib,
  type FieldLookup,
} from './views';

export interface StationCoreOptions {
  dbPath: string;
  now?: () => number;
  /** Rolling backups folder; default `<db folder>/backups`; null disables backups. */
  backupDir?: string | null;
  backupIntervalMs?: number;
  platform?: NodeJS.Platform;
  /**
   * A missing or empty station file is refused while the folder holds its backups (the
   * default), or its backups and archived races (`backups-and-archive`: not right after the
   * caller archived the race itself); `off` for scratch files.
   */
  history?: HistoryGuard | 'off';
  /** The backup mirror folder in force (a USB stick; read at every backup). */
  mirrorDir?: () => string | null;
  /** What the outbox is told about RunSignup: the app passes runsignup/assumptions.ts. */
  readBackClearsIn: OutboxPolicy['readBackClearsIn'];
}

export interface StationCore {
  /** This database's station id (generated once, kept in `meta`). */
  readonly stationId: string;
  /** Validate and record a command; returns only after the commit. Never throws. */
  execute(command: unknown): CommandResult;
  /**
   * The gun RunSignup's start-time call reports for an event (the gun sync polls it). Appends a
   * `gun` entry with `source: 'runsignup'` only when it differs from the gun in force, so polling
   * never grows the journal; `seq` is null when nothing was written (the same gun, or a start
   * time still in the future: the scheduled start, with a `no-gun` warning). Never throws.
   */
  recordRemoteGun(eventId: number, at: number): CommandResult;
  query<Q extends Query>(query: Q): QueryResultOf<Q>;
  /** Current config, or null before setup. */
  config(): StationConfig | null;
  /** Set up the station (its `stationId` is replaced by this database's). */
  configure(config: StationConfig): void;
  cacheRace(details: RaceDetails): void;
  /** Store a participants download; bibs it makes known become postable. */
  cacheParticipants(list: readonly Participant[]): void;
  readonly outbox: OutboxStore;
  subscribe(listener: (event: StationEvent) => void): () => void;
  /** Stop backups (taking a last one) and close the database. */
  close(): Promise<void>;
  /** The backup mirror folder as it is now (a USB stick may have been pulled). */
  backupMirror?(): MirrorStatus;
}

/** Zod's first issue as one sentence, without echoing the (possibly secret) input. */
function schemaError(what: string, issues: readonly IssueLike[]): string {
  return issues.length === 0 ? `Invalid ${what}` : `Invalid ${what} (${describeIssues(issues, 1)})`;
}

/**
 * The latest time any crossing can have: taps and adjusts are the only entries that set one, and
 * an undo or a void only brings back or takes away a time seen before. A tap at or after it is
 * ranked after every crossing there is, so it moves no one else's place.
 */
function latestCrossingAt(entries: readonly JournalItem[]): number {
  let latest = -Infinity;
  for (const e of entries) {
    const p = e.payload;
    if ((p.kind === 'tap' || p.kind === 'adjust') && p.at > latest) latest = p.at;
  }
  return latest;
}

function toOutboxChanges(changes: readonly FieldChange[]): OutboxChange[] {
  return changes.map((c) => ({ ...c.key, value: c.value }));
}

export function openStationCore(options: StationCoreOptions): StationCore {
  const now = options.now ?? Date.now;
  const history = options.history ?? 'backups';
  const db: Database = openDatabase(options.dbPath, {
    ...(options.platform ? { platform: options.platform } : {}),
    ...(history !== 'off' ? { history } : {}),
  });
  try {
    return buildCore(db, options, now);
  } catch (err) {
    db.close();
    throw err;
  }
}

function buildCore(db: Database, options: StationCoreOptions, now: () => number): StationCore {
  const journal: JournalStore = createJournalStore(db);
  const outbox = createOutboxStore(db, { readBackClearsIn: options.readBackClearsIn });
  const setup: SetupStore = createSetupStore(db);
  const listeners = new Set<(e: StationEvent) => void>();

  let config: StationConfig | null = setup.config();
  let participants = config
    ? indexParticipants(setup.participants(), config)
    : new Map<number, Participant>();
  let plans: Map<number, EventPlan> = config ? planEvents(config) : new Map();
  let journalLength = journal.count();
  // The outbox posts only to the configured targets (a row of another set is never sent).
  outbox.setScope(config ? config.events : null);

  let latestAt = -Infinity;
  // Cold start: the projection is rebuilt from the journal (the outbox is stored, not rebuilt).
  const loadProjection = (): ProjectionState | null => {
    if (!config) return null;
    const entries = journal.replayItems();
    latestAt = latestCrossingAt(entries);
    return ProjectionState.fromJournal(entries, { config, participants });
  };
  let projection = loadProjection();
  // Per event, the last start time read from RunSignup that differs from the gun typed here,
  // which stays in force: the snapshot shows it so the timer can take it instead.
  const remoteConflicts = new Map<number, number>();
  const readAttention = createAttentionReader(db);

  // The outbox is stored, not rebuilt: a crash between writes (impossible by the transaction,
  // but cheap to check) or new projection rules in a new version could leave it out of step
  // with the journal. Bring it in line once, atomically, before anything is sent: on the sync
  // side's first read, not before the first screen (DESIGN §6, ready in 1 s). It is a diff of
  // the projection with the table, so taps committed in between change nothing about it.
  let reconciled = false;
  const reconcileOnce = (): void => {
    if (reconciled) return;
    reconciled = true;
    if (!projection || !db.open) return;
    const changes = reconcileChanges(db, projection);
    if (changes.length > 0) {
      db.transaction(() => outbox.applyChanges(changes, now()))();
      announce();
      console.warn(
        `Chute: start-up check brought ${changes.length} RunSignup field(s) back in line with the journal`,
      );
    }
  };
  /** The outbox as the sync side (and tools) read it: reconciled before the first read. */
  const syncOutbox: OutboxStore = {
    ...outbox,
    // Taken rows show as sending: their bibs' rows go to the screens.
    takePending(limit, exclude) {
      reconcileOnce();
      const taken = outbox.takePending(limit, exclude);
      announceRows(crossingsOfBibs(taken.map((r) => r.bib)), false);
      return taken;
    },
    stillPending(rows) {
      reconcileOnce();
      return outbox.stillPending(rows);
    },
    awaitingReadBack() {
      reconcileOnce();
      return outbox.awaitingReadBack();
    },
    allStates() {
      reconcileOnce();
      return outbox.allStates();
    },
    fieldState(key) {
      reconcileOnce();
      return outbox.fieldState(key);
    },
    counts() {
      reconcileOnce();
      return outbox.counts();
    },
    // What the sync side changes shows on the screens: an acknowledgement or a post of unknown
    // outcome as the rows of its bibs; a refusal, a read-back, an audit, a conflict decided or
    // a retry also changes the lists beside the rows, so a reload.
    acknowledge(rows, at) {
      outbox.acknowledge(rows, at);
      announceRows(crossingsOfBibs(rows.map((r) => r.bib)), false);
    },
    markUncertain(rows, at) {
      outbox.markUncertain(rows, at);
      announceRows(crossingsOfBibs(rows.map((r) => r.bib)), false);
    },
    applyAudit(verdicts, run) {
      outbox.applyAudit(verdicts, run);
      announce();
    },
    resolveConflict(key, keep) {
      const decided = outbox.resolveConflict(key, keep);
      announce();
      return decided;
    },
    markAttention(row, reason) {
      outbox.markAttention(row, reason);
      announce();
    },
    confirmReadBack(row, cleared, reason) {
      outbox.confirmReadBack(row, cleared, reason);
      announce();
    },
    retryAttention() {
      const n = outbox.retryAttention();
      announce();
      return n;
    },
    forgetAcknowledgements() {
      const n = outbox.forgetAcknowledgements();
      announce();
      return n;
    },
  };

  const backupDir =
    options.backupDir === undefined ? join(dirname(options.dbPath), 'backups') : options.backupDir;
  const backups: RollingBackup | null =
    backupDir === null
      ? null
      : startRollingBackups(db, {
          dir: backupDir,
          ...(options.backupIntervalMs ? { intervalMs: options.backupIntervalMs } : {}),
          ...(options.mirrorDir ? { mirrorDir: options.mirrorDir } : {}),
          onError: (err) => console.error(`Chute: backup failed: ${err.message}`),
        });

  const emit = (event: StationEvent): void => {
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        console.error(`Chute: a station event listener failed: ${(err as Error).message}`);
      }
    }
  };

  // The screens' change stream (DeltaCursor): one position per change to what they show.
  const stream = randomUUID();
  let deltaSeq = 0;
  /** Screens reload their snapshot. */
  const announce = (): void => {
    deltaSeq += 1;
    emit({ type: 'changed', journalLength, delta: { stream, seq: deltaSeq } });
  };
  /**
   * Screens apply these rows instead of reloading: only for a change these rows fully tell.
   * `changed` follows for a journal change, at the same position, so whoever wakes on it (the
   * sync loop, a screen without deltas) still does; a screen that applied the rows skips it.
   */
  const announceRows = (crossings: readonly Crossing[], journalChanged: boolean): void => {
    if (crossings.length === 0 && !journalChanged) return;
    deltaSeq += 1;
    const delta = { stream, seq: deltaSeq };
    emit({ type: 'rows', delta, journalLength, crossings: viewsOf(crossings) });
    if (journalChanged) emit({ type: 'changed', journalLength, delta });
  };

  const lookup: FieldLookup = (plan, bib, field) =>
    outbox.fieldState({ resultSetId: plan.resultSetId, bib, field });

  /** The outbox states of these bibs read in one query, looked up from memory (a snapshot). */
  const batchLookup = (bibs: ReadonlyArray<{ resultSetId: number; bib: number }>): FieldLookup => {
    const states = outbox.fieldStates(bibs);
    return (plan, bib, field) =>
      states.get(outboxRowKey({ resultSetId: plan.resultSetId, bib, field })) ?? null;
  };

  const eventName = (eventId: number | null): string | null =>
    eventId === null ? null : (config?.events.find((e) => e.eventId === eventId)?.name ?? null);

  // Made once: the hot path of every key press. One journal row + its outbox changes, atomically.
  const appendTx = db.transaction((payload: JournalPayload, at: number, state: ProjectionState) => {
    const seq = journal.append(payload, at);
    const entry: JournalEntry = { seq, stationId: journal.stationId, recordedAt: at, payload };
    outbox.applyChanges(toOutboxChanges(state.apply(entry)), at);
    return seq;
  });

  /** Commit one entry; on failure the disk rolled back, so rebuild memory from the disk. */
  const commit = (payload: JournalPayload): number => {
    try {
      const seq = appendTx(payload, now(), projection as ProjectionState);
      journalLength += 1;
      if ((payload.kind === 'tap' || payload.kind === 'adjust') && payload.at > latestAt) {
        latestAt = payload.at;
      }
      return seq;
    } catch (err) {
      projection = loadProjection();
      throw err;
    }
  };

  const warningsFor = (payload: JournalPayload, seq: number): Warning[] => {
    const p = projection as ProjectionState;
    switch (payload.kind) {
      case 'tap':
      case 'assign':
      case 'adjust':
        return flagWarnings(p.crossing(payload.kind === 'tap' ? seq : payload.tapSeq)?.flags ?? []);
      case 'status':
      case 'clear':
        return flagWarnings(p.previewBib(payload.bib).filter((f) => f !== 'already-recorded'));
      default:
        return [];
    }
  };

  /** As you type a bib in crossing order: unknown, other event, already recorded or waiting. */
  const orderWarnings = (bib: number): Warning[] => {
    const p = projection as ProjectionState;
    const flags = p.previewBib(bib);
    if (!flags.includes('already-recorded') && p.waitingBibs().includes(bib)) {
      flags.push('already-recorded');
    }
    const warnings = flagWarnings(flags);
    const participant = participants.get(bib);
    if (
      participant &&
      plans.has(participant.eventId) &&
      p.clock.gunAt(participant.eventId) === null
    ) {
      warnings.push({ code: 'no-gun', message: CROSSING_FLAG_MESSAGES['no-gun'] });
    }
    return warnings;
  };

  /** Re-project after a config or participants change, writing the outbox difference. */
  const reproject = (write: () => void, nextConfig: StationConfig | null): void => {
    const at = now();
    const run = db.transaction(() => {
      write();
      const list = setup.participants();
      if (!nextConfig) return;
      const nextParticipants = indexParticipants(list, nextConfig);
      const state =
        projection ?? new ProjectionState({ config: nextConfig, participants: nextParticipants });
      let changes: FieldChange[];
      if (projection) changes = state.withParticipants(nextParticipants, nextConfig);
      else {
        const entries = journal.replayItems();
        latestAt = latestCrossingAt(entries);
        changes = state.applyAll(entries);
      }
      outbox.applyChanges(toOutboxChanges(changes), at);
      projection = state;
      participants = nextParticipants;
      config = nextConfig;
      plans = planEvents(nextConfig);
      outbox.setScope(nextConfig.events);
      // Another setup reads RunSignup's start times afresh: no conflict of the old one is kept.
      remoteConflicts.clear();
    });
    try {
      run();
    } catch (err) {
      // Rolled back on disk; the in-memory projection may have moved: rebuild it from disk.
      projection = loadProjection();
      throw err;
    }
  };

  const executeJournal = (cmd: Parameters<typeof toJournalPayload>[0]): CommandResult => {
    if (!config || !projection)
      return { ok: false, error: 'Set up the station first (race and events)' };
    const p = projection;
    const validated = toJournalPayload(cmd, {
      now: now(),
      config,
      crossing: (seq) => p.crossing(seq),
      statusOf: (bib) => p.statusOf(bib),
      undoTarget: () => p.undoTarget(),
      entry: (seq) => {
        const e = journal.get(seq);
        return e ? { payload: e.payload, active: p.isActive(seq) } : null;
      },
      block: (from, to) => p.block(from, to),
    });
    if (!validated.ok) return { ok: false, error: validated.error };
    // An order's warnings describe the bib as typed, before it lands on a crossing.
    const early = validated.payload.kind === 'order' ? orderWarnings(validated.payload.bib) : null;
    const before = { latestAt, waiting: p.waitingBibs().length };
    const fixing = correctionBefore(validated.payload);
    const seq = commit(validated.payload);
    const warnings = early ?? warningsFor(validated.payload, seq);
    const rows = rowsOfTap(validated.payload, seq, before) ?? correctionAfter(fixing);
    if (rows) announceRows(rows, true);
    else announce();
    return { ok: true, seq, warnings };
  };

  const configureFromCommand = (cmd: Extract<Command, { type: 'configure' }>): CommandResult => {
    const race = setup.race(cmd.raceId);
    if (!race) return { ok: false, error: `Race ${cmd.raceId} is not loaded: load the race first` };
    const events = [];
    for (const eventId of cmd.eventIds) {
      const ev = race.events.find((e) => e.eventId === eventId);
      if (!ev) return { ok: false, error: `Event ${eventId} is not part of race ${race.name}` };
      const chosen = cmd.resultSets?.find((r) => r.eventId === eventId)?.resultSetId;
      // The core is its own API: a result set of another event would post this event's
      // finishers into someone else's results.
      if (chosen !== undefined && !ev.resultSets.some((r) => r.resultSetId === chosen)) {
        return {
          ok: false,
          error: `Result set ${chosen} is not a result set of event ${ev.name}: choose one of its own`,
        };
      }
      const resultSetId = chosen ?? ev.resultSets[0]?.resultSetId;
      if (resultSetId === undefined) {
        return { ok: false, error: `Event ${ev.name} has no result set yet: create one first` };
      }
      events.push({ eventId, name: ev.name, resultSetId, scheduledStart: ev.startTime });
    }
    core.configure({
      stationId: journal.stationId,
      stationName: cmd.stationName,
      mode: config?.mode ?? 'practice',
      raceId: race.raceId,
      raceName: race.name,
      events,
      role: cmd.role,
      precision: cmd.precision ?? config?.precision ?? 1,
    });
    return { ok: true, seq: null, warnings: [] };
  };

  const results = (eventId: number): ResultRow[] => {
    const p = projection;
    const plan = plans.get(eventId);
    if (!p || !plan) return [];
    // Name, gender and age where RunSignup gave them.
    const runner = (bib: number) => {
      const part = participants.get(bib);
      return {
        name: part ? `${part.firstName} ${part.lastName}`.trim() : '',
        gender: part?.gender ?? null,
        age: part?.age ?? null,
      };
    };
    const rows: ResultRow[] = [];
    const seen = new Set<number>();
    const cleared: number[] = [];
    for (const c of p.crossings()) {
      if (c.voided || c.bib === null || c.eventId !== eventId) continue;
      if (c.cleared) cleared.push(c.bib);
      if (c.place === null) continue;
      seen.add(c.bib);
      rows.push({
        place: c.place,
        bib: c.bib,
        ...runner(c.bib),
        time: c.time,
        status: null,
        sync: syncOfBib(plan, c.bib, lookup).sync,
      });
    }
    // A runner cleared with X stays listed as cleared, with whether RunSignup shows it yet.
    for (const bib of cleared) {
      if (seen.has(bib) || p.statusOf(bib) !== null) continue;
      seen.add(bib);
      rows.push({
        place: null,
        bib,
        ...runner(bib),
        time: null,
        status: null,
        sync: syncOfBib(plan, bib, lookup).sync,
        cleared: true,
      });
    }
    // Statuses (DNS has no crossing): they are the wanted value of the event's time field.
    for (const f of p.wanted().values()) {
      if (f.key.eventId !== eventId || f.key.field !== plan.timeField || seen.has(f.key.bib))
        continue;
      if (!isResultStatus(f.value)) continue;
      seen.add(f.key.bib);
      rows.push({
        place: null,
        bib: f.key.bib,
        ...runner(f.key.bib),
        time: null,
        status: f.value,
        sync: syncOfBib(plan, f.key.bib, lookup).sync,
      });
    }
    return sortResults(rows);
  };

  /** The guns in force, each with RunSignup's differing start time when a typed gun is kept. */
  function gunsWithConflicts(guns: Snapshot['guns']): Snapshot['guns'] {
    return guns.map((g) => {
      const remoteAt = remoteConflicts.get(g.eventId);
      if (remoteAt === undefined || g.source !== 'local' || g.at === null || g.at === remoteAt) {
        return g;
      }
      const diff = Math.round((remoteAt - g.at) / 100) / 10;
      const conflict =
        `RunSignup's start time is ${Math.abs(diff)} s ${diff > 0 ? 'later' : 'earlier'} ` +
        `than the gun typed on this station, which is the one used.`;
      return { ...g, conflict, remoteAt };
    });
  }

  /** The rows of these crossings as the screens show them. */
  function viewsOf(shown: readonly Crossing[]): CrossingView[] {
    // One outbox query for every bib shown, not two single-row reads per crossing.
    const keys: { resultSetId: number; bib: number }[] = [];
    for (const c of shown) {
      const plan = c.eventId === null || c.bib === null ? undefined : plans.get(c.eventId);
      if (plan && c.bib !== null) keys.push({ resultSetId: plan.resultSetId, bib: c.bib });
    }
    const shownLookup = batchLookup(keys);
    return shown.map((c) =>
      crossingView(c, {
        participant: c.bib === null ? undefined : participants.get(c.bib),
        eventName: eventName(c.eventId),
        plan: c.eventId === null ? undefined : plans.get(c.eventId),
        lookup: shownLookup,
      }),
    );
  }

  /** Every live crossing of these bibs (each once). */
  function crossingsOfBibs(bibs: readonly number[]): Crossing[] {
    const p = projection;
    if (!p) return [];
    const out: Crossing[] = [];
    for (const bib of new Set(bibs)) {
      for (const c of p.crossingsOfBib(bib)) if (!c.voided) out.push(c);
    }
    return out;
  }

  /**
   * The rows a just-committed tap changed, or null when its rows do not tell the whole change:
   * a tap timed before another crossing moves later places, and one that takes a waiting bib
   * changes the waiting list. Otherwise only the tap's own row and its bib's other crossings
   * (already-recorded, sync state) can differ.
   */
  function rowsOfTap(
    payload: JournalPayload,
    seq: number,
    before: { latestAt: number; waiting: number },
  ): Crossing[] | null {
    const p = projection;
    if (!p || payload.kind !== 'tap' || payload.at < before.latestAt || before.waiting > 0) {
      return null;
    }
    const tap = p.crossing(seq);
    if (!tap) return null;
    return tap.bib === null ? [tap] : crossingsOfBibs([tap.bib]);
  }

  /**
   * Before a void or an undo of a tap or void: what its rows are compared with after. Rows
   * needing attention are listed beside the rows, so a change while any exist reloads instead.
   */
  function correctionBefore(payload: JournalPayload): CorrectionBefore | null {
    const p = projection;
    if (!p) return null;
    const tapSeq = correctedTap(payload, (seq) => journal.get(seq)?.payload ?? null);
    if (tapSeq === null || outbox.counts().attention > 0) return null;
    return beforeCorrection(p, tapSeq);
  }

  function correctionAfter(before: CorrectionBefore | null): Crossing[] | null {
    const p = projection;
    if (!p || before === null || outbox.counts().attention > 0) return null;
    return correctionRows(p, before);
  }

  const snapshot = (limit: number | undefined, withVoided: boolean): Snapshot => {
    const p = projection;
    const counts = outbox.counts();
    const shown = p
      ? p.crossings(limit === undefined ? {} : { limit }).filter((c) => withVoided || !c.voided)
      : [];
    const crossings = viewsOf(shown);
    return {
      mode: config ? config.mode : 'setup',
      config,
      guns: p ? gunsWithConflicts(p.clock.guns()) : [],
      waitingBibs: p ? p.waitingBibs() : [],
      attention: counts.attention > 0 ? readAttention() : [],
      offsetMs: p ? p.clock.offsetMs() : 0,
      crossings,
      // What the outbox holds; the rest of the sync status is the sync loop's (the app's session).
      sync: { ...IDLE_SYNC_STATUS, pending: counts.pending, attention: counts.attention },
      journalLength,
      delta: { stream, seq: deltaSeq },
    };
  };

  const lookupBib = (text: string) => {
    const parsed = parseBibText(text);
    if (!parsed.ok)
      return { bib: null, participant: null, eventName: null, warnings: [], error: parsed.error };
    const participant = participants.get(parsed.bib) ?? null;
    const warnings = projection ? flagWarnings(projection.previewBib(parsed.bib)) : [];
    if (
      participant &&
      projection &&
      plans.has(participant.eventId) &&
      projection.clock.gunAt(participant.eventId) === null
    ) {
      warnings.push({ code: 'no-gun', message: CROSSING_FLAG_MESSAGES['no-gun'] });
    }
    const plan = participant ? plans.get(participant.eventId) : undefined;
    const held = plan ? syncOfBib(plan, parsed.bib, lookup).sync : null;
    return {
      bib: parsed.bib,
      participant,
      eventName: participant
        ? (eventName(participant.eventId) ?? setupEventName(participant.eventId))
        : null,
      warnings,
      error: null,
      // RunSignup has (or may have) this bib's result: a status or X would change it there.
      onRunSignup:
        held === 'sent' ||
        held === 'verified' ||
        held === 'verify' ||
        held === 'sending' ||
        held === 'conflict',
    };
  };

  const setupEventName = (eventId: number): string | null => {
    if (!config) return null;
    return setup.race(config.raceId)?.events.find((e) => e.eventId === eventId)?.name ?? null;
  };

  const core: StationCore = {
    stationId: journal.stationId,
    outbox: syncOutbox,

    execute(command) {
      const parsed = Command.safeParse(command);
      if (!parsed.success) return { ok: false, error: schemaError('command', parsed.error.issues) };
      const cmd = parsed.data;
      try {
        if (isJournalCommand(cmd)) return executeJournal(cmd);
        switch (cmd.type) {
          case 'retry': {
            outbox.retryAttention();
            announce();
            return { ok: true, seq: null, warnings: [] };
          }
          case 'configure':
            return configureFromCommand(cmd);
          default:
            return {
              ok: false,
              error: `The ${cmd.type} command is handled by the app, not the station core`,
            };
        }
      } catch (err) {
        return { ok: false, error: notSavedSentence(err, options.dbPath) };
      }
    },

    recordRemoteGun(eventId, at) {
      try {
        if (!config || !projection)
          return { ok: false, error: 'Set up the station first (race and events)' };
        if (!config.events.some((e) => e.eventId === eventId))
          return { ok: false, error: `Event ${eventId} is not configured on this station` };
        if (!Number.isSafeInteger(at) || at < 0)
          return { ok: false, error: `RunSignup's start time for event ${eventId} is not a time` };
        // Compared with the last gun READ from RunSignup, not the gun in force: a poll that
        // returns what was already seen never re-applies it over a later local correction.
        if (projection.clock.lastRemoteGun(eventId) === at) {
          return { ok: true, seq: null, warnings: [] };
        }
        const inForce = projection.clock.gunOf(eventId);
        if (inForce?.at === at) return { ok: true, seq: null, warnings: [] };
        // A gun entered here is newer than any remote one in force (guns are kept in seq
        // order): the timer's own entry wins, and the conflict is said, not silently settled.
        if (inForce?.source === 'local') {
          const message = `RunSignup's start time for event ${eventId} differs from the gun entered on this station by ${Math.round((at - inForce.at) / 100) / 10} s: the station's gun is kept`;
          remoteConflicts.set(eventId, at);
          announce();
          return { ok: true, seq: null, warnings: [{ code: 'gun-conflict', message }] };
        }
        // A start time still in the future is the scheduled start, not a gun that was fired:
        // nothing to record yet (not an error: the poller asks again later).
        if (at > now() + MAX_FUTURE_MS) {
          const message = `RunSignup's start time for event ${eventId} is still in the future (the scheduled start): not used until it has passed`;
          return { ok: true, seq: null, warnings: [{ code: 'no-gun', message }] };
        }
        const seq = commit({ kind: 'gun', eventId, at, source: 'runsignup' });
        announce();
        return { ok: true, seq, warnings: [] };
      } catch (err) {
        return { ok: false, error: notSavedSentence(err, options.dbPath) };
      }
    },

    query<Q extends Query>(query: Q): QueryResultOf<Q> {
      const parsed = Query.safeParse(query);
      if (!parsed.success) throw new Error(schemaError('query', parsed.error.issues));
      const q = parsed.data;
      const out = (() => {
        switch (q.type) {
          case 'snapshot':
            return snapshot(q.limit, q.withVoided === true);
          case 'lookupBib':
            return lookupBib(q.bib);
          case 'journal':
            return journal.page(q.limit, q.beforeSeq).map((e) => ({
              seq: e.seq,
              recordedAt: e.recordedAt,
              kind: e.payload.kind,
              summary: summarizeEntry(e, projection ? projection.isActive(e.seq) : true, config),
            }));
          case 'results':
            return results(q.eventId);
          case 'exportCsv':
            return resultsCsv(results(q.eventId));
          case 'races': {
            const race = config ? setup.race(config.raceId) : null;
            return race ? [{ raceId: race.raceId, name: race.name, nextDate: null }] : [];
          }
          case 'raceDetails': {
            const race = setup.race(q.raceId);
            if (!race) throw new Error(`Race ${q.raceId} is not cached on this station`);
            return race;
          }
        }
      })();
      return out as QueryResultOf<Q>;
    },

    config: () => config,

    configure(next) {
      const parsed = StationConfig.safeParse({ ...next, stationId: journal.stationId });
      if (!parsed.success)
        throw new Error(schemaError('station configuration', parsed.error.issues));
      const valid = parsed.data;
      // The journal is one race's: replaying it under another race (or practice under live)
      // would rank practice taps in the live event and post them there. A new race or mode
      // starts from a fresh station file (the app archives this one).
      if (config && journalLength > 0) {
        const other =
          valid.raceId !== config.raceId
            ? `race ${valid.raceName} (${valid.raceId})`
            : valid.mode !== config.mode
              ? `${valid.mode} mode`
              : null;
        if (other !== null) {
          throw new Error(
            `This station's journal holds ${journalLength} entries of race ${config.raceName} ` +
              `(${config.raceId}, ${config.mode}): it cannot be switched to ${other}. ` +
              'Start a fresh station file for it (the current one is kept as it is).',
          );
        }
      }
      reproject(() => setup.saveConfig(valid, now()), valid);
      announce();
    },

    cacheRace(details) {
      const parsed = RaceDetails.safeParse(details);
      if (!parsed.success) throw new Error(schemaError('race details', parsed.error.issues));
      setup.saveRace(parsed.data, now());
    },

    cacheParticipants(list) {
      const valid: Participant[] = [];
      for (const [i, p] of list.entries()) {
        const parsed = ParticipantSchema.safeParse(p);
        if (!parsed.success) {
          throw new Error(
            schemaError(`participant #${i + 1}`, parsed.error.issues) + ': nothing was stored',
          );
        }
        valid.push(parsed.data);
      }
      reproject(() => setup.saveParticipants(valid), config);
      announce();
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    backupMirror: () => backups?.mirrorStatus() ?? mirrorStatusOf(null, null),
    async close() {
      listeners.clear();
      if (!db.open) return;
      if (backups) await backups.stop();
      db.close();
    },
  };
  return core;
}
