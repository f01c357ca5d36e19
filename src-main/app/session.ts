// One station file at work: its core, the sync loop posting the core's outbox, the shared gun
// (a finish station publishes it, a split station reads it), clock probes against the race's
// RunSignup, and the snapshot the screens read. Opened, closed and swapped as one object:
// another race or mode is one session closed and another opened (service.ts), so nothing of the
// old file keeps running against the new one.
import type { StationConfig } from '../../src-shared/domain';
import type {
  Command,
  CommandResult,
  Snapshot,
  StationEvent,
  SyncStatus,
} from '../../src-shared/station-api';
import { isTimeZone } from '../../src-shared/time';
import { GunPoller, GunPublisher } from '../sync/gun-share';
import type { ResultsPoster } from '../sync/ports';
import type { ClockTracker } from './clock';
import { SYNC_STATUS_GATHER, gatherStatus } from './gather-status';
import type { CorePort, RunSignupPort, SyncFactory, SyncPort } from './ports';

/** What a session needs from the service around it: the connection, the clock, the screens. */
export interface SessionLinks {
  /** The poster results of this setup go to (decided by the setup's mode and the credentials). */
  posterFor(config: StationConfig | null): Promise<ResultsPoster>;
  /** The client this setup's start-time and clock calls go to, or null (no credentials). */
  clientFor(config: StationConfig | null): Promise<RunSignupPort | null>;
  sync: SyncFactory;
  /** The clock estimate against the connected RunSignup (it outlives a session swap). */
  clock: ClockTracker;
  /** The screen mode before setup ('setup', or 'practice' when connected to practice). */
  unconfiguredMode(): 'setup' | 'practice';
  emit(event: StationEvent): void;
  log(line: string): void;
  /** Whether the service is closing: a clock burst then ends at its next step. */
  closing(): boolean;
  /** The zone of the shared gun's text when the setup names none. */
  timeZone: string;
  /** How often a split station reads the shared gun (default: START_TIME_ASSUMPTIONS). */
  gunPollMs?: number;
  /** How the finish station's gun publisher retries (tests shorten it). */
  gunIdlePollMs?: number;
  /** How sync-status changes are gathered into events (default SYNC_STATUS_GATHER). */
  syncStatusGather?: { gatherMs: number; maxHoldMs: number };
}

export function fail(error: string): CommandResult {
  return { ok: false, error };
}

/**
 * How many results of the race in use are not yet on RunSignup (rows waiting, needing attention,
 * and clears awaiting a read-back), and of which kind.
 */
export function unsentResults(core: CorePort): { total: number; kinds: string } {
  const counts = core.outbox.counts();
  const verifying = core.outbox.awaitingReadBack().length;
  const parts: string[] = [];
  if (counts.pending > 0) parts.push(`${counts.pending} waiting to be sent`);
  if (counts.attention > 0) parts.push(`${counts.attention} needing attention`);
  if (verifying > 0) parts.push(`${verifying} awaiting a check on RunSignup`);
  return { total: counts.pending + counts.attention + verifying, kinds: parts.join(', ') };
}

/**
 * The sentence that refuses to replace a station file whose results are not all on RunSignup
 * (`doing`: what the timer asked for), or null when all are there.
 */
export function unsentSentence(
  core: CorePort,
  config: StationConfig,
  doing = 'before setting up another race',
): string | null {
  const { total, kinds } = unsentResults(core);
  if (total === 0) return null;
  return (
    `Not changed: ${total} result${total === 1 ? '' : 's'} of ${config.raceName} ` +
    `(race ${config.raceId}) ${total === 1 ? 'is' : 'are'} not yet on RunSignup ` +
    `(${kinds}). They are kept on this station: let them finish sending ` +
    `(Retry, or correct the rows needing attention) ${doing}.`
  );
}

export class StationSession {
  private publisher: GunPublisher | null = null;
  private poller: GunPoller | null = null;
  private journalLength: number;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly sync: SyncPort;
  private readonly syncStatusEvents: { changed(): void; stop(): void };

