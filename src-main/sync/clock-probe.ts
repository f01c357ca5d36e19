// Measures the clock offset on demand (setup, or the timer's "check clock" button) by timing
// cheap requests so the server's second ticks over mid-flight (see clock-offset.ts). I/O is
// injected: `probe` makes one request and returns its sample, `sleep` waits.
import {
  type ClockSample,
  type OffsetEstimate,
  addSample,
  estimateOffset,
  planProbe,
} from './clock-offset';

export interface ClockProbeOptions {
  /** One request to RunSignup; null when it failed (it is then simply not counted). */
  probe: () => Promise<ClockSample | null>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** How many requests at most (each is a real call: keep it small). */
  maxProbes?: number;
  /** Stop early once the estimate is this tight. */
  targetUncertaintyMs?: number;
  /** Samples already known (e.g. from the sync loop's posts). */
  seed?: readonly ClockSample[];
}

export async function measureClockOffset(
  options: ClockProbeOptions,
): Promise<OffsetEstimate | null> {
  const maxProbes = options.maxProbes ?? 8;
  const target = options.targetUncertaintyMs ?? 100;
  let samples = [...(options.seed ?? [])];
  let rtt = 0;
  for (let i = 0; i < maxProbes; i++) {
    const estimate = estimateOffset(samples);
    if (estimate && estimate.consistent && estimate.uncertaintyMs <= target) return estimate;
    const now = options.now();
    const wait = planProbe(estimate, now, rtt) - now;
    // A plan in the past (or more than a second out) means no useful timing: go now.
    if (wait > 0 && wait < 1_000) await options.sleep(wait);
    const sample = await options.probe();
    if (!sample) continue;
    rtt = sample.receivedAt - sample.sentAt;
    samples = addSample(samples, sample);
  }
  return estimateOffset(samples);
}
