// The sync loop: posts what the outbox wants RunSignup to show, one batch at a time, and never
// gives up silently (DESIGN.md §5). Everything it touches is injected (outbox, poster, clock,
// timers, randomness), so every path is tested without a network. A little over 600 lines: what
// is left is one state machine (the queue, halving a rejected batch, pauses, backoff) whose
// states share the queue; the parts that stand alone (reading back, status, the batch, options)
// live beside it.
import type { SyncStatus } from '../../src-shared/station-api';
import { CLIENT_ASSUMPTIONS, RESULT_AUDIT_ASSUMPTIONS } from '../runsignup/assumptions';
import { type BackoffPolicy, DEFAULT_BACKOFF, backoffDelay } from './backoff';
import { type BatchSizePolicy, DEFAULT_BATCH_SIZE, nextBatchSize } from './batch-size';
import { type ClockSample, type OffsetEstimate, addSample, estimateOffset } from './clock-offset';
import { type PostTarget, mapBatch, splitUnits, toPostRows, unitRows } from './mapper';
import type { Outbox, OutboxRow, PostOutcome, ResultAudit, ResultsPoster } from './ports';
import {
  ABOUT_REQUEST,
  chunkWork,
  describeFailure as describe,
  freshWork,
  outcomeUnknown,
  rowKey,
  seconds,
  targetKey,
  type Work,
} from './post-work';
import { type CheckFigures, ResultChecks, type StatusPatch } from './result-checks';
import type { SyncLoopOptions } from './sync-options';
import { SyncStatusBoard } from './sync-status';
import { realTimers, type Timers } from './timers';

export { chunkWork, outcomeUnknown } from './post-work';
export { readBackVerdict, readComplete, type ReadBackRows } from './result-checks';
export type { Timers } from './timers';
export type { SyncLoopOptions } from './sync-options';

/** What the loop did, for the chaos and torture figures. */
export interface SyncFigures extends CheckFigures {
  posts: number;
  /** Posts whose outcome is unknown (timeout, reset, no answer, 5xx, garbled answer). */
  uncertainPosts: number;
  /** Fields those posts carried. */
  uncertainFields: number;
}

type WaitKind = 'idle' | 'backoff' | 'stalled';

export class SyncLoop {
  private readonly outbox: Outbox;
  private poster: ResultsPoster;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly onClockSample: ((sample: ClockSample) => void) | undefined;
  private readonly onPost: SyncLoopOptions['onPost'];
  private readonly backoff: BackoffPolicy;
  private readonly sizing: BatchSizePolicy;
  private readonly idlePollMs: number;
  private readonly stallAfterFailures: number;
  private readonly beforePost: SyncLoopOptions['beforePost'];
  private readonly isCurrentTarget: (target: PostTarget) => boolean;
  private readonly isolationPaceMs: number;
  private readonly isolateAfterUnknown: number;
  private readonly isolateBySplitting: boolean;
  /** Why all posting is paused until resume() (credentials), or null. */
  private paused: string | null = null;
  /** Targets paused until resume() (RunSignup does not know that event or result set): why. */
  private pausedTargets = new Map<string, { target: PostTarget; reason: string }>();
  /**
   * Per target, a single row whose rejection reads like it is about the request (names the event
   * or result set), not yet confirmed by a second bib. `held`: its rows are not
   * parked yet because queued work of the same target can confirm or clear the suspicion first.
   */
  private suspects = new Map<string, { bib: number; reason: string; held: OutboxRow[] }>();
  /** When the last post was sent (isolation pacing). */
  private lastPostAt = Number.NEGATIVE_INFINITY;
  private readonly audit: ResultAudit | undefined;
  /** The read-backs of clears and the standing audit, run when nothing is to be posted. */
  private readonly checks: ResultChecks;
  private readonly slowAfterMs: number;
  private postFigures = { posts: 0, uncertainPosts: 0, uncertainFields: 0 };

  private batchSize: number;
  private failures = 0;
  /** Work to do before taking anything new: the retried batch, or halves under isolation. */
  private queue: Work[] = [];
  private running: Promise<void> | null = null;
  private stopping = false;
  private waiter: { kind: WaitKind; resolve: () => void; handle: unknown } | null = null;
  private settledListeners: Array<(s: SyncStatus) => void> = [];
  private samples: ClockSample[] = [];

