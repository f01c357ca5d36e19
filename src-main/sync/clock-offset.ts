// How far this station's clock is from RunSignup's, from the `Date` header of ordinary requests.
// The header has a 1-second resolution, so one sample only says the offset lies in a
// window about a second wide. Each sample is an interval, and the truth is in all of them: the
// intersection narrows as samples land at different phases of the server's second, and
// `planProbe` times requests so the server's second changes mid-flight (bracketing), which
// narrows it fastest. Pure: the caller supplies every timestamp.

export interface ClockSample {
  /** Local clock (ms since epoch) just before the request left. */
  sentAt: number;
  /** Local clock when the response arrived. */
  receivedAt: number;
  /** The server's `Date` header as ms since epoch (a whole second). */
  serverDate: number;
}

export interface OffsetEstimate {
  /** Add to local time to get RunSignup's time (ms). */
  offsetMs: number;
  /** The true offset is within offsetMs ± uncertaintyMs (when `consistent`). */
  uncertaintyMs: number;
  samples: number;
  /** False when the samples contradict each other (the server clock jumped, or a proxy dated it). */
  consistent: boolean;
  /** A plain sentence for the timer when the offset is too large to ignore, else null. */
  warning: string | null;
}

export const OFFSET_WARNING_MS = 500;
/** Older samples are dropped: both clocks drift, and a stale sample would pin a wrong window. */
export const DEFAULT_SAMPLE_WINDOW = 20;
const SECOND = 1_000;

/** The offsets one sample allows: the server stamped some instant of [sentAt, receivedAt]. */
export function sampleBounds(s: ClockSample): { lo: number; hi: number } {
  return { lo: s.serverDate - s.receivedAt, hi: s.serverDate + SECOND - s.sentAt };
}

export function isUsableSample(s: ClockSample): boolean {
  return (
    Number.isFinite(s.sentAt) &&
    Number.isFinite(s.receivedAt) &&
    Number.isFinite(s.serverDate) &&
    s.receivedAt >= s.sentAt &&
    s.serverDate % SECOND === 0
  );
}

/** Keeps the newest `window` usable samples. */
export function addSample(
  samples: readonly ClockSample[],
  sample: ClockSample,
  window = DEFAULT_SAMPLE_WINDOW,
): ClockSample[] {
  if (!isUsableSample(sample)) return [...samples];
  return [...samples, sample].slice(-window);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

function warningFor(offsetMs: number, thresholdMs: number): string | null {
  if (Math.abs(offsetMs) <= thresholdMs) return null;
  const seconds = (Math.abs(offsetMs) / SECOND).toFixed(1);
  const direction = offsetMs > 0 ? 'behind' : 'ahead of';
  return `This laptop's clock is ${seconds} s ${direction} RunSignup's. Record the offset or fix the clock.`;
}

export function estimateOffset(
  samples: readonly ClockSample[],
  thresholdMs = OFFSET_WARNING_MS,
): OffsetEstimate | null {
  const usable = samples.filter(isUsableSample);
  if (usable.length === 0) return null;
  let lo = -Infinity;
  let hi = Infinity;
  for (const s of usable) {
    const b = sampleBounds(s);
    lo = Math.max(lo, b.lo);
    hi = Math.min(hi, b.hi);
  }
  if (lo <= hi) {
    const offsetMs = Math.round((lo + hi) / 2);
    return {
      offsetMs,
      uncertaintyMs: Math.ceil((hi - lo) / 2),
      samples: usable.length,
      consistent: true,
      warning: warningFor(offsetMs, thresholdMs),
    };
  }
  // Contradictory samples: fall back to NTP's midpoint rule per sample (the server stamped the
  // middle of the round trip, in the middle of its second) and take the median, honestly wide.
  const mids = usable.map((s) => s.serverDate + SECOND / 2 - (s.sentAt + s.receivedAt) / 2);
  const offsetMs = Math.round(median(mids));
  const spread = Math.max(...usable.map((s) => (s.receivedAt - s.sentAt + SECOND) / 2));
  return {
    offsetMs,
    uncertaintyMs: Math.ceil(spread + (Math.max(...mids) - Math.min(...mids)) / 2),
    samples: usable.length,
    consistent: false,
    warning: warningFor(offsetMs, thresholdMs),
  };
}

/**
 * When to send the next request (local ms) so that, by the current estimate, the server's second
 * ticks over while the request is in flight. Whichever second the answer carries, it cuts the
 * window at that tick.
 */
export function planProbe(estimate: OffsetEstimate | null, now: number, rttMs: number): number {
  if (!estimate) return now;
  const half = Math.max(0, rttMs) / 2;
  const serverAtArrival = now + half + estimate.offsetMs;
  const nextTick = Math.ceil(serverAtArrival / SECOND) * SECOND;
  return nextTick - estimate.offsetMs - half;
}
