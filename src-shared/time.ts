// Time as a timer types it and as RunSignup stores it. Pure functions, no clock reads.
//
// Elapsed times are integer milliseconds. Everything a person typed is parsed into a
// `TimeParse` result with a message a timer understands; everything the code itself produces
// (formatting) throws a RangeError on impossible input, because that is a bug, not a typo.
import { RESULT_STATUSES, type ResultStatus, CLEAR_VALUE } from './domain';

export type TimeParse<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The longest elapsed time Chute accepts or formats: RunSignup documents `hhh:mm:ss.s`, so three
 * hour digits. Anything longer is a wrong gun (wrong day), not a race.
 */
export const MAX_ELAPSED_MS = 1000 * 3_600_000 - 1;

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

function fail<T>(error: string): TimeParse<T> {
  return { ok: false, error };
}

/** "4" -> 400, "45" -> 450, "456" -> 456: a decimal fraction of a second as milliseconds. */
function fractionToMs(digits: string): number {
  return Number((digits + '000').slice(0, 3));
}

/** One typed number group: digits only, with a readable error for anything else. */
const DIGITS = /^[0-9]+$/;

/**
 * Parse an elapsed time a timer typed: `H:MM:SS.f`, `MM:SS`, `M:SS.ff`, `SS.ff`, `SS`.
 * The leading group may exceed its usual range (`75:30` is 1:15:30, `90.5` is 1:30.5) because
 * that is how people type long minutes; the groups after a colon must be two digits below 60.
 * Up to three fraction digits; `,` is accepted as the decimal point.
 */
export function parseElapsed(text: string): TimeParse<number> {
  const t = text.trim().replace(',', '.');
  if (t === '') return fail('Type a time, like 25:03.4 or 1:02:03');
  if (t.startsWith('-')) return fail('A time cannot be negative');
  if (!/^[0-9:.]+$/.test(t)) return fail(`"${clip(text)}" is not a time: use digits, ":" and "."`);

  const dot = t.indexOf('.');
  if (dot !== t.lastIndexOf('.')) return fail('A time has at most one decimal point');
  const whole = dot === -1 ? t : t.slice(0, dot);
  const frac = dot === -1 ? '' : t.slice(dot + 1);
  if (frac.includes(':')) return fail('The decimal point goes after the seconds');
  if (dot !== -1 && frac === '') return fail('Type the digits after the decimal point');
  if (frac.length > 3) return fail('At most 3 digits after the decimal point');

  const groups = whole.split(':');
  if (groups.length > 3) return fail('Too many ":" — use H:MM:SS');
  for (const g of groups) {
    if (!DIGITS.test(g)) return fail('Each part of a time needs digits, like 1:02:03');
  }
  const lead = groups[0] as string;
  const rest = groups.slice(1);
  for (const g of rest) {
    if (g.length !== 2)
      return fail('Minutes and seconds after a ":" need two digits, like 1:02:03');
    if (Number(g) >= 60) return fail(`${g} is not valid after a ":" (must be below 60)`);
  }
  if (lead.length > 7) return fail('Time too long');

  const unitOfLead = [MS_PER_SECOND, MS_PER_MINUTE, MS_PER_HOUR][rest.length] as number;
  let ms = Number(lead) * unitOfLead;
  if (rest.length === 2) ms += Number(rest[0]) * MS_PER_MINUTE + Number(rest[1]) * MS_PER_SECOND;
  if (rest.length === 1) ms += Number(rest[0]) * MS_PER_SECOND;
  ms += frac === '' ? 0 : fractionToMs(frac);
  if (ms > MAX_ELAPSED_MS) return fail('Time too long (more than 999 hours)');
  return { ok: true, value: ms };
}

/**
 * Parse a time of day, 24-hour `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff`, optionally followed by
 * `am`/`pm` (12-hour clock). Returns milliseconds since local midnight.
 */