  /** Starts the sync loop and the gun share of `core`; `open` also waits for the gun share. */
  private constructor(
    readonly core: CorePort,
    private readonly links: SessionLinks,
    poster: ResultsPoster,
  ) {
    this.journalLength = core.query({ type: 'snapshot', limit: 1 }).journalLength;
    // The loop is the one keeper of the sync status; the screens hear it from here, gathered.
    this.syncStatusEvents = gatherStatus({
      current: () => this.sync.status(),
      busy: (status) => status.inFlight > 0,
      emit: (sync) => {
        if (!this.closed) links.emit({ type: 'sync', sync });
      },
      ...(links.syncStatusGather ?? SYNC_STATUS_GATHER),
    });
    this.sync = links.sync({
      outbox: core.outbox,
      poster,
      isCurrentTarget: (target) => this.isCurrentTarget(target),
      onStatus: () => this.syncStatusEvents.changed(),
    });
    this.sync.start();
    this.unsubscribe = core.subscribe((event) => {
      if (event.type === 'changed') this.journalLength = event.journalLength;
      links.emit(event);
      if (event.type === 'changed') {
        this.sync.wake();
        this.publisher?.wake();
      }
    });
  }

  static async open(core: CorePort, links: SessionLinks): Promise<StationSession> {
    const session = new StationSession(core, links, await links.posterFor(core.config()));
    await session.restartGunShare();
    return session;
  }

  /** The number of journal entries, as last announced (the clock's `changed` events carry it). */
  length(): number {
    return this.journalLength;
  }

  syncStatus(): SyncStatus {
    return this.sync.status();
  }

  /** The core's snapshot with what lives beside the core: mode, sync status, clock. */
  snapshot(limit: number | undefined, withVoided = false): Snapshot {
    const snapshot = this.core.query({
      type: 'snapshot',
      ...(limit === undefined ? {} : { limit }),
      ...(withVoided ? { withVoided } : {}),
    });
    const config = this.core.config();
    return {
      ...snapshot,
      mode: config !== null ? config.mode : this.links.unconfiguredMode(),
      sync: this.sync.status(),
      conflicts: this.core.outbox.conflicts().map((c) => ({
        bib: c.bib,
        eventId: c.eventId,
        resultSetId: c.resultSetId,
        field: c.field,
        stationValue: c.stationValue,
        runsignupValue: c.runsignupValue,
      })),
      clock: this.links.clock.status(),
      ...(this.core.backupMirror ? { backupMirror: this.core.backupMirror() } : {}),
    };
  }

  /** The timer decided a conflict: the decision is recorded, and posting or auditing resumes. */
  resolveConflict(command: Extract<Command, { type: 'resolveConflict' }>): CommandResult {
    const decided = this.core.outbox.resolveConflict(
      { resultSetId: command.resultSetId, bib: command.bib, field: command.field },
      command.keep,
    );
    if (!decided) {
      return fail(
        `There is no conflict on ${command.field} of bib ${command.bib} (already decided, or ` +
          "RunSignup shows this station's value again).",
      );
    }
    this.links.log(
      `Conflict on ${command.field} of bib ${command.bib}: kept ` +
        (command.keep === 'runsignup'
          ? `RunSignup's "${decided.runsignupValue}"`
          : `this station's "${decided.stationValue ?? 'X'}"`),
    );
    this.links.emit({ type: 'changed', journalLength: this.journalLength });
    this.sync.wake();
    this.sync.auditSoon();
    return { ok: true, seq: null, warnings: [] };
  }

  /** A journal command went through the core: a gun set or undone is shared at once. */
  afterJournal(type: string, result: CommandResult): CommandResult {
    if (result.ok && (type === 'gun' || type === 'undo')) this.publisher?.wake();
    return result;
  }

  /** The timer pressed retry: rows needing attention, a stalled loop, the shared gun. */
  retry(): void {
    this.sync.retryAttention();
    this.sync.resume();
    this.publisher?.retryNow();
    void this.poller?.pollNow();
  }

  /** Posting goes on with the poster this setup now calls for (new credentials, new setup). */
  async resumeSync(): Promise<void> {
    this.sync.resume(await this.links.posterFor(this.core.config()));
  }

