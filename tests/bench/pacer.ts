// A precise pacing scheduler for sustained-capture runs. Every tick has a target time fixed in
// advance (start + i / rate), so a late tick does not push the next ones later (no setInterval
// drift), and latency is measured from the TARGET time: a stalled station shows up as lag
// instead of being hidden by a slower send rate (coordinated omission).

/** Target time of tick `i` (0-based), ms on the same clock as `startMs`. */
export function tickTime(startMs: number, ratePerSecond: number, i: number): number {
  if (!(ratePerSecond > 0)) throw new Error(`rate must be positive, got ${ratePerSecond}`);
  return startMs + (i * 1000) / ratePerSecond;
}

export function tickCount(ratePerSecond: number, durationSeconds: number): number {
  return Math.round(ratePerSecond * durationSeconds);
}

/**
 * What to do now to reach `target`: sleep on a timer while far away (timers wake up to a few ms
 * late), yield to the event loop once within `spinMs` (so I/O still runs), or fire when due.
 */
export type PaceStep = { kind: 'sleep'; ms: number } | { kind: 'yield' } | { kind: 'fire' };

export function paceStep(target: number, now: number, spinMs = 2): PaceStep {
  const left = target - now;
  if (left <= 0) return { kind: 'fire' };
  if (left > spinMs) return { kind: 'sleep', ms: Math.floor(left - spinMs) };
  return { kind: 'yield' };
}

export interface PacedRunOptions {
  ratePerSecond: number;
  count: number;
  now: () => number;
  /** Called at each tick with its index and target time; its promise need not be awaited. */
  fire: (i: number, target: number) => void;
  spinMs?: number;
  /** Injectable waits (tests drive a simulated clock); default a timer and setImmediate. */
  sleep?: (ms: number) => Promise<void>;
  yieldOnce?: () => Promise<void>;
}

const timerSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Runs `count` ticks at their target times; resolves after the last has fired. */
export async function runPaced(options: PacedRunOptions): Promise<{ startMs: number }> {
  const sleep = options.sleep ?? timerSleep;
  const yieldOnce = options.yieldOnce ?? immediate;
  const startMs = options.now();
  for (let i = 0; i < options.count; i++) {
    const target = tickTime(startMs, options.ratePerSecond, i);
    for (;;) {
      const step = paceStep(target, options.now(), options.spinMs);
      if (step.kind === 'fire') break;
      if (step.kind === 'sleep') await sleep(step.ms);
      else await yieldOnce();
    }
    options.fire(i, target);
  }
  return { startMs };
}

/** Samples whose target time falls in [fromMs, toMs) relative to the start. */
export function window<T extends { targetOffsetMs: number }>(
  samples: readonly T[],
  fromMs: number,
  toMs: number,
): T[] {
  return samples.filter((s) => s.targetOffsetMs >= fromMs && s.targetOffsetMs < toMs);
}
