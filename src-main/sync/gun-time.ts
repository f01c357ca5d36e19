// RunSignup's start-time call speaks wall-clock text, `YYYY-MM-DD HH:MM:SS[.fff]`, in the race's
// time zone; the station keeps guns as epoch ms. Pure conversions both ways. Which
// zone, and whether fractions are accepted, are [assumed]: see START_TIME_ASSUMPTIONS.
import { instantOfWallClock, wallClockIn } from '../../src-shared/time';

const WALL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An instant as the start-time call's text in `zone`. With `fractions` the milliseconds are
 * kept (`.fff`); without, the time is cut to the whole second (a gun is never moved later).
 */
export function formatStartTime(at: number, zone: string, fractions: boolean): string {
  if (!Number.isSafeInteger(at) || at < 0) throw new Error(`A gun time must be a time, not ${at}.`);
  const w = wallClockIn(at, zone);
  const text = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  return fractions ? `${text}.${pad(at % 1000, 3)}` : text;
}

/**
 * The start-time call's text read in `zone` as an instant, or null when it is not such a text
 * or names a wall time the zone skips (a DST gap). In a repeated hour (DST end) the first is taken.
 */
export function parseStartTimeIn(text: string, zone: string): number | null {
  const m = WALL.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const at = instantOfWallClock({ year, month, day, hour, minute, second }, zone);
  if (at === null) return null;
  return at + (m[7] ? Number(m[7].padEnd(3, '0')) : 0);
}