  /** The status the screens show; every count in it comes from there. */
  private readonly board: SyncStatusBoard;

  constructor(options: SyncLoopOptions) {
    this.outbox = options.outbox;
    this.poster = options.poster;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.onClockSample = options.onClockSample;
    this.onPost = options.onPost;
    this.beforePost = options.beforePost;
    this.isCurrentTarget = options.isCurrentTarget ?? (() => true);
    this.isolationPaceMs = options.isolationPaceMs ?? 1_000;
    this.isolateAfterUnknown = Math.max(1, options.isolateAfterUnknown ?? 3);
    this.isolateBySplitting =
      options.isolateBadRowsBySplitting ?? CLIENT_ASSUMPTIONS.isolateBadRowsBySplitting;
    this.audit = options.audit;
    this.board = new SyncStatusBoard({
      outbox: this.outbox,
      audit: options.audit,
      now: this.now,
      onStatus: options.onStatus,
    });
    this.checks = new ResultChecks({
      outbox: this.outbox,
      verification: options.verification,
      audit: options.audit,
      now: this.now,
      settleMs: options.settleMs ?? RESULT_AUDIT_ASSUMPTIONS.settleMs,
      auditEveryMs: options.auditEveryMs ?? RESULT_AUDIT_ASSUMPTIONS.auditEveryMs,
      auditQuietMs: options.auditQuietMs ?? 5_000,
      readBackPaceMs: options.readBackPaceMs ?? 2_000,
    });
    this.slowAfterMs = options.slowAfterMs ?? 3_000;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.sizing = { ...DEFAULT_BATCH_SIZE, ...options.batchSize };
    this.idlePollMs = options.idlePollMs ?? 2_000;
    this.stallAfterFailures = options.stallAfterFailures ?? 5;
    this.batchSize = this.sizing.initial;
  }

  status(): SyncStatus {
    return this.board.status();
  }

  /** The current clock offset estimate from the Date headers seen so far. */
  clockOffset(): OffsetEstimate | null {
    return estimateOffset(this.samples);
  }

  currentBatchSize(): number {
    return this.batchSize;
  }

  /** What the loop did so far (posts, unknown outcomes, audits, repairs, conflicts). */
  figures(): SyncFigures {
    return { ...this.postFigures, ...this.checks.figures() };
  }

  /** Audit every result set at the next quiet moment (after a reconnect, or on request). */
  auditSoon(): void {
    this.checks.auditAllSoon();
    this.wake();
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
    this.pausedTargets.clear();
    this.suspects.clear();
    // Work for a target no longer in the setup (another race was configured) is dropped; the
    // rest is re-read from the outbox before it is posted anyway.
    this.queue = this.queue.filter((w) => this.isCurrentTarget(w.target));
    this.board.set({ stalled: null, nextRetryAt: null });
    this.checks.auditAllSoon();
    this.release();
  }

  /** Why each paused target is paused (empty when none is). */
  pausedTargetReasons(): Array<{ target: PostTarget; reason: string }> {
    return [...this.pausedTargets.values()];
  }

