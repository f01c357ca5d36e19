// The whole web station (service, sync loop and web host) as the whole-station torture's child:
// started on a data folder, it prints `READY <port> <token>` and serves until killed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchWebStation } from '../../src-main/web/launch';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('usage: station-torture-child --data-dir DIR');
  // The screens are not what is tortured: a stub page is enough for the host to start.
  const rendererDir = path.join(dataDir, '..', 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Chute</title>');
  const station = await launchWebStation({
    dataDir,
    port: 0,
    rendererDir,
    syncIdlePollMs: 50,
    timeZone: 'UTC',
  });
  process.stdout.write(`READY ${station.port} ${station.token}\n`);
  const stop = () => {
    station.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
