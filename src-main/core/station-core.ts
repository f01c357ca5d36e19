// The station core: commands -> one journal row + its outbox changes in ONE transaction ->
// incremental projection -> screens. Knows nothing of Electron, HTTP or RunSignup's wire.
// Beside it: screen-reads.ts (what the screens read), change-stream.ts (what they are told),
// sync-outbox.ts (the outbox as the sync side sees it), command-validation.ts, views.ts.
import { dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import {
  Participant as ParticipantSchema,
  StationConfig,
  type JournalPayload,
  type Participant,
} from '../../src-shared/domain';
import {
  Command,
  Query,
  RaceDetails,
  type CommandResult,
  type QueryResultOf,
  type StationEvent,
  type Warning,
} from '../../src-shared/station-api';
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
import { createSetupStore, type SetupStore } from './store/setup-store';
import { createChangeStream } from './change-stream';
import { createScreenReads, type LiveState } from './screen-reads';
import { syncSideOutbox } from './sync-outbox';
import { flagWarnings, resultsCsv, summarizeEntry } from './views';

export interface StationCoreOptions {
  dbPath: string;
  now?: () => number;
  /** Rolling backups folder; default `<db folder>/backups`; null disables backups. */
  backupDir?: string | null;
  backupIntervalMs?: number;
  /** How often the backup state (a failed backup, the mirror's stick) is looked at; default 5 s. */
  backupWatchMs?: number;
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
  // Indexed: it runs once, at a cold start, before the JIT would spare for..of its allocations.
  for (let i = 0; i < entries.length; i++) {
    const p = (entries[i] as JournalItem).payload;
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
  const stream = createChangeStream();

  const config0 = setup.config();
  const live: LiveState = {
    config: config0,
    participants: config0
      ? indexParticipants(setup.participants(), config0)
      : new Map<number, Participant>(),
    plans: config0 ? planEvents(config0) : new Map(),
    projection: null,
    journalLength: journal.count(),
    latestAt: -Infinity,
    remoteConflicts: new Map(),
  };
  // The outbox posts only to the configured targets (a row of another set is never sent).
  outbox.setScope(config0 ? config0.events : null);

  // Cold start: the projection is rebuilt from the journal (the outbox is stored, not rebuilt).
  const loadProjection = (): ProjectionState | null => {
    if (!live.config) return null;
    const entries = journal.replayItems();
    live.latestAt = latestCrossingAt(entries);
    return ProjectionState.fromJournal(entries, {
      config: live.config,
      participants: live.participants,
    });
  };
  live.projection = loadProjection();
  const reads = createScreenReads(live, {
    outbox,
    setup,
    readAttention: createAttentionReader(db),
    cursor: stream.cursor,
  });
  /** Screens reload their snapshot. */
  const announce = (): void => stream.announce(live.journalLength);
  /** Screens apply these rows instead of reloading (see `ChangeStream.announceRows`). */
  const announceRows = (crossings: readonly Crossing[], journalChanged: boolean): void => {
    if (crossings.length === 0 && !journalChanged) return;
    stream.announceRows(reads.viewsOf(crossings), live.journalLength, journalChanged);
  };

  // The outbox is stored, not rebuilt: a crash between writes (impossible by the transaction,
  // but cheap to check) or new projection rules in a new version could leave it out of step
  // with the journal. Bring it in line once, atomically, before anything is sent: on the sync
  // side's first read, not before the first screen (DESIGN §6, ready in 1 s). It is a diff of
  // the projection with the table, so taps committed in between change nothing about it.
  let reconciled = false;
  const reconcileOnce = (): void => {
    if (reconciled) return;
    reconciled = true;
    if (!live.projection || !db.open) return;
    const changes = reconcileChanges(db, live.projection);
    if (changes.length > 0) {
      db.transaction(() => outbox.applyChanges(changes, now()))();
      announce();
      console.warn(
        `Chute: start-up check brought ${changes.length} RunSignup field(s) back in line with the journal`,
      );
    }
  };
  /** The outbox as the sync side (and tools) read it: reconciled before the first read. */
  const syncOutbox = syncSideOutbox(outbox, {
    beforeRead: reconcileOnce,
    rowsChanged: (bibs) => announceRows(reads.crossingsOfBibs(bibs), false),
    changed: () => announce(),
  });

  const backupDir =
    options.backupDir === undefined ? join(dirname(options.dbPath), 'backups') : options.backupDir;
  const backups: RollingBackup | null =
    backupDir === null
      ? null
      : startRollingBackups(db, {
          dir: backupDir,
          ...(options.backupIntervalMs ? { intervalMs: options.backupIntervalMs } : {}),
          ...(options.mirrorDir ? { mirrorDir: options.mirrorDir } : {}),
          onError: (err) => {
            console.error(`Chute: backup failed: ${err.message}`);
            watchBackupState();
          },
        });
  // Screens read the backup state only from the snapshot, and taps reach them as rows: a change
  // of it (a backup failed or works again, the mirror's stick pulled out or back) is announced
  // so they reload it and the status bar says so during capture, not at the next reload.
  let backupState = backups ? JSON.stringify(backups.mirrorStatus()) : '';
  function watchBackupState(): void {
    if (!backups || !db.open) return;
    const state = JSON.stringify(backups.mirrorStatus());
    if (state === backupState) return;
    backupState = state;
    announce();
  }
  const backupWatch = backups
    ? setInterval(watchBackupState, options.backupWatchMs ?? 5_000)
    : null;
  backupWatch?.unref();

  // Made once: the hot path of every key press. One journal row + its outbox changes, atomically.
  const appendTx = db.transaction((payload: JournalPayload, at: number, state: ProjectionState) => {
    const seq = journal.append(payload, at);
    outbox.applyChanges(toOutboxChanges(state.apply({ seq, payload })), at);
    return seq;
  });

  /** Commit one entry; on failure the disk rolled back, so rebuild memory from the disk. */
  const commit = (payload: JournalPayload): number => {
    try {
      const seq = appendTx(payload, now(), live.projection as ProjectionState);
      live.journalLength += 1;
      if ((payload.kind === 'tap' || payload.kind === 'adjust') && payload.at > live.latestAt) {
        live.latestAt = payload.at;
      }
      return seq;
    } catch (err) {
      live.projection = loadProjection();
      throw err;
    }
  };

  const warningsFor = (payload: JournalPayload, seq: number): Warning[] => {
    const p = live.projection as ProjectionState;
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
    const p = live.projection as ProjectionState;
    const flags = p.previewBib(bib);
    if (!flags.includes('already-recorded') && p.waitingBibs().includes(bib)) {
      flags.push('already-recorded');
    }
    const warnings = flagWarnings(flags);
    const participant = live.participants.get(bib);
    if (
      participant &&
      live.plans.has(participant.eventId) &&
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
        live.projection ??
        new ProjectionState({ config: nextConfig, participants: nextParticipants });
      let changes: FieldChange[];
      if (live.projection) changes = state.withParticipants(nextParticipants, nextConfig);
      else {
        const entries = journal.replayItems();
        live.latestAt = latestCrossingAt(entries);
        changes = state.applyAll(entries);
      }
      outbox.applyChanges(toOutboxChanges(changes), at);
      live.projection = state;
      live.participants = nextParticipants;
      live.config = nextConfig;
      live.plans = planEvents(nextConfig);
      outbox.setScope(nextConfig.events);
      // Another setup reads RunSignup's start times afresh: no conflict of the old one is kept.
      live.remoteConflicts.clear();
    });
    try {
      run();
    } catch (err) {
      // Rolled back on disk; the in-memory projection may have moved: rebuild it from disk.
      live.projection = loadProjection();
      throw err;
    }
  };

  const executeJournal = (cmd: Parameters<typeof toJournalPayload>[0]): CommandResult => {
    if (!live.config || !live.projection)
      return { ok: false, error: 'Set up the station first (race and events)' };
    const p = live.projection;
    const validated = toJournalPayload(cmd, {
      now: now(),
      config: live.config,
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
    const before = { latestAt: live.latestAt, waiting: p.waitingBibs().length };
    const fixing = correctionBefore(validated.payload);
    const seq = commit(validated.payload);
    const warnings = early ?? warningsFor(validated.payload, seq);
    const rows = reads.rowsOfTap(validated.payload, seq, before) ?? correctionAfter(fixing);
    if (rows) announceRows(rows, true);
    else announce();
    return { ok: true, seq, warnings };
  };

  /**
   * Before a void or an undo of a tap or void: what its rows are compared with after. Rows
   * needing attention are listed beside the rows, so a change while any exist reloads instead.
   */
  function correctionBefore(payload: JournalPayload): CorrectionBefore | null {
    const p = live.projection;
    if (!p) return null;
    const tapSeq = correctedTap(payload, (seq) => journal.get(seq)?.payload ?? null);
    if (tapSeq === null || outbox.counts().attention > 0) return null;
    return beforeCorrection(p, tapSeq);
  }

  function correctionAfter(before: CorrectionBefore | null): Crossing[] | null {
    const p = live.projection;
    if (!p || before === null || outbox.counts().attention > 0) return null;
    return correctionRows(p, before);
  }

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
      mode: live.config?.mode ?? 'practice',
      raceId: race.raceId,
      raceName: race.name,
      events,
      role: cmd.role,
      precision: cmd.precision ?? live.config?.precision ?? 1,
    });
    return { ok: true, seq: null, warnings: [] };
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
        if (!live.config || !live.projection)
          return { ok: false, error: 'Set up the station first (race and events)' };
        if (!live.config.events.some((e) => e.eventId === eventId))
          return { ok: false, error: `Event ${eventId} is not configured on this station` };
        if (!Number.isSafeInteger(at) || at < 0)
          return { ok: false, error: `RunSignup's start time for event ${eventId} is not a time` };
        // Compared with the last gun READ from RunSignup, not the gun in force: a poll that
        // returns what was already seen never re-applies it over a later local correction.
        if (live.projection.clock.lastRemoteGun(eventId) === at) {
          return { ok: true, seq: null, warnings: [] };
        }
        const inForce = live.projection.clock.gunOf(eventId);
        if (inForce?.at === at) return { ok: true, seq: null, warnings: [] };
        // A gun entered here is newer than any remote one in force (guns are kept in seq
        // order): the timer's own entry wins, and the conflict is said, not silently settled.
        if (inForce?.source === 'local') {
          const message = `RunSignup's start time for event ${eventId} differs from the gun entered on this station by ${Math.round((at - inForce.at) / 100) / 10} s: the station's gun is kept`;
          live.remoteConflicts.set(eventId, at);
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
            return reads.snapshot(q.limit, q.withVoided === true);
          case 'lookupBib':
            return reads.lookupBib(q.bib);
          case 'journal':
            return journal.page(q.limit, q.beforeSeq).map((e) => ({
              seq: e.seq,
              recordedAt: e.recordedAt,
              kind: e.payload.kind,
              summary: summarizeEntry(
                e,
                live.projection ? live.projection.isActive(e.seq) : true,
                live.config,
              ),
            }));
          case 'results':
            return reads.results(q.eventId);
          case 'exportCsv':
            return resultsCsv(reads.results(q.eventId));
          case 'races': {
            const race = live.config ? setup.race(live.config.raceId) : null;
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

    config: () => live.config,

    configure(next) {
      const parsed = StationConfig.safeParse({ ...next, stationId: journal.stationId });
      if (!parsed.success)
        throw new Error(schemaError('station configuration', parsed.error.issues));
      const valid = parsed.data;
      // The journal is one race's: replaying it under another race (or practice under live)
      // would rank practice taps in the live event and post them there. A new race or mode
      // starts from a fresh station file (the app archives this one).
      if (live.config && live.journalLength > 0) {
        const other =
          valid.raceId !== live.config.raceId
            ? `race ${valid.raceName} (${valid.raceId})`
            : valid.mode !== live.config.mode
              ? `${valid.mode} mode`
              : null;
        if (other !== null) {
          throw new Error(
            `This station's journal holds ${live.journalLength} entries of race ${live.config.raceName} ` +
              `(${live.config.raceId}, ${live.config.mode}): it cannot be switched to ${other}. ` +
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
      reproject(() => setup.saveParticipants(valid), live.config);
      announce();
    },

    subscribe: (listener) => stream.subscribe(listener),

    backupMirror: () => backups?.mirrorStatus() ?? mirrorStatusOf(null, null),
    async close() {
      stream.clear();
      if (backupWatch) clearInterval(backupWatch);
      if (!db.open) return;
      try {
        if (backups) await backups.stop();
      } catch (err) {
        // The closing backup failed (a full disk, say): the file is closed all the same, or the
        // station would stay half-stopped with the file held open and nothing said.
        console.error(`Chute: the closing backup failed: ${(err as Error).message}`);
      } finally {
        db.close();
      }
    },
  };
  return core;
}
