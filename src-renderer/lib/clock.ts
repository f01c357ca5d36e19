// What the race clock shows. Pure.
import type { TimedEvent } from '../../src-shared/domain';
import type { Snapshot } from '../../src-shared/station-api';

export interface EventClock {
  eventId: number;
  name: string;
  gunAt: number | null;
}

export function eventClocks(snapshot: Snapshot | null): EventClock[] {
  const events: TimedEvent[] = snapshot?.config?.events ?? [];
  return events.map((e) => ({
    eventId: e.eventId,
    name: e.name,
    gunAt: snapshot?.guns.find((g) => g.eventId === e.eventId)?.at ?? null,
  }));
}

/**
 * An event's own clock: elapsed since its gun (a 10K started after the 5K shows its own time);
 * null before its gun. Elapsed includes the station's offset to RunSignup's clock, as every
 * posted time does.
 */
export function eventElapsed(clock: EventClock, now: number, offsetMs: number): number | null {
  return clock.gunAt === null ? null : now + offsetMs - clock.gunAt;
}

/**
 * A crossing's tap time for a typed elapsed time (clock time = tap − gun + offset), so a
 * correction typed as it is shown lands exactly there.
 */
export function tapForElapsed(gunAt: number, elapsedMs: number, offsetMs: number): number {
  return gunAt + elapsedMs - offsetMs;
}
