// Capped exponential backoff with FULL jitter (delay uniform in [0, min(cap, base·2^n)]), which
// spreads retries of many stations instead of synchronising them. Retry-After, when RunSignup
// sends it, is a floor: we never come back sooner than asked.

export interface BackoffPolicy {
  /** The ceiling of the first retry's window. */
  baseMs: number;
  /** The largest window, however many failures in a row. */
  capMs: number;
  /** A Retry-After larger than this is treated as this (a broken header must not park us for days). */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 500,
  capMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
};

/** The window's upper bound after `failures` consecutive failures (1 = the first). */
export function backoffCeiling(failures: number, policy: BackoffPolicy): number {
  if (!(failures >= 1)) return 0;
  // 2^n overflows to Infinity long before it matters; min() keeps the cap.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - 1, 52));
}

/**
 * How long to wait before the next attempt. `random` returns [0, 1) (injected so tests are
 * deterministic); `retryAfterMs` is the server's Retry-After, if any.
 */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs: number | null,
): number {
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.floor(r * backoffCeiling(failures, policy));
  if (retryAfterMs === null || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) {
    return jittered;
  }
  return Math.max(jittered, Math.min(Math.ceil(retryAfterMs), policy.maxRetryAfterMs));
}
