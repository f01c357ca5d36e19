// The real implementations behind the service's ports, except the core (compose.ts opens it):
// the RunSignup client, the sync loop and the in-process practice emulator.
import { SyncLoop } from '../sync/sync-loop';
import type { CorePort, SecretStore } from './ports';
import type { RunningEmulator } from '../runsignup/emulator';
import { practiceFactory } from './practice';
import { runSignupAdapter } from './runsignup-adapter';
import type { StationServiceParts } from './service';

export interface PartsOptions {
  core: CorePort;
  secrets: SecretStore;
  practiceSeed?: number;
  log?: (line: string) => void;
  /** Sync loop knobs (tests shorten the idle poll). */
  syncIdlePollMs?: number;
  /** How often each result set is read back and compared (tests shorten it). */
  syncAuditEveryMs?: number;
  /** Least time between isolation posts (default 1 s; tests shorten it). */
  syncIsolationPaceMs?: number;
  /** Archives the current station file and opens a fresh core (compose.ts provides it). */
  archiveAndReopen?: StationServiceParts['archiveAndReopen'];
  unarchiveAndReopen?: StationServiceParts['unarchiveAndReopen'];
  /** Practice mode posts to this already running emulator (shared by several stations) instead of starting one. */
  practiceEmulator?: RunningEmulator;
  /** The race's time zone for the shared gun (default: the laptop's). */
  timeZone?: string;
  /** How often a split station reads the shared gun (default 15 s). */
  gunPollMs?: number;
}

export function realParts(options: PartsOptions): StationServiceParts {
  const log = options.log;
  return {
    core: options.core,
    secrets: options.secrets,
    // The client's log lines are already redacted (no keys, secrets or tokens).
    runsignup: (connection, observer) =>
      runSignupAdapter(connection, {
        ...(log ? { onLog: log } : {}),
        ...(observer?.onClockSample ? { onClockSample: observer.onClockSample } : {}),
        ...(observer?.onBearerRenewed ? { onBearerRenewed: observer.onBearerRenewed } : {}),
      }),
    sync: ({ outbox, poster, onStatus, isCurrentTarget }) =>
      new SyncLoop({
        outbox,
        poster,
        onStatus,
        ...(isCurrentTarget ? { isCurrentTarget } : {}),
        verification: outbox,
        audit: outbox,
        ...(options.syncIsolationPaceMs !== undefined
          ? { isolationPaceMs: options.syncIsolationPaceMs }
          : {}),
        ...(options.syncIdlePollMs ? { idlePollMs: options.syncIdlePollMs } : {}),
        ...(options.syncAuditEveryMs ? { auditEveryMs: options.syncAuditEveryMs } : {}),
      }),
    practice: practiceFactory(options.practiceEmulator),
    ...(options.practiceSeed !== undefined ? { practiceSeed: options.practiceSeed } : {}),
    ...(log ? { log } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(options.gunPollMs ? { gunPollMs: options.gunPollMs } : {}),
    ...(options.archiveAndReopen ? { archiveAndReopen: options.archiveAndReopen } : {}),
    ...(options.unarchiveAndReopen ? { unarchiveAndReopen: options.unarchiveAndReopen } : {}),
  };
}
