// The app's clock tracker (app/clock.ts): samples from every answer and from probe bursts become
// Snapshot.clock, on a simulated clock (no real time passes).
import { describe, expect, it } from 'vitest';
import { ClockTracker, clockStatusOf } from '../../../src-main/app/clock';
import type { ClockSample } from '../../../src-main/sync/clock-offset';

/**
 * A simulated laptop clock and a server `offsetMs` ahead of it, answering after `rttMs`. The
 * server's clock can be moved (`server.offsetMs`) and taken offline (`server.online`).
 */
function simulated(offsetMs: number, rttMs = 40) {
  let now = 1_700_000_000_123;
  const server = { offsetMs, online: true };
  return {
    server,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    probe: async (): Promise<ClockSample | null> => {
      if (!server.online) {
        now += rttMs;
        return null;
      }
      const sentAt = now;
      now += rttMs / 2;
      const serverDate = Math.floor((now + server.offsetMs) / 1000) * 1000;
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
    const sample = (await sim.probe())!;
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

  it("a re-measure the timer asks for after RunSignup's clock moved finds the new offset", async () => {
    const sim = simulated(1_234);
    const tracker = new ClockTracker({ now: sim.now, sleep: sim.sleep });
    const first = await tracker.measure(sim.probe);
    expect(Math.abs(first!.offsetMs! - 1_234)).toBeLessThanOrEqual(first!.uncertaintyMs!);

    sim.server.offsetMs = 4_567; // RunSignup's clock stepped by over 3 s
    let probes = 0;
    const counted = () => {
      probes += 1;
      return sim.probe();
    };
    // Refining the samples held: they are tight already, so the burst asks nothing.
    const refined = await tracker.measure(counted);
    expect(probes).toBe(0);
    expect(refined!.offsetMs).toBe(first!.offsetMs);

    const again = await tracker.measure(counted, { fresh: true });
    expect(probes).toBeGreaterThan(0);
    expect(again!.uncertaintyMs).toBeLessThanOrEqual(100);
    expect(Math.abs(again!.offsetMs! - 4_567)).toBeLessThanOrEqual(again!.uncertaintyMs!);
    expect(again!.warning).toMatch(/4\.[56] s behind RunSignup/);
    expect(tracker.status()).toEqual(again);
  });

  it('a fresh re-measure that reaches nothing keeps the estimate it had', async () => {
    const sim = simulated(-800);
    const tracker = new ClockTracker({ now: sim.now, sleep: sim.sleep });
    const before = await tracker.measure(sim.probe);
    expect(before).not.toBeNull();
    sim.server.online = false;
    sim.server.offsetMs = 2_000;
    expect(await tracker.measure(sim.probe, { fresh: true })).toBeNull();
    expect(tracker.status()).toEqual(before);
  });

  it('a fresh re-measure asked during a plain burst waits for it, then measures anew', async () => {
    const sim = simulated(300);
    const tracker = new ClockTracker({ now: sim.now, sleep: sim.sleep });
    const plain = tracker.measure(sim.probe);
    sim.server.offsetMs = 2_300;
    const fresh = tracker.measure(sim.probe, { fresh: true });
    expect(fresh).not.toBe(plain);
    const status = await fresh;
    expect(Math.abs(status!.offsetMs! - 2_300)).toBeLessThanOrEqual(status!.uncertaintyMs!);
  });
});
