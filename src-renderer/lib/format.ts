// Time formatting and parsing for the screens. Pure: every function takes the clock it needs.
import { instantOfWallClock, wallClockIn, type WallClock } from '../../src-shared/time';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * An elapsed duration as `H:MM:SS.f` (tenths by default). A running clock truncates: it must
 * never show a second before that second has passed.
 */
export function formatElapsed(ms: number, decimals: 0 | 1 | 2 | 3 = 1): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(ms));
  const totalSeconds = Math.floor(abs / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const base = `${sign}${h}:${pad(m)}:${pad(s)}`;
  if (decimals === 0) return base;
  const frac = Math.floor((abs % 1000) / 10 ** (3 - decimals));
  return `${base}.${pad(frac, decimals)}`;
}

/**
 * Wall-clock time of day, `HH:MM:SS.f`: in `zone` (the race's) when given, else the laptop's.
 * An unknown zone falls back to the laptop's clock rather than hiding the time.
 */
export function formatTimeOfDay(
  epochMs: number,
  decimals: 0 | 1 | 2 | 3 = 1,
  zone: string | null = null,
): string {
  const wall = zone === null ? null : wallClockOrNull(epochMs, zone);
  const d = new Date(epochMs);
  const [h, m, s] = wall
    ? [wall.hour, wall.minute, wall.second]
    : [d.getHours(), d.getMinutes(), d.getSeconds()];
  const base = `${pad(h)}:${pad(m)}:${pad(s)}`;
  if (decimals === 0) return base;
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return `${base}.${pad(Math.floor(ms / 10 ** (3 - decimals)), decimals)}`;
}

function wallClockOrNull(at: number, zone: string): WallClock | null {
  try {
    return wallClockIn(at, zone);
  } catch {
    return null;
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const CLOCK_RE = /^(?:(?:(\d{1,3}):)?(\d{1,2}):)?(\d{1,2})(?:[.,](\d{1,3}))?$/;

/**
 * Parses `H:MM:SS.fff`, `MM:SS.f` or `SS` into milliseconds. Minutes and seconds above 59 are
 * refused when a larger unit is present, because they are almost always a typo.
 */
export function parseClock(text: string): Parsed<number> {
  const trimmed = text.trim();
  const m = CLOCK_RE.exec(trimmed);
  if (!m) return { ok: false, error: `"${trimmed}" is not a time: use H:MM:SS or H:MM:SS.f` };
  const [, hText, mText, sText, fText] = m;
  const h = hText === undefined ? 0 : Number(hText);
  const min = mText === undefined ? 0 : Number(mText);
  const s = Number(sText);
  if (mText !== undefined && s > 59) return { ok: false, error: 'Seconds must be 0 to 59' };
  if (hText !== undefined && min > 59) return { ok: false, error: 'Minutes must be 0 to 59' };
  const frac = fText === undefined ? 0 : Number(fText.padEnd(3, '0'));
  return { ok: true, value: ((h * 60 + min) * 60 + s) * 1000 + frac };
}

/**
 * Parses a typed time of day (`HH:MM:SS.f`, 24-hour) into an epoch on the local date of
 * `reference` — the gun is typed on race day, usually a few minutes after it fired.
 */
export function parseTimeOfDay(
  text: string,
  reference: number,
  zone: string | null = null,
): Parsed<number> {
  const trimmed = text.trim();
  if (!/^\d{1,2}:\d{2}(:\d{2}([.,]\d{1,3})?)?$/.test(trimmed)) {
    return { ok: false, error: `"${trimmed}" is not a time of day: use HH:MM:SS (24-hour)` };
  }
  const withSeconds = trimmed.split(':').length === 2 ? `${trimmed}:00` : trimmed;
  const parsed = parseClock(withSeconds);
  if (!parsed.ok) return parsed;
  if (parsed.value >= 24 * 3600 * 1000) return { ok: false, error: 'Hours must be 0 to 23' };
  const day = zone === null ? null : wallClockOrNull(reference, zone);
  if (day === null) {
    const local = new Date(reference);
    local.setHours(0, 0, 0, 0);
    return { ok: true, value: local.getTime() + parsed.value };
  }
  // The reference's date on the race's clock, at the typed wall-clock time there.
  const seconds = Math.floor(parsed.value / 1000);
  const at = instantOfWallClock(
    {
      year: day.year,
      month: day.month,
      day: day.day,
      hour: Math.floor(seconds / 3600),
      minute: Math.floor(seconds / 60) % 60,
      second: seconds % 60,
    },
    zone!,
  );
  if (at === null) {
    return {
      ok: false,
      error: `${trimmed} does not exist that day in ${zone} (the clocks change)`,
    };
  }
  return { ok: true, value: at + (parsed.value % 1000) };
}

/** "12 s ago", "3 min ago" — for the status bar's last success. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ${m % 60} min ago`;
}
