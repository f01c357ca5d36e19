// The pure parts of the benchmark harness: percentiles, summaries, the pacing schedule and its
// step decisions, windows, the lag-growth verdict and the table. No timing is asserted here.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { percentile, summarize, formatMs } from '../../bench/stats';
import { paceStep, runPaced, tickCount, tickTime, window } from '../../bench/pacer';
import { markdownTable, noLagGrowth } from '../../bench/report';
import { generateJournal, rng } from '../../bench/race-fixture';

describe('percentile (nearest rank)', () => {
  it('picks measured values by rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([3, 1, 2], 50)).toBe(2);
  });

  it('is always one of the samples, monotone in p, within min..max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        (xs, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const p = percentile(xs, lo);
          expect(xs).toContain(p);
          expect(p).toBeLessThanOrEqual(percentile(xs, hi));
          expect(p).toBeGreaterThanOrEqual(Math.min(...xs));
        },
      ),
    );
  });

  it('refuses no samples and percentiles out of range', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
    expect(() => percentile([1], 0)).toThrow(/\(0, 100\]/);
    expect(() => percentile([1], 101)).toThrow(/\(0, 100\]/);
    expect(() => summarize([])).toThrow(/no samples/);
  });

  it('summarizes n, p50, p99, max and mean without reordering the input', () => {
    const xs = [5, 1, 3];
    expect(summarize(xs)).toEqual({ n: 3, p50: 3, p99: 5, max: 5, mean: 3 });
    expect(xs).toEqual([5, 1, 3]);
  });

  it('formats milliseconds readably', () => {
    expect(formatMs(0.1234)).toBe('0.123 ms');
    expect(formatMs(3.456)).toBe('3.46 ms');
    expect(formatMs(45.67)).toBe('45.7 ms');
    expect(formatMs(2345)).toBe('2.35 s');
  });
});

describe('pacing scheduler', () => {
  it('fixes every target in advance from the start (no drift)', () => {
    expect(tickTime(1000, 50, 0)).toBe(1000);
    expect(tickTime(1000, 50, 1)).toBe(1020);
    expect(tickTime(1000, 50, 3000)).toBe(61_000);
    expect(tickCount(50, 60)).toBe(3000);
    expect(() => tickTime(0, 0, 1)).toThrow(/rate/);
  });

  it('sleeps while far, yields when close, fires when due', () => {
    expect(paceStep(100, 50, 2)).toEqual({ kind: 'sleep', ms: 48 });
    expect(paceStep(100, 98.5, 2)).toEqual({ kind: 'yield' });
    expect(paceStep(100, 100, 2)).toEqual({ kind: 'fire' });
    expect(paceStep(100, 130, 2)).toEqual({ kind: 'fire' });
  });

  it('never sleeps past the target', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (target, now) => {
          const step = paceStep(target, now, 2);
          if (step.kind === 'sleep') expect(now + step.ms).toBeLessThanOrEqual(target);
          if (step.kind === 'fire') expect(now).toBeGreaterThanOrEqual(target);
        },
      ),
    );
  });

  it('fires each tick once, in order, at or after its target, on a simulated clock', async () => {
    // The clock only moves when the scheduler sleeps or yields: a late tick (the clock jumps)
    // must not shift the targets of the next ones.
    let clock = 0;
    const fired: Array<{ i: number; target: number; at: number }> = [];
    const sleeps: number[] = [];
    let jumped = false;
    const { startMs } = await runPaced({
      ratePerSecond: 10,
      count: 5,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      yieldOnce: async () => {
        clock += 0.5;
      },
      fire: (i, target) => {
        fired.push({ i, target, at: clock });
        if (i === 1 && !jumped) {
          jumped = true;
          clock += 250; // a stall of 2.5 ticks
        }
      },
    });
    expect(sleeps.every((ms) => ms >= 0)).toBe(true);
    expect(fired.map((f) => f.i)).toEqual([0, 1, 2, 3, 4]);
    expect(fired.map((f) => f.target)).toEqual([0, 100, 200, 300, 400].map((x) => x + startMs));
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.target);
  });

  it('windows samples by target offset, half-open', () => {
    const s = [0, 5_000, 9_999, 10_000, 55_000].map((t) => ({ targetOffsetMs: t }));
    expect(window(s, 0, 10_000)).toHaveLength(3);
    expect(window(s, 50_000, 60_000)).toEqual([{ targetOffsetMs: 55_000 }]);
  });
});

describe('report', () => {
  it('judges lag growth with a noise allowance', () => {
    expect(noLagGrowth(10, 15)).toBe(true);
    expect(noLagGrowth(10, 18)).toBe(false);
    expect(noLagGrowth(0.5, 2.5)).toBe(true);
  });

  it('prints an aligned table with a verdict per row', () => {
    const table = markdownTable([
      { what: 'a', bar: 'p99 <= 2 ms', measured: '1 ms', pass: true },
      { what: 'bb', bar: '-', measured: '3 ms', pass: false },
      { what: 'c', bar: '-', measured: 'x', pass: null },
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(5);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toMatch(/PASS/);
    expect(lines[3]).toMatch(/FAIL/);
    expect(lines[4]).toMatch(/info/);
  });
});

describe('race journal generator', () => {
  it('is deterministic, exact in length, and only corrects earlier taps', () => {
    const plan = {
      rows: 2_000,
      bibs: Array.from({ length: 1_000 }, (_, i) => i + 1),
      eventIds: [11, 12],
      endAt: 1_800_000_000_000,
      spanMs: 3_600_000,
      seed: 9,
    };
    const a = generateJournal(plan);
    expect(generateJournal(plan)).toEqual(a);
    expect(a).toHaveLength(2_000);
    expect(a.slice(0, 2).map((e) => e.payload.kind)).toEqual(['gun', 'gun']);
    const taps = new Set<number>();
    a.forEach((e, i) => {
      const p = e.payload;
      if (p.kind === 'tap') taps.add(i + 1);
      if (p.kind === 'assign' || p.kind === 'adjust' || p.kind === 'void') {
        expect(taps.has(p.tapSeq)).toBe(true);
      }
      expect(e.at).toBeLessThanOrEqual(plan.endAt);
    });
    const kinds = new Set(a.map((e) => e.payload.kind));
    expect([...kinds].sort()).toEqual(['adjust', 'assign', 'gun', 'status', 'tap', 'void']);
  });

  it('gives only bib-first taps when asked for finishes', () => {
    const j = generateJournal({
      rows: 101,
      bibs: Array.from({ length: 100 }, (_, i) => i + 1),
      eventIds: [11],
      endAt: 1_800_000_000_000,
      spanMs: 60_000,
      seed: 1,
      finishesOnly: true,
    });
    const bibs = j.flatMap((e) =>
      e.payload.kind === 'tap' && e.payload.bib ? [e.payload.bib] : [],
    );
    expect(new Set(bibs).size).toBe(100);
  });

  it('seeded rng stays in [0, 1)', () => {
    const r = rng(42);
    for (let i = 0; i < 1000; i++) {
      const x = r();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
