// The sync loop: posts what the outbox wants RunSignup to show, one batch at a time, and never
// gives up silently (DESIGN.md §5). Everything it touches is injected (outbox, poster, clock,
// timers, randomness), so every path is tested without a network.
import { IDLE_SYNC_STATUS, type SyncStatus } from '../../src-shared/station-api';
import { CLIENT_ASSUMPTIONS, RESULT_AUDIT_ASSUMPTIONS } from '../runsignup/assumptions';
import { type AuditedField, auditVerdict, shownValue, summarize } from './audit';
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
import type {
  ClearVerification,
  Outbox,
  OutboxRow,
  PostOutcome,
  ResultAudit,
  ResultReadRow,
  ResultsPoster,
} from './ports';

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
  /** Called just before every post with the rows it carries (tests compare them with the outbox). */
  beforePost?: (target: PostTarget, rows: OutboxRow[]) => void;
  /**
   * Whether a target (event, result set) is in the station's current race setup. Rows for any
   * other target are never posted: they are parked with the reason. Default:
   * every target is current.
   */
  isCurrentTarget?: (target: PostTarget) => boolean;
  /**
   * The least time between two posts while a rejected batch is being halved, so isolating one
   * bad row in a big batch does not hammer RunSignup (its own example pauses 1 s). Default 1 s.
   */
  isolationPaceMs?: number;
  /**
   * After this many `unknown` failures in a row of one batch, it is isolated as if rejected,
   * so one row RunSignup cannot take never blocks the rows behind it. Default 3.
   */
  isolateAfterUnknown?: number;
  /** [assumed] Whether a rejected batch is halved to find the bad row (CLIENT_ASSUMPTIONS). */
  isolateBadRowsBySplitting?: boolean;
  /**
   * [assumed] An "X" acknowledged in a finish field is read back from get-results before it
   * counts as cleared (CLIENT_ASSUMPTIONS.finishFieldsClearedByXNeedReadBack). The outbox store implements it.
   */
  verification?: ClearVerification;
  /** The least time between two read-backs (one result set each), default 2 s. */
  readBackPaceMs?: number;
  /**
   * The standing audit (the outbox implements it): posts of unknown outcome are recorded, and
   * the station's result sets are read back and compared field by field. Absent: no audit.
   */
  audit?: ResultAudit;
  /** [assumed] How long RunSignup may still apply a request the client gave up on. */
  settleMs?: number;
  /** How often each result set is audited while nothing else is due. */
  auditEveryMs?: number;
  /** An audit starts only after this long without a post, so it never delays a finish rush. */
  auditQuietMs?: number;
  /** A request without an answer for this long makes the status say RunSignup is slow. */
  slowAfterMs?: number;
}

/** What the loop did, for the chaos and torture figures. */
export interface SyncFigures {
  posts: number;
  /** Posts whose outcome is unknown (timeout, reset, no answer, 5xx, garbled answer). */
  uncertainPosts: number;
  /** Fields those posts carried. */
  uncertainFields: number;
  audits: number;
  auditFailures: number;
  compared: number;
  verified: number;
  repairs: number;
  conflicts: number;
}

/** A batch being worked on: fresh from the outbox, or a half of a rejected one being isolated. */
interface Work {
  target: PostTarget;
  /**
   * The rows as last read from the outbox. Never trusted across a failure: every queued work is
   * re-read (`stillPending`) just before it is posted again, so a stale value is never sent.
   */
  units: PostUnit[];
  /** True while looking for a bad row by halving. */
  isolating: boolean;
  /** `unknown` failures in a row of this batch. */
  unknownFailures: number;
  /** RunSignup's answer to the whole batch when halving began (request-level detection). */
  rootError: string | null;
  /** The isolation pace was already waited for this post. */
  paced: boolean;
}

/** A rejection that names the request's own parameters (event, result set), not a row's value. */
const ABOUT_REQUEST = /\b(event(_id)?|(individual_)?result[ _-]?sets?(_id)?)\b/i;

/**
 * A read-back that says it is partial: a reader that knows it stopped early (a page shorter than
 * asked for before the total, a capped page) sets `complete: false` on the array it returns.
 */
export type ReadBackRows = ResultReadRow[] & { complete?: boolean };

