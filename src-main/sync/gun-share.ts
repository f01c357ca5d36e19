// The gun shared through RunSignup's start-time call (RUNSIGNUP-API.md §5). The FINISH
// station publishes each event's gun in force; SPLIT stations poll it and record it. Both run
// beside the results sync loop with their I/O injected, so every path is tested without a network.
//
// Durability: the gun lives in the journal (one transaction with the tap that set it), so a gun
// set offline is simply "a gun in force RunSignup has not acknowledged": the publisher posts it
// when it can. Acknowledgements are kept in memory; after a restart every gun in force is posted
// once more (the call is idempotent, one request per event).
// Ordering: ONE serial loop posts, and always the gun in force at the moment it posts, so an
// older gun can never land after a newer one.
import { START_TIME_ASSUMPTIONS } from '../runsignup/assumptions';
import { type BackoffPolicy, DEFAULT_BACKOFF, backoffDelay } from './backoff';
import { formatStartTime, parseStartTimeIn } from './gun-time';
import { realTimers, type Timers } from './timers';

export interface GunInForce {
  eventId: number;
  at: number | null;
  source?: 'local' | 'runsignup' | undefined;
}

/** Whether a failed post refused the text itself (so a whole-second retry may pass). */
export function refusedFormat(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { kind?: unknown; code?: unknown };
  // 9 is the envelope's "invalid date"; `rejected` covers the client's own format check.
  return e.kind === 'rejected' || e.code === 9;
}

function message(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'the request failed';
}

export interface GunShareStatus {
  /** Guns in force RunSignup has not acknowledged yet (publisher). */
  pending: number;
  lastError: string | null;
}

export interface GunPublisherOptions {
  /** The guns in force now (the core's snapshot). */
  guns: () => GunInForce[];
  /** One start-time post; throws when it failed. */
  post: (eventId: number, text: string) => Promise<void>;
  /**
   * This station's clock offset in force (ms to add to local time to get RunSignup's time). A
   * local gun is on this laptop's clock; the start time is shared in RunSignup's frame, so split
   * stations (which apply their own offset to their taps) time against the same instant.
   * Default 0.
   */
  offsetMs?: () => number;
  timeZone: string;
  fractions?: boolean;
  /** How often an idle publisher looks again without wake() (a gun undone, say). */
  idlePollMs?: number;
  timers?: Timers;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  onStatus?: (status: GunShareStatus) => void;
}

export class GunPublisher {
  private readonly acked = new Map<number, number>();
  private fractions: boolean;
  private readonly timers: Timers;
  private readonly backoff: BackoffPolicy;
  private failures = 0;
  private stopping = false;
  private running: Promise<void> | null = null;
  private waiter: { resolve: () => void; handle: unknown; kind: 'idle' | 'backoff' } | null = null;
  private idleListeners: Array<() => void> = [];
  private state: GunShareStatus = { pending: 0, lastError: null };