  gunsSent(): Promise<void> {
    return this.publisher?.idle() ?? Promise.resolve();
  }

  pollGunNow(): Promise<void> {
    return this.poller?.pollNow() ?? Promise.resolve();
  }

  /**
   * A burst of clock probes against the RunSignup this station posts to; `fresh` (the timer
   * asked) measures anew instead of refining the samples held (see ClockTracker.measure).
   */
  async measureClock(options: { fresh?: boolean } = {}): Promise<CommandResult> {
    const config = this.core.config();
    const source = await this.links.clientFor(config);
    if (source === null) {
      return fail('Connect to RunSignup first: the clock is measured against its answers.');
    }
    const first = config?.events[0];
    const target = config && first ? { raceId: config.raceId, eventId: first.eventId } : null;
    // Once closing, the burst ends at its next step instead of holding close() up.
    const status = await this.links.clock.measure(
      () => (this.links.closing() ? Promise.resolve(null) : source.probeClock(target)),
      options,
    );
    if (status === null) {
      return fail(
        'Could not reach RunSignup to measure the clock: try again when online (the last measurement stays in force).',
      );
    }
    return {
      ok: true,
      seq: null,
      warnings: status.warning ? [{ code: 'clock-offset', message: status.warning }] : [],
    };
  }

  /** (Re)starts the shared gun for the current setup and connection. */
  async restartGunShare(): Promise<void> {
    await this.stopGunShare();
    const config = this.core.config();
    if (config === null || this.closed || this.links.closing()) return;
    const source = await this.links.clientFor(config);
    if (source === null) return;
    const raceId = config.raceId;
    const zone =
      config.timeZone && isTimeZone(config.timeZone) ? config.timeZone : this.links.timeZone;
    const logChange = (what: string) => (status: { lastError: string | null }) => {
      if (status.lastError) this.links.log(`${what}: ${status.lastError}`);
    };
    if (config.role.kind === 'finish') {
      this.publisher = new GunPublisher({
        guns: () => this.guns(),
        post: (eventId, text) => source.postStartTime(raceId, eventId, text),
        // The shared gun is in RunSignup's clock: local gun + this station's offset.
        offsetMs: () => this.core.query({ type: 'snapshot', limit: 1 }).offsetMs,
        timeZone: zone,
        ...(this.links.gunIdlePollMs ? { idlePollMs: this.links.gunIdlePollMs } : {}),
        onStatus: logChange('Gun time'),
      });
      this.publisher.start();
      return;
    }
    this.poller = new GunPoller({
      events: () => config.events.map((e) => e.eventId),
      guns: () => this.guns(),
      read: (eventId) => source.getStartTime(raceId, eventId),
      record: (eventId, at) => {
        const result = this.core.recordRemoteGun(eventId, at);
        if (!result.ok) return { ok: false, error: result.error };
        // A typed gun kept over RunSignup's: the core shows it in the snapshot's guns too.
        for (const w of result.warnings) if (w.code === 'gun-conflict') this.links.log(w.message);
        return { ok: true };
      },
      timeZone: zone,
      ...(this.links.gunPollMs ? { everyMs: this.links.gunPollMs } : {}),
      onStatus: logChange('Shared gun time'),
    });
    this.poller.start();
  }

  /** Stops everything running on this station file, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.syncStatusEvents.stop();
    await this.stopGunShare();
    await this.sync.stop();
    this.unsubscribe();
    await this.core.close();
  }

  private guns() {
    return this.core.query({ type: 'snapshot', limit: 1 }).guns;
  }

  private async stopGunShare(): Promise<void> {
    const [publisher, poller] = [this.publisher, this.poller];
    this.publisher = null;
    this.poller = null;
    await Promise.all([publisher?.stop(), poller?.stop()]);
  }

  /** Only the current setup's (event, result set) pairs are ever posted; before setup a row waits. */
  private isCurrentTarget(target: { eventId: number; resultSetId: number }): boolean {
    const config = this.core.config();
    if (config === null) return true;
    return config.events.some(
      (e) => e.eventId === target.eventId && e.resultSetId === target.resultSetId,
    );
  }
}
