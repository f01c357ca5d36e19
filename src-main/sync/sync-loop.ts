// The sync loop: posts what the outbox wants RunSignup to show, one batch at a time, and never
// gives up silently (DESIGN.md §5). Everything it touches is injected (outbox, poster, clock,
// timers, randomness), so every path is tested without a network.
import type { SyncStatus } from '../../src-shared/station-api';
import { type BackoffPolicy, DEFAULT_BACKOFF, backoffDelay } from './backoff';
import { type BatchSizePolicy, DEFAULT_BATCH_SIZE, nextBatchSize } from './batch-size';
import { type ClockSample, type OffsetEstimate, addSample, estimateOffset } from './clock-offset';
import {
  type PostTarget,
  type PostUnit,
  mapBatch,
  splitUnits,
  toPostRows,
  unitRows,
} from './mapper';
import type { Outbox, OutboxRow, PostOutcome, ResultsPoster } from './ports';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncLoopOptions {
  outbox: Outbox;
  poster: ResultsPoster;
  now?: () => number;
  timers?: Timers;
  /** [0, 1), for backoff jitter. */
  random?: () => number;
  onStatus?: (status: SyncStatus) => void;
  backoff?: Partial<BackoffPolicy>;
  batchSize?: Partial<BatchSizePolicy>;
  /** How often an idle loop looks at the outbox even without `wake()`. */
  idlePollMs?: number;
  /**
   * After this many failed attempts in a row the status says "stalled" (still retrying), so a
   * long outage is shown to the timer rather than buried in lastError. Default 5.
   */
  stallAfterFailures?: number;
  /** Called with every response's Date header sample (for the clock offset). */
  onClockSample?: (sample: ClockSample) => void;
  /** Called after every post with the rows (and versions) it carried and how it ended (audit, tests). */
  onPost?: (target: PostTarget, rows: OutboxRow[], outcome: PostOutcome) => void;
}

/** A batch being worked on: fresh from the outbox, or a half of a rejected one being isolated. */
interface Work {
  target: PostTarget;
  units: PostUnit[];
  /** True while looking for a bad row by halving. */
  isolating: boolean;
}

type WaitKind = 'idle' | 'backoff' | 'stalled';

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Splits work into consecutive pieces of at most `maxRows` outbox rows (at least one bib each). */
export function chunkWork<T extends { units: PostUnit[] }>(work: T, maxRows: number): T[] {
  const chunks: T[] = [];
  let current: PostUnit[] = [];
  let rows = 0;
  for (const unit of work.units) {
    if (current.length > 0 && rows + unit.rows.length > maxRows) {
      chunks.push({ ...work, units: current });
      current = [];
      rows = 0;
    }
    current.push(unit);
    rows += unit.rows.length;
  }
  if (current.length > 0) chunks.push({ ...work, units: current });
  return chunks;
}

function seconds(ms: number): string {
  return ms < 1_000 ? 'under a second' : `${Math.ceil(ms / 1_000)} s`;
}

function describe(outcome: Extract<PostOutcome, { ok: false }>): string {
  return outcome.code === null ? outcome.message : `${outcome.message} (error ${outcome.code})`;
}

export class SyncLoop {
  private readonly outbox: Outbox;
  private poster: ResultsPoster;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly onStatus: ((status: SyncStatus) => void) | undefined;
  private readonly onClockSample: ((sample: ClockSample) => void) | undefined;
  private readonly onPost: SyncLoopOptions['onPost'];
  private readonly backoff: BackoffPolicy;
  private readonly sizing: BatchSizePolicy;
  private readonly idlePollMs: number;
  private readonly stallAfterFailures: number;
  /** Why posting is paused until resume() (credentials, unknown race), or null. */
  private paused: string | null = null;

  private batchSize: number;
  private failures = 0;
  /** Work to do before taking anything new: the retried batch, or halves under isolation. */
  private queue: Work[] = [];
  private running: Promise<void> | null = null;
  private stopping = false;
  private waiter: { kind: WaitKind; resolve: () => void; handle: unknown } | null = null;
  private settledListeners: Array<(s: SyncStatus) => void> = [];
  private samples: ClockSample[] = [];

  private state: SyncStatus = {
    online: false,
    pending: 0,
    inFlight: 0,
    attention: 0,
    lastSuccessAt: null,
    lastError: null,
    nextRetryAt: null,
    stalled: null,
  };

  constructor(options: SyncLoopOptions) {
    this.outbox = options.outbox;
    this.poster = options.poster;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.onStatus = options.onStatus;
    this.onClockSample = options.onClockSample;
    this.onPost = options.onPost;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.sizing = { ...DEFAULT_BATCH_SIZE, ...options.batchSize };
    this.idlePollMs = options.idlePollMs ?? 2_000;
    this.stallAfterFailures = options.stallAfterFailures ?? 5;
    this.batchSize = this.sizing.initial;
  }

