// The station core (src-main/core) as the service opens it: the real core over one file.
import { openStationCore } from '../core/station-core';
import type { CorePort } from './ports';

export function openCorePort(dbPath: string): CorePort {
  return openStationCore({ dbPath });
}
