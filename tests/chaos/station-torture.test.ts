// A bounded run of the whole-station torture (`npm run torture` runs more cycles): the web
// station process killed while a WebSocket client taps and corrects, restarted, checked.
import { describe, expect, it } from 'vitest';
import { runStationTorture, stationTortureFailed } from './station-torture';

describe('whole-station crash torture', () => {
  it('loses no acknowledged entry, duplicates nothing, and RunSignup ends equal to the station, verified', async () => {
    const report = await runStationTorture({ cycles: 4, seed: 3, maxKillDelayMs: 1_200 });
    console.log(`station torture figures: ${JSON.stringify(report)}`);
    expect(report.failures).toEqual([]);
    expect(report.cycles).toBe(4);
    expect(report.kills).toBe(4);
    expect(report.acknowledged).toBeGreaterThan(10);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.mismatches).toBe(0);
    expect(report.compared).toBeGreaterThan(10);
    expect(report.verified).toBeGreaterThan(5);
    expect(stationTortureFailed(report)).toBe(false);
  }, 150_000);
});
