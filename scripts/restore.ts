// `npm run restore`: list the station's backups (race, time, entries, which is newest) and put
// one back; or carry on from a station file or backup brought from another laptop (a USB stick
// mirror). Chute must be closed; the file replaced is always kept (`replaced/` in the data folder).
//
//   npm run restore                          list the backups in the data folder
//   npm run restore -- 3                     restore backup number 3 of that list
//   npm run restore -- --from /media/usb     list (and with a number, restore) backups there
//   npm run restore -- --file station.sqlite carry on from this station file or backup
//   --data-dir DIR                           another data folder (default: Chute's own)
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  BACKUP_DIR_NAME,
  backupTable,
  STATION_FILE_NAME,
  bestBackup,
  currentContext,
  describeBackups,
  describeStationFile,
  readStationFileInfo,
  restoreBackup,
  stationDataDir,
  stationFileState,
} from '../src-main/db';

function main(): number {
  const { values, positionals } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: stationDataDir(currentContext()) },
      from: { type: 'string' },
      file: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const dataDir = values['data-dir'];
  const dbPath = path.join(dataDir, STATION_FILE_NAME);
  const state = stationFileState(dbPath);
  const current =
    state === 'present'
      ? describeStationFile(readStationFileInfo(dbPath), null)
      : state === 'log-only'
        ? 'missing or empty, its write-ahead log left alone (a restore keeps a copy of both)'
        : state;
  console.log(`Data folder: ${dataDir}\nStation file: ${current}\n`);

  if (values.file) {
    const info = readStationFileInfo(values.file);
    if (info.entries === null) {
      console.error(`${values.file} cannot be read as a station file (${info.problem}).`);
      return 1;
    }
    return restore(values.file, dbPath, describeStationFile(info, info.lastEntryAt));
  }
  const folder = values.from ?? path.join(dataDir, BACKUP_DIR_NAME);
  const backups = describeBackups(folder);
  if (backups.length === 0) {
    console.log(`No backups in ${folder}.`);
    return positionals.length > 0 ? 1 : 0;
  }
  console.log(`Backups in ${folder}:\n`);
  console.log(backupTable(backups, bestBackup(backups)).join('\n'));
  const pick = positionals[0];
  if (pick === undefined) {
    console.log(
      `\nTo restore one, close Chute and run: npm run restore -- <number>${values.from ? ` --from ${values.from}` : ''}`,
    );
    return 0;
  }
  const n = Number(pick);
  const chosen = Number.isInteger(n) ? backups[n - 1] : undefined;
  if (!chosen) {
    console.error(`"${pick}" is not a number from 1 to ${backups.length}.`);
    return 1;
  }
  return restore(chosen.path, dbPath, describeStationFile(chosen, chosen.takenAt));
}

function restore(source: string, dbPath: string, what: string): number {
  try {
    const kept = restoreBackup(source, dbPath);
    console.log(`\nRestored ${what} from ${source}.`);
    if (kept) console.log(`The station file it replaced is kept as ${kept}.`);
    console.log('Start Chute: it carries on from there and sends RunSignup only what it lacks.');
    return 0;
  } catch (error) {
    console.error(
      `\nNothing was restored: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}

process.exitCode = main();
