// The station service as both shells start it: open the core's database under `dataDir`, then
// compose the real parts. The core opener is injectable so tests can swap it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunningEmulator } from '../runsignup/emulator';
import { openCorePort } from './core-adapter';
import { realParts } from './parts';
import type { CorePort, SecretStore } from './ports';
import { createStationService, type StationService } from './service';

export const DATABASE_FILE = 'station.sqlite';

export interface ComposeOptions {
  dataDir: string;
  secrets: SecretStore;
  practiceSeed?: number;
  log?: (line: string) => void;
  openCore?: (dbPath: string) => CorePort | Promise<CorePort>;
  syncIdlePollMs?: number;
  /** Practice mode uses this running emulator (several stations on one practice race). */
  practiceEmulator?: RunningEmulator;
  /** The race's time zone for the shared gun (default: the laptop's). */
  timeZone?: string;
  /** How often a split station reads the shared gun (default 15 s). */
  gunPollMs?: number;
}

export async function composeStationService(options: ComposeOptions): Promise<StationService> {
  mkdirSync(options.dataDir, { recursive: true });
  const open = options.openCore ?? openCorePort;
  const core = await open(path.join(options.dataDir, DATABASE_FILE));
  try {
    return await createStationService(
      realParts({
        core,
        secrets: options.secrets,
        ...(options.practiceSeed !== undefined ? { practiceSeed: options.practiceSeed } : {}),
        ...(options.log ? { log: options.log } : {}),
        ...(options.syncIdlePollMs ? { syncIdlePollMs: options.syncIdlePollMs } : {}),
        ...(options.practiceEmulator ? { practiceEmulator: options.practiceEmulator } : {}),
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
        ...(options.gunPollMs ? { gunPollMs: options.gunPollMs } : {}),
      }),
    );
  } catch (error) {
    await core.close();
    throw error;
  }
}