export function parseTimeOfDay(text: string): TimeParse<number> {
  const t = text.trim().toLowerCase();
  if (t === '') return fail('Type a time of day, like 07:30:00');
  const m =
    /^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,3}))?)?\s*(am|pm|a\.m\.|p\.m\.)?$/.exec(
      t,
    );
  if (!m) return fail(`"${clip(text)}" is not a time of day: use HH:MM:SS, like 07:30:00`);
  let hours = Number(m[1]);
  const minutes = Number(m[2]);
  const seconds = m[3] === undefined ? 0 : Number(m[3]);
  const ms = m[4] === undefined ? 0 : fractionToMs(m[4]);
  const meridiem = m[5];
  if (meridiem !== undefined) {
    if (hours < 1 || hours > 12) return fail('With am/pm the hour must be 1 to 12');
    if (hours === 12) hours = 0;
    if (meridiem.startsWith('p')) hours += 12;
  } else if (hours > 23) {
    return fail('The hour must be 0 to 23');
  }
  if (minutes > 59) return fail('Minutes must be 0 to 59');
  if (seconds > 59) return fail('Seconds must be 0 to 59');
  return { ok: true, value: hours * MS_PER_HOUR + minutes * MS_PER_MINUTE + seconds * 1000 + ms };
}

function assertElapsed(ms: number, what: string): void {
  if (typeof ms !== 'number' || Number.isNaN(ms)) throw new RangeError(`${what}: not a number`);
  if (ms < 0) throw new RangeError(`${what}: negative time ${ms} ms`);
  if (ms > MAX_ELAPSED_MS) throw new RangeError(`${what}: ${ms} ms is more than 999 hours`);
}

function assertPrecision(precision: number): void {
  if (!Number.isInteger(precision) || precision < 0 || precision > 3) {
    throw new RangeError(`precision must be 0..3 digits, got ${precision}`);
  }
}

/**
 * Round an elapsed time UP to `precision` fraction digits, in ms.
 *
 * THE rounding decision for every time Chute posts or shows. Hand times are rounded up, never
 * down (USATF rule 165; DESIGN.md §4): a runner is never credited with a faster time than the
 * clock saw. RUNSIGNUP-API.md §4 says "truncated"; DESIGN.md wins, and this is the one place to
 * change if that decision is ever revisited.
 */
export function roundUpMs(ms: number, precision: number): number {
  assertElapsed(ms, 'roundUpMs');
  assertPrecision(precision);
  const unit = 10 ** (3 - precision);
  // ceil(ceil(x)/u) == ceil(x/u) for integer u, so sub-millisecond input is also rounded up.
  return Math.ceil(Math.ceil(ms) / unit) * unit;
}

function splitParts(rounded: number): { h: number; m: number; s: number; msPart: number } {
  return {
    h: Math.floor(rounded / MS_PER_HOUR),
    m: Math.floor((rounded % MS_PER_HOUR) / MS_PER_MINUTE),
    s: Math.floor((rounded % MS_PER_MINUTE) / 1000),
    msPart: rounded % 1000,
  };
}

