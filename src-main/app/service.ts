// The station service: the whole StationApi. It holds the connection to RunSignup
// (connection.ts), the session of the station file in use (session.ts) and a table of handlers,
// one per command and per query of the contract. Both shells hold one of these. Credentials go
// to the SecretStore and nowhere else: never into a snapshot, an event, an error text or a log.
import type { Participant, StationConfig } from '../../src-shared/domain';
import {
  Command,
  Query,
  QueryResult,
  type CommandResult,
  type QueryResultOf,
  type RaceDetails,
  type StationApi,
  type StationEvent,
} from '../../src-shared/station-api';
import { isTimeZone, localTimeZone } from '../../src-shared/time';
import type { JournalCommand } from '../core/command-validation';
import { ClockTracker } from './clock';
import { RunSignupConnection } from './connection';
import { describeIssues } from '../../src-shared/zod-issues';
import { errorText } from './dispatch';
import type {
  CorePort,
  PracticeFactory,
  PracticeHost,
  RunSignupFactory,
  SecretStore,
  SyncFactory,
} from './ports';
import { chooseEvents, downloadParticipants } from './race-setup';
import type { StationBackups } from './station-backups';
import { fail, StationSession, unsentResults, unsentSentence, type SessionLinks } from './session';

export { CONNECTION_SECRET_KEY } from './connection';
export { chooseEvents } from './race-setup';

/** What a station file is swapped for: the core now in use and, when the swap failed, why. */
export interface Reopened {
  core: CorePort;
  error: string | null;
}

export interface StationServiceParts {
  core: CorePort;
  secrets: SecretStore;
  runsignup: RunSignupFactory;
  sync: SyncFactory;
  practice: PracticeFactory;
  /** Practice race seed (deterministic). */
  practiceSeed?: number;
  log?: (line: string) => void;
  /** The race's time zone for the shared gun's text (default: the laptop's). */
  timeZone?: string;
  /** How often a split station reads the shared gun (default: START_TIME_ASSUMPTIONS). */
  gunPollMs?: number;
  /** How the finish station's gun publisher retries (tests shorten it). */
  gunIdlePollMs?: number;
  /** Clock probes wait with this (tests may inject). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Moves the closed station file of `current` (and its -wal, -shm, backups) into an archive
   * folder, never deleting it, and opens a fresh core in its place. Called when the timer
   * configures another race or mode while the journal holds entries, so practice taps are never
   * scored in the live race. Absent: the core alone decides.
   */
  archiveAndReopen?: (current: StationConfig) => Promise<Reopened & { dir?: string }>;
  /**
   * Undoes `archiveAndReopen` once the fresh core is closed: puts the files archived in `dir`
   * back as the station file and opens it, so a configure that fails after the archive does not
   * leave the station without its setup. On failure, `error` says why and `core` is the fresh
   * file reopened.
   */
  unarchiveAndReopen?: (dir: string) => Promise<Reopened>;
  /** The data folder's backups: listed, mirrored and restored from Setup. Absent: none. */
  backups?: StationBackups;
  /**
   * Opens the station file in place again: what a swap whose reopening threw falls back to, so
   * the station never stays with its file closed. Absent: such a swap leaves no file open.
   */
  reopenInPlace?: () => Promise<CorePort>;
}

/** Warning code of the archive notice. */
const ARCHIVE_NOTICE_CODE = 'station-archived';
const NO_BACKUPS = 'This station keeps no backups.';

export interface StationService extends StationApi {
  /** The running practice emulator's connection, when practice mode started one. */
  practice(): PracticeHost | null;
  /** Whether the current credentials are the practice ones. */
  isPractice(): boolean;
  /** Resolves once the finish station's guns in force are all acknowledged by RunSignup (tests). */
  gunsSent(): Promise<void>;
  /** Reads the shared gun now on a split station (tests; it also runs on its own timer). */
  pollGunNow(): Promise<void>;
  close(): Promise<void>;
}

