// The guns in force and where they came from; what changed between two snapshots. Pure.
import type { Snapshot } from '../../src-shared/station-api';
import { formatTimeOfDay } from './format';

type Gun = Snapshot['guns'][number];

/**
 * A gun on the race's wall clock, as RunSignup's start-time call carries it (whole seconds, the
 * race's zone), e.g. `08:00:00 America/New_York`: shown beside every gun so a laptop in another
 * zone still shows what RunSignup has.
 */
export function gunOnRaceClock(at: number, zone: string): string {
  try {
    const text = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).format(new Date(at));
    return `${text} ${zone}`;
  } catch {
    return `(unknown time zone ${zone})`;
  }
}

export function gunSourceLabel(source: Gun['source'], pressed?: boolean): string {
  if (source === 'runsignup') return 'from RunSignup';
  return pressed ? 'pressed here' : 'typed here';
}

/**
 * One sentence per event whose gun changed to one read from RunSignup (another station's shared
 * gun) after the first snapshot. A gun typed here needs no notice: the timer just did it.
 */
export function gunChanges(
  before: readonly Gun[] | null,
  after: readonly Gun[],
  eventName: (eventId: number) => string,
): string[] {
  if (before === null) return [];
  const out: string[] = [];
  for (const g of after) {
    const old = before.find((b) => b.eventId === g.eventId);
    if (g.source !== 'runsignup' || !old || old.at === g.at) continue;
    const when = g.at === null ? 'removed' : `now ${formatTimeOfDay(g.at, 2)}`;
    out.push(
      `Gun for ${eventName(g.eventId)} changed (${gunSourceLabel(g.source)}): ${when}` +
        (old.at === null ? '' : `, was ${formatTimeOfDay(old.at, 2)}`),
    );
  }
  return out;
}

/** What the gun line shows when RunSignup's start time differs from the gun typed here. */
export interface GunConflictView {
  /** The core's sentence, with RunSignup's time of day. */
  text: string;
  /** The button's label. */
  action: string;
  /** Taking RunSignup's gun: a gun command at its time (a typed time, not a key press). */
  command: { type: 'gun'; eventId: number; at: number };
}

/** Null unless this event's typed gun is kept over a different start time on RunSignup. */
export function gunConflictView(gun: Gun | undefined): GunConflictView | null {
  if (!gun?.conflict || gun.remoteAt == null || gun.remoteAt === gun.at) return null;
  return {
    text: `${gun.conflict} RunSignup's gun: ${formatTimeOfDay(gun.remoteAt, 2)}.`,
    action: `Use RunSignup's gun (${formatTimeOfDay(gun.remoteAt, 2)})`,
    command: { type: 'gun', eventId: gun.eventId, at: gun.remoteAt },
  };
}
