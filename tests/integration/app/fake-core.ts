// A small in-memory stand-in for the station core, used where a test is about the service's
// composition (connect, configure, practice mode, credentials), not about the journal.
import type { Participant, StationConfig } from '../../../src-shared/domain';
import type {
  CommandResult,
  RaceDetails,
  Snapshot,
  StationEvent,
} from '../../../src-shared/station-api';
import type { CorePort, CoreQuery, JournalCommand } from '../../../src-main/app/ports';
import type { OutboxRow } from '../../../src-main/sync/ports';

export interface FakeCore extends CorePort {
  participants: Participant[];
  journal: JournalCommand[];
  races: Map<number, RaceDetails>;
  closed: boolean;
  /** Rows the outbox hands the sync loop, and what was acknowledged. */
  pending: OutboxRow[];
  acked: OutboxRow[];
}

export function createFakeCore(initial: { config?: StationConfig | null } = {}): FakeCore {
  let config: StationConfig | null = initial.config ?? null;
  const listeners = new Set<(e: StationEvent) => void>();
  const core: FakeCore = {
    participants: [],
    journal: [],
    races: new Map(),
    closed: false,
    pending: [],
    acked: [],
    execute(command): CommandResult {
      core.journal.push(command);
      for (const l of listeners) l({ type: 'changed', journalLength: core.journal.length });
      return { ok: true, seq: core.journal.length, warnings: [] };
    },
    query(query: CoreQuery): unknown {
      if (query.type !== 'snapshot') throw new Error(`The fake core has no ${query.type} query.`);
      const snapshot: Snapshot = {
        mode: config ? config.mode : 'setup',
        config,
        guns: [],
        offsetMs: 0,
        crossings: [],
        sync: {
          online: true,
          pending: 0,
          inFlight: 0,
          attention: 0,
          lastSuccessAt: null,
          lastError: null,
          nextRetryAt: null,
          stalled: null,
        },
        journalLength: core.journal.length,
      };
      return snapshot;
    },
    config: () => config,
    configure(next) {
      config = { stationId: 'fake-station', ...next };
    },
    cacheParticipants(list) {
      core.participants = [...list];
    },
    cacheRace(details) {
      core.races.set(details.raceId, details);
    },
    cachedRace: (raceId) => core.races.get(raceId) ?? null,
    outbox: {
      takePending: (limit) => core.pending.slice(0, limit),
      stillPending: (rows) => rows.filter((r) => core.pending.includes(r)),
      acknowledge(rows) {
        core.acked.push(...rows);
        core.pending = core.pending.filter((p) => !rows.includes(p));
      },
      markAttention(row) {
        core.pending = core.pending.filter((p) => p !== row);
      },
      retryAttention: () => 0,
      counts: () => ({ pending: core.pending.length, attention: 0 }),
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      core.closed = true;
    },
  };
  return core;
}