  status(): SyncStatus {
    return { ...this.state };
  }

  /** The current clock offset estimate from the Date headers seen so far. */
  clockOffset(): OffsetEstimate | null {
    return estimateOffset(this.samples);
  }

  currentBatchSize(): number {
    return this.batchSize;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run().finally(() => {
      this.running = null;
    });
  }

  /** A new entry was committed: post now if idle (a backoff wait is honoured, not cut short). */
  wake(): void {
    if (this.waiter?.kind === 'idle') this.release();
  }

  /**
   * Lift a pause (the timer fixed the credentials) and try again at once; optionally with a
   * new poster carrying the new credentials.
   */
  resume(poster?: ResultsPoster): void {
    if (poster) this.poster = poster;
    this.failures = 0;
    this.paused = null;
    this.update({ stalled: null, nextRetryAt: null });
    this.release();
  }

  /** The timer pressed retry on the rows needing attention. */
  retryAttention(): number {
    const n = this.outbox.retryAttention();
    this.refreshCounts();
    this.wake();
    return n;
  }

  /** Stops after the batch in flight (if any) has been answered and recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.release();
    await this.running;
  }

  /**
   * Resolves the next time the loop has nothing it can post (idle) or is paused (stalled).
   * Wakes the loop first so rows added just before are seen.
   */
  settled(): Promise<SyncStatus> {
    return new Promise((resolve) => {
      this.settledListeners.push(resolve);
      this.wake();
    });
  }

  private release(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    this.timers.clearTimeout(w.handle);
    w.resolve();
  }

