// Pieces of setting up a race that need no station: choosing each event's result set from the
// race as RunSignup describes it, and downloading participants with progress for the screens.
import type { Participant, TimedEvent } from '../../src-shared/domain';
import type { RaceDetails, StationEvent } from '../../src-shared/station-api';
import type { RunSignupPort } from './ports';

/** Pick each event's result set: the one asked for, else the event's first. */
export function chooseEvents(
  details: RaceDetails,
  eventIds: number[],
  chosen: Array<{ eventId: number; resultSetId: number }> | undefined,
): { ok: true; events: TimedEvent[] } | { ok: false; error: string } {
  const events: TimedEvent[] = [];
  for (const eventId of eventIds) {
    const event = details.events.find((e) => e.eventId === eventId);
    if (!event) return { ok: false, error: `Event ${eventId} is not part of ${details.name}.` };
    const wanted = chosen?.find((c) => c.eventId === eventId)?.resultSetId;
    const set =
      wanted === undefined
        ? event.resultSets[0]
        : event.resultSets.find((r) => r.resultSetId === wanted);
    if (!set) {
      return {
        ok: false,
        error:
          wanted === undefined
            ? `${event.name} has no result set on RunSignup yet: create one there, then try again.`
            : `Result set ${wanted} does not belong to ${event.name}.`,
      };
    }
    events.push({
      eventId,
      name: event.name,
      resultSetId: set.resultSetId,
      scheduledStart: event.startTime,
    });
  }
  if (new Set(eventIds).size !== eventIds.length) {
    return { ok: false, error: 'Each event can be chosen only once.' };
  }
  return { ok: true, events };
}

/** The participants of `eventIds`, announcing progress as pages arrive. */
export async function downloadParticipants(
  source: RunSignupPort,
  raceId: number,
  eventIds: number[],
  emit: (event: StationEvent) => void,
): Promise<Participant[]> {
  emit({ type: 'progress', task: 'participants', done: 0, total: null });
  const participants = await source.participants(raceId, eventIds, (done, total) =>
    emit({ type: 'progress', task: 'participants', done, total }),
  );
  emit({
    type: 'progress',
    task: 'participants',
    done: participants.length,
    total: participants.length,
  });
  return participants;
}