  /** The timer pressed retry on the rows needing attention. */
  retryAttention(): number {
    const n = this.outbox.retryAttention();
    this.board.recount();
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
        this.board.set({
          inFlight: 0,
          lastError: `The local outbox failed: ${message}. Retrying in ${seconds(delay)}.`,
          nextRetryAt: this.now() + delay,
        });
        await this.wait('backoff', delay);
      }
    }
    this.board.set({ inFlight: 0 });
    this.notifySettled();
  }

  private async step(): Promise<void> {
    if (this.paused) {
      this.board.recount();
      this.notifySettled();
      await this.wait('stalled', null);
      return;
    }
    const work = this.nextQueued() ?? this.takeFresh();
    if (!work) {
      // Posting comes first; with nothing to post, clears in finish fields are read back, then
      // the result sets are audited.
      const read = this.poster.readResults?.bind(this.poster);
      const eligible = (t: PostTarget) =>
        !this.pausedTargets.has(targetKey(t)) && this.isCurrentTarget(t);
      const awaiting = read ? this.checks.awaitingReadBack(eligible) : [];
      const readIn = awaiting.length === 0 ? null : this.checks.readBackIn();
      if (read && readIn !== null && readIn <= 0) {
        this.showCheck(await this.checks.readBack(read, awaiting));
        return;
      }
      const nextAudit =
        read && this.audit ? this.checks.nextAudit(eligible, this.lastPostAt) : null;
      if (read && nextAudit && nextAudit.inMs <= 0) {
        this.showCheck(await this.checks.audit(read, nextAudit.target));
        return;
      }
      this.board.recount({ nextRetryAt: null });
      this.notifySettled();
      const waits = [this.idlePollMs, readIn, nextAudit?.inMs].filter(
        (ms): ms is number => ms !== null && ms !== undefined,
      );
      await this.wait('idle', Math.max(0, Math.min(...waits)));
      return;
    }
    if (work.isolating && !work.paced) {
      const delay = this.lastPostAt + this.isolationPaceMs - this.now();
      if (delay > 0) {
        // Re-read again after the wait: the timer may correct a value meanwhile.
        this.queue.unshift({ ...work, paced: true });
        await this.wait('backoff', delay);
        return;
      }
    }
    await this.post(work);
  }

  /**
   * The next queued work, re-read from the outbox: rows whose wanted version changed, that were
   * acknowledged or parked meanwhile are dropped (a newer version is taken fresh). Values are
   * never carried across a failure.
   */
  private nextQueued(): Work | null {
    for (;;) {
      const work = this.queue.shift();
      if (!work) return null;
      if (this.pausedTargets.has(targetKey(work.target))) continue;
      if (!this.isCurrentTarget(work.target)) continue;
      const still = new Set(this.outbox.stillPending(unitRows(work.units)).map(rowKey));
      const units = work.units
        .map((u) => ({ bib: u.bib, rows: u.rows.filter((r) => still.has(rowKey(r))) }))
        .filter((u) => u.rows.length > 0);
      if (units.length > 0) return { ...work, units };
    }
  }

  private showCheck(patch: StatusPatch): void {
    if (patch !== null) this.board.recount(patch);
  }

  private takeFresh(): Work | null {
    // Rows that can never be posted are parked at once; keep taking until something is sendable.
    const parked = new Set<string>();
    for (;;) {
      const exclude = [...this.pausedTargets.values()].map((p) => p.target);
      const rows = this.outbox.takePending(this.batchSize, exclude);
      if (rows.length === 0) return null;
      const mapped = mapBatch(rows);
      if (exclude.some((t) => targetKey(t) === targetKey(mapped.target))) {
        throw new Error(`the outbox returned rows of paused target ${targetKey(mapped.target)}`);
      }
      if (!this.isCurrentTarget(mapped.target)) {
        // Left over from another race or mode: never posted anywhere, parked with the reason.
        for (const row of rows) {
          const key = rowKey(row);
          if (parked.has(key)) throw new Error(`the outbox did not park ${key}`);
          parked.add(key);
          this.outbox.markAttention(
            row,
            `Not sent: event ${row.eventId} / result set ${row.resultSetId} is not in this ` +
              "station's race setup.",
          );
        }
        continue;
      }
      for (const bad of mapped.invalid) {
        const key = `${bad.row.resultSetId}|${bad.row.bib}|${bad.row.field}|${bad.row.version}`;
        // An outbox that hands back a row it was just told to park would spin here forever.
        if (parked.has(key)) throw new Error(`the outbox did not park ${key}`);
        parked.add(key);
        this.outbox.markAttention(bad.row, `Not sent: ${bad.reason}.`);
      }
      if (mapped.units.length > 0) {
        return freshWork(mapped.target, mapped.units);
      }
    }
  }

  private async post(work: Work): Promise<void> {
    const rows = unitRows(work.units);
    this.board.recount({ inFlight: rows.length, nextRetryAt: null });
    this.beforePost?.(work.target, rows);
    const sentAt = this.now();
    this.lastPostAt = sentAt;
    this.postFigures.posts += 1;
    this.board.set({ waitingSince: sentAt });
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
    this.lastPostAt = receivedAt;
    if (outcomeUnknown(outcome)) {
      // RunSignup may still apply this post, after a newer one: its fields stay uncertain until
      // a read taken once it settled shows the wanted values.
      this.postFigures.uncertainPosts += 1;
      this.postFigures.uncertainFields += rows.length;
      this.audit?.markUncertain(rows, receivedAt);
      this.checks.afterUncertainPost(work.target, receivedAt);
      // Slow, not offline: the request hung before it failed (a refused connection fails at once).
      const hung = receivedAt - sentAt >= this.slowAfterMs;
      this.board.set({
        waitingSince: null,
        slowSince: this.board.status().slowSince ?? (hung ? sentAt : null),
      });
    } else {
      this.board.set({ waitingSince: null, slowSince: null });
    }
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
        // One deleted event must not stop the others: only this target waits for resume().
        return this.pauseTarget(
          work.target,
          `RunSignup does not know event ${work.target.eventId} / result set ` +
            `${work.target.resultSetId}: ${describe(outcome)}. ` +
            'Nothing was lost; check the race setup, then resume.',
        );
      case 'unknown':
      case 'retryable': {
        const unknowns = outcome.kind === 'unknown' ? work.unknownFailures + 1 : 0;
        if (unknowns >= this.isolateAfterUnknown) {
          // The same batch keeps failing in a way RunSignup does not explain: look for a bad
          // row rather than block every later finish behind it.
          return this.rejected({ ...work, unknownFailures: 0 }, outcome);
        }
        const delay = this.retryLater({ ...work, unknownFailures: unknowns }, outcome);
        // Waits out the backoff here (only resume() or stop() cut it short), so a Retry-After
        // is honoured whatever wakes the loop.
        await this.wait('backoff', delay);
        return;
      }
    }
  }

  private succeeded(work: Work, rows: OutboxRow[], elapsedMs: number, at: number): void {
    this.outbox.acknowledge(rows, at);
    // Back after failures (a reconnect): every set is audited at the next quiet moment.
    if (this.failures > 0) this.checks.auditAllSoon();
    // RunSignup took a post to this target: a suspected request-level rejection was the row's.
    this.settleSuspect(work.target);
    this.failures = 0;
    if (!work.isolating) {
      this.batchSize = nextBatchSize(
        this.batchSize,
        { kind: 'success', rows: rows.length, elapsedMs },
        this.sizing,
      );
    }
    this.board.recount({
      online: true,
      inFlight: 0,
      lastSuccessAt: at,
      lastError: null,
      nextRetryAt: null,
      stalled: this.targetStall(),
    });
  }

  private rejected(work: Work, outcome: Extract<PostOutcome, { ok: false }>): void {
    this.failures = 0;
    const reason = describe(outcome);
    const halves = this.isolateBySplitting ? splitUnits(work.units) : [];
    const single = work.units.length === 1 && (work.units[0]?.rows.length ?? 0) === 1;
    const aboutRequest =
      single &&
      ABOUT_REQUEST.test(outcome.message) &&
      (work.rootError === null || work.rootError === reason);
    if (aboutRequest) {
      const key = targetKey(work.target);
      const bib = work.units[0]?.bib ?? Number.NaN;
      const suspect = this.suspects.get(key);
      if (suspect && suspect.bib !== bib && suspect.reason === reason) {
        // A second, different bib alone gets the same complaint about the event or result set:
        // the request is wrong, not the row. Pause this target rather than park rows one by one;
        // held rows stay pending and are taken fresh after resume().
        this.suspects.delete(key);
        return this.pauseTarget(
          work.target,
          `RunSignup refused posts to event ${work.target.eventId} / result set ` +
            `${work.target.resultSetId}: ${reason}. Nothing was lost; check the race setup, then resume.`,
        );
      }
      // One bib alone: it may be that runner's row (e.g. moved to another event). Park it unless
      // queued work of this target can confirm or clear the suspicion first; later bibs flow.
      this.settleSuspect(work.target);
      const rows = unitRows(work.units);
      const confirmable = this.queue.some((w) => targetKey(w.target) === key);
      this.suspects.set(key, {
        bib,
        reason,
        held: confirmable ? rows : [],
      });
      if (!confirmable) this.park(rows, reason);
      this.board.recount({
        online: true,
        inFlight: 0,
        lastError: `RunSignup rejected a row: ${reason}`,
      });
      return;
    }
    if (halves.length === 0) {
      // Down to one field of one bib (or splitting is off): park; the rest keep flowing.
      this.park(unitRows(work.units), reason);
    } else {
      // Halves go first, in order, before anything new is taken, paced (see isolationPaceMs).
      this.queue.unshift(
        ...halves.map((units): Work => ({
          target: work.target,
          units,
          isolating: true,
          unknownFailures: 0,
          rootError: work.rootError ?? reason,
          paced: false,
        })),
      );
    }
    this.board.recount({
      online: true,
      inFlight: 0,
      lastError: `RunSignup rejected a row: ${describe(outcome)}`,
    });
  }

  private park(rows: OutboxRow[], reason: string): void {
    for (const row of rows) {
      this.outbox.markAttention(
        row,
        `RunSignup rejected ${row.field} for bib ${row.bib}: ${reason}`,
      );
    }
  }

  /** The suspicion on this target is over unconfirmed: held rows are parked with their message. */
  private settleSuspect(target: PostTarget): void {
    const key = targetKey(target);
    const suspect = this.suspects.get(key);
    if (!suspect) return;
    this.suspects.delete(key);
    // Only rows still wanted as they were rejected (a corrected value is taken fresh).
    this.park(this.outbox.stillPending(suspect.held), suspect.reason);
  }

  private pause(work: Work, reason: string): void {
    // Keep only which rows (re-read from the outbox on resume), never the values.
    this.queue.unshift(work);
    this.paused = reason;
    this.board.recount({ online: true, inFlight: 0, stalled: reason, lastError: reason });
  }

  private pauseTarget(target: PostTarget, reason: string): void {
    this.failures = 0;
    this.pausedTargets.set(targetKey(target), { target, reason });
    // Queued work of this target is dropped: its rows stay pending in the outbox and are taken
    // fresh after resume(), with whatever values they have then.
    this.queue = this.queue.filter((w) => targetKey(w.target) !== targetKey(target));
    this.board.recount({
      online: true,
      inFlight: 0,
      stalled: this.targetStall(),
      lastError: reason,
    });
  }

  /** The paused targets' reasons as one sentence for the status bar, or null. */
  private targetStall(): string | null {
    if (this.pausedTargets.size === 0) return null;
    return [...this.pausedTargets.values()].map((p) => p.reason).join(' ');
  }

  private retryLater(work: Work, outcome: Extract<PostOutcome, { ok: false }>): number {
    this.failures += 1;
    if (!work.isolating) {
      this.batchSize = nextBatchSize(this.batchSize, { kind: 'retryable' }, this.sizing);
    }
    // The same rows again, re-read from the outbox before the post (a value corrected meanwhile
    // is not re-sent; its new version is taken fresh). A re-post is idempotent. A batch bigger
    // than the (now smaller) batch size goes back as several smaller posts, in the same order,
    // so a struggling server is not sent the same large request forever.
    const again = { ...work, paced: false };
    this.queue.unshift(...(again.isolating ? [again] : chunkWork(again, this.batchSize)));
    const delay = backoffDelay(this.failures, this.backoff, this.random, outcome.retryAfterMs);
    const nextRetryAt = this.now() + delay;
    const what =
      outcome.kind === 'retryable'
        ? `Could not post to RunSignup: ${describe(outcome)}`
        : `RunSignup answered with an unexpected error: ${describe(outcome)}`;
    const lastError = `${what}. ${this.failures} attempt(s) failed; retrying in ${seconds(delay)}.`;
    this.board.recount({
      online: outcome.kind !== 'retryable',
      inFlight: 0,
      lastError,
      nextRetryAt,
      // Still retrying, but a long outage must be visible: "never give up silently".
      stalled:
        this.failures >= this.stallAfterFailures
          ? `Sync stalled: ${this.failures} attempts in a row failed (${describe(outcome)}). ` +
            'Still retrying; every entry is saved on this laptop.'
          : this.targetStall(),
    });
    return delay;
  }
}
