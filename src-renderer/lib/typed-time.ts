// A crossing's time as the timer reads and types it in the Insert and Adjust-time dialogs: the
// race time from the gun when there is one, else the time of day on the race's clock (`zone`,
// RunSignup's race time zone), so a laptop left on another zone reads the times the gun and
// RunSignup show. Pure.
import { tapForElapsed } from './clock';
import { formatElapsed, formatTimeOfDay, parseClock, parseTimeOfDay, type Parsed } from './format';

export interface TypedClock {
  /** The gun the time is measured from, or null before one (then a time of day). */
  gun: number | null;
  offsetMs: number;
  /** The race's time zone; null: the laptop's clock. */
  zone: string | null;
}

/** What the dialog shows for an instant. */
export function typedTimeText(at: number, clock: TypedClock): string {
  return clock.gun === null
    ? formatTimeOfDay(at, 3, clock.zone)
    : formatElapsed(at - clock.gun + clock.offsetMs, 3);
}

/** The instant the typed text names; a time of day falls on `reference`'s date in the zone. */
export function parseTypedTime(text: string, reference: number, clock: TypedClock): Parsed<number> {
  const parsed =
    clock.gun === null ? parseTimeOfDay(text, reference, clock.zone) : parseClock(text);
  if (!parsed.ok) return parsed;
  const at =
    clock.gun === null ? parsed.value : tapForElapsed(clock.gun, parsed.value, clock.offsetMs);
  if (at < 0) return { ok: false, error: 'That time is before the epoch; check the gun' };
  return { ok: true, value: at };
}

/** The dialog's label for a time of day, naming the clock it is read on. */
export function timeOfDayLabel(zone: string | null): string {
  return zone === null
    ? 'Time of day (HH:MM:SS.fff)'
    : `Time of day on the race's clock, ${zone} (HH:MM:SS.fff)`;
}
