// The web host's entry (`npm start` where Electron is absent; dist/web/main.mjs). Prints the
// station's address with its session token, and closes cleanly on Ctrl+C.
import { parseArgs } from 'node:util';
import { errorText } from '../app/dispatch';
import { isTimeZone, localTimeZone } from '../../src-shared/time';
import {
  adoptOtherShellData,
  currentContext,
  otherShellDataDirs,
  refuseUnreachableDataDir,
  stationDataDir,
} from '../db';
import { launchWebStation } from './launch';

export function defaultDataDir(): string {
  return stationDataDir(currentContext());
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.CHUTE_PORT ?? '0' },
      host: { type: 'string', default: process.env.CHUTE_HOST ?? '127.0.0.1' },
      'data-dir': { type: 'string' },
      seed: { type: 'string', default: '1' },
      // The race's zone for the shared gun time (RunSignup's start-time call is wall-clock text).
      'time-zone': { type: 'string', default: process.env.CHUTE_TIME_ZONE ?? localTimeZone() },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535, not "${values.port}".`);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number.`);
  const timeZone = values['time-zone'];
  if (!isTimeZone(timeZone)) {
    throw new Error(`--time-zone must be a time zone such as America/New_York, not "${timeZone}".`);
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // A folder the timer named (--data-dir, CHUTE_DATA_DIR) whose disk is not there is refused,
  // not created; only the default folder takes over the other shell's data.
  const named = values['data-dir'] !== undefined || Boolean(process.env.CHUTE_DATA_DIR);
  if (named) refuseUnreachableDataDir(dataDir);
  else {
    for (const line of adoptOtherShellData(dataDir, otherShellDataDirs(currentContext()))) {
      console.log(`[chute] ${line}`);
    }
  }
  const station = await launchWebStation({
    timeZone,
    dataDir,
    port,
    host: values.host,
    practiceSeed: seed,
    log: (line) => console.log(`[chute] ${line}`),
  });
  if (values.host !== '127.0.0.1' && values.host !== 'localhost') {
    console.warn(`Listening on ${values.host}: anyone who can reach it and has the link can time.`);
  }
  console.log(`Chute station data: ${dataDir} (gun times in ${timeZone})`);
  console.log(`Open the station in your browser:\n\n  ${station.url}\n`);
  if (station.lanUrls.length > 0) {
    // A second screen on the same station: the chute recorder's tablet, say.
    console.log(
      `A Chute screen on another device on this network (its own token: it sends the bib order and reads, nothing else):\n`,
    );
    for (const url of station.lanUrls) console.log(`  ${url}`);
    console.log('');
  } else if (values.host !== '127.0.0.1' && values.host !== 'localhost') {
    console.log('No network address found for other devices: is this laptop on a network?\n');
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    station.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`Chute could not start: ${errorText(error)}`);
  process.exit(1);
});
