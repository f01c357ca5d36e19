// The station core (src-main/core) seen through the service's CorePort.
import { openStationCore } from '../core/station-core';
import type { CorePort } from './ports';

export function openCorePort(dbPath: string): CorePort {
  const core = openStationCore({ dbPath });
  return {
    execute: (command) => core.execute(command),
    query: (query) => core.query(query),
    config: () => core.config(),
    configure: (config) => core.configure({ ...config, stationId: core.stationId }),
    cacheParticipants: (list) => core.cacheParticipants(list),
    cacheRace: (details) => core.cacheRace(details),
    cachedRace(raceId) {
      try {
        return core.query({ type: 'raceDetails', raceId });
      } catch {
        return null; // not cached
      }
    },
    cachedRaces: () => core.query({ type: 'races' }),
    setSyncStatus: (status) => core.setSyncStatus(status),
    outbox: core.outbox,
    guns: () => core.query({ type: 'snapshot', limit: 1 }).guns,
    offsetMs: () => core.query({ type: 'snapshot', limit: 1 }).offsetMs,
    recordRemoteGun: (eventId, at) => core.recordRemoteGun(eventId, at),
    forgetAcknowledgements: () => core.outbox.forgetAcknowledgements(),
    subscribe: (listener) => core.subscribe(listener),
    close: () => core.close(),
  };
}