  private wait(kind: WaitKind, ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const handle = ms === null ? null : this.timers.setTimeout(() => this.release(), ms);
      this.waiter = { kind, resolve, handle };
    });
  }

  private update(patch: Partial<SyncStatus>): void {
    const next = { ...this.state, ...patch };
    const changed = (Object.keys(next) as Array<keyof SyncStatus>).some(
      (k) => next[k] !== this.state[k],
    );
    this.state = next;
    if (changed) this.onStatus?.(this.status());
  }

  private refreshCounts(patch: Partial<SyncStatus> = {}): void {
    const counts = this.outbox.counts();
    this.update({ ...patch, pending: counts.pending, attention: counts.attention });
  }

  private notifySettled(): void {
    const listeners = this.settledListeners;
    this.settledListeners = [];
    for (const l of listeners) l(this.status());
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.step();
      } catch (err) {
        // The outbox (SQLite) threw: nothing was lost, it is all still in the database. Say so
        // and try again later rather than die.
        const message = err instanceof Error ? err.message : String(err);
        this.failures += 1;
        const delay = backoffDelay(this.failures, this.backoff, this.random, null);
        this.update({
          inFlight: 0,
          lastError: `The local outbox failed: ${message}. Retrying in ${seconds(delay)}.`,
          nextRetryAt: this.now() + delay,
        });
        await this.wait('backoff', delay);
      }
    }
    this.update({ inFlight: 0 });
    this.notifySettled();
  }

  private async step(): Promise<void> {
    if (this.paused) {
      this.refreshCounts();
      this.notifySettled();
      await this.wait('stalled', null);
      return;
    }
    const work = this.queue.shift() ?? this.takeFresh();
    if (!work) {
      this.refreshCounts({ nextRetryAt: null });
      this.notifySettled();
      await this.wait('idle', this.idlePollMs);
      return;
    }
    await this.post(work);
  }

  private takeFresh(): Work | null {
    // Rows that can never be posted are parked at once; keep taking until something is sendable.
    const parked = new Set<string>();
    for (;;) {
      const rows = this.outbox.takePending(this.batchSize);
      if (rows.length === 0) return null;
      const mapped = mapBatch(rows);
      for (const bad of mapped.invalid) {
        const key = `${bad.row.resultSetId}|${bad.row.bib}|${bad.row.field}|${bad.row.version}`;
        // An outbox that hands back a row it was just told to park would spin here forever.
        if (parked.has(key)) throw new Error(`the outbox did not park ${key}`);
        parked.add(key);
        this.outbox.markAttention(bad.row, `Not sent: ${bad.reason}.`);
      }
      if (mapped.units.length > 0) {
        return { target: mapped.target, units: mapped.units, isolating: false };
      }
    }
  }

  private async post(work: Work): Promise<void> {
    const rows = unitRows(work.units);
    this.refreshCounts({ inFlight: rows.length, nextRetryAt: null });
    const sentAt = this.now();
    let outcome: PostOutcome;
    try {
      outcome = await this.poster.postResults(work.target, toPostRows(work.units));
    } catch (err) {
      // The poster promises never to throw; if it does, treat it as a network failure.
      outcome = {
        ok: false,
        kind: 'retryable',
        code: null,
        message: err instanceof Error ? err.message : String(err),
        retryAfterMs: null,
      };
    }
    const receivedAt = this.now();
    this.onPost?.(work.target, rows, outcome);
    if (outcome.ok && outcome.serverDate !== null) {
      const sample = { sentAt, receivedAt, serverDate: outcome.serverDate };
      this.samples = addSample(this.samples, sample);
      this.onClockSample?.(sample);
    }
    if (outcome.ok) return this.succeeded(work, rows, outcome.elapsedMs, receivedAt);
    switch (outcome.kind) {
      case 'rejected':
        return this.rejected(work, outcome);
      case 'auth':
        return this.pause(
          work,
          `RunSignup refused the credentials: ${describe(outcome)}. ` +
            'Nothing was lost; enter valid credentials to resume posting.',
        );
      case 'not-found':
        return this.pause(
          work,
          `RunSignup does not know this race or event: ${describe(outcome)}. ` +
            'Nothing was lost; check the race setup, then resume.',
        );
      case 'retryable':
      case 'unknown': {
        const delay = this.retryLater(work, outcome);
        // Waits out the backoff here (only resume() or stop() cut it short), so a Retry-After
        // is honoured whatever wakes the loop.
        await this.wait('backoff', delay);
        return;
      }
    }
  }

  private succeeded(work: Work, rows: OutboxRow[], elapsedMs: number, at: number): void {
    this.outbox.acknowledge(rows, at);
    this.failures = 0;
    if (!work.isolating) {
      this.batchSize = nextBatchSize(
        this.batchSize,
        { kind: 'success', rows: rows.length, elapsedMs },
        this.sizing,
      );
    }
    this.refreshCounts({
      online: true,
      inFlight: 0,
      lastSuccessAt: at,
      lastError: null,
      nextRetryAt: null,
      stalled: null,
    });
  }

  private rejected(work: Work, outcome: Extract<PostOutcome, { ok: false }>): void {
    this.failures = 0;
    const halves = splitUnits(work.units);
    if (halves.length === 0) {
      // Down to one field of one bib: this is the bad row. Park it; the rest keep flowing.
      const unit = work.units[0];
      for (const row of unit ? unit.rows : []) {
        this.outbox.markAttention(
          row,
          `RunSignup rejected ${row.field} for bib ${row.bib}: ${describe(outcome)}`,
        );
      }
    } else {
      // Halves go first, in order, before anything new is taken.
      this.queue.unshift(
        ...halves.map((units) => ({ target: work.target, units, isolating: true })),
      );
    }
    this.refreshCounts({
      online: true,
      inFlight: 0,
      lastError: `RunSignup rejected a row: ${describe(outcome)}`,
    });
  }

  private pause(work: Work, reason: string): void {
    // Keep the batch: when resumed it is posted again, the same values.
    this.queue.unshift(work);
    this.paused = reason;
    this.refreshCounts({ online: true, inFlight: 0, stalled: reason, lastError: reason });
  }

  private retryLater(work: Work, outcome: Extract<PostOutcome, { ok: false }>): number {
    this.failures += 1;
    if (!work.isolating) {
      this.batchSize = nextBatchSize(this.batchSize, { kind: 'retryable' }, this.sizing);
    }
    // The same rows again, the same values: a re-post is idempotent on RunSignup. A batch bigger
    // than the (now smaller) batch size goes back as several smaller posts, in the same order,
    // so a struggling server is not sent the same large request forever.
    this.queue.unshift(...(work.isolating ? [work] : chunkWork(work, this.batchSize)));
    const delay = backoffDelay(this.failures, this.backoff, this.random, outcome.retryAfterMs);
    const nextRetryAt = this.now() + delay;
    const what =
      outcome.kind === 'retryable'
        ? `Could not post to RunSignup: ${describe(outcome)}`
        : `RunSignup answered with an unexpected error: ${describe(outcome)}`;
    const lastError = `${what}. ${this.failures} attempt(s) failed; retrying in ${seconds(delay)}.`;
    this.refreshCounts({
      online: outcome.kind !== 'retryable',
      inFlight: 0,
      lastError,
      nextRetryAt,
      // Still retrying, but a long outage must be visible: "never give up silently".
      stalled:
        this.failures >= this.stallAfterFailures
          ? `Sync stalled: ${this.failures} attempts in a row failed (${describe(outcome)}). ` +
            'Still retrying; every entry is saved on this laptop.'
          : null,
    });
    return delay;
  }
}
