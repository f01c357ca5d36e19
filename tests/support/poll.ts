// The one way tests wait for something that happens later: poll a probe until its value is the
// awaited one. When it never comes, the failure names what was awaited and the last value seen,
// so a red run under load says which condition stalled and how far it got without a rerun.
import { inspect } from 'node:util';

export interface WaitOptions {
  /** What the test waits for, in words ("row 12 sent"); the failure message starts with it. */
  what: string;
  /**
   * How long to wait. The default stays below Vitest's 30 s test timeout, so a stall fails with
   * this helper's message instead of the runner's bare timeout.
   */
  timeoutMs?: number;
}

type Probe<T> = () => T | Promise<T>;

/** The value itself counts as "there" unless it is undefined, null or false. */
type Present<T> = Exclude<T, undefined | null | false>;

export const DEFAULT_WAIT_MS = 10_000;
/** Checks start 1 ms apart (most conditions are a few macrotasks away) and back off to this. */
const MAX_INTERVAL_MS = 50;
const MAX_SHOWN_CHARS = 600;

/** Resolves the first probed value that `until` accepts. */
export function waitFor<T>(
  probe: Probe<T>,
  options: WaitOptions & { until: (value: T) => boolean },
): Promise<T>;
/** Resolves the first probed value that is not undefined, null or false. */
export function waitFor<T>(probe: Probe<T>, options: WaitOptions): Promise<Present<T>>;
export async function waitFor<T>(
  probe: Probe<T>,
  options: WaitOptions & { until?: (value: T) => boolean },
): Promise<T> {
  const accept = options.until ?? isPresent;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const deadline = Date.now() + timeoutMs;
  let interval = 1;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${options.what}; last seen: ${show(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
    interval = Math.min(interval * 2, MAX_INTERVAL_MS);
  }
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

function show(value: unknown): string {
  const text = inspect(value, { depth: 4, breakLength: Infinity });
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
}
