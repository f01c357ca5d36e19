// A child process that opens a station database, says so, and waits to be killed.
import { openDatabase } from '../../../src-main/db';

const path = process.argv[2];
if (!path) throw new Error('usage: lock-child <db path>');
openDatabase(path, { skipIntegrityCheck: true });
process.stdout.write('open\n');
setInterval(() => {}, 60_000);
