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

export class ClockTracker {
  private samples: ClockSample[] = [];
  private measuredAt: number | null = null;
  private shown: string = 'null';
  private measuring: Promise<ClockStatus | null> | null = null;
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
    const dup = this.samples.some(
      (s) =>
        s.sentAt === sample.sentAt &&
        s.receivedAt === sample.receivedAt &&
        s.serverDate === sample.serverDate,
    );
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
    this.samples = [];
    this.measuredAt = null;
    this.changed();
  }

  status(): ClockStatus | null {
    return clockStatusOf(estimateOffset(this.samples), this.measuredAt);
  }

  /**
   * A burst of probes timed so the server's second ticks mid-flight; the samples it gathers
   * stay for later refinement. One burst at a time (a second caller shares it).
   */
  measure(probe: () => Promise<ClockSample | null>, maxProbes = 8): Promise<ClockStatus | null> {
    if (this.measuring) return this.measuring;
    const generation = this.generation;
    const current = measureClockOffset({
      probe: async () => {
        if (generation !== this.generation) return null;
        const sample = await probe();
        if (sample && generation === this.generation) this.add(sample);
        return sample;
      },
      now: this.now,
      sleep: this.sleep,
      maxProbes,
      seed: this.samples,
    })
      .then(() => this.status())
      .finally(() => {
        if (this.measuring === current) this.measuring = null;
      });
    this.measuring = current;
    return current;
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
