// The app's clock tracker (app/clock.ts): samples from every answer and from probe bursts become
// Snapshot.clock, on a simulated clock (no real time passes).
import { describe, expect, it } from 'vitest';
import { ClockTracker, clockStatusOf } from '../../../src-main/app/clock';
import type { ClockSample } from '../../../src-main/sync/clock-offset';

/** A simulated laptop clock and a server `offsetMs` ahead of it, answering after `rttMs`. */
function simulated(offsetMs: number, rttMs = 40) {
  let now = 1_700_000_000_123;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    probe: async (): Promise<ClockSample> => {
      const sentAt = now;
      now += rttMs / 2;
      const serverDate = Math.floor((now + offsetMs) / 1000) * 1000;
      now += rttMs / 2;
      return { sentAt, receivedAt: now, serverDate };
    },
  };
}

describe('clock status', () => {
  it('is null before any sample, and warns in a sentence past half a second', () => {
    expect(clockStatusOf(null, null)).toBeNull();
    const base = { uncertaintyMs: 40, samples: 5, consistent: true };
    expect(clockStatusOf({ ...base, offsetMs: 120, warning: null }, 5)).toEqual({
      offsetMs: 120,
      uncertaintyMs: 40,
      measuredAt: 5,
      warning: null,
    });
    expect(
      clockStatusOf({ ...base, offsetMs: 120, uncertaintyMs: 900, warning: null }, 5)?.warning,
    ).toMatch(/only known to within 0\.9 s/);
    expect(
      clockStatusOf({ ...base, offsetMs: 0, consistent: false, warning: null }, 5)?.warning,
    ).toMatch(/disagree/);
  });

  it('a burst against a server 1.234 s ahead finds it to a tenth, with a warning', async () => {
    const sim = simulated(1_234);
    const changes: unknown[] = [];
    const tracker = new ClockTracker({
      now: sim.now,
      sleep: sim.sleep,
      onChange: (s) => changes.push(s),
    });
    const status = await tracker.measure(sim.probe);
    expect(status).not.toBeNull();
    expect(Math.abs(status!.offsetMs! - 1_234)).toBeLessThanOrEqual(status!.uncertaintyMs!);
    expect(status!.uncertaintyMs).toBeLessThanOrEqual(100);
    expect(status!.warning).toMatch(/1\.[23] s behind RunSignup/);
    expect(changes.length).toBeGreaterThan(0);
  });

  it('ignores a sample seen twice and unusable ones; reset forgets, and drops a burst in flight', async () => {
    const sim = simulated(-200);
    const changes: unknown[] = [];
    const tracker = new ClockTracker({
      now: sim.now,
      sleep: sim.sleep,
      onChange: (s) => changes.push(s),
    });
    const sample = await sim.probe();
    tracker.add(sample);
    const after = changes.length;
    tracker.add({ ...sample });
    tracker.add({ sentAt: 10, receivedAt: 5, serverDate: 1000 }); // answer before the question
    expect(changes.length).toBe(after);
    expect(tracker.status()?.offsetMs).not.toBeNull();

    const burst = tracker.measure(async () => {
      tracker.reset(); // the station switched RunSignup mid-burst
      return sim.probe();
    });
    await burst;
    expect(tracker.status()).toBeNull();
  });
});