function fractionText(msPart: number, precision: number): string {
  if (precision === 0) return '';
  return '.' + String(msPart).padStart(3, '0').slice(0, precision);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * The time RunSignup is sent: `H:MM:SS` plus `precision` fraction digits, hours unpadded
 * (`0:25:03.5`, `1:02:03.40`, `123:00:00`). Rounded up (see `roundUpMs`). Throws RangeError on
 * negative, NaN or absurd (> 999 h) input: callers decide what an impossible time means.
 */
export function formatElapsed(ms: number, precision: number): string {
  const rounded = roundUpMs(ms, precision);
  if (rounded > MAX_ELAPSED_MS) throw new RangeError('formatElapsed: rounds past 999 hours');
  const { h, m, s, msPart } = splitParts(rounded);
  return `${h}:${pad2(m)}:${pad2(s)}${fractionText(msPart, precision)}`;
}

/**
 * The short form for screens, like RunSignup's read-back: `25:03.5`, `1:02:03.5`, `0:42.1`.
 * Same rounding as `formatElapsed`, so the screen never shows a time the post does not.
 */
export function formatCompact(ms: number, precision: number): string {
  const rounded = roundUpMs(ms, precision);
  if (rounded > MAX_ELAPSED_MS) throw new RangeError('formatCompact: rounds past 999 hours');
  const { h, m, s, msPart } = splitParts(rounded);
  const frac = fractionText(msPart, precision);
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}${frac}` : `${m}:${pad2(s)}${frac}`;
}

/** `H:MM:SS` with 0–3 fraction digits: the exact shape `formatElapsed` produces. */
const POSTED_TIME = /^[0-9]{1,3}:[0-5][0-9]:[0-5][0-9](\.[0-9]{1,3})?$/;

export function isResultStatus(value: string): value is ResultStatus {
  return (RESULT_STATUSES as readonly string[]).includes(value);
}

/** Whether `value` is something Chute may send in a time field: a time, a status or "X". */
export function isPostableTimeValue(value: string): boolean {
  return value === CLEAR_VALUE || isResultStatus(value) || POSTED_TIME.test(value);
}

export type ReadBackValue =
  | { kind: 'empty' }
  | { kind: 'status'; status: ResultStatus }
  | { kind: 'time'; ms: number; fractionDigits: number };

/** Classify a value read back from a RunSignup time field. */
export function parseReadBack(text: string): TimeParse<ReadBackValue> {
  const t = text.trim();
  if (t === '') return { ok: true, value: { kind: 'empty' } };
  const upper = t.toUpperCase();
  if (isResultStatus(upper)) return { ok: true, value: { kind: 'status', status: upper } };
  const parsed = parseElapsed(t);
  if (!parsed.ok) return fail(`RunSignup returned an unreadable time "${clip(text)}"`);
  const dot = t.search(/[.,]/);
  const fractionDigits = dot === -1 ? 0 : t.length - dot - 1;
  return { ok: true, value: { kind: 'time', ms: parsed.value, fractionDigits } };
}

/**
 * Whether what RunSignup shows in a time field is what we posted. `"X"` matches an empty field;
 * a status matches the same status; a time matches when equal, or, when RunSignup shows fewer
 * fraction digits than we sent, when the two differ by less than one of RunSignup's units (it
 * may round or truncate on storage: [assumed], RUNSIGNUP-API.md does not say which).
 */
export function readBackMatches(posted: string, readBack: string): boolean {
  const back = parseReadBack(readBack);
  if (!back.ok) return false;
  const b = back.value;
  if (posted === CLEAR_VALUE) return b.kind === 'empty';
  if (isResultStatus(posted)) return b.kind === 'status' && b.status === posted;
  const sent = parseElapsed(posted);
  if (!sent.ok || b.kind !== 'time') return false;
  if (sent.value === b.ms) return true;
  const dot = posted.indexOf('.');
  const sentDigits = dot === -1 ? 0 : posted.length - dot - 1;
  if (b.fractionDigits >= sentDigits) return false;
  return Math.abs(sent.value - b.ms) < 10 ** (3 - b.fractionDigits);
}

/** Keep user text short inside an error message. */
function clip(text: string): string {
  return text.length > 20 ? text.slice(0, 20) + '…' : text;
}

/** The laptop's time zone (the default station setting). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Whether `zone` is an IANA time zone this runtime knows ("UTC" included). */
export function isTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== null;
}

/** A zone's canonical IANA name (`america/new_york` -> `America/New_York`), or null if unknown. */
export function canonicalTimeZone(zone: string | null | undefined): string | null {
  if (zone == null || zone.trim() === '') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** An instant's wall clock in a time zone, to the whole second (months 1–12). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(zone);
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
    zoneFormatters.set(zone, f);
  }
  return f;
}

/** What a wall clock in `zone` reads at `at` (throws a RangeError for a zone this runtime lacks). */
export function wallClockIn(at: number, zone: string): WallClock {
  const parts = zoneFormatter(zone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

function wallAsUtc(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** How far the zone's wall clock is ahead of UTC at `at` (ms). */
function zoneOffsetAt(at: number, zone: string): number {
  return wallAsUtc(wallClockIn(at, zone)) - Math.floor(at / 1000) * 1000;
}

/**
 * The instant (whole second) a wall clock in `zone` names, or null when it names no instant:
 * an impossible date or time, or a time a DST change skips. In a repeated hour (DST end) the
 * first is taken.
 */
export function instantOfWallClock(w: WallClock, zone: string): number | null {
  const wall = wallAsUtc(w);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== w.year ||
    check.getUTCMonth() !== w.month - 1 ||
    check.getUTCDate() !== w.day ||
    w.hour > 23 ||
    w.minute > 59 ||
    w.second > 59
  ) {
    return null;
  }
  // Two offsets cover a DST change: the one a day before and the one at the guess.
  for (const guess of [
    wall - zoneOffsetAt(wall - 86_400_000, zone),
    wall - zoneOffsetAt(wall, zone),
  ]) {
    const candidate = wall - zoneOffsetAt(guess, zone);
    if (wallAsUtc(wallClockIn(candidate, zone)) === wall) return candidate;
  }
  return null;
}
