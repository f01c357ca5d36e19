// One timing station in its own process with its own database (multi-station.test.ts). It talks
// to the parent's emulator like a real RunSignup, and the parent can switch its network off: then
// every RunSignup call it makes fails like a refused connection, exactly as the real client would
// report one. Driven over the IPC channel: open → run → drain → close.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openCorePort } from '../../../src-main/app/core-adapter';
import { realParts } from '../../../src-main/app/parts';
import { memorySecretStore, type RunSignupPort } from '../../../src-main/app/ports';
import { createStationService, type StationService } from '../../../src-main/app/service';
import { RunSignupError } from '../../../src-main/runsignup/errors';
import type { StationRole } from '../../../src-shared/domain';
import { waitFor } from '../../support/poll';

export type ToChild =
  | {
      op: 'open';
      dataDir: string;
      url: string;
      apiKey: string;
      apiSecret: string;
      callerToken: string;
      callerSecret: string;
      raceId: number;
      eventId: number;
      resultSetId: number;
      role: StationRole;
    }
  | {
      op: 'run';
      gun: number | null;
      taps: Array<{ at: number; bib: number }>;
      /** Taps [offlineFrom, offlineTo) are made with the network off. */
      offlineFrom: number;
      offlineTo: number;
    }
  | { op: 'drain' }
  | { op: 'close' };

export type FromChild =
  | { op: 'ready' }
  | { op: 'ran'; offlineFailures: number }
  | { op: 'drained'; pending: number; attention: number; gunAt: number | null }
  | { op: 'closed' }
  | { op: 'error'; message: string };

let offline = false;
let offlineFailures = 0;

let service: StationService | null = null;

function networkDown(): RunSignupError {
  offlineFailures += 1;
  return new RunSignupError({
    kind: 'retryable',
    message: 'connect ECONNREFUSED (this station is offline)',
  });
}

/** The real client, with the parent's network switch in front of every call. */
function switchable(port: RunSignupPort): RunSignupPort {
  return {
    ...port,
    posterFor(raceId) {
      const poster = port.posterFor(raceId);
      return {
        async postResults(target, rows) {
          if (offline) {
            const e = networkDown();
            return { ok: false, kind: e.kind, code: null, message: e.message, retryAfterMs: null };
          }
          return poster.postResults(target, rows);
        },
      };
    },
    async getStartTime(raceId, eventId) {
      if (offline) throw networkDown();
      return port.getStartTime!(raceId, eventId);
    },
    async postStartTime(raceId, eventId, text) {
      if (offline) throw networkDown();
      return port.postStartTime!(raceId, eventId, text);
    },
    async probeClock(target) {
      if (offline) return null;
      return port.probeClock!(target);
    },
  };
}

function send(message: FromChild): void {
  process.send?.(message);
}

async function handle(message: ToChild): Promise<void> {
  switch (message.op) {
    case 'open': {
      mkdirSync(message.dataDir, { recursive: true });
      const core = openCorePort(path.join(message.dataDir, 'station.sqlite'));
      const parts = realParts({
        core,
        secrets: memorySecretStore(),
        syncIdlePollMs: 50,
        gunPollMs: 200,
        timeZone: 'UTC',
      });
      const real = parts.runsignup;
      parts.runsignup = (connection, observer) => switchable(real(connection, observer));
      parts.gunIdlePollMs = 200;
      // Before `connect` the service boots in practice mode: point that at the parent's one
      // emulator too, so no second RunSignup ever runs in this process.
      parts.practice = async () => ({
        connection: {
          auth: 'api-key',
          baseUrl: message.url,
          apiKey: message.apiKey,
          apiSecret: message.apiSecret,
          callerToken: message.callerToken,
          callerSecret: message.callerSecret,
        },
        fresh: false,
        close: async () => {},
      });
      service = await createStationService(parts);
      const connected = await service.command({
        type: 'connect',
        connection: {
          auth: 'api-key',
          baseUrl: message.url,
          apiKey: message.apiKey,
          apiSecret: message.apiSecret,
          callerToken: message.callerToken,
          callerSecret: message.callerSecret,
        },
      });
      if (!connected.ok) throw new Error(connected.error);
      const configured = await service.command({
        type: 'configure',
        raceId: message.raceId,
        eventIds: [message.eventId],
        resultSets: [{ eventId: message.eventId, resultSetId: message.resultSetId }],
        role: message.role,
        stationName: message.role.kind === 'finish' ? 'Finish' : message.role.name,
      });
      if (!configured.ok) throw new Error(configured.error);
      send({ op: 'ready' });
      return;
    }
    case 'run': {
      const s = service!;
      const eventId = (await s.query({ type: 'snapshot' })).config!.events[0]!.eventId;
      offline = message.offlineFrom === 0;
      let failuresBefore = offlineFailures;
      if (message.gun !== null) {
        const gun = await s.command({ type: 'gun', eventId, at: message.gun });
        if (!gun.ok) throw new Error(gun.error);
      }
      for (const [i, tap] of message.taps.entries()) {
        if (i === message.offlineFrom) {
          offline = true;
          failuresBefore = offlineFailures;
        }
        if (i === message.offlineTo) {
          // Stay cut off until a call has really failed: the taps of the window can be typed
          // faster than the sync loop's next attempt, and the test means to prove an outage.
          await waitFor(() => offlineFailures, {
            what: 'a call failed while offline',
            until: (n) => n > failuresBefore,
            timeoutMs: 15_000,
          });
          offline = false;
          await s.command({ type: 'retry' }); // back online: do not sit out a long backoff
        }
        const result = await s.command({ type: 'tap', at: tap.at, bib: String(tap.bib) });
        if (!result.ok) throw new Error(`tap ${i}: ${result.error}`);
        // Let the sync loop, the gun share and the other stations' posts interleave.
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (offline) {
        await waitFor(() => offlineFailures, {
          what: 'a call failed while offline',
          until: (n) => n > failuresBefore,
          timeoutMs: 15_000,
        });
      }
      offline = false;
      await s.command({ type: 'retry' });
      send({ op: 'ran', offlineFailures });
      return;
    }
    case 'drain': {
      const s = service!;
      const last = await waitFor(
        async () => {
          await s.pollGunNow();
          const { guns, sync } = await s.query({ type: 'snapshot', limit: 1 });
          return { guns, sync };
        },
        {
          what: 'every gun known and nothing pending, in flight or needing attention',
          until: ({ guns, sync }) =>
            guns.every((g) => g.at !== null) &&
            sync.pending === 0 &&
            sync.inFlight === 0 &&
            sync.attention === 0,
          timeoutMs: 40_000,
        },
      );
      await s.gunsSent();
      send({
        op: 'drained',
        pending: last.sync.pending,
        attention: last.sync.attention,
        gunAt: last.guns[0]?.at ?? null,
      });
      return;
    }
    case 'close': {
      await service?.close();
      service = null;
      send({ op: 'closed' });
      process.disconnect?.();
      return;
    }
  }
}

process.on('message', (message: ToChild) => {
  handle(message).catch((error: unknown) => {
    send({
      op: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  });
});
