// `npm run torture -- --cycles N [--seed S] [--verbose]`: crash torture, see torture-lib.ts.
// Exits non-zero on any lost entry, duplicate or mismatch.
import { parseArgs } from 'node:util';
import { runStationTorture, stationTortureFailed } from './station-torture';
import { runTorture, tortureFailed } from './torture-lib';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    captures: { type: 'string', default: '25' },
    // Kills of the whole web station process (service, sync loop, web host) after the core's.
    'station-cycles': { type: 'string', default: '20' },
    verbose: { type: 'boolean', default: false },
  },
});
const cycles = Number(values.cycles);
if (!Number.isInteger(cycles) || cycles < 1) {
  console.error(`--cycles must be a positive whole number, got "${values.cycles}"`);
  process.exit(2);
}
const started = Date.now();
const report = await runTorture({
  cycles,
  seed: Number(values.seed),
  capturesPerCycle: Number(values.captures),
  log: values.verbose ? (l) => console.log(l) : undefined,
});
console.log(`cycles:       ${report.cycles}`);
console.log(`acknowledged: ${report.acknowledged} entries (journal ${report.journalLength})`);
console.log(`lost:         ${report.lost}`);
console.log(`duplicates:   ${report.duplicates}`);
console.log(`mismatches:   ${report.mismatches} (of ${report.comparedFields} fields compared)`);
console.log(`drift:        ${report.drift} outbox fields out of line with the journal at restart`);
console.log(
  `kills:        ${report.killedDuringCapture} during capture (posting meanwhile), ` +
    `${report.killedDuringSync} during the sync after it, ${report.killedIdle} idle`,
);
for (const f of report.childFailures) console.log(`child failure: ${f}`);
console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);

const stationCycles = Number(values['station-cycles']);
if (!Number.isInteger(stationCycles) || stationCycles < 0) {
  console.error(`--station-cycles must be a whole number, got "${values['station-cycles']}"`);
  process.exit(2);
}
let stationFailed = false;
if (stationCycles > 0) {
  const stationStarted = Date.now();
  const station = await runStationTorture({
    cycles: stationCycles,
    seed: Number(values.seed),
    log: values.verbose ? (l) => console.log(l) : undefined,
  });
  console.log('');
  console.log('whole web station (service, sync loop, web host) killed while a screen taps:');
  console.log(`cycles:       ${station.cycles} (${station.kills} kills)`);
  console.log(`acknowledged: ${station.acknowledged} entries`);
  console.log(`lost:         ${station.lost}`);
  console.log(`duplicated:   ${station.duplicated}`);
  console.log(`mismatches:   ${station.mismatches} (of ${station.compared} fields compared)`);
  console.log(`verified:     ${station.verified} runners read back equal by the station`);
  for (const f of station.failures) console.log(`failure: ${f}`);
  console.log(`took ${((Date.now() - stationStarted) / 1000).toFixed(1)} s`);
  stationFailed = stationTortureFailed(station);
}
process.exit(tortureFailed(report) || stationFailed ? 1 : 0);
