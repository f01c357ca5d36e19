import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addSample,
  estimateOffset,
  planProbe,
  type ClockSample,
} from '../../../src-main/sync/clock-offset';

/** A simulated request: the server stamps `Date` (whole seconds) at a moment inside the round trip. */
function probe(
  trueOffset: number,
  sentAt: number,
  rtt: number,
  stampFraction: number,
): ClockSample {
  const receivedAt = sentAt + rtt;
  const stampLocal = sentAt + stampFraction * rtt;
  const serverDate = Math.floor((stampLocal + trueOffset) / 1000) * 1000;
  return { sentAt, receivedAt, serverDate };
}

describe('clock offset', () => {
  it('property: the true offset is always inside estimate ± uncertainty', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.array(
          fc.record({
            gap: fc.integer({ min: 1, max: 3_000 }),
            rtt: fc.integer({ min: 0, max: 800 }),
            f: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        (trueOffset, reqs) => {
          let t = 1_700_000_000_000;
          let samples: ClockSample[] = [];
          for (const r of reqs) {
            t += r.gap;
            samples = addSample(samples, probe(trueOffset, t, r.rtt, r.f));
            t += r.rtt;
          }
          const est = estimateOffset(samples);
          expect(est).not.toBeNull();
          expect(est?.consistent).toBe(true);
          expect(Math.abs((est?.offsetMs ?? 0) - trueOffset)).toBeLessThanOrEqual(
            (est?.uncertaintyMs ?? 0) + 1,
          );
        },
      ),
    );
  });

  it('one sample is only good to about half a second plus half the round trip', () => {
    const est = estimateOffset([probe(1234, 1_000_000_300, 40, 0.5)]);
    expect(est?.uncertaintyMs).toBeGreaterThanOrEqual(500);
    expect(est?.uncertaintyMs).toBeLessThanOrEqual(521);
  });

  it('bracketing the second tick narrows the estimate well below a second', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5_000, max: 5_000 }),
        fc.integer({ min: 5, max: 60 }),
        (trueOffset, rtt) => {
          let now = 1_700_000_000_123;
          let samples: ClockSample[] = [probe(trueOffset, now, rtt, 0.5)];
          now += rtt;
          for (let i = 0; i < 12; i++) {
            const at = Math.max(now + 1, planProbe(estimateOffset(samples), now, rtt));
            samples = addSample(samples, probe(trueOffset, at, rtt, 0.5));
            now = at + rtt;
          }
          const est = estimateOffset(samples);
          expect(Math.abs((est?.offsetMs ?? 0) - trueOffset)).toBeLessThanOrEqual(
            (est?.uncertaintyMs ?? 0) + 1,
          );
          expect(est?.uncertaintyMs).toBeLessThanOrEqual(rtt + 10);
        },
      ),
    );
  });

  it('warns above half a second, in words, and not below', () => {
    const far = estimateOffset([
      probe(-2_300, 1_000_000_000, 10, 0.5),
      probe(-2_300, 1_000_000_700, 10, 0.5),
    ]);
    expect(far?.warning).toMatch(/ahead of RunSignup/);
    const close = estimateOffset([
      probe(100, 1_000_000_450, 10, 0.5),
      probe(100, 1_000_000_905, 10, 0.5),
    ]);
    expect(close?.warning).toBeNull();
  });

  it('contradictory samples fall back to a wide median, flagged', () => {
    const est = estimateOffset([
      probe(0, 1_000_000_000, 10, 0.5),
      probe(5_000, 1_000_002_000, 10, 0.5),
      probe(0, 1_000_004_000, 10, 0.5),
    ]);
    expect(est?.consistent).toBe(false);
    expect(est?.uncertaintyMs).toBeGreaterThan(2_000);
  });

  it('ignores unusable samples and keeps a bounded window', () => {
    expect(estimateOffset([])).toBeNull();
    expect(addSample([], { sentAt: 10, receivedAt: 5, serverDate: 1000 })).toEqual([]);
    expect(addSample([], { sentAt: 1, receivedAt: 5, serverDate: 1001 })).toEqual([]);
    let s: ClockSample[] = [];
    for (let i = 0; i < 30; i++) s = addSample(s, probe(0, 1_000_000_000 + i * 1000, 5, 0.5), 20);
    expect(s).toHaveLength(20);
  });
});
