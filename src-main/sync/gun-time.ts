// RunSignup's start-time call speaks wall-clock text, `YYYY-MM-DD HH:MM:SS[.fff]`, in the race's
// time zone; the station keeps guns as epoch ms. Pure conversions both ways. Which
// zone, and whether fractions are accepted, are [assumed]: see START_TIME_ASSUMPTIONS.
const WALL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone (whole seconds). */
function wallFields(at: number, zone: string): number[] {
  const parts = formatter(zone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return [get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second')];
}

/** How far the zone's wall clock is ahead of UTC at `at` (ms). */
function zoneOffsetAt(at: number, zone: string): number {
  const [y, mo, d, h, mi, s] = wallFields(at, zone) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(at / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant as the start-time call's text in `zone`. With `fractions` the milliseconds are
 * kept (`.fff`); without, the time is cut to the whole second (a gun is never moved later).
 */
export function formatStartTime(at: number, zone: string, fractions: boolean): string {
  if (!Number.isSafeInteger(at) || at < 0) throw new Error(`A gun time must be a time, not ${at}.`);
  const [y, mo, d, h, mi, s] = wallFields(at, zone) as number[];
  const text = `${pad(y!, 4)}-${pad(mo!)}-${pad(d!)} ${pad(h!)}:${pad(mi!)}:${pad(s!)}`;
  return fractions ? `${text}.${pad(at % 1000, 3)}` : text;
}

/**
 * The start-time call's text read in `zone` as an instant, or null when it is not such a text
 * or names a wall time the zone skips (a DST gap). In a repeated hour (DST end) the first is taken.
 */
export function parseStartTimeIn(text: string, zone: string): number | null {
  const m = WALL.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as number[];
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const check = new Date(wall);
  if (
    check.getUTCMonth() !== mo! - 1 ||
    check.getUTCDate() !== d! ||
    h! > 23 ||
    mi! > 59 ||
    s! > 59
  ) {
    return null;
  }
  // Two offsets cover a DST change: the one before and the one after the guess.
  for (const guess of [
    wall - zoneOffsetAt(wall - 86_400_000, zone),
    wall - zoneOffsetAt(wall, zone),
  ]) {
    const candidate = wall - zoneOffsetAt(guess, zone);
    if (formatStartTime(candidate, zone, false) === text.trim().slice(0, 19)) return candidate + ms;
  }
  return null;
}
