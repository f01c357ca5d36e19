// Run by web.ts in its own process (fork, with an IPC channel): a practice web station (the real
// service, sync loop and web host) whose process CPU time is the station's alone. The practice
// RunSignup it posts to runs in the bench's process, as RunSignup runs elsewhere in a race.
// Messages: in `{ start: StationStart }`, out `{ ready: { port, token, url } }`; in `'cpu'`, out
// `{ cpuMs }`; in `'close'`, exits when closed.
import { launchWebStation } from '../../src-main/web/launch';
import type { RunningEmulator } from '../../src-main/runsignup/emulator';

export interface StationStart {
  dataDir: string;
  rendererDir: string;
  practiceSeed: number;
  emulator: Pick<RunningEmulator, 'url' | 'practice'>;
}

/**
 * The bench's emulator as the station sees it: its address and practice race are all a practice
 * host reads from it; the test-only controls stay with the process that runs it.
 */
function remoteEmulator(e: StationStart['emulator']): RunningEmulator {
  const elsewhere = (): never => {
    throw new Error('the practice RunSignup runs in the bench process');
  };
  return {
    url: e.url,
    practice: e.practice,
    log: [],
    results: elsewhere,
    setFaults: elsewhere,
    setAssumptions: elsewhere,
    expireTemporaryKeys: elsewhere,
    expireAccessTokens: elsewhere,
    changeBib: elsewhere,
    close: async () => {},
  };
}

const send = (message: unknown): void => {
  process.send?.(message);
};

let close: (() => Promise<void>) | null = null;

process.on('message', (message: unknown) => {
  if (message === 'cpu') {
    const u = process.cpuUsage();
    send({ cpuMs: (u.user + u.system) / 1000 });
  } else if (message === 'close') {
    void (close?.() ?? Promise.resolve()).finally(() => process.exit(0));
  } else if (typeof message === 'object' && message !== null && 'start' in message) {
    const start = (message as { start: StationStart }).start;
    launchWebStation({
      dataDir: start.dataDir,
      port: 0,
      rendererDir: start.rendererDir,
      practiceSeed: start.practiceSeed,
      practiceEmulator: remoteEmulator(start.emulator),
    }).then(
      (station) => {
        close = () => station.close();
        send({ ready: { port: station.port, token: station.token, url: station.url } });
      },
      (error: unknown) => {
        send({ failed: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  }
});
