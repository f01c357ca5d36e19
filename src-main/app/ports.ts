// What the station service needs from the modules it composes. RunSignup, the sync loop and the
// practice emulator are stated narrowly so each real module is adapted in one place (parts.ts).
import type { Participant } from '../../src-shared/domain';
import type { Connection, RaceDetails, SyncStatus } from '../../src-shared/station-api';
import type { StationCore } from '../core/station-core';
import type { RunningEmulator } from '../runsignup/emulator';
import type { ClockSample } from '../sync/clock-offset';
import type { ClearVerification, Outbox, ResultAudit, ResultsPoster } from '../sync/ports';

export type RaceSummaryValue = { raceId: number; name: string; nextDate: string | null };

/**
 * The station core (journal, projection, outbox) over one SQLite file: the real one, so a test
 * that needs a core opens one on a temporary file instead of imitating it.
 */
export type CorePort = StationCore;

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
  getStartTime(raceId: number, eventId: number): Promise<string | null>;
  postStartTime(raceId: number, eventId: number, text: string): Promise<void>;
  /** One cheap request, as a clock sample (null when it failed or had no Date header). */
  probeClock(target: { raceId: number; eventId: number } | null): Promise<ClockSample | null>;
  close(): void | Promise<void>;
}

/** What the service observes of every RunSignup answer (the clock offset's input). */
export interface RunSignupObserver {
  onClockSample?: (sample: ClockSample) => void;
  /** The client renewed its OAuth tokens: the connection keeps the new ones. */
  onBearerRenewed?: (tokens: { accessToken: string; refreshToken: string }) => void;
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
  /** Read every result set back at the next quiet moment (a conflict was just decided). */
  auditSoon(): void;
  status(): SyncStatus;
  stop(): Promise<void>;
}

export type SyncFactory = (options: {
  /** The core's outbox, which also keeps the read-backs of clears and the audit's records. */
  outbox: Outbox & ClearVerification & ResultAudit;
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
