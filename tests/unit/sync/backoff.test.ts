import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from '../../../src-main/sync/backoff';

const policy = { baseMs: 100, capMs: 1_000, maxRetryAfterMs: 60_000 };

describe('backoff', () => {
  it('doubles the window per failure up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 100, 5000].map((n) => backoffCeiling(n, policy))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000,
    ]);
    expect(backoffCeiling(0, policy)).toBe(0);
  });

  it('uses full jitter: anywhere from 0 to the window', () => {
    expect(backoffDelay(3, policy, () => 0, null)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5, null)).toBe(200);
    expect(backoffDelay(3, policy, () => 0.999999, null)).toBe(399);
  });

  it('honours Retry-After as a floor, even above the cap, within a sane maximum', () => {
    expect(backoffDelay(1, policy, () => 0, 2_000)).toBe(2_000);
    expect(backoffDelay(1, policy, () => 0.9, 50)).toBe(90);
    expect(backoffDelay(1, policy, () => 0, 10 * 60_000)).toBe(60_000);
    expect(backoffDelay(1, policy, () => 0, Number.NaN)).toBe(0);
  });

  it('property: 0 ≤ delay ≤ max(cap, retry-after) for any failures and any random', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 })),
        (n, r, retryAfter) => {
          const d = backoffDelay(n, DEFAULT_BACKOFF, () => r, retryAfter);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(d)).toBe(true);
          const floor =
            retryAfter && retryAfter > 0
              ? Math.min(retryAfter, DEFAULT_BACKOFF.maxRetryAfterMs)
              : 0;
          expect(d).toBeGreaterThanOrEqual(floor);
          expect(d).toBeLessThanOrEqual(Math.max(DEFAULT_BACKOFF.capMs, floor));
        },
      ),
    );
  });
});
