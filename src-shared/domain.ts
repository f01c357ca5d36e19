// The station's vocabulary: what a timer records and what a station is configured to do.
// Pure TypeScript + zod, shared by the core, both shells and the renderer.
import { z } from 'zod';

/** RunSignup's result statuses, valid in any time field (RUNSIGNUP-API.md §4). */
export const RESULT_STATUSES = ['DQ', 'DNF', 'DNS', 'DNQ'] as const;
export const ResultStatus = z.enum(RESULT_STATUSES);
export type ResultStatus = z.infer<typeof ResultStatus>;

/** RunSignup's value that clears a field. A blank never clears. */
export const CLEAR_VALUE = 'X';

/** Bibs are positive integers; RunSignup stores them as numbers. */
export const MAX_BIB = 999_999;
export const Bib = z.number().int().min(1).max(MAX_BIB);
export type Bib = number;

/** Milliseconds since the Unix epoch, as a key event's time. */
export const EpochMs = z.number().int().nonnegative();

export const StationRole = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('finish') }),
  // A split point may serve several events (a 5K and a 10K share mile 1): one split id per event.
  z.object({
    kind: z.literal('split'),
    name: z.string().min(1),
    splits: z.array(z.object({ eventId: z.number().int(), splitId: z.number().int() })).min(1),
  }),
]);
export type StationRole = z.infer<typeof StationRole>;

export const TimedEvent = z.object({
  eventId: z.number().int(),
  name: z.string(),
  resultSetId: z.number().int(),
  /** Scheduled start from RunSignup, for display only; the gun is a journal entry. */
  scheduledStart: z.string().nullable().default(null),
});
export type TimedEvent = z.infer<typeof TimedEvent>;

export const TimePrecision = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
export type TimePrecision = z.infer<typeof TimePrecision>;

export const StationConfig = z.object({
  stationId: z.string().min(1),
  stationName: z.string().min(1),
  mode: z.enum(['practice', 'live']),
  raceId: z.number().int(),
  raceName: z.string(),
  events: z.array(TimedEvent).min(1),
  role: StationRole,
  /** Digits after the seconds' point in posted times; hand times round up to it. */
  precision: TimePrecision.default(1),
  /**
   * The race's IANA time zone, for the shared gun's text (RunSignup's start-time call is wall
   * clock). Absent: the laptop's zone. Every station of a race must agree.
   */
  timeZone: z.string().min(1).max(64).optional(),
});
export type StationConfig = z.infer<typeof StationConfig>;

export const Participant = z.object({
  registrationId: z.number().int().nullable(),
  eventId: z.number().int(),
  bib: z.number().int().nullable(),
  chip: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  gender: z.string().nullable(),
  age: z.number().int().nullable(),
});
export type Participant = z.infer<typeof Participant>;

/**
 * One operator action. The journal is append-only: corrections are new entries that refer to
 * earlier ones by `seq`. `at` is always the key event's wall-clock time (ms since epoch).
 */
export const JournalPayload = z.discriminatedUnion('kind', [
  /** A crossing. `bib` null means time-only (bib typed later); `unreadable` marks a placeholder. */
  z.object({
    kind: z.literal('tap'),
    at: EpochMs,
    bib: Bib.nullable(),
    unreadable: z.boolean().default(false),
  }),
  /** Give a crossing a bib, or change it (null takes the bib away again). */
  z.object({ kind: z.literal('assign'), tapSeq: z.number().int(), bib: Bib.nullable() }),
  /** Move a crossing's time. */
  z.object({ kind: z.literal('adjust'), tapSeq: z.number().int(), at: EpochMs }),
  /** Remove a crossing (an extra tap). */
  z.object({ kind: z.literal('void'), tapSeq: z.number().int() }),
  /** DQ/DNF/DNS/DNQ for a bib, or null to lift it. */
  z.object({ kind: z.literal('status'), bib: Bib, status: ResultStatus.nullable() }),
  /** Clear this station's field for a bib on RunSignup ("X"). */
  z.object({ kind: z.literal('clear'), bib: Bib }),
  /** The gun (start) of an event. A later entry replaces an earlier one and re-times everything. */
  z.object({
    kind: z.literal('gun'),
    eventId: z.number().int(),
    at: EpochMs,
    /** Where the gun came from: typed/tapped here (the default), or read from RunSignup's start-time call. */
    source: z.enum(['local', 'runsignup']).optional(),
    /** Pressed on a screen at the start (the key's own time), not typed afterwards. */
    pressed: z.boolean().optional(),
  }),
  /** This station's clock offset to RunSignup's clock, added to every tap time. */
  z.object({ kind: z.literal('offset'), ms: z.number().int() }),
  /** Undo an earlier entry (the timer's Ctrl+Z). */
  z.object({ kind: z.literal('undo'), targetSeq: z.number().int() }),
  /**
   * Line-up tool: move the bibs of a block of crossings (from..to, in crossing order, inclusive)
   * one crossing earlier or later. Loses nothing: the crossing the bibs move away from must be
   * time-only at the end the block opens up, so `later` needs `to` without a bib and `earlier`
   * needs `from` without a bib (the core refuses otherwise, with the reason).
   */
  z.object({
    kind: z.literal('shift'),
    fromTapSeq: z.number().int(),
    toTapSeq: z.number().int(),
    direction: z.enum(['earlier', 'later']),
  }),
  /**
   * A bib in crossing order without a time (the chute recorder, or bibs typed after time-only
   * taps). Deterministic by journal order: it takes the oldest (by time) time-only crossing
   * still without a bib; if there is none it waits, and the next time-only tap takes it.
   */
  z.object({ kind: z.literal('order'), bib: Bib }),
]);
export type JournalPayload = z.infer<typeof JournalPayload>;
export type JournalKind = JournalPayload['kind'];

export const JournalEntry = z.object({
  seq: z.number().int().positive(),
  stationId: z.string(),
  /** When the row was committed (ms since epoch), for the audit trail. */
  recordedAt: EpochMs,
  payload: JournalPayload,
});
export type JournalEntry = z.infer<typeof JournalEntry>;

/** The key of one field RunSignup shows for a bib in a result set. */
export interface FieldKey {
  resultSetId: number;
  eventId: number;
  bib: number;
  /** `place`, `clock_time`, `chip_time` or `split-<id>`. */
  field: string;
}