  constructor(private readonly options: GunPublisherOptions) {
    this.fractions = options.fractions ?? START_TIME_ASSUMPTIONS.sendFractions;
    this.timers = options.timers ?? realTimers;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  /** Guns in force set here that RunSignup has not acknowledged at their current value. */
  /** `at` is in RunSignup's frame (local gun + this station's offset in force). */
  unsent(): Array<{ eventId: number; at: number }> {
    const out: Array<{ eventId: number; at: number }> = [];
    const offset = this.options.offsetMs?.() ?? 0;
    for (const g of this.options.guns()) {
      // A gun read from RunSignup is RunSignup's already; a cleared gun cannot be un-posted.
      if (g.at === null || g.source === 'runsignup') continue;
      // A changed offset changes the shared instant: it is posted again.
      const at = g.at + offset;
      if (this.acked.get(g.eventId) !== at) out.push({ eventId: g.eventId, at });
    }
    return out;
  }

  status(): GunShareStatus {
    return { ...this.state };
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run().finally(() => {
      this.running = null;
    });
  }

  /** A gun may have changed: post now if idle (a backoff wait is honoured). */
  wake(): void {
    if (this.waiter?.kind === 'idle') this.release();
  }

  /** Retry now, cutting a backoff short (the connection came back). */
  retryNow(): void {
    this.failures = 0;
    this.release();
  }

  /** Resolves the next time nothing is left to post. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleListeners.push(resolve);
      this.wake();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.release();
    await this.running;
  }

  private release(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    this.timers.clearTimeout(w.handle);
    w.resolve();
  }

  private wait(kind: 'idle' | 'backoff', ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.timers.setTimeout(() => this.release(), ms);
      this.waiter = { kind, resolve, handle };
    });
  }

  private update(patch: Partial<GunShareStatus>): void {
    const next = { ...this.state, ...patch };
    if (next.pending === this.state.pending && next.lastError === this.state.lastError) return;
    this.state = next;
    this.options.onStatus?.(this.status());
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let unsent: Array<{ eventId: number; at: number }>;
      try {
        unsent = this.unsent();
      } catch (error) {
        // The core could not be read (closing, disk): look again later, lose nothing.
        this.update({ lastError: `Could not read the gun times: ${message(error)}` });
        await this.wait('backoff', this.options.idlePollMs ?? 5_000);
        continue;
      }
      this.update({ pending: unsent.length });
      const next = unsent[0];
      if (!next) {
        for (const l of this.idleListeners.splice(0)) l();
        await this.wait('idle', this.options.idlePollMs ?? 5_000);
        continue;
      }
      await this.postOne(next.eventId, next.at);
    }
    for (const l of this.idleListeners.splice(0)) l();
  }

  private async postOne(eventId: number, at: number): Promise<void> {
    const text = formatStartTime(at, this.options.timeZone, this.fractions);
    try {
      await this.options.post(eventId, text);
      this.acked.set(eventId, at);
      this.failures = 0;
      this.update({ pending: this.unsent().length, lastError: null });
    } catch (error) {
      if (this.fractions && refusedFormat(error)) {
        // [assumed] RunSignup refused the fraction: send whole seconds from now on.
        this.fractions = false;
        return;
      }
      this.failures += 1;
      const delay = backoffDelay(
        this.failures,
        this.backoff,
        this.options.random ?? Math.random,
        null,
      );
      this.update({
        lastError: `Could not send the gun time to RunSignup: ${message(error)}. Retrying.`,
      });
      await this.wait('backoff', delay);
    }
  }
}

export interface GunPollerOptions {
  /** The configured events to read. */
  events: () => number[];
  /** The guns in force now (a gun set here is not overridden by a value RunSignup already had). */
  guns: () => GunInForce[];
  /** One start-time read; throws when it failed, null when RunSignup has none. */
  read: (eventId: number) => Promise<string | null>;
  /** Record RunSignup's gun (the core appends a `runsignup` gun when it differs). */
  record: (eventId: number, at: number) => { ok: boolean; error?: string };
  timeZone: string;
  everyMs?: number;
  timers?: Timers;
  onStatus?: (status: GunShareStatus) => void;
}

export class GunPoller {
  /** RunSignup's text per event as last read (only a CHANGE overrides a gun set here). */
  private readonly seen = new Map<number, string>();
  private readonly timers: Timers;
  private handle: unknown = null;
  private started = false;
  private stopped = false;
  private polling: Promise<void> | null = null;
  private lastError: string | null = null;

  constructor(private readonly options: GunPollerOptions) {
    this.timers = options.timers ?? realTimers;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.pollNow();
  }

  /** Reads every event's gun now (at start, at connect, and on the timer). */
  pollNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.polling ??= this.pollAll().finally(() => {
      this.polling = null;
      this.schedule();
    });
    return this.polling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clearTimeout(this.handle);
    await this.polling;
  }

  private schedule(): void {
    this.timers.clearTimeout(this.handle);
    if (!this.started || this.stopped) return;
    this.handle = this.timers.setTimeout(
      () => void this.pollNow(),
      this.options.everyMs ?? START_TIME_ASSUMPTIONS.pollEveryMs,
    );
  }

  private report(lastError: string | null): void {
    if (lastError === this.lastError) return;
    this.lastError = lastError;
    this.options.onStatus?.({ pending: 0, lastError });
  }

  private async pollAll(): Promise<void> {
    let error: string | null = null;
    for (const eventId of this.options.events()) {
      if (this.stopped) return;
      let text: string | null;
      try {
        text = await this.options.read(eventId);
      } catch (e) {
        error = `Could not read the gun time from RunSignup: ${message(e)}`;
        break; // offline: try every event again next time
      }
      if (text === null) continue;
      const previous = this.seen.get(eventId);
      if (previous === text) continue;
      this.seen.set(eventId, text);
      const inForce = this.options.guns().find((g) => g.eventId === eventId);
      // The first value seen may be RunSignup's scheduled start: it does not replace a gun the
      // timer set here. A later change is passed to the core, which takes it only when the gun
      // in force came from RunSignup: a gun typed here is kept, and the differing start time is
      // shown beside it (snapshot guns[].conflict / remoteAt) for the timer to take or leave.
      if (previous === undefined && inForce?.at != null && inForce.source !== 'runsignup') continue;
      const at = parseStartTimeIn(text, this.options.timeZone);
      if (at === null) {
        this.seen.delete(eventId); // said again at every poll until RunSignup's text is usable
        error = `RunSignup's gun time "${text}" for event ${eventId} is not a time.`;
        continue;
      }
      const result = this.options.record(eventId, at);
      if (!result.ok) {
        this.seen.delete(eventId); // not taken (say, not fired yet): look again next time
        error = result.error ?? null;
      }
    }
    this.report(error);
  }
}
