// The station service: the whole StationApi, composed from the core, the sync loop, the
// RunSignup client and (in practice mode) the in-process emulator. Both shells hold one of
// these. Credentials go to the SecretStore and nowhere else: never into a snapshot, an event,
// an error text or a log line.
import type { Participant, StationConfig, TimedEvent } from '../../src-shared/domain';
import {
  Command,
  Connection,
  Query,
  QueryResult,
  type CommandResult,
  type QueryResultOf,
  type RaceDetails,
  type StationApi,
  type StationEvent,
  type SyncStatus,
} from '../../src-shared/station-api';
import { GunPoller, GunPublisher } from '../sync/gun-share';
import { isTimeZone, localTimeZone } from '../sync/gun-time';
import type { ClearVerification, PostOutcome, ResultsPoster } from '../sync/ports';
import { isJournalCommand } from '../core/command-validation';
import { ClockTracker } from './clock';
import { describeIssues, errorText } from './dispatch';
import type {
  CorePort,
  PracticeFactory,
  PracticeHost,
  ResolvedConnection,
  RunSignupFactory,
  RunSignupPort,
  SecretStore,
  SyncFactory,
  SyncPort,
} from './ports';

export const CONNECTION_SECRET_KEY = 'runsignup-connection';

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
   * scored in the live race (review finding 1). Absent: the core alone decides.
   */
  archiveAndReopen?: (
    current: StationConfig,
  ) => Promise<{ core: CorePort; error: string | null; dir?: string }>;
  /**
   * Undoes `archiveAndReopen` once the caller closed the fresh core: puts the files archived in
   * `dir` back as the station file and opens it (review2 #1: a configure that fails after the
   * archive must not leave the station without its setup). On failure, `error` says why and
   * `core` is the fresh file reopened.
   */
  unarchiveAndReopen?: (dir: string) => Promise<{ core: CorePort; error: string | null }>;
}

/** Warning code of the archive notice. */
const ARCHIVE_NOTICE_CODE = 'station-archived';

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

/** Sync can never post a live race's results without that race's credentials. */
function missingCredentialsPoster(): ResultsPoster {
  return {
    async postResults(): Promise<PostOutcome> {
      return {
        ok: false,
        kind: 'auth',
        code: null,
        message:
          'RunSignup credentials are needed to send results: connect to RunSignup again on the setup screen.',
        retryAfterMs: null,
      };
    },
  };
}

/** Before setup the outbox is empty; should a row appear anyway, it waits, it is not lost. */
function notConfiguredPoster(): ResultsPoster {
  return {
    async postResults(): Promise<PostOutcome> {
      return {
        ok: false,
        kind: 'auth',
        code: null,
        message: 'The station is not set up for a race yet.',
        retryAfterMs: null,
      };
    },
  };
}

const OK: CommandResult = { ok: true, seq: null, warnings: [] };
function fail(error: string): CommandResult {
  return { ok: false, error };
}

/** Pick each event's result set: the one asked for, else the event's first. */
export function chooseEvents(
  details: RaceDetails,
  eventIds: number[],
  chosen: Array<{ eventId: number; resultSetId: number }> | undefined,
): { ok: true; events: TimedEvent[] } | { ok: false; error: string } {
  const events: TimedEvent[] = [];
  for (const eventId of eventIds) {
    const event = details.events.find((e) => e.eventId === eventId);
    if (!event) return { ok: false, error: `Event ${eventId} is not part of ${details.name}.` };
    const wanted = chosen?.find((c) => c.eventId === eventId)?.resultSetId;
    const set =
      wanted === undefined
        ? event.resultSets[0]
        : event.resultSets.find((r) => r.resultSetId === wanted);
    if (!set) {
      return {
        ok: false,
        error:
          wanted === undefined
            ? `${event.name} has no result set on RunSignup yet: create one there, then try again.`
            : `Result set ${wanted} does not belong to ${event.name}.`,
      };
    }
    events.push({
      eventId,
      name: event.name,
      resultSetId: set.resultSetId,
      scheduledStart: event.startTime,
    });
  }
  if (new Set(eventIds).size !== eventIds.length) {
    return { ok: false, error: 'Each event can be chosen only once.' };
  }
  return { ok: true, events };
}

