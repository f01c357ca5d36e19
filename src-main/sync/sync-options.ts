// What a sync loop is given: its outbox and poster, and every policy it follows, each with the
// default the loop uses when it is left out (timers and randomness injectable for tests).
import type { SyncStatus } from '../../src-shared/station-api';
import type { BackoffPolicy } from './backoff';
import type { BatchSizePolicy } from './batch-size';
import type { ClockSample } from './clock-offset';
import type { PostTarget } from './mapper';
import type {
  ClearVerification,
  Outbox,
  OutboxRow,
  PostOutcome,
  ResultAudit,
  ResultsPoster,
} from './ports';
import type { Timers } from './timers';

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
