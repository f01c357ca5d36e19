// The sync status the screens show, kept in one place: the loop's own facts (online, in flight,
// errors, audits) patched in as they happen, and the counts (rows pending and needing attention,
// runners by state) always taken from the outbox here, never counted anywhere else.
import { IDLE_SYNC_STATUS, type SyncStatus } from '../../src-shared/station-api';
import type { Outbox, ResultAudit } from './ports';

export interface SyncStatusSources {
  outbox: Pick<Outbox, 'counts'>;
  /** Groups runners by state (absent: the status has no runner counts). */
  audit: Pick<ResultAudit, 'runnerCounts'> | undefined;
  now: () => number;
  /** Called with the whole status whenever anything in it changed. */
  onStatus: ((status: SyncStatus) => void) | undefined;
}

/** Runner counts group the whole outbox: while rows are pending, at most this often. */
const RUNNER_COUNTS_EVERY_MS = 500;

export class SyncStatusBoard {
  private state: SyncStatus = { ...IDLE_SYNC_STATUS };
  private runnerCountsAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly sources: SyncStatusSources) {}

  status(): SyncStatus {
    return { ...this.state };
  }

  /** Patches the loop's own facts; tells the listener only when something changed. */
  set(patch: Partial<SyncStatus>): void {
    const next = { ...this.state, ...patch };
    // Runner counts are an object: compared by value, so an unchanged count emits nothing.
    const changed = (Object.keys(next) as Array<keyof SyncStatus>).some((k) =>
      typeof next[k] === 'object' && next[k] !== null
        ? JSON.stringify(next[k]) !== JSON.stringify(this.state[k])
        : next[k] !== this.state[k],
    );
    this.state = next;
    if (changed) this.sources.onStatus?.(this.status());
  }

  /** Patches the loop's facts and counts the outbox afresh. */
  recount(patch: Partial<SyncStatus> = {}): void {
    const counts = this.sources.outbox.counts();
    const runners = this.countRunners(counts.pending > 0);
    this.set({
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
    const audit = this.sources.audit;
    if (!audit) return null;
    const at = this.sources.now();
    if (busy && at - this.runnerCountsAt < RUNNER_COUNTS_EVERY_MS) return null;
    this.runnerCountsAt = at;
    return audit.runnerCounts();
  }
}