/** Whether every page of the result set was read (no error was thrown, none flagged partial). */
export function readComplete(records: ReadBackRows): boolean {
  return records.complete !== false;
}

/**
 * What a read-back says about one cleared field: `cleared` only when the bib's row
 * is there with the field empty, or the row is absent from a complete read. A row without the
 * field, or absent from a partial read, proves nothing: `unknown`.
 */
export function readBackVerdict(
  record: ResultReadRow | undefined,
  field: string,
  complete: boolean,
): { kind: 'cleared' } | { kind: 'shown'; shown: string } | { kind: 'unknown' } {
  if (record === undefined) return complete ? { kind: 'cleared' } : { kind: 'unknown' };
  if (!Object.prototype.hasOwnProperty.call(record, field)) return { kind: 'unknown' };
  const shown = record[field];
  if (shown === undefined || shown === null || String(shown).trim() === '') {
    return { kind: 'cleared' };
  }
  return { kind: 'shown', shown: String(shown) };
}

function targetKey(t: PostTarget): string {
  return `${t.eventId}|${t.resultSetId}`;
}

function rowKey(r: OutboxRow): string {
  return `${r.resultSetId}|${r.bib}|${r.field}|${r.version}`;
}

function freshWork(target: PostTarget, units: PostUnit[]): Work {
  return { target, units, isolating: false, unknownFailures: 0, rootError: null, paced: false };
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

/**
 * Whether RunSignup may have applied a failed post: no answer it gave says it did not (a
 * network failure, a timeout, a 5xx page, a garbled body). An error envelope is an answer.
 */
export function outcomeUnknown(outcome: PostOutcome): boolean {
  return (
    !outcome.ok &&
    outcome.code === null &&
    (outcome.kind === 'retryable' || outcome.kind === 'unknown')
  );
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
  private readonly verification: ClearVerification | undefined;
  private readonly readBackPaceMs: number;
  private lastReadBackAt = Number.NEGATIVE_INFINITY;
  private readonly audit: ResultAudit | undefined;
  private readonly settleMs: number;
  private readonly auditEveryMs: number;
  private readonly auditQuietMs: number;
  private readonly slowAfterMs: number;
  /** Per target, when it is next audited (absent: at the first quiet moment). */
  private auditDueAt = new Map<string, number>();
  private figuresSoFar: SyncFigures = {
    posts: 0,
    uncertainPosts: 0,
    uncertainFields: 0,
    audits: 0,
    auditFailures: 0,
    compared: 0,
    verified: 0,
    repairs: 0,
    conflicts: 0,
  };
  private runnerCountsAt = Number.NEGATIVE_INFINITY;
  /** Reposts the audit made per field and version: one that never shows is parked, not looped. */
  private repostsOf = new Map<string, number>();

  private batchSize: number;
  private failures = 0;
  /** Work to do before taking anything new: the retried batch, or halves under isolation. */
  private queue: Work[] = [];
  private running: Promise<void> | null = null;
  private stopping = false;
  private waiter: { kind: WaitKind; resolve: () => void; handle: unknown } | null = null;
  private settledListeners: Array<(s: SyncStatus) => void> = [];
  private samples: ClockSample[] = [];

  private state: SyncStatus = { ...IDLE_SYNC_STATUS };

  constructor(options: SyncLoopOptions) {
    this.outbox = options.outbox;
    this.poster = options.poster;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.onStatus = options.onStatus;
    this.onClockSample = options.onClockSample;
    this.onPost = options.onPost;
    this.beforePost = options.beforePost;
    this.isCurrentTarget = options.isCurrentTarget ?? (() => true);
    this.isolationPaceMs = options.isolationPaceMs ?? 1_000;
    this.isolateAfterUnknown = Math.max(1, options.isolateAfterUnknown ?? 3);
    this.isolateBySplitting =
      options.isolateBadRowsBySplitting ?? CLIENT_ASSUMPTIONS.isolateBadRowsBySplitting;
    this.verification = options.verification;
    this.readBackPaceMs = options.readBackPaceMs ?? 2_000;
    this.audit = options.audit;
    this.settleMs = options.settleMs ?? RESULT_AUDIT_ASSUMPTIONS.settleMs;
    this.auditEveryMs = options.auditEveryMs ?? RESULT_AUDIT_ASSUMPTIONS.auditEveryMs;
    this.auditQuietMs = options.auditQuietMs ?? 5_000;
    this.slowAfterMs = options.slowAfterMs ?? 3_000;
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

  /** What the loop did so far (posts, unknown outcomes, audits, repairs, conflicts). */
  figures(): SyncFigures {
    return { ...this.figuresSoFar };
  }

  /** Audit every result set at the next quiet moment (after a reconnect, or on request). */
  auditSoon(): void {
    this.auditDueAt.clear();
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
    this.update({ stalled: null, nextRetryAt: null });
    this.auditDueAt.clear();
    this.release();
  }

  /** Why each paused target is paused (empty when none is). */
  pausedTargetReasons(): Array<{ target: PostTarget; reason: string }> {
    return [...this.pausedTargets.values()];
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
    // Runner counts are an object: compared by value, so an unchanged count emits nothing.
    const changed = (Object.keys(next) as Array<keyof SyncStatus>).some((k) =>
      typeof next[k] === 'object' && next[k] !== null
        ? JSON.stringify(next[k]) !== JSON.stringify(this.state[k])
        : next[k] !== this.state[k],
    );
    this.state = next;
    if (changed) this.onStatus?.(this.status());
  }

  private refreshCounts(patch: Partial<SyncStatus> = {}): void {
    const counts = this.outbox.counts();
    const runners = this.countRunners(counts.pending > 0);
    this.update({
      ...patch,
      pending: counts.pending,
      attention: counts.attention,
      ...(runners ? { runners, conflicts: runners.conflict } : {}),
    });
  }

  /**
   * Runners by state for the status bar, at most every half second while anything is pending
   * (it groups the whole outbox: a drain of thousands of rows must not pay it per post), at once
   * when nothing is.
   */
  private countRunners(busy: boolean): SyncStatus['runners'] | null {
    if (!this.audit) return null;
    const at = this.now();
    if (busy && at - this.runnerCountsAt < 500) return null;
    this.runnerCountsAt = at;
    return this.audit.runnerCounts();
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
    const work = this.nextQueued() ?? this.takeFresh();
    if (!work) {
      // Posting comes first; with nothing to post, clears in finish fields are read back.
      const awaiting = this.awaitingReadBack();
      const readIn =
        awaiting.length === 0 ? null : this.lastReadBackAt + this.readBackPaceMs - this.now();
      if (readIn !== null && readIn <= 0) {
        await this.readBack(awaiting);
        return;
      }
      const nextAudit = this.nextAudit();
      if (nextAudit && nextAudit.inMs <= 0) {
        await this.runAudit(nextAudit.target);
        return;
      }
      this.refreshCounts({ nextRetryAt: null });
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

  /** The result set to audit next and how long until it is due (quiet time included), or null. */
  private nextAudit(): { target: PostTarget; inMs: number } | null {
    if (!this.audit || !this.poster.readResults) return null;
    const at = this.now();
    let best: { target: PostTarget; inMs: number } | null = null;
    for (const target of this.audit.auditTargets()) {
      if (this.pausedTargets.has(targetKey(target)) || !this.isCurrentTarget(target)) continue;
      const due = this.auditDueAt.get(targetKey(target)) ?? Number.NEGATIVE_INFINITY;
      const start = Math.max(due, this.lastPostAt + this.auditQuietMs);
      if (!best || start - at < best.inMs) best = { target, inMs: start - at };
    }
    return best;
  }

  /** When this target is next audited: the regular pace, or sooner once uncertain posts settle. */
  private scheduleAudit(target: PostTarget, at: number): void {
    if (!this.audit) return;
    const since = this.audit.uncertainSince(target);
    const settled = since === null ? Number.POSITIVE_INFINITY : since + this.settleMs + 1;
    this.auditDueAt.set(targetKey(target), Math.min(at + this.auditEveryMs, settled));
  }

  /**
   * Reads one result set back and compares every field this station owns with it: its own older
   * value or a missing one is posted again, a value it never sent is a conflict for the timer, a
   * value that matches once no post of unknown outcome can still land is verified.
   */
  private async runAudit(target: PostTarget): Promise<void> {
    const audit = this.audit;
    const read = this.poster.readResults?.bind(this.poster);
    if (!audit || !read) return;
    const startedAt = this.now();
    let records: ReadBackRows;
    try {
      records = await read(target);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const at = this.now();
      this.figuresSoFar.auditFailures += 1;
      audit.applyAudit([], {
        ...target,
        startedAt,
        finishedAt: at,
        rowsRead: 0,
        compared: 0,
        verified: 0,
        repaired: 0,
        conflicts: 0,
        waiting: 0,
        error: message.slice(0, 500),
      });
      // Tried again after a pause: a failed read must not keep the loop busy.
      this.auditDueAt.set(targetKey(target), at + Math.min(this.auditEveryMs, 30_000));
      this.refreshCounts({
        lastError: `Could not read results back from RunSignup: ${message}`,
      });
      return;
    }
    const finishedAt = this.now();
    const complete = readComplete(records);
    const byBib = new Map<number, ResultReadRow>();
    for (const r of records) {
      const bib = Number(r['bib']);
      if (Number.isInteger(bib) && bib > 0 && !byBib.has(bib)) byBib.set(bib, r);
    }
    const fields = audit.auditFields(target);
    const verdicts = fields.map((field) => ({
      field,
      verdict: auditVerdict(
        field,
        shownValue(byBib.get(field.bib), field.field, complete),
        startedAt,
        this.settleMs,
      ),
    }));
    // Bibs RunSignup holds with a field this station owns that it never had a value for.
    const owned = new Set(fields.map((f) => f.field));
    const known = new Set(fields.map((f) => `${f.bib}|${f.field}`));
    for (const [bib, record] of byBib) {
      for (const name of owned) {
        if (known.has(`${bib}|${name}`)) continue;
        const foreign: AuditedField = {
          ...target,
          bib,
          field: name,
          wantedValue: null,
          wantedVersion: 0,
          ackedVersion: 0,
          ownValues: [],
          uncertainAt: null,
          conflictVersion: null,
          yieldedVersion: null,
          attentionVersion: null,
        };
        const verdict = auditVerdict(foreign, shownValue(record, name, complete), startedAt, 0);
        if (verdict.kind === 'conflict') verdicts.push({ field: foreign, verdict });
      }
    }
    const summary = summarize(
      records.length,
      verdicts.map((v) => v.verdict),
    );
    audit.applyAudit(verdicts, { ...target, startedAt, finishedAt, ...summary, error: null });
    this.parkRepeatedReposts(verdicts);
    const f = this.figuresSoFar;
    f.audits += 1;
    f.compared += summary.compared;
    f.verified += summary.verified;
    f.repairs += summary.repaired;
    f.conflicts += summary.conflicts;
    this.scheduleAudit(target, finishedAt);
    // A repair is read back as soon as the loop is quiet again, to verify it.
    if (summary.repaired > 0) this.auditDueAt.set(targetKey(target), finishedAt);
    this.refreshCounts({
      online: true,
      lastAuditAt: finishedAt,
      lastAudit:
        `${summary.compared} field(s) compared: ${summary.verified} verified, ` +
        `${summary.repaired} posted again, ${summary.conflicts} conflict(s)` +
        (summary.waiting > 0 ? `, ${summary.waiting} waiting for late posts to settle` : ''),
    });
  }

  /**
   * A field posted again by the audit that RunSignup still does not show after the next post
   * and read is parked with the reason, so a value RunSignup will not keep is never posted in a
   * loop (RunSignup answering success and ignoring it).
   */
  private parkRepeatedReposts(
    verdicts: ReadonlyArray<{ field: AuditedField; verdict: { kind: string; shown?: string } }>,
  ): void {
    for (const { field: f, verdict } of verdicts) {
      if (verdict.kind !== 'repost' || f.wantedValue === null) continue;
      const key = `${f.resultSetId}|${f.bib}|${f.field}|${f.wantedVersion}`;
      const n = (this.repostsOf.get(key) ?? 0) + 1;
      this.repostsOf.set(key, n);
      if (n <= 3) continue;
      this.repostsOf.delete(key);
      const shown = verdict.shown ? `"${verdict.shown}"` : 'nothing';
      this.outbox.markAttention(
        { ...f, value: f.wantedValue, version: f.wantedVersion },
        `RunSignup accepted ${f.field} "${f.wantedValue}" for bib ${f.bib} but still shows ` +
          `${shown} after it was posted again: check it on RunSignup, then retry.`,
      );
    }
    if (this.repostsOf.size > 10_000) this.repostsOf.clear();
  }

  /** Acknowledged X rows awaiting a read-back that this loop can read now. */
  private awaitingReadBack(): OutboxRow[] {
    if (!this.verification || !this.poster.readResults) return [];
    return this.verification
      .awaitingReadBack()
      .filter((r) => !this.pausedTargets.has(targetKey(r)) && this.isCurrentTarget(r));
  }

  /**
   * Reads back one result set (the first awaiting row's) and settles each of its awaiting rows:
   * cleared when RunSignup shows the field empty (or the row is absent from a complete read),
   * attention when it shows a value (never "sent"), and left in "verify" when the read cannot tell.
   */
  private async readBack(awaiting: OutboxRow[]): Promise<void> {
    const first = awaiting[0];
    const read = this.poster.readResults?.bind(this.poster);
    if (!first || !read || !this.verification) return;
    const target = { eventId: first.eventId, resultSetId: first.resultSetId };
    const rows = awaiting.filter((r) => targetKey(r) === targetKey(target));
    this.lastReadBackAt = this.now();
    let records: ReadBackRows;
    try {
      records = await read(target);
    } catch (err) {
      // Tried again after the pace; the rows keep "verify on RunSignup" meanwhile.
      const message = err instanceof Error ? err.message : String(err);
      this.refreshCounts({ lastError: `Could not read results back from RunSignup: ${message}` });
      this.lastReadBackAt = this.now();
      return;
    }
    this.lastReadBackAt = this.now();
    const complete = readComplete(records);
    const byBib = new Map<number, ResultReadRow>();
    for (const r of records) byBib.set(Number(r['bib']), r);
    for (const row of rows) {
      const verdict = readBackVerdict(byBib.get(row.bib), row.field, complete);
      // Unknown (a read that may have stopped early, or a row without the field): the row keeps
      // "verify on RunSignup" and is read again after the pace.
      if (verdict.kind === 'unknown') continue;
      this.verification.confirmReadBack(
        row,
        verdict.kind === 'cleared',
        verdict.kind === 'cleared'
          ? null
          : `RunSignup accepted "X" for ${row.field} of bib ${row.bib} but still shows ` +
              `"${verdict.shown}": remove it on RunSignup.`,
      );
    }
    this.refreshCounts();
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
    this.refreshCounts({ inFlight: rows.length, nextRetryAt: null });
    this.beforePost?.(work.target, rows);
    const sentAt = this.now();
    this.lastPostAt = sentAt;
    this.figuresSoFar.posts += 1;
    this.update({ waitingSince: sentAt });
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
      this.figuresSoFar.uncertainPosts += 1;
      this.figuresSoFar.uncertainFields += rows.length;
      this.audit?.markUncertain(rows, receivedAt);
      const key = targetKey(work.target);
      const due = receivedAt + this.settleMs + 1;
      this.auditDueAt.set(key, Math.min(this.auditDueAt.get(key) ?? due, due));
      // Slow, not offline: the request hung before it failed (a refused connection fails at once).
      const hung = receivedAt - sentAt >= this.slowAfterMs;
      this.update({
        waitingSince: null,
        slowSince: this.state.slowSince ?? (hung ? sentAt : null),
      });
    } else {
      this.update({ waitingSince: null, slowSince: null });
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
    if (this.failures > 0) this.auditDueAt.clear();
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
    this.refreshCounts({
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
      this.refreshCounts({
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
    this.refreshCounts({
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
    this.refreshCounts({ online: true, inFlight: 0, stalled: reason, lastError: reason });
  }

  private pauseTarget(target: PostTarget, reason: string): void {
    this.failures = 0;
    this.pausedTargets.set(targetKey(target), { target, reason });
    // Queued work of this target is dropped: its rows stay pending in the outbox and are taken
    // fresh after resume(), with whatever values they have then.
    this.queue = this.queue.filter((w) => targetKey(w.target) !== targetKey(target));
    this.refreshCounts({
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
          : this.targetStall(),
    });
    return delay;
  }
}
