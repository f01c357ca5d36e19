// A child process that opens a station database, says so, and waits to be killed; with a second
// argument (ms), it closes the database after that long, as a quitting Chute does after its backup.
import { openDatabase } from '../../../src-main/db';

const path = process.argv[2];
if (!path) throw new Error('usage: lock-child <db path> [release after ms]');
const db = openDatabase(path, { skipIntegrityCheck: true });
process.stdout.write('open\n');
const releaseMs = Number(process.argv[3] ?? NaN);
if (Number.isFinite(releaseMs)) setTimeout(() => db.close(), releaseMs);
setInterval(() => {}, 60_000);
