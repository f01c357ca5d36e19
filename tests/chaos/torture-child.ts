// The crash-torture child: the real station core and the sync loop, capturing and syncing until
// the parent kills it (SIGKILL). It prints `C <seq> <kind>` AFTER `execute` returned: a promise
// the journal must keep. Protocol on stdout: `R <drift>` (outbox fields out of line with the
// journal at start-up, before the core opens), `READY`, `C ...` per commit, `S` when capture is
// over, `SETTLED` when all is posted (it then idles until killed), and in `--final` mode
// `DONE <pending> <attention>` after a clean sync and exit.
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src-main/db';
import { createJournalStore } from '../../src-main/core/store/journal-store';
import { createOutboxStore } from '../../src-main/core/store/outbox-store';
import { project } from '../../src-main/core/projection';
import { openStationCore } from '../../src-main/core/station-core';
import { RunSignupClient } from '../../src-main/runsignup/client';
import { createRng } from '../../src-main/runsignup/emulator/prng';
import { SyncLoop } from '../../src-main/sync/sync-loop';
import { CoreDriver, reconcileChanges, tortureRace, type TortureRace } from './torture-station';
import { READ_BACK_CLEARS_IN } from '../support/outbox-policy';

/** How far the stored outbox is from an independent projection of the stored journal. */
function driftAtStart(dbPath: string, race: TortureRace): number {
  const db = openDatabase(dbPath);
  try {
    const entries = createJournalStore(db).all();
    if (entries.length === 0) return 0;
    return reconcileChanges(
      project(entries, race.ctx),
      createOutboxStore(db, { readBackClearsIn: READ_BACK_CLEARS_IN }),
      race,
    ).length;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      url: { type: 'string' },
      'race-seed': { type: 'string' },
      seed: { type: 'string' },
      captures: { type: 'string', default: '30' },
      final: { type: 'boolean', default: false },
    },
  });
  const key = process.env.CHUTE_TORTURE_KEY;
  const secret = process.env.CHUTE_TORTURE_SECRET;
  if (!values.db || !values.url || !values['race-seed'] || !values.seed || !key || !secret) {
    throw new Error(
      'usage: torture-child --db F --url U --race-seed N --seed N [--captures N] [--final] (key/secret in env)',
    );
  }
  const race = tortureRace(Number(values['race-seed']));
  process.stdout.write(`R ${driftAtStart(values.db, race)}\n`);
  const core = openStationCore({
    readBackClearsIn: READ_BACK_CLEARS_IN,
    dbPath: values.db,
    backupDir: null,
  });
  const driver = new CoreDriver(core, race);
  driver.ensureSetup();

  const client = new RunSignupClient({
    baseUrl: values.url,
    auth: { mode: 'api-key', apiKey: key, apiSecret: secret },
    caller: {
      token: process.env.CHUTE_TORTURE_CALLER_TOKEN ?? '',
      secret: process.env.CHUTE_TORTURE_CALLER_SECRET ?? '',
    },
    raceId: race.config.raceId,
    timeouts: { connectMs: 300, headersMs: 400, bodyMs: 400, overallMs: 800 },
  });
  const loop = new SyncLoop({
    outbox: core.outbox,
    poster: client,
    idlePollMs: 100,
    backoff: { baseMs: 5, capMs: 50 },
  });
  core.subscribe((e) => {
    if (e.type === 'changed') loop.wake();
  });
  loop.start();
  process.stdout.write('READY\n');

  const settle = async () => {
    let status = await loop.settled();
    // Settled can be reached between a batch and the next change: settle until nothing is pending.
    while (status.pending > 0 && !status.stalled) status = await loop.settled();
    return status;
  };

  if (!values.final) {
    const rng = createRng(Number(values.seed));
    const captures = Number(values.captures);
    for (let i = 0; i < captures; i++) {
      const command = driver.nextCommand(rng, Date.now());
      const result = driver.execute(command);
      if (result.ok && result.seq !== null)
        process.stdout.write(`C ${result.seq} ${command.type}\n`);
      // Yield so the sync loop posts between commits: kills land mid-capture AND mid-sync.
      await new Promise((r) => setImmediate(r));
    }
    process.stdout.write('S\n');
    await settle();
    process.stdout.write('SETTLED\n');
    setInterval(() => {}, 60_000); // a station stays up until the parent's SIGKILL
    return;
  }
  const status = await settle();
  await loop.stop();
  await client.close();
  await core.close();
  process.stdout.write(`DONE ${status.pending} ${status.attention}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`torture child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
