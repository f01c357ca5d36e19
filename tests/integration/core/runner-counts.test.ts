// The status bar's runner counts (grouped in SQL, for a drain of thousands of rows) and the rows'
// sync states (per bib) are two views of one outbox: they must tell the same story.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../../../src-shared/station-api';
import { openStationCore, type StationCore } from '../../../src-main/core/station-core';
import { tortureRace } from '../../chaos/torture-station';
import { READ_BACK_CLEARS_IN } from '../../support/outbox-policy';

let core: StationCore | null = null;
let dir: string | null = null;
afterEach(async () => {
  await core?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  core = dir = null;
});

/** Runners of the rows by state, as the status bar names them. */
function rowCounts(c: StationCore) {
  const byBib = new Map<number, SyncState>();
  for (const x of c.query({ type: 'snapshot' }).crossings) {
    if (x.bib !== null && !x.voided) byBib.set(x.bib, x.sync);
  }
  const n = (s: SyncState) => [...byBib.values()].filter((v) => v === s).length;
  return { saved: n('saved'), sending: n('sending'), sent: n('sent'), verified: n('verified') };
}

describe('runner counts', () => {
  it('agree with the rows before the gun, once results are wanted, and once RunSignup accepted them', () => {
    const race = tortureRace(21);
    dir = mkdtempSync(join(tmpdir(), 'chute-counts-'));
    core = openStationCore({
      readBackClearsIn: READ_BACK_CLEARS_IN,
      dbPath: join(dir, 'station.db'),
      backupDir: null,
    });
    core.configure(race.config);
    core.cacheParticipants(race.participants);
    const event = race.config.events[0]!;
    const bibs = race.participants
      .filter((p) => p.eventId === event.eventId && p.bib !== null)
      .map((p) => p.bib!)
      .slice(0, 3);
    const at = Date.now() - 60_000;
    bibs.forEach((bib, i) => core!.execute({ type: 'tap', at: at + i * 1000, bib: String(bib) }));
    const outbox = core.outbox;
    const none = { saved: 0, sending: 0, sent: 0, verified: 0 };
    // No gun yet: nothing to post, nothing counted.
    expect(rowCounts(core)).toEqual(none);
    expect(outbox.runnerCounts()).toMatchObject(none);

    // The gun: places and times are wanted (saved), then posted (sending), then accepted (sent).
    core.execute({ type: 'gun', eventId: event.eventId, at: at - 20 * 60_000 });
    expect(rowCounts(core)).toEqual({ ...none, saved: 3 });
    expect(outbox.runnerCounts()).toMatchObject({ ...none, saved: 3 });
    const taken = outbox.takePending(100);
    outbox.acknowledge(taken, Date.now());
    expect(rowCounts(core)).toEqual({ ...none, sent: 3 });
    expect(outbox.runnerCounts()).toMatchObject({ ...none, sent: 3 });
  });
});
