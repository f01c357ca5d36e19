// This station's clock against RunSignup's: every response's `Date` header refines one
// estimate (sync posts, gun reads, setup calls alike), and `measure` adds a short burst of timed
// probes (at connect, and on the timer's measureClock command). The estimate itself is the pure
// sync/clock-offset.ts; this module only keeps the samples and turns them into Snapshot.clock.
import type { ClockStatus } from '../../src-shared/station-api';
import {
  type ClockSample,
  type OffsetEstimate,
  OFFSET_WARNING_MS,
  addSample,
  estimateOffset,
} from '../sync/clock-offset';
import { measureClockOffset } from '../sync/clock-probe';

export interface ClockTrackerOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called when the shown status changed (the service announces it). */
  onChange?: (status: ClockStatus) => void;
}

/** The status-bar view of an estimate: numbers, and a plain sentence when it matters. */
export function clockStatusOf(
  estimate: OffsetEstimate | null,
  measuredAt: number | null,
): ClockStatus | null {
  if (!estimate) return null;
  let warning = estimate.warning;
  if (!estimate.consistent) {
    warning =
      "RunSignup's clock answers disagree (its clock jumped, or a proxy dated them): " +
      'the offset is a rough guess. Measure the clock again.';
  } else if (warning === null && estimate.uncertaintyMs > OFFSET_WARNING_MS) {
    warning = `The clock offset is only known to within ${(estimate.uncertaintyMs / 1000).toFixed(1)} s so far. Measure the clock again.`;
  }
  return {
    offsetMs: estimate.offsetMs,
    uncertaintyMs: estimate.uncertaintyMs,
    measuredAt,
    warning,
  };
}

function sameSample(a: ClockSample, b: ClockSample): boolean {
  return a.sentAt === b.sentAt && a.receivedAt === b.receivedAt && a.serverDate === b.serverDate;
}

export class ClockTracker {
  private samples: ClockSample[] = [];
  private measuredAt: number | null = null;
  private shown: string = 'null';
  private measuring: Promise<ClockStatus | null> | null = null;
  /** Whether the burst in progress starts from nothing (see `measure`). */
  private measuringFresh = false;
  /** Bumped by reset(): a burst against the previous RunSignup stops and its samples are dropped. */
  private generation = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ClockTrackerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** One response's Date header (unusable samples are ignored by the estimator). */
  add(sample: ClockSample): void {
    // The same response can arrive twice (the client's observer and a probe's answer).
    const dup = this.samples.some((s) => sameSample(s, sample));
    if (dup) return;
    const next = addSample(this.samples, sample);
    if (next.length === this.samples.length && next.at(-1) === this.samples.at(-1)) return;
    this.samples = next;
    this.measuredAt = sample.receivedAt;
    this.changed();
  }

  /** Forget every sample (the station now talks to another RunSignup). */
  reset(): void {
    this.generation += 1;
    this.measuring = null;
    this.measuringFresh = false;
    this.samples = [];
    this.measuredAt = null;
    this.changed();
  }

  status(): ClockStatus | null {
    return clockStatusOf(estimateOffset(this.samples), this.measuredAt);
  }

  /**
   * A burst of probes timed so the server's second ticks mid-flight. One burst at a time (a
   * second caller shares it).
   *
   * Without `fresh` the burst starts from the samples already held and its samples stay with
   * them for later refinement. With `fresh` (the timer asked to measure again: RunSignup's clock
   * may have moved, and old samples would pin the old window) the burst starts from nothing and,
   * when it yields an estimate, its samples replace the old ones; when it yields none (offline)
   * the old estimate is kept.
   */
  measure(
    probe: () => Promise<ClockSample | null>,
    options: { fresh?: boolean; maxProbes?: number } = {},
  ): Promise<ClockStatus | null> {
    const fresh = options.fresh === true;
    const running = this.measuring;
    if (running && (!fresh || this.measuringFresh)) return running;
    const generation = this.generation;
    const burst = async (): Promise<ClockStatus | null> => {
      // A fresh burst asked for during a plain one waits for it, then measures anew.
      if (running) await running;
      if (generation !== this.generation) return this.status();
      const startedAt = this.now();
      const gathered: ClockSample[] = [];
      const estimate = await measureClockOffset({
        probe: async () => {
          if (generation !== this.generation) return null;
          const sample = await probe();
          if (sample && generation === this.generation) {
            if (fresh) gathered.push(sample);
            else this.add(sample);
          }
          return sample;
        },
        now: this.now,
        sleep: this.sleep,
        ...(options.maxProbes === undefined ? {} : { maxProbes: options.maxProbes }),
        seed: fresh ? [] : this.samples,
      });
      if (!fresh) return this.status();
      // Nothing measured now: the old estimate stays, and the caller hears the burst failed.
      if (estimate === null || generation !== this.generation) return null;
      this.replaceSamples(gathered, startedAt);
      return this.status();
    };
    const current = burst().finally(() => {
      if (this.measuring === current) {
        this.measuring = null;
        this.measuringFresh = false;
      }
    });
    this.measuring = current;
    this.measuringFresh = fresh;
    return current;
  }

  /**
   * The samples of a fresh burst become the estimate's samples, with the answers that arrived
   * meanwhile (sync posts sent after the burst began saw the same clock); older ones go.
   */
  private replaceSamples(burst: readonly ClockSample[], since: number): void {
    const meanwhile = this.samples.filter(
      (s) => s.sentAt >= since && !burst.some((b) => sameSample(b, s)),
    );
    const fresh = [...burst, ...meanwhile].sort((a, b) => a.receivedAt - b.receivedAt);
    let next: ClockSample[] = [];
    for (const s of fresh) next = addSample(next, s);
    const last = next.at(-1);
    if (last === undefined) return;
    this.samples = next;
    this.measuredAt = last.receivedAt;
    this.changed();
  }

  private changed(): void {
    const status = this.status();
    // measuredAt moves with every response: announce only what the timer would notice.
    const key = JSON.stringify(status && { ...status, measuredAt: null });
    if (key === this.shown) return;
    this.shown = key;
    if (status) this.options.onChange?.(status);
  }
}
