// The guns in force and where they came from; what changed between two snapshots. Pure.
import type { Snapshot } from '../../src-shared/station-api';
import { formatTimeOfDay } from './format';

type Gun = Snapshot['guns'][number];

/**
 * A gun on the race's wall clock with the zone's short name, e.g. `08:00:00.25 EDT`: RunSignup
 * holds start times in the race's zone, so a laptop in another zone still shows what RunSignup
 * has. Without a known zone the laptop's clock is all there is.
 */
export function gunOnRaceClock(at: number, zone: string | null, decimals: 0 | 2 = 2): string {
  if (zone === null) return formatTimeOfDay(at, decimals);
  const name = zoneShortName(at, zone);
  if (name === null) return `${formatTimeOfDay(at, decimals)} (unknown time zone ${zone})`;
  return `${formatTimeOfDay(at, decimals, zone)} ${name}`;
}

/** The zone's short name at that instant (EDT, EST, GMT+5:30), or null for an unknown zone. */
function zoneShortName(at: number, zone: string): string | null {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      timeZoneName: 'short',
    }).formatToParts(new Date(at));
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
  } catch {
    return null;
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
  zone: string | null = null,
): string[] {
  if (before === null) return [];
  const out: string[] = [];
  for (const g of after) {
    const old = before.find((b) => b.eventId === g.eventId);
    if (g.source !== 'runsignup' || !old || old.at === g.at) continue;
    const when = g.at === null ? 'removed' : `now ${gunOnRaceClock(g.at, zone)}`;
    out.push(
      `Gun for ${eventName(g.eventId)} changed (${gunSourceLabel(g.source)}): ${when}` +
        (old.at === null ? '' : `, was ${gunOnRaceClock(old.at, zone)}`),
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
export function gunConflictView(
  gun: Gun | undefined,
  zone: string | null = null,
): GunConflictView | null {
  if (!gun?.conflict || gun.remoteAt == null || gun.remoteAt === gun.at) return null;
  const remote = gunOnRaceClock(gun.remoteAt, zone);
  return {
    text: `${gun.conflict} RunSignup's gun: ${remote}.`,
    action: `Use RunSignup's gun (${remote})`,
    command: { type: 'gun', eventId: gun.eventId, at: gun.remoteAt },
  };
}
