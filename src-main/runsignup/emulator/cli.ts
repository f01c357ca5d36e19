// `npm run emulator -- --port <port> [--seed N]`: the practice RunSignup, standalone. Prints what
// a timer (or a test) needs to connect, and the faults it injects; stops cleanly on SIGINT/SIGTERM.
import { parseCliArgs, type CliArgs } from './cli-args';
import { startEmulator } from './index';

const args = parseCliArgs(process.argv.slice(2));
if ('error' in args) {
  console.error(`emulator: ${args.error}`);
  process.exit(2);
}

const emulator = await startEmulator({
  port: args.port,
  seed: args.seed,
  host: args.host,
  ...(args.faults ? { faults: args.faults } : {}),
  lateApply: args.lateApply,
  assumptions: { callerRegistration: args.callerRegistration },
});
const { practice } = emulator;
const c = practice.credentials;
function describeFaults(a: CliArgs): string {
  if (!a.faults) return 'none';
  const rates = Object.entries(a.faults.rates ?? {})
    .map(([kind, rate]) => `${kind} ${Math.round(rate * 1000) / 10}%`)
    .join(', ');
  const latency = a.faults.latencyMs !== undefined ? `; latency ${a.faults.latencyMs} ms` : '';
  const late = a.lateApply ? '; lost posts applied late' : '';
  return `${rates}${latency}${late}`;
}

const lines = [
  `Chute RunSignup emulator listening`,
  `URL: ${emulator.url}`,
  `race: ${practice.raceId} ${practice.name} (${practice.participantCount} participants, seed ${args.seed})`,
  ...practice.events.flatMap((e) => [
    `event: ${e.eventId} ${e.name} start ${e.startTime}`,
    ...e.resultSets.map(
      (rs) =>
        `  result set: ${rs.resultSetId} ${rs.name}; splits: ${rs.splits.map((s) => `${s.splitId} ${s.name}`).join(', ') || 'none'}`,
    ),
  ]),
  // These are the practice race's own local credentials, printed on purpose so a volunteer can
  // type them in; they open nothing but this emulator.
  `credentials (practice only):`,
  `  api_key=${c.apiKey} api_secret=${c.apiSecret}`,
  `  rsu_api_key=${c.v2Key} X-RSU-API-SECRET: ${c.v2Secret}`,
  `  login email=${c.email} password=${c.password}`,
  `  Authorization: Bearer ${c.bearerToken}`,
  `  OAuth refresh: refresh_token=${c.bearerRefreshToken} client_id=${c.oauthClientId}`,
  `  no-access key: api_key=${c.noAccessApiKey} api_secret=${c.noAccessApiSecret}`,
  `  API caller: rsu_api_reg=${c.callerToken} X-RSU-API-REG-SECRET: ${c.callerSecret}` +
    (args.callerRegistration === 'required'
      ? ' (required on every call)'
      : ' (not required: RunSignup before 2027)'),
  `faults: ${describeFaults(args)}`,
];
console.log(lines.join('\n'));

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  emulator.close().then(
    () => {
      console.log(`emulator: stopped (${signal})`);
      process.exit(0);
    },
    (e: unknown) => {
      console.error('emulator: failed to stop cleanly', e);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
