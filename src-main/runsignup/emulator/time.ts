// Result time values as Post Event Results accepts them (RUNSIGNUP-API.md §4) and as
// get-results returns them (compact, e.g. "8:27.42"). Pure.
import { EMULATOR_CHOICES } from '../assumptions';

export const STATUS_VALUES = ['DQ', 'DNS', 'DNF', 'DNQ'] as const;
export type StatusValue = (typeof STATUS_VALUES)[number];

export type TimeValue =
  | {
      kind: 'time';
      ms: number;
      /** fraction digits as posted (0-3), kept in the compact form */ digits: number;
    }
  | { kind: 'status'; status: StatusValue }
  | { kind: 'clear' };

// H:MM:SS.fff, HH:MM:SS.cc, hhh:mm:ss.s (hours 1-3 digits, minutes and seconds 2 digits) ...
const WITH_HOURS = /^(\d{1,3}):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?$/;
// ... or MM:SS.s / M:SS.s ("17:00.1", "8:27.42"): minutes 1-3 digits, seconds 2 digits.
const MINUTES_ONLY = /^(\d{1,3}):([0-5]\d)(?:\.(\d{1,3}))?$/;
// ... or bare seconds ("42.1"), only when EMULATOR_CHOICES.bareSecondsTimes accepts them.
const SECONDS_ONLY = /^(\d{1,5})(?:\.(\d{1,3}))?$/;

/**
 * Parses one posted time-field value that is not blank. Returns null when it is malformed.
 * `"X"` clears; DQ/DNS/DNF/DNQ are statuses (any case).
 */
export function parseTimeValue(
  raw: string,
  bareSeconds: 'rejected' | 'accepted' = EMULATOR_CHOICES.bareSecondsTimes,
): TimeValue | null {
  const text = raw.trim();
  if (text.toUpperCase() === 'X') return { kind: 'clear' };
  const upper = text.toUpperCase();
  if ((STATUS_VALUES as readonly string[]).includes(upper)) {
    return { kind: 'status', status: upper as StatusValue };
  }
  let hours = 0;
  let minutes: number;
  let seconds: number;
  let fraction: string | undefined;
  const h = WITH_HOURS.exec(text);
  if (h) {
    hours = Number(h[1]);
    minutes = Number(h[2]);
    seconds = Number(h[3]);
    fraction = h[4];
  } else {
    const m = MINUTES_ONLY.exec(text);
    const s = m || bareSeconds === 'rejected' ? null : SECONDS_ONLY.exec(text);
    if (m) {
      minutes = Number(m[1]);
      seconds = Number(m[2]);
      fraction = m[3];
    } else if (s) {
      minutes = 0;
      seconds = Number(s[1]);
      fraction = s[2];
    } else return null;
  }
  const fracMs = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  return {
    kind: 'time',
    ms: ((hours * 60 + minutes) * 60 + seconds) * 1000 + fracMs,
    digits: fraction?.length ?? 0,
  };
}

/** The compact form get-results shows: no leading zero hours or minute padding ("8:27.42", "1:02:03.4"). */
export function compactTime(ms: number, digits: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const frac =
    digits > 0
      ? '.' +
        String(ms % 1000)
          .padStart(3, '0')
          .slice(0, digits)
      : '';
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}${frac}` : `${m}:${ss}${frac}`;
}

/** The stored/displayed text of a value that is not a clear. */
export function displayValue(v: Exclude<TimeValue, { kind: 'clear' }>): string {
  return v.kind === 'status' ? v.status : compactTime(v.ms, v.digits);
}

/** Normalises any accepted time text to the compact form get-results returns (for tests and clients). */
export function toCompact(raw: string): string | null {
  const v = parseTimeValue(raw);
  if (!v || v.kind === 'clear') return null;
  return displayValue(v);
}

/** Pace per mile, `M:SS`, from a time in ms over a distance in miles. */
export function pacePerMile(ms: number, miles: number): string {
  const perMile = Math.round(ms / 1000 / miles);
  return `${Math.floor(perMile / 60)}:${String(perMile % 60).padStart(2, '0')}`;
}

// The start-time call's format: "YYYY-MM-DD HH:MM:SS", optionally with a fraction (gun times
// matter to the tenth).
const GUN_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?$/;

/** Validates a start time; returns it normalised or null when malformed or not a real date. */
export function parseStartTime(raw: string): string | null {
  const m = GUN_TIME.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d, hh, mm, ss] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, hh!, mm!, ss!));
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo! - 1 ||
    date.getUTCDate() !== d ||
    hh! > 23 ||
    mm! > 59 ||
    ss! > 59
  ) {
    return null;
  }
  return raw.trim();
}
