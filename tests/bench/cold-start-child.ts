// Run in a fresh process by cold-start.ts: open the station file and answer the snapshot the
// screen asks for first, then print the figures as one JSON line. A fresh process so nothing is
// already in memory or JIT-warm: what a timer gets after a crash or a reboot.
import { performance } from 'node:perf_hooks';
import { openStationCore } from '../../src-main/core/station-core';
import { checkIntegrity, openDatabase } from '../../src-main/db';
import { createJournalStore } from '../../src-main/core/store/journal-store';
import { createSetupStore } from '../../src-main/core/store/setup-store';
import { indexParticipants, ProjectionState } from '../../src-main/core/projection';
import { READ_BACK_CLEARS_IN } from '../support/outbox-policy';

const dbPath = process.argv[2];
if (!dbPath) {
  console.error('usage: cold-start-child <station.sqlite> [--phases]');
  process.exit(2);
}

/** The same steps the core takes at start-up, timed one by one (a diagnosis, not the figure). */
function phases(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    out[name] = now - t;
    t = now;
  };
  const db = openDatabase(path, { skipIntegrityCheck: true });
  lap('openAndMigrateMs');
  checkIntegrity(db, path);
  lap('integrityCheckMs');
  const setup = createSetupStore(db);
  const config = setup.config();
  if (!config) throw new Error('station is not set up');
  const participants = indexParticipants(setup.participants(), config);
  lap('participantsMs');
  const journal = createJournalStore(db).replayItems();
  lap('journalReadMs');
  ProjectionState.fromJournal(journal, { config, participants });
  lap('projectionReplayMs');
  db.close();
  return out;
}

if (process.argv[3] === '--phases') {
  console.log(JSON.stringify(phases(dbPath)));
  process.exit(0);
}
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const core = openStationCore({ readBackClearsIn: READ_BACK_CLEARS_IN, dbPath, backupDir: null });
const opened = performance.now();
const snapshot = core.query({ type: 'snapshot', limit: 1000 });
const answered = performance.now();
const rssAfter = process.memoryUsage().rss;
// CPU time apart from wall time: on a shared machine the wall figure includes waiting for a core.
const cpu = process.cpuUsage(cpu0);
await core.close();
console.log(
  JSON.stringify({
    openMs: opened - t0,
    readyMs: answered - t0,
    readyCpuMs: (cpu.user + cpu.system) / 1000,
    journalLength: snapshot.journalLength,
    crossingsShown: snapshot.crossings.length,
    rssBeforeBytes: rssBefore,
    rssAfterBytes: rssAfter,
    processUptimeMs: process.uptime() * 1000,
  }),
);
