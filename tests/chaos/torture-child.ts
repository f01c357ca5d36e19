// The crash-torture child: a station capturing and syncing until the parent kills it (SIGKILL).
// It prints `C <seq> <kind>` AFTER each commit returned: a promise the journal must keep.
// Protocol on stdout: `R <drift>` after start-up reconciliation, `READY`, `C ...` per commit,
// `S` when capture is over, `SETTLED` when all is posted (it then idles until killed), and in
// `--final` mode `DONE <pending> <attention>` after a clean sync and exit.
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src-main/db';
import { createJournalStore } from '../../src-main/core/journal-store';
import { createOutboxStore } from '../../src-main/core/outbox-store';
import { RunSignupClient } from '../../src-main/runsignup/client';
import { createRng } from '../../src-main/runsignup/emulator/prng';
import { SyncLoop } from '../../src-main/sync/sync-loop';
import { TortureStation, tortureRace } from './torture-station';

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
  const db = openDatabase(values.db);
  const outbox = createOutboxStore(db);
  const station = new TortureStation(db, createJournalStore(db), outbox, race);
  process.stdout.write(`R ${station.reconcile(Date.now())}\n`);

  const client = new RunSignupClient({
    baseUrl: values.url,
    auth: { mode: 'api-key', apiKey: key, apiSecret: secret },
    raceId: race.config.raceId,
    timeouts: { connectMs: 300, headersMs: 400, bodyMs: 400, overallMs: 800 },
  });
  const loop = new SyncLoop({
    outbox,
    poster: client,
    idlePollMs: 100,
    backoff: { baseMs: 5, capMs: 50 },
  });
  loop.start();
  process.stdout.write('READY\n');

  if (!values.final) {
    const rng = createRng(Number(values.seed));
    const captures = Number(values.captures);
    for (let i = 0; i < captures; i++) {
      const payload = station.nextAction(rng);
      const seq = station.commit(payload, Date.now());
      process.stdout.write(`C ${seq} ${payload.kind}\n`);
      loop.wake();
      // Yield so the sync loop posts between commits: kills land mid-capture AND mid-sync.
      await new Promise((r) => setImmediate(r));
    }
    process.stdout.write('S\n');
    // Sync what is left, then stay up (a station does) until the parent's SIGKILL.
    let status = await loop.settled();
    while (status.pending > 0 && !status.stalled) status = await loop.settled();
    process.stdout.write('SETTLED\n');
    setInterval(() => {}, 60_000);
    return;
  }
  let status = await loop.settled();
  // Settled can be reached between a batch and the next change: settle until nothing is pending.
  while (status.pending > 0 && !status.stalled) status = await loop.settled();
  await loop.stop();
  await client.close();
  db.close();
  process.stdout.write(`DONE ${status.pending} ${status.attention}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`torture child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
