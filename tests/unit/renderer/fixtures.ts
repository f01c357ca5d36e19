// Small builders shared by the renderer's unit tests.
import type {
  CrossingView,
  ResultRow,
  Snapshot,
  SyncStatus,
} from '../../../src-shared/station-api';

export function crossing(p: Partial<CrossingView> & { tapSeq: number }): CrossingView {
  return {
    at: 1_700_000_000_000 + p.tapSeq * 1000,
    bib: null,
    unreadable: false,
    name: null,
    eventId: null,
    eventName: null,
    place: null,
    time: null,
    status: null,
    flags: [],
    sync: 'saved',
    syncReason: null,
    ...p,
  };
}

export const idleSync: SyncStatus = {
  online: true,
  pending: 0,
  inFlight: 0,
  attention: 0,
  lastSuccessAt: null,
  lastError: null,
  nextRetryAt: null,
  stalled: null,
};

export function snapshot(crossings: CrossingView[], journalLength = crossings.length): Snapshot {
  return {
    mode: 'practice',
    config: {
      stationId: 's1',
      stationName: 'Finish A',
      mode: 'practice',
      raceId: 1,
      raceName: 'Practice 5K',
      events: [{ eventId: 10, name: '5K', resultSetId: 100, scheduledStart: null }],
      role: { kind: 'finish' },
      precision: 1,
    },
    guns: [{ eventId: 10, at: null }],
    offsetMs: 0,
    crossings,
    sync: idleSync,
    journalLength,
  };
}

/** A Results row: no place, no time, sent, unless given. */
export function resultRow(p: Partial<ResultRow> & { bib: number }): ResultRow {
  return {
    place: null,
    name: `Runner ${p.bib}`,
    time: null,
    status: null,
    sync: 'sent',
    ...p,
  };
}
