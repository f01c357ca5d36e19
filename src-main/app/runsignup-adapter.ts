// The RunSignup client (src-main/runsignup) seen through the service's RunSignupPort: races as
// summaries, a race's details with every event's result sets and splits, participants of
// several events with progress.
import type { Participant } from '../../src-shared/domain';
import type { RaceDetails } from '../../src-shared/station-api';
import { CLIENT_ASSUMPTIONS } from '../runsignup/assumptions';
import { authFromConnection } from '../runsignup/auth';
import { RunSignupClient } from '../runsignup/client';
import type { ClockSample } from '../sync/clock-offset';
import type { ResolvedConnection, RunSignupPort } from './ports';

export interface RunSignupAdapterOptions {
  onLog?: (line: string) => void;
  onResponse?: ConstructorParameters<typeof RunSignupClient>[0]['onResponse'];
  /** Every answer's Date header as a clock sample. */
  onClockSample?: (sample: ClockSample) => void;
  /** The client renewed its OAuth tokens (bearer with a refresh token). */
  onBearerRenewed?: ConstructorParameters<typeof RunSignupClient>[0]['onBearerRenewed'];
}

export function runSignupAdapter(
  connection: ResolvedConnection,
  options: RunSignupAdapterOptions = {},
): RunSignupPort {
  const resolved = authFromConnection(connection);
  if (resolved === null) throw new Error('Practice connections are resolved before this point.');
  const client = new RunSignupClient({
    baseUrl: resolved.baseUrl,
    auth: resolved.auth,
    caller: resolved.caller,
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.onBearerRenewed ? { onBearerRenewed: options.onBearerRenewed } : {}),
    onResponse(timing) {
      if (timing.serverDate !== null) {
        const sample = {
          sentAt: timing.sentAt,
          receivedAt: timing.receivedAt,
          serverDate: timing.serverDate,
        };
        lastSample = sample;
        options.onClockSample?.(sample);
      }
      options.onResponse?.(timing);
    },
    // [assumed] RunSignup's limit on concurrent calls lives in one place.
    maxConcurrentRequests: CLIENT_ASSUMPTIONS.maxConcurrentRequests,
  });
  let lastSample: ClockSample | null = null;

  async function raceDetails(raceId: number): Promise<RaceDetails> {
    const race = await client.getRace(raceId);
    const events: RaceDetails['events'] = [];
    // One event at a time: RunSignup asks for few concurrent calls, and setup is not hurried.
    for (const event of race.events) {
      const sets = await client.getResultSets(raceId, event.eventId);
      const splits: RaceDetails['events'][number]['splits'] = [];
      for (const set of sets) {
        for (const split of await client.getResultSetSplits(
          raceId,
          event.eventId,
          set.resultSetId,
        )) {
          splits.push({ resultSetId: set.resultSetId, splitId: split.splitId, name: split.name });
        }
      }
      events.push({
        eventId: event.eventId,
        name: event.name,
        startTime: event.startTime,
        resultSets: sets.map((s) => ({ resultSetId: s.resultSetId, name: s.name })),
        splits,
      });
    }
    return { raceId: race.raceId, name: race.name, timeZone: race.timeZone, events };
  }

  return {
    async races() {
      const races = await client.listRaces();
      return races.map((r) => ({ raceId: r.raceId, name: r.name, nextDate: r.nextDate }));
    },
    raceDetails,
    async participants(raceId, eventIds, onProgress) {
      const all: Participant[] = [];
      for (const eventId of eventIds) {
        const before = all.length;
        const list = await client.getParticipants(raceId, eventId, {
          onPage: (fetched) => onProgress(before + fetched, null),
        });
        all.push(...list);
      }
      return all;
    },
    // Posts, and reads a whole result set back (complete, or it throws) for read-backs.
    posterFor: (raceId) => client.posterFor(raceId),
    getStartTime: (raceId, eventId) => client.getStartTime(raceId, eventId),
    postStartTime: (raceId, eventId, text) => client.postStartTime(raceId, eventId, text),
    async probeClock(target) {
      lastSample = null;
      try {
        // The smallest call there is once a race is chosen; the race list before.
        if (target) await client.getStartTime(target.raceId, target.eventId);
        else await client.listRaces();
      } catch {
        // An error answer still carries a Date header; a network failure leaves none.
      }
      // With one request at a time per client, the last answer is this probe's (or a post's
      // that finished just before it: any answer is an equally valid sample).
      return lastSample;
    },
    close: () => client.close(),
  };
}