export async function createStationService(parts: StationServiceParts): Promise<StationService> {
  const { secrets } = parts;
  // Replaced (never mutated) when another race or mode gets a fresh station file.
  let core = parts.core;
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

  let practiceHost: PracticeHost | null = null;
  let practiceStarting: Promise<PracticeHost> | null = null;
  const ensurePractice = async (): Promise<PracticeHost> => {
    practiceStarting ??= parts.practice(parts.practiceSeed ?? 1).then((host) => {
      practiceHost = host;
      // The practice RunSignup lives in memory: a new one has none of what the last one
      // acknowledged. Everything this practice station wants shown is sent again (re-posts are
      // idempotent), so the screen never claims "sent" for a result RunSignup does not have.
      if (host.fresh && core.config()?.mode === 'practice' && core.forgetAcknowledgements) {
        const again = core.forgetAcknowledgements();
        if (again > 0) log(`Practice RunSignup started empty: sending ${again} field(s) again.`);
      }
      return host;
    });
    return practiceStarting;
  };

  // The connection the setup screens use (races, raceDetails, configure).
  let connection: Connection = { auth: 'practice' };
  let client: RunSignupPort | null = null;
  let practiceClient: RunSignupPort | null = null;

  const timeZone = parts.timeZone ?? localTimeZone();
  if (!isTimeZone(timeZone)) {
    throw new Error(
      `"${timeZone}" is not a time zone this computer knows (e.g. America/New_York).`,
    );
  }
  // Background work (clock bursts) that close() waits for.
  const background = new Set<Promise<unknown>>();
  const inBackground = (task: Promise<unknown>): void => {
    const p = task.catch((error: unknown) => log(`Background task failed: ${errorText(error)}`));
    background.add(p);
    void p.finally(() => background.delete(p));
  };
  let journalLength = 0;
  let closed = false;
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
    // The renderer reloads its snapshot on `changed`; the clock lives in the snapshot.
    onChange: () => {
      if (!closed) emit({ type: 'changed', journalLength });
    },
  });
  const observer = {
    onClockSample: (sample: Parameters<ClockTracker['add']>[0]) => clock.add(sample),
  };

  const stored = await secrets.get(CONNECTION_SECRET_KEY);
  if (stored !== null) {
    const parsed = Connection.safeParse(safeJson(stored));
    if (parsed.success) connection = parsed.data;
    else log('Stored RunSignup connection was unreadable; starting in practice mode.');
  }

  async function clientFor(target: Connection): Promise<RunSignupPort> {
    if (target.auth === 'practice') {
      if (practiceClient) return practiceClient;
      const host = await ensurePractice();
      practiceClient = parts.runsignup(host.connection, observer);
      return practiceClient;
    }
    return parts.runsignup(target as ResolvedConnection, observer);
  }

  async function currentClient(): Promise<RunSignupPort> {
    client ??= await clientFor(connection);
    return client;
  }

  /** The poster results go to: decided by the configured race's mode, never by chance. */
  async function posterForConfig(config: StationConfig | null): Promise<ResultsPoster> {
    if (config === null) return notConfiguredPoster();
    if (config.mode === 'practice') {
      return (await clientFor({ auth: 'practice' })).posterFor(config.raceId);
    }
    if (connection.auth === 'practice') return missingCredentialsPoster();
    return (await currentClient()).posterFor(config.raceId);
  }

  /** The client the configured race's start-time and clock calls go to, or null (no credentials). */
  async function clientForConfig(config: StationConfig | null): Promise<RunSignupPort | null> {
    if (config === null) return currentClient();
    if (config.mode === 'practice') return clientFor({ auth: 'practice' });
    if (connection.auth === 'practice') return null;
    return currentClient();
  }

  /** The zone the shared gun's text is in: the station's setting, else the laptop's. */
  const zoneOf = (config: StationConfig): string =>
    config.timeZone && isTimeZone(config.timeZone) ? config.timeZone : timeZone;

  // The shared gun: the finish station publishes, split stations poll (sync/gun-share.ts).
  let publisher: GunPublisher | null = null;
  let poller: GunPoller | null = null;
  async function stopGunShare(): Promise<void> {
    const [p, q] = [publisher, poller];
    publisher = null;
    poller = null;
    await Promise.all([p?.stop(), q?.stop()]);
  }
  async function startGunShare(): Promise<void> {
    await stopGunShare();
    const config = core.config();
    const guns = core.guns?.bind(core);
    const recordRemoteGun = core.recordRemoteGun?.bind(core);
    if (config === null || closed || !guns) return;
    const source = await clientForConfig(config);
    if (!source?.getStartTime || !source.postStartTime) return;
    const { getStartTime, postStartTime } = source;
    const raceId = config.raceId;
    const logChange = (what: string) => (status: { lastError: string | null }) => {
      if (status.lastError) log(`${what}: ${status.lastError}`);
    };
    if (config.role.kind === 'finish') {
      publisher = new GunPublisher({
        guns,
        post: (eventId, text) => postStartTime.call(source, raceId, eventId, text),
        // The shared gun is in RunSignup's clock: local gun + this station's offset (review 3).
        ...(core.offsetMs ? { offsetMs: core.offsetMs.bind(core) } : {}),
        timeZone: zoneOf(config),
        ...(parts.gunIdlePollMs ? { idlePollMs: parts.gunIdlePollMs } : {}),
        onStatus: logChange('Gun time'),
      });
      publisher.start();
    } else if (recordRemoteGun) {
      poller = new GunPoller({
        events: () => config.events.map((e) => e.eventId),
        guns,
        read: (eventId) => getStartTime.call(source, raceId, eventId),
        record: (eventId, at) => {
          const result = recordRemoteGun(eventId, at);
          if (!result.ok) return { ok: false, error: result.error };
          // A typed gun kept over RunSignup's: the core shows it in the snapshot's guns too.
          for (const w of result.warnings) if (w.code === 'gun-conflict') log(w.message);
          return { ok: true };
        },
        timeZone: zoneOf(config),
        ...(parts.gunPollMs ? { everyMs: parts.gunPollMs } : {}),
        onStatus: logChange('Shared gun time'),
      });
      poller.start();
    }
  }

  /** A burst of clock probes against the RunSignup this station posts to. */
  async function measureClock(): Promise<CommandResult> {
    const config = core.config();
    const source = await clientForConfig(config);
    if (!source?.probeClock) {
      return fail('Connect to RunSignup first: the clock is measured against its answers.');
    }
    const first = config?.events[0];
    const target = config && first ? { raceId: config.raceId, eventId: first.eventId } : null;
    // Once closing, the burst ends at its next step instead of holding close() up.
    const status = await clock.measure(() =>
      closed ? Promise.resolve(null) : source.probeClock!(target),
    );
    if (status === null) {
      return fail('Could not reach RunSignup to measure the clock: try again when online.');
    }
    return {
      ok: true,
      seq: null,
      warnings: status.warning ? [{ code: 'clock-offset', message: status.warning }] : [],
    };
  }

  // Practice mode runs its RunSignup from the start, so the setup screen can list its race.
  if (connection.auth === 'practice' || core.config()?.mode === 'practice') await ensurePractice();

  let syncStatus: SyncStatus | null = null;
  // Only the current setup's (event, result set) pairs are ever posted; before setup a row waits.
  const isCurrentTarget = (t: { eventId: number; resultSetId: number }): boolean => {
    const config = core.config();
    if (config === null) return true;
    return config.events.some((e) => e.eventId === t.eventId && e.resultSetId === t.resultSetId);
  };
  const startSync = async (): Promise<SyncPort> => {
    const loop = parts.sync({
      outbox: core.outbox,
      poster: await posterForConfig(core.config()),
      isCurrentTarget,
      onStatus: (status) => {
        syncStatus = status;
        // A core that keeps the status announces it itself; otherwise we do.
        if (core.setSyncStatus) core.setSyncStatus(status);
        else emit({ type: 'sync', sync: status });
      },
    });
    loop.start();
    return loop;
  };
  const attachCore = (): (() => void) =>
    core.subscribe((event) => {
      if (event.type === 'changed') journalLength = event.journalLength;
      emit(event);
      if (event.type === 'changed') {
        sync.wake();
        publisher?.wake();
      }
    });
  let sync: SyncPort = await startSync();
  let unsubscribeCore = attachCore();
  try {
    const first = (await core.query({ type: 'snapshot', limit: 1 })) as { journalLength?: unknown };
    if (typeof first?.journalLength === 'number') journalLength = first.journalLength;
  } catch {
    // Only the number announced with clock changes; the next journal change corrects it.
  }
  await startGunShare();
  // At connect (here: at start, for a station already set up): how far off is this clock?
  if (core.config() !== null) inBackground(measureClock());

  function modeNow(config: StationConfig | null): 'setup' | 'practice' | 'live' {
    if (config !== null) return config.mode;
    return connection.auth === 'practice' ? 'practice' : 'setup';
  }

  async function connect(next: Connection): Promise<CommandResult> {
    const candidate = await clientFor(next);
    try {
      await candidate.races(); // proves the credentials before they are kept
    } catch (error) {
      if (candidate !== practiceClient) await candidate.close?.();
      return fail(`Could not connect to RunSignup: ${errorText(error)}`);
    }
    if (client && client !== practiceClient && client !== candidate) await client.close?.();
    client = candidate;
    connection = next;
    if (next.auth === 'practice') await secrets.delete(CONNECTION_SECRET_KEY);
    else await secrets.set(CONNECTION_SECRET_KEY, JSON.stringify(next));
    // Another RunSignup (practice ↔ live) has another clock: start its estimate afresh.
    clock.reset();
    await startGunShare();
    inBackground(measureClock());
    // Results keep going where the configured race lives: a live race gets the new
    // credentials, or stalls with a clear reason if the timer switched to practice.
    sync.resume(await posterForConfig(core.config()));
    return OK;
  }

  async function downloadParticipants(
    source: RunSignupPort,
    raceId: number,
    eventIds: number[],
  ): Promise<Participant[]> {
    emit({ type: 'progress', task: 'participants', done: 0, total: null });
    const participants = await source.participants(raceId, eventIds, (done, total) =>
      emit({ type: 'progress', task: 'participants', done, total }),
    );
    emit({
      type: 'progress',
      task: 'participants',
      done: participants.length,
      total: participants.length,
    });
    return participants;
  }

  async function configure(command: Extract<Command, { type: 'configure' }>) {
    const source = await currentClient();
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
      participants = await downloadParticipants(source, command.raceId, command.eventIds);
    } catch (error) {
      return fail(`Could not download the participants: ${errorText(error)}`);
    }
    const mode = connection.auth === 'practice' ? 'practice' : 'live';
    const zone = command.timeZone ?? core.config()?.timeZone ?? timeZone;
    if (!isTimeZone(zone)) {
      return fail(`"${zone}" is not a time zone this computer knows (e.g. America/New_York).`);
    }
    const current = core.config();
    let archivedTo: string | null = null;
    if (
      current !== null &&
      (current.raceId !== details.raceId || current.mode !== mode) &&
      (await journalIsEmpty()) === false &&
      parts.archiveAndReopen
    ) {
      // A live race whose results are not all on RunSignup is never put aside (review2 #1).
      const unsent = current.mode === 'live' ? unsentSentence(current) : null;
      if (unsent !== null) return fail(unsent);
      const archived = await archiveStationFile(current, parts.archiveAndReopen);
      if (!archived.ok) {
        return fail(
          `Could not put the ${current.mode} race's entries aside (${archived.error}); nothing was changed.`,
        );
      }
      archivedTo = archived.dir;
    }
    try {
      core.cacheRace?.(details);
      core.cacheParticipants(participants);
      core.configure({
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
      if (archivedTo !== null && current !== null) {
        const back = await reopenArchive(archivedTo);
        return fail(
          back === null
            ? `${errorText(error)} The ${current.mode} race ${current.raceName} was put back as it was.`
            : `${errorText(error)} The ${current.mode} race ${current.raceName} is kept in ${archivedTo} ` +
                `but could not be reopened (${back}): set it up again, or copy that folder back.`,
        );
      }
      return fail(errorText(error));
    }
    sync.resume(await posterForConfig(core.config()));
    await startGunShare();
    inBackground(measureClock());
    if (archivedTo !== null && current !== null) {
      return {
        ok: true,
        seq: null,
        warnings: [
          {
            code: ARCHIVE_NOTICE_CODE,
            message:
              `The entries of the ${current.mode} race ${current.raceName} were put aside ` +
              `(kept, not deleted) in ${archivedTo}.`,
          },
        ],
      } satisfies CommandResult;
    }
    return OK;
  }

  /**
   * Null when every result of `current` is on RunSignup; else a sentence saying how many are
   * not, and that they are kept until then.
   */
  function unsentSentence(current: StationConfig): string | null {
    const counts = core.outbox.counts();
    const verifying = (core.outbox as Partial<ClearVerification>).awaitingReadBack?.().length ?? 0;
    const total = counts.pending + counts.attention + verifying;
    if (total === 0) return null;
    const parts: string[] = [];
    if (counts.pending > 0) parts.push(`${counts.pending} waiting to be sent`);
    if (counts.attention > 0) parts.push(`${counts.attention} needing attention`);
    if (verifying > 0) parts.push(`${verifying} awaiting a check on RunSignup`);
    return (
      `Not changed: ${total} result${total === 1 ? '' : 's'} of ${current.raceName} ` +
      `(race ${current.raceId}) ${total === 1 ? 'is' : 'are'} not yet on RunSignup ` +
      `(${parts.join(', ')}). They are kept on this station: let them finish sending ` +
      `(Retry, or correct the rows needing attention) before setting up another race.`
    );
  }

  /** Puts the archived station file back and opens it; null when done, else why not. */
  async function reopenArchive(dir: string): Promise<string | null> {
    if (!parts.unarchiveAndReopen) return 'this station cannot reopen an archive';
    await stopGunShare();
    await sync.stop();
    unsubscribeCore();
    await core.close();
    const back = await parts.unarchiveAndReopen(dir);
    core = back.core;
    const error = back.error;
    unsubscribeCore = attachCore();
    sync = await startSync();
    journalLength = 0;
    try {
      const first = (await core.query({ type: 'snapshot', limit: 1 })) as {
        journalLength?: unknown;
      };
      if (typeof first?.journalLength === 'number') journalLength = first.journalLength;
    } catch {
      // The next journal change corrects the count.
    }
    sync.resume(await posterForConfig(core.config()));
    await startGunShare();
    return error;
  }

  async function journalIsEmpty(): Promise<boolean> {
    const first = (await core.query({ type: 'snapshot', limit: 1 })) as { journalLength?: unknown };
    const length = typeof first?.journalLength === 'number' ? first.journalLength : journalLength;
    return length === 0;
  }

  /**
   * Another race or mode on a station with entries: the current file is archived (never
   * deleted) and a fresh one opened, so nothing of the old race is scored or posted in the new.
   */
  async function archiveStationFile(
    current: StationConfig,
    archive: NonNullable<StationServiceParts['archiveAndReopen']>,
  ): Promise<{ ok: true; dir: string } | { ok: false; error: string }> {
    await stopGunShare();
    await sync.stop();
    unsubscribeCore();
    await core.close();
    const next = await archive(current);
    core = next.core;
    unsubscribeCore = attachCore();
    sync = await startSync();
    if (next.error !== null) {
      // The same file again: its journal and its gun share carry on as before.
      await startGunShare();
      return { ok: false, error: next.error };
    }
    journalLength = 0;
    log(`The ${current.mode} race ${current.raceId} was archived; a fresh station file is in use.`);
    return { ok: true, dir: next.dir ?? 'the archive folder' };
  }

  async function refreshParticipants(): Promise<CommandResult> {
    const config = core.config();
    if (config === null) return fail('Set up the station first: there is no race to refresh.');
    const source =
      config.mode === 'practice' ? await clientFor({ auth: 'practice' }) : await currentClient();
    if (config.mode === 'live' && connection.auth === 'practice') {
      return fail('Connect to RunSignup first: this station has no credentials for its race.');
    }
    try {
      const eventIds = config.events.map((e) => e.eventId);
      core.cacheParticipants(await downloadParticipants(source, config.raceId, eventIds));
    } catch (error) {
      return fail(`Could not download the participants: ${errorText(error)}`);
    }
    return OK;
  }

  async function command(raw: Command): Promise<CommandResult> {
    const parsed = Command.safeParse(raw);
    if (!parsed.success) {
      return fail(`The station did not understand the command (${describeIssues(parsed.error)}).`);
    }
    const cmd = parsed.data;
    try {
      if (isJournalCommand(cmd)) {
        const result = await core.execute(cmd);
        // A gun set, or undone, here: the finish station shares it at once.
        if (result.ok && (cmd.type === 'gun' || cmd.type === 'undo')) publisher?.wake();
        return result;
      }
      switch (cmd.type) {
        case 'retry': {
          sync.retryAttention();
          sync.resume();
          publisher?.retryNow();
          void poller?.pollNow();
          return OK;
        }
        case 'measureClock':
          return await measureClock();
        case 'connect':
          return await connect(cmd.connection);
        case 'configure':
          return await configure(cmd);
        case 'refreshParticipants':
          return await refreshParticipants();
        default: {
          // Every command of the contract is handled above (a new one fails to compile here).
          const unhandled: never = cmd;
          return fail(`The station cannot run "${(unhandled as { type: string }).type}" commands.`);
        }
      }
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
    let value: unknown;
    switch (q.type) {
      case 'races':
        try {
          value = await (await currentClient()).races();
        } catch (error) {
          // Offline: the race this station is set up for is still there to show.
          const cached = core.cachedRaces?.() ?? [];
          if (cached.length === 0) throw error;
          value = cached;
        }
        break;
      case 'raceDetails':
        try {
          value = await (await currentClient()).raceDetails(q.raceId);
          core.cacheRace?.(value as RaceDetails);
        } catch (error) {
          const cached = core.cachedRace?.(q.raceId) ?? null;
          if (cached === null) throw error;
          value = cached; // offline: the race as last read
        }
        break;
      case 'snapshot': {
        const snapshot = (await core.query(q)) as Record<string, unknown>;
        const config = core.config();
        value = {
          ...snapshot,
          mode: modeNow(config),
          sync: syncStatus ?? sync.status(),
          clock: clock.status(),
        };
        break;
      }
      default:
        value = await core.query(q);
    }
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
    practice: () => practiceHost,
    isPractice: () => connection.auth === 'practice',
    gunsSent: () => publisher?.idle() ?? Promise.resolve(),
    pollGunNow: () => poller?.pollNow() ?? Promise.resolve(),
    close() {
      closing ??= (async () => {
        closed = true;
        for (const wake of [...sleeping]) wake();
        await stopGunShare();
        await Promise.all([...background]);
        await sync.stop();
        unsubscribeCore();
        listeners.clear();
        if (client && client !== practiceClient) await client.close?.();
        await practiceClient?.close?.();
        await core.close();
        await practiceHost?.close();
      })();
      return closing;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
