// The station core (src-main/core) as the service opens it: the real core over one file, told
// what is assumed of RunSignup (the core itself imports nothing of runsignup).
import path from 'node:path';
import { openStationCore } from '../core/station-core';
import { readDataSettings } from '../db';
import { CLIENT_ASSUMPTIONS } from '../runsignup/assumptions';
import type { CorePort } from './ports';

export interface OpenCoreOptions {
  /**
   * True right after the race in use was archived on purpose: a fresh file is expected, and
   * only backups (not the archive just made) stop an empty start.
   */
  freshAfterArchive?: boolean;
}

export function openCorePort(dbPath: string, options: OpenCoreOptions = {}): CorePort {
  const dataDir = path.dirname(dbPath);
  return openStationCore({
    dbPath,
    history: options.freshAfterArchive ? 'backups' : 'backups-and-archive',
    // Read at every backup: a mirror folder set in Setup takes effect at the next one.
    mirrorDir: () => readDataSettings(dataDir).mirrorDir,
    readBackClearsIn: CLIENT_ASSUMPTIONS.finishFieldsClearedByXNeedReadBack,
  });
}
