// One call that starts a whole web station: the service (practice mode unless credentials are
// given) and the web host in front of it. `npm start` uses it, and so do the e2e tests.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeStationService, type ComposeOptions } from '../app/compose';
import { memorySecretStore, type SecretStore } from '../app/ports';
import type { StationService } from '../app/service';
import type { RunningEmulator } from '../runsignup/emulator';
import { startWebHost, type WebHostOptions } from './server';

export interface LaunchOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** The built renderer; default: dist/renderer of this checkout (or next to the bundle). */
  rendererDir?: string;
  practiceSeed?: number;
  /** Default: memory for this session only (the web host never writes credentials to disk). */
  secrets?: SecretStore;
  token?: string;
  log?: (line: string) => void;
  openCore?: ComposeOptions['openCore'];
  syncIdlePollMs?: number;
  /** How often each result set is read back and compared (tests shorten it). */
  syncAuditEveryMs?: number;
  /**
   * Post practice results to this running emulator instead of starting one: a finish station
   * and a split station on the SAME practice race. The caller closes it (after the stations).
   */
  practiceEmulator?: RunningEmulator;
  /** The race's time zone for the shared gun's text (default: the laptop's). */
  timeZone?: string;
  /** How often a split station reads the shared gun (default 15 s). */
  gunPollMs?: number;
  /** This laptop's network interfaces (tests give fixed ones; default: the OS's). */
  networkInterfaces?: WebHostOptions['networkInterfaces'];
}

export interface LaunchedStation {
  /** The page to open, token included. */
  url: string;
  origin: string;
  /** The page for other devices on the network (listening beyond loopback), token included. */
  lanUrls: string[];
  token: string;
  port: number;
  /** The practice RunSignup running in-process (null when connected to a real one at boot). */
  emulator: RunningEmulator | null;
  service: StationService;
  /** Open screens whose clock the host has measured (a pressed gun waits for it). */
  measuredScreens(): number;
  close(): Promise<void>;
}

export function defaultRendererDir(): string {
  if (process.env.CHUTE_RENDERER_DIR) return process.env.CHUTE_RENDERER_DIR;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '..', 'renderer'), // dist/web/main.mjs -> dist/renderer
    path.resolve(here, '..', '..', 'dist', 'renderer'), // src-main/web -> dist/renderer
  ];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[1]!;
}

export async function launchWebStation(options: LaunchOptions): Promise<LaunchedStation> {
  const service = await composeStationService({
    dataDir: options.dataDir,
    secrets: options.secrets ?? memorySecretStore(),
    ...(options.practiceSeed !== undefined ? { practiceSeed: options.practiceSeed } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.openCore ? { openCore: options.openCore } : {}),
    ...(options.syncIdlePollMs ? { syncIdlePollMs: options.syncIdlePollMs } : {}),
    ...(options.syncAuditEveryMs ? { syncAuditEveryMs: options.syncAuditEveryMs } : {}),
    ...(options.practiceEmulator ? { practiceEmulator: options.practiceEmulator } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(options.gunPollMs ? { gunPollMs: options.gunPollMs } : {}),
  });
  let host;
  try {
    host = await startWebHost({
      api: service,
      rendererDir: options.rendererDir ?? defaultRendererDir(),
      port: options.port ?? 0,
      ...(options.host ? { host: options.host } : {}),
      ...(options.token ? { token: options.token } : {}),
      ...(options.networkInterfaces ? { networkInterfaces: options.networkInterfaces } : {}),
    });
  } catch (error) {
    await service.close();
    throw error;
  }
  const web = host;
  return {
    url: web.url,
    origin: web.origin,
    lanUrls: web.lanUrls,
    token: web.token,
    port: web.port,
    get emulator() {
      return service.practice()?.emulator ?? null;
    },
    service,
    measuredScreens: () => web.measuredScreens(),
    async close() {
      await web.close();
      await service.close();
    },
  };
}
