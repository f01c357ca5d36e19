// What the station service needs from the modules it composes, stated narrowly so the service
// can be tested with fakes and each real module is adapted in one place (compose.ts).
import type { Participant, StationConfig } from '../../src-shared/domain';
import type {
  CommandResult,
  Connection,
  Query,
  RaceDetails,
  StationEvent,
  SyncStatus,
} from '../../src-shared/station-api';
import type { JournalCommand } from '../core/command-validation';
import type { RunningEmulator } from '../runsignup/emulator';
import type { ClockSample } from '../sync/clock-offset';
import type { Outbox, ResultsPoster } from '../sync/ports';

/** The commands that become journal rows: one list, the core's. */
export type { JournalCommand };
export type CoreQuery = Extract<
  Query,
  { type: 'snapshot' | 'lookupBib' | 'journal' | 'results' | 'exportCsv' }
>;
export type RaceSummaryValue = { raceId: number; name: string; nextDate: string | null };

/** The station core (journal, projection, outbox) over one SQLite file. */
export interface CorePort {
  execute(command: JournalCommand): CommandResult | Promise<CommandResult>;
  query(query: CoreQuery): unknown;
  /** The station's configuration, or null before setup. */
  config(): StationConfig | null;
  configure(config: Omit<StationConfig, 'stationId'>): void;
  cacheParticipants(participants: Participant[]): void;
  /** The race as last read from RunSignup, for offline setup screens (optional). */
  cachedRace?(raceId: number): RaceDetails | null;
  cacheRace?(details: RaceDetails): void;
  /** The races known offline (the configured one), for when RunSignup cannot be reached. */
  cachedRaces?(): RaceSummaryValue[];
  /** The core keeps the sync status for its snapshots and announces it (a `sync` event). */
  setSyncStatus?(status: SyncStatus): void;
  outbox: Outbox;
  /** The gun in force per configured event and where it came from (the gun share reads it). */
  guns?(): Array<{
    eventId: number;
    at: number | null;
    source?: 'local' | 'runsignup' | undefined;
  }>;
  /** The clock offset in force (the timer's `offset` command): add to local time for RunSignup's. */
  offsetMs?(): number;
  /** Make every acknowledged field pending again (a fresh practice RunSignup); returns how many. */
  forgetAcknowledgements?(): number;
  /** RunSignup's gun for an event (split stations): appended only when it differs. */
  recordRemoteGun?(eventId: number, at: number): CommandResult;
  subscribe(listener: (event: StationEvent) => void): () => void;
  close(): void | Promise<void>;
}

/** A connection whose practice placeholder has been resolved to real credentials. */
export type ResolvedConnection = Exclude<Connection, { auth: 'practice' }>;

/** The RunSignup client, bound to one set of credentials. */
export interface RunSignupPort {
  races(): Promise<RaceSummaryValue[]>;
  raceDetails(raceId: number): Promise<RaceDetails>;
  participants(
    raceId: number,
    eventIds: number[],
    onProgress: (done: number, total: number | null) => void,
  ): Promise<Participant[]>;
  /** Posts results to one race (the configured one). */
  posterFor(raceId: number): ResultsPoster;
  /** The event's shared gun as RunSignup's start-time call has it (text), or null. */
  getStartTime?(raceId: number, eventId: number): Promise<string | null>;
  postStartTime?(raceId: number, eventId: number, text: string): Promise<void>;
  /** One cheap request, as a clock sample (null when it failed or had no Date header). */
  probeClock?(target: { raceId: number; eventId: number } | null): Promise<ClockSample | null>;
  close?(): void | Promise<void>;
}

/** What the service observes of every RunSignup answer (the clock offset's input). */
export interface RunSignupObserver {
  onClockSample?: (sample: ClockSample) => void;
}

export type RunSignupFactory = (
  connection: ResolvedConnection,
  observer?: RunSignupObserver,
) => RunSignupPort;

/** The sync loop (SyncLoop in src-main/sync matches this shape). */
export interface SyncPort {
  start(): void;
  wake(): void;
  resume(poster?: ResultsPoster): void;
  retryAttention(): number;
  status(): SyncStatus;
  stop(): Promise<void>;
}

export type SyncFactory = (options: {
  outbox: Outbox;
  poster: ResultsPoster;
  onStatus: (status: SyncStatus) => void;
  /** Whether a target is in the current setup (rows of any other are never posted). */
  isCurrentTarget?: (target: { eventId: number; resultSetId: number }) => boolean;
}) => SyncPort;

/** The in-process practice RunSignup (the emulator). */
export interface PracticeHost {
  connection: ResolvedConnection;
  /** The emulator itself (tests and the e2e helper read its results and log). */
  emulator?: RunningEmulator;
  /**
   * True when this host started a NEW emulator (empty: nothing posted before survives), false
   * when it posts to one that was already running (shared by several stations).
   */
  fresh?: boolean;
  close(): Promise<void>;
}
export type PracticeFactory = (seed: number) => Promise<PracticeHost>;

/**
 * Where credentials live. Electron: safeStorage-encrypted file (or memory when the OS has no
 * encryption); web host: memory for the session. Never plain text on disk, never logged.
 */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Whether what is stored survives a restart. */
  readonly persistent: boolean;
}

export function memorySecretStore(): SecretStore {
  const values = new Map<string, string>();
  return {
    persistent: false,
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => {
      values.set(key, value);
    },
    delete: async (key) => {
      values.delete(key);
    },
  };
}
