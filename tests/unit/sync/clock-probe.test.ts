import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { measureClockOffset } from '../../../src-main/sync/clock-probe';

/** A simulated RunSignup: a server clock `offset` ahead, a round trip of `rtt` on a virtual clock. */
function simulated(offset: number, rtt: number, failEvery = 0) {
  let clock = 1_700_000_000_000 + 123;
  let calls = 0;
  return {
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
    probe: async () => {
      calls += 1;
      const sentAt = clock;
      clock += rtt / 2;
      const serverDate = Math.floor((clock + offset) / 1000) * 1000;
      clock += rtt / 2;
      if (failEvery > 0 && calls % failEvery === 0) return null;
      return { sentAt, receivedAt: clock, serverDate };
    },
    calls: () => calls,
  };
}

describe('measureClockOffset', () => {
  it('property: brackets the true offset to within about a round trip, in a few probes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -20_000, max: 20_000 }),
        fc.integer({ min: 2, max: 80 }),
        async (offset, rtt) => {
          const sim = simulated(offset, rtt);
          const est = await measureClockOffset({ ...sim, maxProbes: 12, targetUncertaintyMs: 50 });
          expect(est).not.toBeNull();
          expect(Math.abs(est!.offsetMs - offset)).toBeLessThanOrEqual(est!.uncertaintyMs + 1);
          expect(est!.uncertaintyMs).toBeLessThanOrEqual(Math.max(50, rtt + 5));
          expect(sim.calls()).toBeLessThanOrEqual(12);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('warns when the laptop is more than half a second off', async () => {
    const est = await measureClockOffset({ ...simulated(-1_800, 20) });
    expect(est?.warning).toMatch(/1\.8 s ahead of RunSignup/);
  });

  it('skips failed requests and still answers; no sample at all gives null', async () => {
    const est = await measureClockOffset({ ...simulated(700, 20, 2), maxProbes: 10 });
    expect(est).not.toBeNull();
    expect(Math.abs(est!.offsetMs - 700)).toBeLessThanOrEqual(est!.uncertaintyMs + 1);
    const none = await measureClockOffset({
      probe: async () => null,
      now: () => 0,
      sleep: async () => {},
      maxProbes: 3,
    });
    expect(none).toBeNull();
  });
});
