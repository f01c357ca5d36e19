// A bounded run of the crash torture (`npm run torture` runs 200 cycles): a few dozen SIGKILLs
// at random moments of capture and sync, then a clean final sync.
import { describe, expect, it } from 'vitest';
import { runTorture } from './torture-lib';

describe('crash torture', () => {
  it('loses no acknowledged entry, duplicates nothing, and RunSignup ends equal to the projection', async () => {
    const report = await runTorture({
      cycles: 24,
      seed: 5,
      capturesPerCycle: 20,
      maxKillDelayMs: 600,
    });
    expect(report.childFailures).toEqual([]);
    expect(report.cycles).toBe(24);
    expect(report.acknowledged).toBeGreaterThan(50);
    expect(report.lost).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.drift).toBe(0);
    expect(report.mismatches).toBe(0);
    expect(report.comparedFields).toBeGreaterThan(50);
    // Every cycle ended in a SIGKILL, most of them mid-capture (the loop posts between commits).
    expect(report.killedDuringCapture + report.killedDuringSync + report.killedIdle).toBe(24);
    expect(report.killedDuringCapture).toBeGreaterThan(0);
  }, 90_000);
});
