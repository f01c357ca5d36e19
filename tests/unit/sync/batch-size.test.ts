import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLIENT_ASSUMPTIONS } from '../../../src-main/runsignup/assumptions';
import { DEFAULT_BATCH_SIZE, nextBatchSize } from '../../../src-main/sync/batch-size';

const p = DEFAULT_BATCH_SIZE;

describe('adaptive batch size', () => {
  it("starts at 25 (RunSignup's example) and grows while full batches come back fast, never past the cap of 100", () => {
    let size = p.initial;
    expect(size).toBe(25);
    const seen = [size];
    for (let i = 0; i < 6; i++) {
      size = nextBatchSize(size, { kind: 'success', rows: size, elapsedMs: 50 }, p);
      seen.push(size);
    }
    expect(seen).toEqual([25, 50, 100, 100, 100, 100, 100]);
    expect(p.max).toBe(CLIENT_ASSUMPTIONS.maxRowsPerPost);
  });

  it('does not grow on a short batch or a middling answer', () => {
    expect(nextBatchSize(25, { kind: 'success', rows: 3, elapsedMs: 10 }, p)).toBe(25);
    expect(nextBatchSize(25, { kind: 'success', rows: 25, elapsedMs: 2_000 }, p)).toBe(25);
  });

  it('shrinks on trouble and on slow answers, never below 1', () => {
    expect(nextBatchSize(100, { kind: 'retryable' }, p)).toBe(50);
    expect(nextBatchSize(100, { kind: 'success', rows: 100, elapsedMs: 9_000 }, p)).toBe(75);
    expect(nextBatchSize(1, { kind: 'retryable' }, p)).toBe(1);
    expect(nextBatchSize(40, { kind: 'rejected' }, p)).toBe(40);
  });

  it('property: always an integer within [min, max]', () => {
    const fb = fc.oneof(
      fc.record({
        kind: fc.constant('success' as const),
        rows: fc.nat(1000),
        elapsedMs: fc.nat(20_000),
      }),
      fc.constant({ kind: 'retryable' as const }),
      fc.constant({ kind: 'rejected' as const }),
    );
    fc.assert(
      fc.property(fc.array(fb, { maxLength: 60 }), (feedback) => {
        let size = p.initial;
        for (const f of feedback) {
          size = nextBatchSize(size, f, p);
          expect(Number.isInteger(size)).toBe(true);
          expect(size).toBeGreaterThanOrEqual(p.min);
          expect(size).toBeLessThanOrEqual(p.max);
        }
      }),
    );
  });
});