/** One handler per command of the contract: a new command fails to compile until it has one. */
type CommandHandlers = {
  [K in Command['type']]: (command: Extract<Command, { type: K }>) => Promise<CommandResult>;
};
/** One handler per query of the contract; answers are checked against the contract after. */
type QueryHandlers = {
  [K in Query['type']]: (query: Extract<Query, { type: K }>) => Promise<unknown>;
};

const OK: CommandResult = { ok: true, seq: null, warnings: [] };

export async function createStationService(parts: StationServiceParts): Promise<StationService> {
  const log = parts.log ?? (() => {});
  const listeners = new Set<(event: StationEvent) => void>();
  const emit = (event: StationEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener (a closed socket) must not stop the others.
      }
    }
  };

  const timeZone = parts.timeZone ?? localTimeZone();
  if (!isTimeZone(timeZone)) {
    throw new Error(
      `"${timeZone}" is not a time zone this computer knows (e.g. America/New_York).`,
    );
  }
  // Replaced, never reused, when another race or mode gets a fresh station file.
  let session: StationSession | null = null;
  let closed = false;
  // Background work (clock bursts) that close() waits for.
  const background = new Set<Promise<unknown>>();
  const inBackground = (task: Promise<unknown>): void => {
    const p = task.catch((error: unknown) => log(`Background task failed: ${errorText(error)}`));
    background.add(p);
    void p.finally(() => background.delete(p));
  };
  // Waits that close() cuts short (a clock burst sleeps up to a second between probes).
  const sleeping = new Set<() => void>();
  const sleep =
    parts.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        const done = () => {
          clearTimeout(handle);
          sleeping.delete(done);
          resolve();
        };
        const handle = setTimeout(done, ms);
        sleeping.add(done);
      }));
  const clock = new ClockTracker({
    sleep,
    // The clock lives in the snapshot; screens take the new status as it is, rows untouched.
    onChange: (status) => {
      if (!closed) emit({ type: 'clock', clock: status });
    },
  });

  const connection = await RunSignupConnection.restore({
    secrets: parts.secrets,
    runsignup: parts.runsignup,
    practice: parts.practice,
    practiceSeed: parts.practiceSeed ?? 1,
    observer: { onClockSample: (sample) => clock.add(sample) },
    log,
    // The practice RunSignup lives in memory: a new one has none of what the last one
    // acknowledged. Everything this practice station wants shown is sent again (re-posts are
    // idempotent), so the screen never claims "sent" for a result RunSignup does not have.
    onFreshPractice: () => {
      const core = session?.core ?? parts.core;
      if (core.config()?.mode !== 'practice') return;
      const again = core.outbox.forgetAcknowledgements();
      if (again > 0) log(`Practice RunSignup started empty: sending ${again} field(s) again.`);
    },
  });

  const links: SessionLinks = {
    posterFor: (config) => connection.posterFor(config),
    clientFor: (config) => connection.raceClient(config),
    sync: parts.sync,
    clock,
    unconfiguredMode: () => (connection.isPractice() ? 'practice' : 'setup'),
    emit,
    log,
    closing: () => closed,
    timeZone,
    ...(parts.gunPollMs ? { gunPollMs: parts.gunPollMs } : {}),
    ...(parts.gunIdlePollMs ? { gunIdlePollMs: parts.gunIdlePollMs } : {}),
  };

  // Practice mode runs its RunSignup from the start, so the setup screen can list its race.
  if (connection.isPractice() || parts.core.config()?.mode === 'practice') {
    await connection.ensurePractice();
  }
  session = await StationSession.open(parts.core, links);
  // At connect (here: at start, for a station already set up): how far off is this clock?
  if (session.core.config() !== null) inBackground(session.measureClock());

  const current = (): StationSession => {
    if (session === null) throw new Error('The station file is not open.');
    return session;
  };

  /**
   * Closes the session in use and opens one on the core `reopen` gives. When that throws, the
   * station file in place is opened again and the error returned as the swap's `error`; only
   * when that fails too does the station stay without a file (every command then says so).
   */
  async function replaceSession<R extends Reopened>(reopen: () => Promise<R>): Promise<R> {
    await current().close();
    let failure: unknown;
    let opened: CorePort | null = null;
    try {
      const next = await reopen();
      opened = next.core;
      session = await StationSession.open(next.core, links);
      return next;
    } catch (error) {
      failure = error;
      try {
        await opened?.close();
      } catch {
        // the swap already failed: its first error is the one the timer is told
      }
    }
    session = null;
    if (!parts.reopenInPlace) throw failure;
    let core: CorePort;
    try {
      core = await parts.reopenInPlace();
    } catch (again) {
      throw new Error(
        `${errorText(failure)} The station file could not be opened again (${errorText(again)}): restart Chute.`,
      );
    }
    session = await StationSession.open(core, links);
    // A failed swap carries no result of its own (no kept copy, no archive folder).
    const failed: Reopened = {
      core,
      error: `${errorText(failure)} The station file in use was opened again.`,
    };
    return failed as R;
  }

  async function connect(next: Extract<Command, { type: 'connect' }>['connection']) {
    const result = await connection.connect(next);
    if (!result.ok) return result;
    // Another RunSignup (practice ↔ live) has another clock: start its estimate afresh.
    clock.reset();
    const s = current();
    await s.restartGunShare();
    inBackground(s.measureClock());
    // Results keep going where the configured race lives: a live race gets the new
    // credentials, or stalls with a clear reason if the timer switched to practice.
    await s.resumeSync();
    return OK;
  }

  async function configure(command: Extract<Command, { type: 'configure' }>) {
    const source = await connection.current();
    let details: RaceDetails;
    try {
      details = await source.raceDetails(command.raceId);
    } catch (error) {
      return fail(`Could not read race ${command.raceId} from RunSignup: ${errorText(error)}`);
    }
    const chosen = chooseEvents(details, command.eventIds, command.resultSets);
    if (!chosen.ok) return fail(chosen.error);
    let participants: Participant[];
    try {
      // Every event's runners, not only the timed ones: a bib of another event then warns as
      // such instead of reading "unknown" (only the timed events are posted).
      const everyEvent = details.events.map((e) => e.eventId);
      participants = await downloadParticipants(source, command.raceId, everyEvent, emit);
    } catch (error) {
      return fail(`Could not download the participants: ${errorText(error)}`);
    }
    const mode = connection.isPractice() ? 'practice' : 'live';
    const before = current().core.config();
    // RunSignup's own zone for the race wins: a laptop left on another zone still posts the
    // race's wall clock (START_TIME_ASSUMPTIONS.timeZone).
    const zone = details.timeZone ?? command.timeZone ?? before?.timeZone ?? timeZone;
    if (!isTimeZone(zone)) {
      return fail(`"${zone}" is not a time zone this computer knows (e.g. America/New_York).`);
    }
    let archivedTo: string | null = null;
    if (
      before !== null &&
      (before.raceId !== details.raceId || before.mode !== mode) &&
      current().core.query({ type: 'snapshot', limit: 1 }).journalLength > 0 &&
      parts.archiveAndReopen
    ) {
      // A live race whose results are not all on RunSignup is never put aside.
      const unsent = before.mode === 'live' ? unsentSentence(current().core, before) : null;
      if (unsent !== null) return fail(unsent);
      const archive = parts.archiveAndReopen;
      const archived = await replaceSession(() => archive(before));
      if (archived.error !== null) {
        return fail(
          `Could not put the ${before.mode} race's entries aside (${archived.error}); nothing was changed.`,
        );
      }
      log(`The ${before.mode} race ${before.raceId} was archived; a fresh station file is in use.`);
      archivedTo = archived.dir ?? 'the archive folder';
    }
    const s = current();
    try {
      s.core.cacheRace(details);
      s.core.cacheParticipants(participants);
      s.core.configure({
        stationId: s.core.stationId,
        stationName: command.stationName,
        mode,
        raceId: details.raceId,
        raceName: details.name,
        events: chosen.events,
        role: command.role,
        precision: command.precision ?? 1,
        timeZone: zone,
      });
    } catch (error) {
      if (archivedTo === null || before === null) return fail(errorText(error));
      const back = await reopenArchive(archivedTo);
      return fail(
        back === null
          ? `${errorText(error)} The ${before.mode} race ${before.raceName} was put back as it was.`
          : `${errorText(error)} The ${before.mode} race ${before.raceName} is kept in ${archivedTo} ` +
              `but could not be reopened (${back}): set it up again, or copy that folder back.`,
      );
    }
    await s.resumeSync();
    await s.restartGunShare();
    inBackground(s.measureClock());
    if (archivedTo === null || before === null) return OK;
    return {
      ok: true,
      seq: null,
      warnings: [
        {
          code: ARCHIVE_NOTICE_CODE,
          message:
            `The entries of the ${before.mode} race ${before.raceName} were put aside ` +
            `(kept, not deleted) in ${archivedTo}.`,
        },
      ],
    } satisfies CommandResult;
  }

  /** Puts the archived station file back and opens it; null when done, else why not. */
  async function reopenArchive(dir: string): Promise<string | null> {
    const unarchive = parts.unarchiveAndReopen;
    if (!unarchive) return 'this station cannot reopen an archive';
    return (await replaceSession(() => unarchive(dir))).error;
  }

  async function refreshParticipants(): Promise<CommandResult> {
    const config = current().core.config();
    if (config === null) return fail('Set up the station first: there is no race to refresh.');
    const source = await connection.forSetup(config);
    if (typeof source === 'string') return fail(source);
    try {
      const details = await source.raceDetails(config.raceId);
      const everyEvent = details.events.map((e) => e.eventId);
      const list = await downloadParticipants(source, config.raceId, everyEvent, emit);
      current().core.cacheRace(details);
      current().core.cacheParticipants(list);
    } catch (error) {
      return fail(`Could not download the participants: ${errorText(error)}`);
    }
    return OK;
  }

  /**
   * Puts a backup back as the station file: the chosen backup is copied aside and checked while
   * the station runs, the station file is closed (its last backup taken), replaced (a copy of it
   * kept) and opened again; the sync loop then sends RunSignup only what it lacks.
   */
  async function restore(command: Extract<Command, { type: 'restoreBackup' }>) {
    const backups = parts.backups;
    if (!backups) return fail(NO_BACKUPS);
    const prepared = backups.prepare(command.file, command.where);
    if (!prepared.ok) return fail(prepared.error);
    // Results of a live race not yet on RunSignup would stay only in the kept file: the timer
    // sees their count in the confirm step and says so.
    const config = current().core.config();
    if (config?.mode === 'live' && command.unsentConfirmed !== true) {
      const unsent = unsentSentence(
        current().core,
        config,
        'before restoring, or confirm in the restore step that those the backup lacks stay only in the kept file',
      );
      if (unsent !== null) {
        backups.discard(prepared.staged);
        return fail(unsent);
      }
    }
    const entriesBefore = current().length();
    let kept: string | null = null;
    let error: string | null = null;
    try {
      ({ kept, error } = await replaceSession(() => backups.restoreAndReopen(prepared.staged)));
    } finally {
      backups.discard(prepared.staged);
    }
    emit({ type: 'changed', journalLength: current().length() });
    if (error !== null) return fail(`Nothing was restored: ${error}`);
    log(
      `Restored the backup ${command.file}; the file it replaced is kept as ${kept ?? '(none)'}.`,
    );
    if (current().core.config() !== null) inBackground(current().measureClock());
    const keptSentence =
      kept === null
        ? 'There was no station file to replace.'
        : `The station file it replaced (${entriesBefore} ${entriesBefore === 1 ? 'entry' : 'entries'}) is kept as ${kept}.`;
    return {
      ok: true,
      seq: null,
      warnings: [
        {
          code: 'station-restored',
          message:
            `Restored ${prepared.what}. ${keptSentence} ` +
            'The station sends RunSignup only what it does not have yet.',
        },
      ],
    } satisfies CommandResult;
  }

  async function setBackupMirror(command: Extract<Command, { type: 'setBackupMirror' }>) {
    if (!parts.backups) return fail(NO_BACKUPS);
    const refused = parts.backups.setMirror(command.dir);
    if (refused !== null) return fail(refused);
    log(
      command.dir === null
        ? 'Backup mirror folder: none.'
        : `Backup mirror folder: ${command.dir}.`,
    );
    emit({ type: 'changed', journalLength: current().length() });
    return OK;
  }

  /** A command that becomes one journal row: the core records it. */
  const journal = async (command: JournalCommand) => {
    const s = current();
    return s.afterJournal(command.type, s.core.execute(command));
  };

  const commands: CommandHandlers = {
    tap: journal,
    assign: journal,
    adjust: journal,
    void: journal,
    status: journal,
    clear: journal,
    gun: journal,
    offset: journal,
    undo: journal,
    shift: journal,
    order: journal,
    retry: async () => {
      current().retry();
      return OK;
    },
    resolveConflict: async (command) => current().resolveConflict(command),
    measureClock: () => current().measureClock({ fresh: true }),
    connect: (command) => connect(command.connection),
    configure,
    refreshParticipants,
    restoreBackup: restore,
    setBackupMirror,
  };

  const queries: QueryHandlers = {
    snapshot: async (q) => current().snapshot(q.limit, q.withVoided),
    lookupBib: async (q) => current().core.query(q),
    journal: async (q) => current().core.query(q),
    results: async (q) => current().core.query(q),
    exportCsv: async (q) => current().core.query(q),
    races: async () => {
      try {
        return await (await connection.current()).races();
      } catch (error) {
        // Offline: the race this station is set up for is still there to show.
        const cached = current().core.query({ type: 'races' });
        if (cached.length === 0) throw error;
        return cached;
      }
    },
    raceDetails: async (q) => {
      try {
        const details = await (await connection.current()).raceDetails(q.raceId);
        current().core.cacheRace(details);
        return details;
      } catch (error) {
        // Offline: the race as last read, when this station read it before.
        try {
          return current().core.query(q);
        } catch {
          throw error;
        }
      }
    },
    backups: async () => {
      if (!parts.backups) throw new Error(NO_BACKUPS);
      const s = current();
      const list = parts.backups.list(s.length(), s.core.backupMirror?.() ?? null);
      if (s.core.config()?.mode !== 'live') return list;
      return { ...list, unsentResults: unsentResults(s.core).total };
    },
  };

  async function command(raw: Command): Promise<CommandResult> {
    const parsed = Command.safeParse(raw);
    if (!parsed.success) {
      return fail(`The station did not understand the command (${describeIssues(parsed.error)}).`);
    }
    const cmd = parsed.data;
    const handler = commands[cmd.type] as (command: Command) => Promise<CommandResult>;
    try {
      return await handler(cmd);
    } catch (error) {
      return fail(errorText(error));
    }
  }

  async function query<Q extends Query>(raw: Q): Promise<QueryResultOf<Q>> {
    const parsed = Query.safeParse(raw);
    if (!parsed.success) {
      throw new Error(
        `The station did not understand the query (${describeIssues(parsed.error)}).`,
      );
    }
    const q = parsed.data;
    const handler = queries[q.type] as (query: Query) => Promise<unknown>;
    const value = await handler(q);
    // Parsed on the way out too: the renderer gets exactly the contract or a clear error.
    const checked = QueryResult[q.type].safeParse(value);
    if (!checked.success) {
      throw new Error(
        `The station produced an invalid ${q.type} answer (${describeIssues(checked.error)}).`,
      );
    }
    return checked.data as QueryResultOf<Q>;
  }

  let closing: Promise<void> | null = null;
  return {
    command,
    query,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    practice: () => connection.practice(),
    isPractice: () => connection.isPractice(),
    gunsSent: () => current().gunsSent(),
    pollGunNow: () => current().pollGunNow(),
    close() {
      closing ??= (async () => {
        closed = true;
        for (const wake of [...sleeping]) wake();
        await Promise.all([...background]);
        await current().close();
        listeners.clear();
        await connection.close();
      })();
      return closing;
    },
  };
}
